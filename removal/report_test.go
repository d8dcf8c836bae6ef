package removal

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"secunion"
	"secunion/access"
)

// TestComplaint checks the two weeks a provider has to decide a content
// provider's complaint, and that a decision is taken once, with reasons.
func TestComplaint(t *testing.T) {
	if _, err := NewComplaint(ptr(inState(t, Received)), "Our video was news reporting.", t0); secunion.CodeOf(err) != secunion.Conflict {
		t.Errorf("a complaint about nothing removed: %v", err)
	}
	o := inState(t, Removed)
	if _, err := NewComplaint(&o, "unfair", t0); secunion.CodeOf(err) != secunion.Invalid {
		t.Errorf("a complaint of a few letters: %v", err)
	}
	c, err := NewComplaint(&o, "The video is news reporting on the attack, not propaganda.", t0.Add(time.Hour))
	if err != nil || !c.Due.Equal(t0.Add(time.Hour+ComplaintDue)) {
		t.Fatalf("complaint: %+v %v", c, err)
	}
	if c.Late(c.Due) || !c.Late(c.Due.Add(time.Second)) {
		t.Error("late at the wrong time")
	}
	if _, err := c.Decide(true, "ok", t0); secunion.CodeOf(err) != secunion.Invalid {
		t.Errorf("an unreasoned decision: %v", err)
	}
	d, err := c.Decide(true, "Journalistic context is clear from the caption.", c.Due.Add(time.Hour))
	if err != nil || !d.Upheld || !d.Late(t0) {
		t.Fatalf("decided late: %+v %v", d, err)
	}
	if _, err := d.Decide(false, "Second thoughts about it all.", c.Due); secunion.CodeOf(err) != secunion.Conflict {
		t.Errorf("decided twice: %v", err)
	}
}

func ptr[T any](v T) *T { return &v }

