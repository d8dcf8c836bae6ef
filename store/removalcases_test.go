package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"secunion"
	"secunion/access"
	"secunion/removal"
	"secunion/store"
)

// TestRemovalCases runs complaints, referrals, threat reports, exposure
// decisions and transparency figures on both engines.
func TestRemovalCases(t *testing.T) {
	engines(t, func(t *testing.T, e env) {
		ctx := context.Background()
		clock := secunion.NewFakeClock(time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC))
		db := e.open(t, store.Options{Clock: clock})
		seed(t, db)
		for _, a := range []access.Authority{
			{Code: "FR-OCLCTIC", Name: "OCLCTIC", Country: "FR", Kind: access.KindTCOAuthority},
			{Code: "IE-COIMISIUN", Name: "Coimisiún na Meán", Country: "IE", Kind: access.KindTCOAuthority},
			{Code: "EU-IRU", Name: "EU Internet Referral Unit", Country: "EU", Kind: access.KindEuropol},
			{Code: "FR-PN", Name: "Police nationale", Country: "FR", Kind: access.KindPolice},
			{Code: "VIDSHARE", Name: "VidShare", Country: "IE", Kind: access.KindHostingProvider},
		} {
			if _, err := db.CreateAuthority(ctx, admin, a); err != nil {
				t.Fatal(err)
			}
		}
		as := func(code, kind string) secunion.Actor {
			return secunion.Actor{Login: strings.ToLower(code), Authority: code, AuthorityKind: kind, Roles: []string{access.RoleOfficer}}
		}
		fr, ie, iru, pn, vid := as("FR-OCLCTIC", "tco-authority"), as("IE-COIMISIUN", "tco-authority"), as("EU-IRU", "europol"), as("FR-PN", "police"), as("VIDSHARE", "hosting-provider")
		bpol := actor(t, db, "anna")
		if _, err := db.PutProvider(ctx, admin, removal.Provider{Code: "VIDSHARE", Name: "VidShare", State: "IE"}); err != nil {
			t.Fatal(err)
		}
		issue := func(ref string) removal.Order {
			o, err := db.IssueOrder(ctx, fr, removal.Order{Reference: ref, Provider: "VIDSHARE", Category: removal.Incitement,
				Items:   []removal.Item{{URL: "https://vidshare.example/v/" + ref}},
				Reasons: "Calls for attacks on public transport.", Redress: "Tribunal administratif de Paris.",
				Emergency: true, EmergencyJustification: "Livestream of an attack under way."})
			if err != nil {
				t.Fatal(err)
			}
			return o
		}
		removed := func(ref string) removal.Order {
			o := issue(ref)
			o, err := db.StepOrder(ctx, vid, o.ID, removal.Step{Action: removal.Remove})
			if err != nil {
				t.Fatal(err)
			}
			return o
		}
		a := removed("A")
		removed("B")

		// A complaint upheld reinstates the content, in the order's timeline.
		if _, err := db.RecordComplaint(ctx, fr, a.ID, "The video is news reporting on the attack."); secunion.CodeOf(err) != secunion.Forbidden {
			t.Errorf("a complaint recorded by the issuer: %v", err)
		}
		c, err := db.RecordComplaint(ctx, vid, a.ID, "The video is news reporting on the attack.")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.DecideComplaint(ctx, vid, c.ID, true, "ok"); secunion.CodeOf(err) != secunion.Invalid {
			t.Errorf("an unreasoned decision: %v", err)
		}
		if _, err := db.DecideComplaint(ctx, vid, c.ID, true, "Journalistic context is clear from the caption."); err != nil {
			t.Fatal(err)
		}
		if o, _, _ := db.Order(ctx, fr, a.ID); o.State != removal.Reinstated {
			t.Errorf("after an upheld complaint the order is %s", o.State)
		}
		if cs, _ := db.Complaints(ctx, fr); len(cs) != 1 || !cs[0].Upheld {
			t.Errorf("the issuer's complaints: %+v", cs)
		}

		// Referrals: only from the IRU; assessed once by the provider.
		items := []removal.Item{{URL: "https://vidshare.example/v/r1"}}
		if _, err := db.Refer(ctx, fr, "VIDSHARE", items, "A recruitment video of a listed group."); secunion.CodeOf(err) != secunion.Forbidden {
			t.Errorf("a referral from a national authority: %v", err)
		}
		r, err := db.Refer(ctx, iru, "VIDSHARE", items, "A recruitment video of a listed group.")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.AssessReferral(ctx, vid, r.ID, removal.Taken, "Against our policy."); err != nil {
			t.Fatal(err)
		}
		if _, err := db.AssessReferral(ctx, vid, r.ID, removal.Kept, ""); secunion.CodeOf(err) != secunion.Conflict {
			t.Errorf("assessed twice: %v", err)
		}

		// A threat report reaches French authorities and Europol, not others.
		if _, err := db.ReportThreat(ctx, fr, []string{"FR"}, items, "A user announces an attack tomorrow."); secunion.CodeOf(err) != secunion.Forbidden {
			t.Errorf("a threat report from an authority: %v", err)
		}
		if _, err := db.ReportThreat(ctx, vid, []string{"FR"}, items, "A user announces an attack on a school in Lille tomorrow."); err != nil {
			t.Fatal(err)
		}
		for who, want := range map[string]int{"FR-PN": 1, "EU-IRU": 1, "FR-OCLCTIC": 1, "VIDSHARE": 1, "IE-COIMISIUN": 0} {
			actor := map[string]secunion.Actor{"FR-PN": pn, "EU-IRU": iru, "FR-OCLCTIC": fr, "VIDSHARE": vid, "IE-COIMISIUN": ie}[who]
			if ts, err := db.ThreatReports(ctx, actor); err != nil || len(ts) != want {
				t.Errorf("%s sees %d threat reports, want %d: %v", who, len(ts), want, err)
			}
		}
		if _, err := db.ThreatReports(ctx, bpol); err != nil {
			t.Errorf("a border guard's list: %v", err)
		}

		// Exposure: B is final once 48 hours passed without scrutiny (A was
		// reinstated); a second final order flags the provider.
		if _, err := db.DecideExposure(ctx, fr, "VIDSHARE", true, "Two final orders this year."); secunion.CodeOf(err) != secunion.Forbidden {
			t.Errorf("the issuing State decided exposure: %v", err)
		}
		clock.Advance(49 * time.Hour)
		if _, err := db.DecideExposure(ctx, ie, "VIDSHARE", true, "Two final orders this year."); secunion.CodeOf(err) != secunion.Conflict {
			t.Errorf("designated with one final order: %v", err)
		}
		removed("C")
		clock.Advance(49 * time.Hour)
		st, err := db.Exposures(ctx)
		if err != nil || len(st) != 1 || st[0].FinalOrders != 2 || !st[0].Flagged {
			t.Fatalf("exposures: %+v %v", st, err)
		}
		x, err := db.DecideExposure(ctx, ie, "VIDSHARE", true, "Two final orders in twelve months; measures required.")
		if err != nil || !x.Exposed || x.FinalOrders != 2 {
			t.Fatalf("designation: %+v %v", x, err)
		}

		// Transparency figures.
		p, err := db.ProviderReport(ctx, "VIDSHARE", 2026)
		if err != nil {
			t.Fatal(err)
		}
		if p.Orders != 3 || p.Executed != 3 || p.Complaints != 1 || p.Upheld != 1 || p.Reinstated != 1 || p.Referrals != 1 || p.ReferralRemoved != 1 || p.ThreatReports != 1 {
			t.Errorf("provider report %+v", p)
		}
		if p, _ := db.ProviderReport(ctx, "VIDSHARE", 2025); p.Orders != 0 {
			t.Errorf("2025: %+v", p)
		}
		ar, err := db.AuthorityReport(ctx, "FR-OCLCTIC", 2026)
		if err != nil || ar.Issued != 3 || ar.CrossBorder != 3 || ar.Emergency != 3 || ar.Executed != 3 {
			t.Errorf("authority report %+v %v", ar, err)
		}
		if _, err := db.AuthorityReport(ctx, "FR-PN", 2026); secunion.CodeOf(err) != secunion.Invalid {
			t.Errorf("a police report: %v", err)
		}
	})
}
