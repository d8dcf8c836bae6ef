package removal

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"secunion"
	"secunion/access"
)

var t0 = time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)

var (
	police   = access.Authority{Code: "FR-OCLCTIC", Name: "OCLCTIC", Country: "FR", Kind: access.KindTCOAuthority}
	irish    = access.Authority{Code: "IE-GARDA", Name: "An Garda Síochána", Country: "IE", Kind: access.KindTCOAuthority}
	platform = Provider{Code: "VIDSHARE", Name: "VidShare Ltd", State: "IE", Contact: ContactPoint{Webhook: "https://hooks.vidshare.example/tco", Secret: strings.Repeat("s", 32)}}
)

func sampleOrder() Order {
	return Order{
		Reference: "FR-2026-0001", Provider: platform.Code,
		Items:    []Item{{URL: "https://vidshare.example/v/abc123", Locator: "from 00:42"}},
		Category: Incitement, Reasons: "The video glorifies the attack of 1 May and calls for more.",
		Redress: "Administrative court of Paris, within two months.", DelayNotice: true,
	}
}

// issued returns a cross-border order (FR to a provider in IE) issued at t0.
func issued(t *testing.T) Order {
	t.Helper()
	o, err := Issue(sampleOrder(), police, platform, t0.Add(-13*time.Hour), t0, true)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// step applies a step that must succeed.
func step(t *testing.T, o Order, a Action, p Party, at time.Time, mod ...func(*Step)) Order {
	t.Helper()
	s := Step{Action: a, Party: p, Actor: string(p), At: at, Text: "as the test needs it, reasons given"}
	for _, m := range mod {
		m(&s)
	}
	o, _, err := Next(o, s)
	if err != nil {
		t.Fatalf("%s by %s at %s: %v", a, p, at.Sub(t0), err)
	}
	return o
}

func obstacle(x Obstacle) func(*Step) { return func(s *Step) { s.Obstacle = x } }
func infringement(s *Step)            { s.Infringement = true }

// inState returns an order brought into state s along a lawful path.
func inState(t *testing.T, s State) Order {
	t.Helper()
	o := issued(t)
	m := func(d time.Duration) time.Time { return t0.Add(d * time.Minute) }
	switch s {
	case Issued:
	case Sent:
		o = step(t, o, Deliver, Node, m(1))
	case Received:
		o = step(t, step(t, o, Deliver, Node, m(1)), Acknowledge, Addressee, m(2))
	case CannotComply:
		o = step(t, step(t, o, Deliver, Node, m(1)), Refuse, Addressee, m(2), obstacle(MissingDetails))
	case Removed:
		o = step(t, step(t, o, Deliver, Node, m(1)), Remove, Addressee, m(20))
	case Withdrawn:
		o = step(t, step(t, o, Deliver, Node, m(1)), Withdraw, Issuer, m(5))
	case Annulled:
		o = step(t, step(t, o, Deliver, Node, m(1)), Remove, Addressee, m(20))
		o = step(t, step(t, o, RequestScrutiny, Host, m(30)), DecideScrutiny, Host, m(90), infringement)
	case Reinstated:
		o = step(t, step(t, o, Deliver, Node, m(1)), Remove, Addressee, m(20))
		o = step(t, o, Reinstate, Addressee, m(600))
	default:
		t.Fatalf("no path to %s", s)
	}
	if o.State != s {
		t.Fatalf("path to %s ended in %s", s, o.State)
	}
	return o
}

// lawful gives, for each action, a step meeting its conditions beyond
// the state (a time, a reason) and what it needs of the order.
var lawful = map[Action]struct {
	party   Party
	at      func(o Order) time.Time
	mod     func(*Step)
	prepare func(*Order)
}{
	Deliver:         {Node, nil, nil, nil},
	Push:            {Node, nil, nil, nil},
	Acknowledge:     {Addressee, nil, nil, nil},
	Remove:          {Addressee, nil, nil, nil},
	Refuse:          {Addressee, nil, obstacle(ForceMajeure), nil},
	Clarify:         {Issuer, nil, nil, nil},
	Resume:          {Addressee, nil, nil, func(o *Order) { o.Obstacle = ForceMajeure }},
	Withdraw:        {Issuer, nil, nil, nil},
	Warn:            {Node, func(o Order) time.Time { return o.Deadline }, nil, nil},
	Breach:          {Node, func(o Order) time.Time { return o.Deadline }, nil, nil},
	RequestScrutiny: {Host, nil, nil, func(o *Order) { o.Scrutiny = Scrutiny{} }},
	DecideScrutiny:  {Host, nil, nil, func(o *Order) { o.Scrutiny = Scrutiny{Requested: t0, Due: t0.Add(ScrutinyDue)} }},
	Reinstate:       {Addressee, nil, nil, nil},
	ExtendPreserve:  {Issuer, nil, nil, nil},
	RenewDelay:      {Issuer, nil, nil, nil},
	Inform:          {Addressee, func(Order) time.Time { return t0.Add(NoticeDelay + time.Hour) }, nil, nil},
	Erase:           {Node, func(o Order) time.Time { return o.Preserve }, nil, nil},
}

// TestTransitions tries every action from every state: it is allowed
// exactly where the state machine lists it, and a refused one names the
// state and leaves the order as it was.
func TestTransitions(t *testing.T) {
	if len(lawful) != len(Actions) || len(rules) != len(Actions) {
		t.Fatalf("%d actions, %d rules, %d lawful steps", len(Actions), len(rules), len(lawful))
	}
	for _, a := range Actions {
		for _, s := range States {
			t.Run(string(a)+"/"+string(s), func(t *testing.T) {
				o := inState(t, s)
				l := lawful[a]
				if l.prepare != nil {
					l.prepare(&o)
				}
				at := o.Issued.Add(11 * time.Hour)
				if l.at != nil && !l.at(o).IsZero() {
					at = l.at(o)
				}
				st := Step{Action: a, Party: l.party, Actor: "actor", At: at, Text: "reasons of ten characters or more"}
				if l.mod != nil {
					l.mod(&st)
				}
				got, e, err := Next(o, st)
				allowed := slices.Contains(rules[a].from, s)
				switch {
				case allowed && err != nil:
					t.Fatalf("refused: %v", err)
				case allowed:
					if want := rules[a].to; want != "" && got.State != want && a != DecideScrutiny {
						t.Errorf("state %s, want %s", got.State, want)
					}
					if e.Action != a || e.From != s || e.To != got.State || !e.At.Equal(at) {
						t.Errorf("event %+v", e)
					}
				case secunion.CodeOf(err) != secunion.Conflict || !strings.Contains(err.Error(), "is "+string(s)):
					t.Fatalf("from %s: %v, want a conflict naming the state", s, err)
				case !reflect.DeepEqual(got, o):
					t.Fatalf("a refused step changed the order")
				}
			})
		}
	}
}

// TestWrongParty checks that every action is refused to every party that
// may not take it, whatever the state.
func TestWrongParty(t *testing.T) {
	o := inState(t, Received)
	for _, a := range Actions {
		for _, p := range []Party{Node, Issuer, Addressee, Host, "stranger"} {
			if slices.Contains(rules[a].by, p) {
				continue
			}
			got, _, err := Next(o, Step{Action: a, Party: p, At: t0.Add(time.Hour), Text: "some reasons here"})
			if secunion.CodeOf(err) != secunion.Forbidden || !reflect.DeepEqual(got, o) {
				t.Errorf("%s by %s: %v", a, p, err)
			}
		}
	}
	if _, _, err := Next(o, Step{Action: "delete", Party: Issuer, At: t0}); secunion.CodeOf(err) != secunion.Invalid {
		t.Errorf("unknown action: %v", err)
	}
}

// TestOneHour follows the hour on a fake clock: it starts at receipt,
// the warning comes 15 minutes before the deadline and once, the breach
// at the deadline and once, and a late removal is late by the exact time.
func TestOneHour(t *testing.T) {
	o := step(t, issued(t), Deliver, Node, t0.Add(time.Second))
	rcv := t0.Add(3 * time.Minute)
	o = step(t, o, Acknowledge, Addressee, rcv)
	if !o.Deadline.Equal(rcv.Add(time.Hour)) || !o.Received.Equal(rcv) {
		t.Fatalf("deadline %s after receipt %s", o.Deadline, o.Received)
	}
	if _, _, err := Next(o, Step{Action: Warn, Party: Node, At: rcv.Add(45*time.Minute - time.Millisecond)}); secunion.CodeOf(err) != secunion.Conflict {
		t.Errorf("warned 45 minutes less 1 ms after receipt: %v", err)
	}
	o = step(t, o, Warn, Node, rcv.Add(45*time.Minute))
	if _, _, err := Next(o, Step{Action: Warn, Party: Node, At: rcv.Add(50 * time.Minute)}); secunion.CodeOf(err) != secunion.Conflict {
		t.Errorf("warned twice: %v", err)
	}
	if _, _, err := Next(o, Step{Action: Breach, Party: Node, At: rcv.Add(time.Hour - time.Millisecond)}); secunion.CodeOf(err) != secunion.Conflict {
		t.Errorf("breach 1 ms before the deadline: %v", err)
	}
	o = step(t, o, Breach, Node, rcv.Add(time.Hour+2*time.Second))
	if !o.Breached.Equal(o.Deadline) {
		t.Errorf("breach recorded at %s, deadline %s", o.Breached, o.Deadline)
	}
	if _, _, err := Next(o, Step{Action: Breach, Party: Node, At: rcv.Add(2 * time.Hour)}); secunion.CodeOf(err) != secunion.Conflict {
		t.Errorf("breach recorded twice: %v", err)
	}
	o = step(t, o, Remove, Addressee, rcv.Add(time.Hour+10*time.Minute), func(s *Step) { s.RemovedAt = rcv.Add(time.Hour + 7*time.Minute + 30*time.Second) })
	if o.Late() != 7*time.Minute+30*time.Second {
		t.Errorf("late by %s, want 7m30s", o.Late())
	}
	if !o.Preserve.Equal(o.RemovedAt.Add(Preservation)) {
		t.Errorf("preserved until %s", o.Preserve)
	}

	// On time: not late; a removal time in the future or before issue is refused.
	o = step(t, issued(t), Deliver, Node, t0)
	if _, _, err := Next(o, Step{Action: Remove, Party: Addressee, At: t0.Add(time.Minute), RemovedAt: t0.Add(2 * time.Minute)}); secunion.CodeOf(err) != secunion.Invalid {
		t.Errorf("removal time in the future: %v", err)
	}
	if _, _, err := Next(o, Step{Action: Remove, Party: Addressee, At: t0.Add(time.Minute), RemovedAt: t0.Add(-time.Minute)}); secunion.CodeOf(err) != secunion.Invalid {
		t.Errorf("removal time before issue: %v", err)
	}
	// An answer without acknowledgement is the receipt.
	o = step(t, o, Remove, Addressee, t0.Add(40*time.Minute))
	if !o.Received.Equal(t0.Add(40*time.Minute)) || o.Late() != 0 || !o.Breached.IsZero() {
		t.Errorf("received %s, late %s, breached %s", o.Received, o.Late(), o.Breached)
	}

	// Answered late with no breach recorded yet: the breach is recorded.
	o = step(t, step(t, issued(t), Deliver, Node, t0), Acknowledge, Addressee, t0)
	o = step(t, o, Refuse, Addressee, t0.Add(61*time.Minute), obstacle(ManifestError))
	if !o.Breached.Equal(t0.Add(time.Hour)) {
		t.Errorf("late refusal: breached %s", o.Breached)
	}
}

// TestCannotComply checks that Annex III stops the hour, that the issuer's
// clarification (for errors and missing information) or the provider (for
// force majeure) restarts a full hour, and not the other way round.
func TestCannotComply(t *testing.T) {
	o := step(t, step(t, issued(t), Deliver, Node, t0), Acknowledge, Addressee, t0)
	for _, bad := range []Step{
		{Action: Refuse, Party: Addressee, At: t0.Add(time.Minute), Obstacle: "busy", Text: "we are very busy today"},
		{Action: Refuse, Party: Addressee, At: t0.Add(time.Minute), Obstacle: MissingDetails},
	} {
		if _, _, err := Next(o, bad); secunion.CodeOf(err) != secunion.Invalid {
			t.Errorf("%+v: %v", bad, err)
		}
	}
	missing := step(t, o, Refuse, Addressee, t0.Add(20*time.Minute), obstacle(MissingDetails))
	if !missing.Deadline.IsZero() {
		t.Fatalf("the hour runs on after cannot-comply: %s", missing.Deadline)
	}
	if _, _, err := Next(missing, Step{Action: Breach, Party: Node, At: t0.Add(5 * time.Hour)}); secunion.CodeOf(err) != secunion.Conflict {
		t.Errorf("breach while stopped: %v", err)
	}
	if _, _, err := Next(missing, Step{Action: Resume, Party: Addressee, At: t0.Add(time.Hour)}); secunion.CodeOf(err) != secunion.Conflict {
		t.Errorf("the provider resumed an order it said lacked information: %v", err)
	}
	if _, _, err := Next(missing, Step{Action: Clarify, Party: Issuer, At: t0.Add(time.Hour)}); secunion.CodeOf(err) != secunion.Invalid {
		t.Errorf("clarified with nothing: %v", err)
	}
	back := step(t, missing, Clarify, Issuer, t0.Add(3*time.Hour))
	if back.State != Received || !back.Deadline.Equal(t0.Add(4*time.Hour)) || back.Obstacle != "" {
		t.Errorf("after clarification: %s, deadline %s, obstacle %q", back.State, back.Deadline, back.Obstacle)
	}
	back = step(t, back, Warn, Node, t0.Add(3*time.Hour+45*time.Minute)) // a new hour, a new warning

	force := step(t, o, Refuse, Addressee, t0.Add(10*time.Minute), obstacle(ForceMajeure))
	if _, _, err := Next(force, Step{Action: Clarify, Party: Issuer, At: t0.Add(time.Hour), Text: "here is more"}); secunion.CodeOf(err) != secunion.Conflict {
		t.Errorf("the issuer clarified a force majeure: %v", err)
	}
	force = step(t, force, Resume, Addressee, t0.Add(6*time.Hour))
	if !force.Deadline.Equal(t0.Add(7 * time.Hour)) {
		t.Errorf("after force majeure: deadline %s", force.Deadline)
	}
}

// TestScrutiny checks cross-border scrutiny (Art 4): only for another
// Member State, requested by the provider within 48 hours of receipt or
// by the host authority within 72 hours, decided once with reasons; an
// infringement ends the order and the provider reinstates.
func TestScrutiny(t *testing.T) {
	home, err := Issue(sampleOrder(), irish, platform, t0.Add(-24*time.Hour), t0, true)
	if err != nil {
		t.Fatal(err)
	}
	home = step(t, home, Deliver, Node, t0)
	if _, _, err := Next(home, Step{Action: RequestScrutiny, Party: Addressee, At: t0.Add(time.Hour)}); secunion.CodeOf(err) != secunion.Forbidden && secunion.CodeOf(err) != secunion.Conflict {
		t.Errorf("scrutiny of a domestic order: %v", err)
	}
	if p, ok := PartyOf(&home, irish); p != Issuer || !ok {
		t.Errorf("issuer's party %q", p)
	}
	o := inState(t, Received) // FR to IE
	if p, _ := PartyOf(&o, irish); p != Host {
		t.Errorf("the Irish authority is %q to a French order to an Irish provider", p)
	}
	if _, ok := PartyOf(&o, access.Authority{Code: "DE-BKA", Country: "DE", Kind: access.KindTCOAuthority}); ok {
		t.Error("a third State's authority is a party")
	}
	late := o.Received.Add(ScrutinyWindow + time.Second)
	if _, _, err := Next(o, Step{Action: RequestScrutiny, Party: Addressee, At: late}); secunion.CodeOf(err) != secunion.Conflict {
		t.Errorf("requested after 48 hours: %v", err)
	}
	if _, _, err := Next(o, Step{Action: DecideScrutiny, Party: Host, At: t0.Add(time.Hour), Text: "fine by us all"}); secunion.CodeOf(err) != secunion.Conflict {
		t.Errorf("decided with no request: %v", err)
	}
	o = step(t, o, RequestScrutiny, Addressee, o.Received.Add(47*time.Hour))
	if !o.Scrutiny.Due.Equal(o.Scrutiny.Requested.Add(72 * time.Hour)) {
		t.Errorf("decision due %s", o.Scrutiny.Due)
	}
	if _, _, err := Next(o, Step{Action: RequestScrutiny, Party: Host, At: t0.Add(48 * time.Hour)}); secunion.CodeOf(err) != secunion.Conflict {
		t.Errorf("requested twice: %v", err)
	}
	if _, _, err := Next(o, Step{Action: DecideScrutiny, Party: Host, At: t0.Add(50 * time.Hour), Text: "no"}); secunion.CodeOf(err) != secunion.Invalid {
		t.Errorf("an unreasoned decision: %v", err)
	}
	kept := step(t, o, DecideScrutiny, Host, t0.Add(50*time.Hour))
	if kept.State != Received || kept.Scrutiny.Infringement {
		t.Errorf("no infringement: %s", kept.State)
	}
	ended := step(t, step(t, o, Remove, Addressee, t0.Add(49*time.Hour)), DecideScrutiny, Host, t0.Add(50*time.Hour), infringement)
	if ended.State != Annulled {
		t.Fatalf("infringement: %s", ended.State)
	}
	if _, _, err := Next(ended, Step{Action: Remove, Party: Addressee, At: t0.Add(51 * time.Hour)}); secunion.CodeOf(err) != secunion.Conflict {
		t.Errorf("answered after annulment: %v", err)
	}
	if got := step(t, ended, Reinstate, Addressee, t0.Add(52*time.Hour)); got.State != Reinstated || !got.Reinstated.Equal(t0.Add(52*time.Hour)) {
		t.Errorf("reinstated: %+v", got.Answer)
	}
	// Annulled before removal: nothing to reinstate.
	before := step(t, step(t, inState(t, Received), RequestScrutiny, Host, t0.Add(time.Hour)), DecideScrutiny, Host, t0.Add(2*time.Hour), infringement)
	if _, _, err := Next(before, Step{Action: Reinstate, Party: Addressee, At: t0.Add(3 * time.Hour)}); secunion.CodeOf(err) != secunion.Conflict {
		t.Errorf("reinstated what was never removed: %v", err)
	}
	if _, _, err := Next(inState(t, Sent), Step{Action: RequestScrutiny, Party: Host, At: t0.Add(HostWindow + time.Second)}); secunion.CodeOf(err) != secunion.Conflict {
		t.Errorf("the host scrutinised after 72 hours: %v", err)
	}
}

// TestPreservationAndNotice checks the six months of preservation and
// their extension, and the delay of the content provider's information:
// six weeks, renewable once, enforced on the provider.
func TestPreservationAndNotice(t *testing.T) {
	o := inState(t, Removed)
	end := o.Preserve
	o = step(t, o, ExtendPreserve, Issuer, end.Add(-time.Hour))
	if !o.Preserve.Equal(end.Add(Preservation)) {
		t.Errorf("extended to %s", o.Preserve)
	}
	if _, _, err := Next(o, Step{Action: ExtendPreserve, Party: Issuer, At: o.Preserve, Text: "still needed for the trial"}); secunion.CodeOf(err) != secunion.Conflict {
		t.Errorf("extended after expiry: %v", err)
	}

	if !o.NoticeFrom.Equal(t0.Add(NoticeDelay)) {
		t.Fatalf("notice from %s", o.NoticeFrom)
	}
	if _, _, err := Next(o, Step{Action: Inform, Party: Addressee, At: o.NoticeFrom.Add(-time.Second)}); secunion.CodeOf(err) != secunion.Conflict {
		t.Errorf("told the content provider during the delay: %v", err)
	}
	renewed := step(t, o, RenewDelay, Issuer, t0.Add(40*24*time.Hour))
	if !renewed.NoticeFrom.Equal(t0.Add(2 * NoticeDelay)) {
		t.Errorf("renewed to %s", renewed.NoticeFrom)
	}
	if _, _, err := Next(renewed, Step{Action: RenewDelay, Party: Issuer, At: t0.Add(50 * 24 * time.Hour)}); secunion.CodeOf(err) != secunion.Conflict {
		t.Errorf("renewed twice: %v", err)
	}
	if _, _, err := Next(o, Step{Action: RenewDelay, Party: Issuer, At: o.NoticeFrom}); secunion.CodeOf(err) != secunion.Conflict {
		t.Errorf("renewed after the delay ended: %v", err)
	}
	told := step(t, renewed, Inform, Addressee, renewed.NoticeFrom)
	if _, _, err := Next(told, Step{Action: Inform, Party: Addressee, At: renewed.NoticeFrom.Add(time.Hour)}); secunion.CodeOf(err) != secunion.Conflict {
		t.Errorf("told twice: %v", err)
	}

	undelayed := sampleOrder()
	undelayed.DelayNotice = false
	u, err := Issue(undelayed, police, platform, time.Time{}, t0, false)
	if err != nil || !u.NoticeFrom.Equal(t0) {
		t.Fatalf("no delay: notice from %s, %v", u.NoticeFrom, err)
	}
	if _, _, err := Next(u, Step{Action: RenewDelay, Party: Issuer, At: t0.Add(time.Hour)}); secunion.CodeOf(err) != secunion.Conflict {
		t.Errorf("renewed a delay never asked for: %v", err)
	}
}

// TestWithdrawn checks that nothing but the record of the withdrawal
// happens to a withdrawn order: answers after it are refused.
func TestWithdrawn(t *testing.T) {
	o := inState(t, Received)
	if _, _, err := Next(o, Step{Action: Withdraw, Party: Issuer, At: t0.Add(time.Hour)}); secunion.CodeOf(err) != secunion.Invalid {
		t.Errorf("withdrawn without a reason: %v", err)
	}
	w := step(t, o, Withdraw, Issuer, t0.Add(10*time.Minute))
	if !w.Deadline.IsZero() {
		t.Errorf("the hour runs after withdrawal")
	}
	for _, a := range []Action{Remove, Refuse, Acknowledge, Breach, Warn} {
		got, _, err := Next(w, Step{Action: a, Party: rules[a].by[0], At: t0.Add(2 * time.Hour), Obstacle: ForceMajeure, Text: "it is all gone now"})
		if secunion.CodeOf(err) != secunion.Conflict || !reflect.DeepEqual(got, w) {
			t.Errorf("%s after withdrawal: %v", a, err)
		}
	}
}

// TestErase checks the end of preservation on a fake clock: nothing is
// erased a millisecond before the period (as extended) ends; at its end
// the URLs and every text about the content go, the count of items and
// the times stay, and an order is erased once.
func TestErase(t *testing.T) {
	o := inState(t, Removed)
	o = step(t, o, ExtendPreserve, Issuer, o.Preserve.Add(-time.Hour))
	for _, at := range []time.Time{o.RemovedAt.Add(Preservation), o.Preserve.Add(-time.Millisecond)} {
		if got, _, err := Next(o, Step{Action: Erase, Party: Node, At: at}); secunion.CodeOf(err) != secunion.Conflict || len(got.Items) != 1 {
			t.Errorf("erased at %s, preserved until %s: %v", at, o.Preserve, err)
		}
	}
	if _, _, err := Next(o, Step{Action: Erase, Party: Issuer, At: o.Preserve}); secunion.CodeOf(err) != secunion.Forbidden {
		t.Errorf("the issuer erased: %v", err)
	}
	got, e, err := Next(o, Step{Action: Erase, Party: Node, At: o.Preserve})
	if err != nil {
		t.Fatal(err)
	}
	if got.Items != nil || got.Reasons != "" || got.ErasedItems != 1 || !got.Erased.Equal(o.Preserve) || got.State != Removed {
		t.Errorf("after erasure: items %v, reasons %q, %d items counted, erased %s, %s", got.Items, got.Reasons, got.ErasedItems, got.Erased, got.State)
	}
	if !got.RemovedAt.Equal(o.RemovedAt) || !got.Received.Equal(o.Received) || got.Reference != o.Reference || got.Category != o.Category {
		t.Errorf("erasure lost what the reports need: %+v", got)
	}
	if strings.Contains(e.Note, "vidshare.example") || !strings.Contains(e.Note, "preservation ended") {
		t.Errorf("erasure note %q", e.Note)
	}
	if _, _, err := Next(got, Step{Action: Erase, Party: Node, At: o.Preserve.Add(time.Hour)}); secunion.CodeOf(err) != secunion.Conflict {
		t.Errorf("erased twice: %v", err)
	}
	if _, _, err := Next(inState(t, Withdrawn), Step{Action: Erase, Party: Node, At: o.Preserve}); secunion.CodeOf(err) != secunion.Conflict {
		t.Errorf("erased a withdrawn order: %v", err)
	}

	// Annulled with an Annex III explanation and scrutiny reasons: all go.
	a := inState(t, Annulled)
	a.Explanation = "the URL names a channel"
	a, _, err = Next(a, Step{Action: Erase, Party: Node, At: a.Preserve})
	if err != nil || a.Explanation != "" || a.Scrutiny.Reasons != "" || !a.Scrutiny.Infringement {
		t.Errorf("annulled order after erasure: %+v %v", a, err)
	}
}