// TestReferralAndThreat checks that referrals come from Europol's unit and
// are assessed once, and that threat reports reach the authorities of the
// States concerned and Europol only.
func TestReferralAndThreat(t *testing.T) {
	iru := access.Authority{Code: "EU-IRU", Country: "EU", Kind: access.KindEuropol}
	items := []Item{{URL: "https://vidshare.example/v/7"}}
	if _, err := NewReferral(police, platform, items, "A recruitment video of a listed group.", t0); secunion.CodeOf(err) != secunion.Forbidden {
		t.Errorf("a referral from a national authority: %v", err)
	}
	if _, err := NewReferral(iru, platform, []Item{{URL: "nope"}}, "A recruitment video of a listed group.", t0); secunion.CodeOf(err) != secunion.Invalid || !strings.Contains(err.Error(), "items[0].url") {
		t.Errorf("a referral with a bad URL: %v", err)
	}
	r, err := NewReferral(iru, platform, items, "A recruitment video of a listed group.", t0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Assess("maybe", "", t0); secunion.CodeOf(err) != secunion.Invalid {
		t.Errorf("outcome maybe: %v", err)
	}
	r, err = r.Assess(Taken, "Against our policy on violent organisations.", t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Assess(Kept, "", t0); secunion.CodeOf(err) != secunion.Conflict {
		t.Errorf("assessed twice: %v", err)
	}

	if _, err := NewThreatReport(platform, nil, items, "A user announces an attack tomorrow.", t0); secunion.CodeOf(err) != secunion.Invalid {
		t.Errorf("no state: %v", err)
	}
	if _, err := NewThreatReport(platform, []string{"US"}, items, "A user announces an attack tomorrow.", t0); secunion.CodeOf(err) != secunion.Invalid {
		t.Errorf("a state outside the Union: %v", err)
	}
	th, err := NewThreatReport(platform, []string{"FR", "BE", "FR"}, items, "A user announces an attack on a school in Lille tomorrow.", t0)
	if err != nil || !th.Urgent || len(th.States) != 2 {
		t.Fatalf("threat report: %+v %v", th, err)
	}
	for a, want := range map[access.Authority]bool{
		police: true, iru: true, irish: false,
		{Code: "BE-POL", Country: "BE", Kind: access.KindPolice}:       true,
		{Code: "FR-BPOL", Country: "FR", Kind: access.KindBorderGuard}: false,
	} {
		if th.Receives(a) != want {
			t.Errorf("%s receives: %v", a.Code, !want)
		}
	}
}

// TestReports computes the transparency figures of a provider and of an
// authority over orders in every outcome, and leaves out other years.
func TestReports(t *testing.T) {
	removedLate := inState(t, Received)
	removedLate = step(t, removedLate, Remove, Addressee, removedLate.Deadline.Add(30*time.Minute))
	lastYear := inState(t, Removed)
	lastYear.Issued = lastYear.Issued.AddDate(-1, 0, 0)
	emergency := inState(t, Removed)
	emergency.Emergency = true
	orders := []Order{inState(t, Removed), emergency, removedLate, inState(t, CannotComply), inState(t, Withdrawn), inState(t, Annulled), inState(t, Received), inState(t, Reinstated), lastYear}
	c1, _ := NewComplaint(&orders[0], "The video is news reporting on the attack.", t0)
	c1, _ = c1.Decide(true, "Journalistic context is clear.", t0.Add(time.Hour))
	c2, _ := NewComplaint(&orders[1], "This was satire of the group's propaganda.", t0)
	ref, _ := NewReferral(access.Authority{Code: "EU-IRU", Kind: access.KindEuropol}, platform, []Item{{URL: "https://vidshare.example/v/8"}}, "A recruitment video of a listed group.", t0)
	ref, _ = ref.Assess(Taken, "", t0)
	th, _ := NewThreatReport(platform, []string{"FR"}, []Item{{URL: "https://vidshare.example/v/9"}}, "A user announces an attack tomorrow.", t0)

	p := ProviderFigures(platform.Code, 2026, orders, []Complaint{c1, c2}, []Referral{ref}, []ThreatReport{th}, t0.Add(30*24*time.Hour))
	want := ProviderReport{Provider: platform.Code, Year: 2026, Orders: 8, Executed: 4, ItemsRemoved: 4, WithinHour: 3, Breaches: 1,
		NotExecuted: map[string]int{"missing-information": 1, "withdrawn": 1, "annulled": 1}, Pending: 1, Scrutiny: 1, Infringements: 1,
		Complaints: 2, Upheld: 1, ComplaintsLate: 1, Reinstated: 1, Referrals: 1, ReferralRemoved: 1, ThreatReports: 1}
	p.MedianToRemoval, want.MedianToRemoval = 0, 0
	if got := p; !reflect.DeepEqual(got, want) {
		t.Errorf("provider report\n got %+v\nwant %+v", got, want)
	}
	a := AuthorityFigures(police.Code, 2026, orders, orders)
	if a.Issued != 8 || a.CrossBorder != 8 || a.Emergency != 1 || a.Executed != 4 || a.NotExecuted != 3 || a.Pending != 1 || a.Breaches != 1 {
		t.Errorf("authority report %+v", a)
	}
	if h := AuthorityFigures("host", 2026, nil, orders); h.Scrutinised != 1 || h.Infringements != 1 {
		t.Errorf("as host: %+v", h)
	}
	if m := ProviderFigures(platform.Code, 2026, []Order{removedLate}, nil, nil, nil, t0).MedianToRemoval; m != 90 {
		t.Errorf("median minutes to removal %v, want 90", m)
	}
}

// TestByProvider adds up orders per provider, sorted by code, and counts
// the items of an order whose content reference was erased.
func TestByProvider(t *testing.T) {
	other := inState(t, CannotComply)
	other.Provider = "PICBOARD"
	erased := step(t, inState(t, Received), Remove, Addressee, t0.Add(20*time.Minute)) // 18 minutes after receipt
	erased, _, err := Next(erased, Step{Action: Erase, Party: Node, At: erased.Preserve})
	if err != nil {
		t.Fatal(err)
	}
	got := ByProvider([]Order{inState(t, Received), erased, other, inState(t, Withdrawn)})
	want := []ProviderOutcome{
		{Provider: "PICBOARD", Orders: 1, NotExecuted: 1},
		{Provider: platform.Code, Orders: 3, Executed: 1, WithinHour: 1, MedianToRemoval: 18, NotExecuted: 1, Pending: 1},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("per provider\n got %+v\nwant %+v", got, want)
	}
	if erased.ItemCount() != 1 || len(erased.Items) != 0 {
		t.Errorf("an erased order counts %d items, holds %v", erased.ItemCount(), erased.Items)
	}
	if p := ProviderFigures(platform.Code, 2026, []Order{erased}, nil, nil, nil, t0); p.ItemsRemoved != 1 {
		t.Errorf("items removed of an erased order: %d", p.ItemsRemoved)
	}
}
