package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"secunion"
	"secunion/access"
	"secunion/alerts"
	"secunion/audit"
	"secunion/store"
)

// partnerHub extends hub: ANSSI reads the collection too, and New
// Zealand's police reads it under agreement eu-nz (indicators up to
// TLP:GREEN) and a second collection under eu-nz-b. It returns DE-CERT's
// view, the partner's actor and the second collection's id.
func partnerHub(t *testing.T, db *store.DB, clock *secunion.FakeClock) (secunion.Actor, store.HubView, secunion.Actor, string) {
	t.Helper()
	ctx := context.Background()
	de, decl, v := hub(t, db)
	for _, a := range []access.Authority{
		{Code: "FR-ANSSI", Name: "ANSSI", Country: "FR", Kind: access.KindCSIRT},
		{Code: "NZ-POLICE", Name: "New Zealand Police", Country: "XX", Kind: access.KindPartner},
	} {
		if _, err := db.CreateAuthority(ctx, admin, a); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.PutAlertGroup(ctx, admin, alerts.Group{Name: "cyber", Members: []string{"DE-CERT", "FR-ANSSI", "NZ-POLICE"}}); err != nil {
		t.Fatal(err)
	}
	other, err := db.PutAlertCollection(ctx, admin, alerts.Collection{Title: "Other", Readers: "cyber", Writers: "cyber", DefaultTLP: alerts.TLPGreen})
	if err != nil {
		t.Fatal(err)
	}
	for id, col := range map[string]string{"eu-nz": v.Collection.ID, "eu-nz-b": other.ID} {
		if _, err := db.PutAgreement(ctx, admin, alerts.Agreement{ID: id, Title: "EU–NZ " + id, Partner: "NZ-POLICE",
			Purposes: []secunion.Purpose{secunion.PurposeAlertSharing}, Types: []string{"indicator"}, MaxTLP: alerts.TLPGreen,
			Collections: []string{col}, Review: clock.Now().AddDate(1, 0, 0)}); err != nil {
			t.Fatal(err)
		}
	}
	if v, err = db.AlertView(ctx, de, decl, v.Collection.ID); err != nil {
		t.Fatal(err)
	}
	nz := secunion.Actor{Login: "liaison", Authority: "NZ-POLICE", AuthorityKind: string(access.KindPartner), Roles: []string{access.RoleOfficer}}
	return de, v, nz, other.ID
}

func indicatorJSON(n int, marking string, extra string) []byte {
	return fmt.Appendf(nil, `{"type":"indicator","spec_version":"2.1","id":"indicator--6b8e2c5a-1f0d-4c3b-9a7e-%012d","created":"2026-11-20T10:00:00.000Z","modified":"2026-11-20T10:00:00.000Z",`+
		`"name":"C2 %d","description":"seen twice","pattern":"[ipv4-addr:value = '198.51.100.%d']","pattern_type":"stix","valid_from":"2026-11-20T10:00:00Z","object_marking_refs":["%s"]%s}`, n, n, n, marking, extra)
}

func addJSON(t *testing.T, db *store.DB, actor secunion.Actor, v store.HubView, raws ...[]byte) {
	t.Helper()
	ctx := context.Background()
	var objs []alerts.Object
	for _, raw := range raws {
		o, err := alerts.ParseObject(raw)
		if err != nil {
			t.Fatal(err)
		}
		objs = append(objs, o)
	}
	st, err := db.AddAlertObjects(ctx, actor, access.Declaration{Purpose: secunion.PurposeAlertSharing}, v, objs, nil)
	if err != nil || st.FailureCount > 0 {
		t.Fatalf("add: %v %+v", err, st.Failures)
	}
}

// TestAlertAudience: the origin learns what each reader and each partner
// under each agreement would receive of an object version, without its
// content; another reader is refused the same way whether the object
// exists or not, and the refusal is audited.
func TestAlertAudience(t *testing.T) {
	engines(t, func(t *testing.T, e env) {
		db := e.open(t, store.Options{})
		seed(t, db)
		ctx := context.Background()
		de, v, nz, _ := partnerHub(t, db, e.clock)
		green := alerts.TLPMarkingID(alerts.TLPGreen)
		granular := fmt.Sprintf(`,"granular_markings":[{"marking_ref":"%s","selectors":["description"]}]`, alerts.TLPMarkingID(alerts.TLPRed))
		addJSON(t, db, de, v, indicatorJSON(1, green, granular), indicatorJSON(2, alerts.TLPMarkingID(alerts.TLPAmber), ""))
		decl := access.Declaration{Purpose: secunion.PurposeAlertSharing}
		id := "indicator--6b8e2c5a-1f0d-4c3b-9a7e-000000000001"
		reach, err := db.AlertAudience(ctx, de, decl, v.Collection.ID, id, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]store.Reach{}
		for _, r := range reach {
			got[r.Authority+" "+r.Agreement] = r
		}
		if len(reach) != 3 || got["DE-CERT "].Withheld != "" || got["DE-CERT "].Redacted != nil ||
			!slices.Equal(got["FR-ANSSI "].Redacted, []string{"description"}) ||
			!slices.Equal(got["NZ-POLICE eu-nz"].Redacted, []string{"description"}) || !got["NZ-POLICE eu-nz"].Partner {
			t.Errorf("audience of indicator 1: %+v", reach)
		}
		reach, err = db.AlertAudience(ctx, de, decl, v.Collection.ID, "indicator--6b8e2c5a-1f0d-4c3b-9a7e-000000000002", time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range reach {
			if r.Authority == "NZ-POLICE" && !strings.Contains(r.Withheld, "TLP:AMBER") {
				t.Errorf("the partner is not refused the TLP:AMBER indicator: %+v", r)
			}
		}
		// The version asked for, not the latest.
		if _, err := db.AlertAudience(ctx, de, decl, v.Collection.ID, id, time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)); err != nil {
			t.Errorf("audience of a named version: %v", err)
		}

		fr := secunion.Actor{Login: "analyste", Authority: "FR-ANSSI", AuthorityKind: string(access.KindCSIRT), Roles: []string{access.RoleOfficer}}
		_, held := db.AlertAudience(ctx, fr, decl, v.Collection.ID, id, time.Time{})
		_, absent := db.AlertAudience(ctx, fr, decl, v.Collection.ID, "indicator--6b8e2c5a-1f0d-4c3b-9a7e-000000000099", time.Time{})
		if secunion.CodeOf(held) != secunion.Forbidden || secunion.MessageOf(held) != secunion.MessageOf(absent) {
			t.Errorf("another reader: %v; for an absent object: %v; want the same refusal", held, absent)
		}
		// A partner that added an object learns nothing of the groups
		// and agreements either.
		nv, err := db.AlertView(ctx, nz, decl, v.Collection.ID)
		if err != nil {
			t.Fatal(err)
		}
		addJSON(t, db, nz, nv, indicatorJSON(7, green, ""))
		if _, err := db.AlertAudience(ctx, nz, decl, v.Collection.ID, "indicator--6b8e2c5a-1f0d-4c3b-9a7e-000000000007", time.Time{}); secunion.CodeOf(err) != secunion.Forbidden {
			t.Errorf("the partner asks who may see its own object: %v", err)
		}
		if _, err := db.AlertAudience(ctx, admin, decl, v.Collection.ID, "indicator--6b8e2c5a-1f0d-4c3b-9a7e-000000000099", time.Time{}); secunion.CodeOf(err) != secunion.NotFound {
			t.Errorf("the hub's operator asks about an absent object: %v", err)
		}
		dpo := actor(t, db, "dpo")
		entries, err := db.SearchAudit(ctx, dpo, access.Declaration{Purpose: secunion.PurposeSupervision}, store.AuditFilter{Authority: "FR-ANSSI", Operation: string(audit.OpAccessDenied)})
		if err != nil || len(entries) != 2 {
			t.Errorf("refusals audited: %d, %v; want 2", len(entries), err)
		}
	})
}

// TestAgreementDisclosures: the disclosures under an agreement are the
// partner's reads under it and no others, newest first, paged; the hub's
// administrators and supervisors read them (audited), an officer does not.
func TestAgreementDisclosures(t *testing.T) {
	engines(t, func(t *testing.T, e env) {
		db := e.open(t, store.Options{})
		seed(t, db)
		ctx := context.Background()
		de, v, nz, otherID := partnerHub(t, db, e.clock)
		green := alerts.TLPMarkingID(alerts.TLPGreen)
		addJSON(t, db, de, v, indicatorJSON(1, green, ""), indicatorJSON(2, green, ""))
		decl := access.Declaration{Purpose: secunion.PurposeAlertSharing}
		other, err := db.AlertView(ctx, de, decl, otherID)
		if err != nil {
			t.Fatal(err)
		}
		addJSON(t, db, de, other, indicatorJSON(3, green, ""))
		read := func(collection, id string) {
			t.Helper()
			pv, err := db.AlertView(ctx, nz, decl, collection)
			if err != nil {
				t.Fatal(err)
			}
			p, err := db.AlertObjects(ctx, nz, decl, pv, alerts.Filter{IDs: []string{id}, Versions: []string{"last"}, Limit: 10}, "")
			if err != nil || len(p.Objects) != 1 {
				t.Fatalf("the partner reads %s: %d objects, %v", id, len(p.Objects), err)
			}
		}
		ind := func(n int) string { return fmt.Sprintf("indicator--6b8e2c5a-1f0d-4c3b-9a7e-%012d", n) }
		read(v.Collection.ID, ind(1))
		read(otherID, ind(3))
		read(v.Collection.ID, ind(2))

		root := actor(t, db, "root")
		adminDecl := access.Declaration{Purpose: secunion.PurposeAdministration}
		got, next, err := db.AgreementDisclosures(ctx, root, adminDecl, "eu-nz", 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		var objects []string
		for _, e := range got {
			objects = append(objects, strings.Join(e.Objects, ","))
			if e.Authority != "NZ-POLICE" || !slices.Equal(e.Recipients, []string{"NZ-POLICE"}) {
				t.Errorf("a disclosure not to the partner: %+v", e)
			}
		}
		want := []string{"stix:" + ind(2) + "@2026-11-20T10:00:00.000Z", "stix:" + ind(1) + "@2026-11-20T10:00:00.000Z"}
		if !slices.Equal(objects, want) || next != 0 {
			t.Errorf("disclosures under eu-nz: %v, next %d; want %v and no more", objects, next, want)
		}
		page1, next, err := db.AgreementDisclosures(ctx, root, adminDecl, "eu-nz", 0, 1)
		if err != nil || len(page1) != 1 || next == 0 {
			t.Fatalf("a page of one: %d, next %d, %v", len(page1), next, err)
		}
		page2, next, err := db.AgreementDisclosures(ctx, root, adminDecl, "eu-nz", next, 1)
		if err != nil || len(page2) != 1 || page2[0].Seq >= page1[0].Seq || !slices.Equal(page2[0].Objects, got[1].Objects) {
			t.Errorf("the second page of one: %+v, next %d, %v", page2, next, err)
		}
		dpo := actor(t, db, "dpo")
		supervision := access.Declaration{Purpose: secunion.PurposeSupervision}
		if b, _, err := db.AgreementDisclosures(ctx, dpo, supervision, "eu-nz-b", 0, 10); err != nil || len(b) != 1 || b[0].Objects[0] != "stix:"+ind(3)+"@2026-11-20T10:00:00.000Z" {
			t.Errorf("the supervisor reads eu-nz-b: %+v, %v", b, err)
		}
		consultations, err := db.SearchAudit(ctx, dpo, supervision, store.AuditFilter{Operation: string(audit.OpConsultation), Purpose: "administration"})
		if err != nil || len(consultations) != 3 || consultations[0].Objects[0] != "agreement:eu-nz" {
			t.Errorf("the administrator's readings audited: %+v, %v; want 3", consultations, err)
		}
		for name, try := range map[string]struct {
			who  secunion.Actor
			decl access.Declaration
		}{"an officer": {de, decl}, "an administrator for another purpose": {root, supervision}, "a supervisor for administration": {dpo, adminDecl}} {
			if _, _, err := db.AgreementDisclosures(ctx, try.who, try.decl, "eu-nz", 0, 10); secunion.CodeOf(err) != secunion.Forbidden {
				t.Errorf("%s reads the disclosures: %v", name, err)
			}
		}
		if _, _, err := db.AgreementDisclosures(ctx, root, adminDecl, "no-such", 0, 10); secunion.CodeOf(err) != secunion.NotFound {
			t.Errorf("an unknown agreement: %v", err)
		}
	})
}
