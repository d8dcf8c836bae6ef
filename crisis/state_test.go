package crisis

import (
	"slices"
	"strings"
	"testing"
	"time"

	"secunion"
)

var t0 = time.Date(2026, 3, 15, 14, 0, 0, 0, time.UTC)

func declared() Incident {
	return Incident{ID: "inc-abcdefghijklmnop", Title: "Livestreamed attack", Description: "A livestream of the attack spreads on many platforms.",
		State: Detected, DeclaredBy: "NZ-DIA", Detected: t0}
}

func TestLifecycle(t *testing.T) {
	inc := declared()
	steps := []struct {
		action Action
		text   string
		want   State
	}{
		{Activate, "", Activated},
		{Note, "200 copies found so far", Activated},
		{Coordinate, "", Coordinated},
		{Deactivate, "volume fell below 10 uploads an hour", Deactivated},
		{Note, "hashes were shared within 20 minutes", Deactivated},
		{Debrief, "share PDQ of the first frame earlier next time", Debriefed},
	}
	for i, s := range steps {
		at := t0.Add(time.Duration(i+1) * time.Minute)
		next, e, err := Next(inc, Step{Action: s.action, Text: s.text, Role: Coordinator, Actor: "EUROPOL", At: at})
		if err != nil {
			t.Fatalf("%s: %v", s.action, err)
		}
		if next.State != s.want || e.From != inc.State || e.To != s.want || !e.At.Equal(at) || e.Actor != "EUROPOL" || e.Note != s.text {
			t.Fatalf("%s: state %s, event %+v", s.action, next.State, e)
		}
		inc = next
	}
	if !inc.Activated.Equal(t0.Add(time.Minute)) || !inc.Coordinated.Equal(t0.Add(3*time.Minute)) || !inc.Deactivated.Equal(t0.Add(4*time.Minute)) ||
		!inc.Debriefed.Equal(t0.Add(6*time.Minute)) || inc.Conclusions == "" {
		t.Errorf("times of the states not kept: %+v", inc)
	}
	if got := Allowed(inc, Coordinator); len(got) != 0 {
		t.Errorf("a debriefed incident still allows %v", got)
	}
}

func TestRefusals(t *testing.T) {
	active := declared()
	active.State = Activated
	cases := []struct {
		name string
		inc  Incident
		step Step
		code secunion.Code
		says string
	}{
		{"a participant activates", declared(), Step{Action: Activate, Role: Member}, secunion.Forbidden, "only Europol or the declaring authority NZ-DIA"},
		{"activated twice", active, Step{Action: Activate, Role: Coordinator}, secunion.Conflict, "is activated: it cannot be activated"},
		{"coordinated before activation", declared(), Step{Action: Coordinate, Role: Coordinator}, secunion.Conflict, "is detected"},
		{"de-activated without a reason", active, Step{Action: Deactivate, Role: Coordinator, Text: "done"}, secunion.Invalid, "say why"},
		{"debriefed while active", active, Step{Action: Debrief, Role: Coordinator, Text: "conclusions written"}, secunion.Conflict, "cannot be debriefed"},
		{"an empty note", active, Step{Action: Note, Role: Member, Text: "  "}, secunion.Invalid, "write the note"},
		{"an unknown action", active, Step{Action: "escalate", Role: Coordinator}, secunion.Invalid, "not one of"},
		{"a note too long", active, Step{Action: Note, Role: Member, Text: strings.Repeat("x", MaxText+1)}, secunion.Invalid, "at most"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, _, err := Next(c.inc, c.step)
			if secunion.CodeOf(err) != c.code || !strings.Contains(secunion.MessageOf(err), c.says) {
				t.Fatalf("got %v, want %s saying %q", err, c.code, c.says)
			}
			if out != c.inc {
				t.Errorf("a refused step changed the incident: %+v", out)
			}
		})
	}
}

func TestAllowedAndRoles(t *testing.T) {
	inc := declared()
	if RoleOf(inc, "NZ-DIA", false) != Coordinator || RoleOf(inc, "EUROPOL", true) != Coordinator || RoleOf(inc, "VIDSHARE", false) != Member {
		t.Error("roles: the declaring authority and Europol coordinate, others participate")
	}
	if got := Allowed(inc, Coordinator); !slices.Equal(got, []Action{Activate, Deactivate, Note}) {
		t.Errorf("a coordinator of a detected incident may %v", got)
	}
	inc.State = Activated
	if got := Allowed(inc, Member); !slices.Equal(got, []Action{Note}) {
		t.Errorf("a participant of an active incident may %v", got)
	}
	if !Activated.Sharing() || !Coordinated.Sharing() || Detected.Sharing() || Deactivated.Sharing() {
		t.Error("sharing is for active incidents only")
	}
}

func TestBankNames(t *testing.T) {
	id := NewID()
	if !strings.HasPrefix(id, "inc-") || len(id) != 20 {
		t.Fatalf("id %q", id)
	}
	bank := Bank(id)
	if got, ok := OfBank(bank); !ok || got != id {
		t.Errorf("OfBank(%q) = %q, %v", bank, got, ok)
	}
	if _, ok := OfBank("tco-removed"); ok {
		t.Error("a TCO bank taken for an incident's")
	}
}

func TestValidate(t *testing.T) {
	inc := Incident{Title: " Attack ", Description: "short"}
	if err := inc.Validate(); !strings.Contains(secunion.MessageOf(err), "description") {
		t.Errorf("a short description: %v", err)
	}
	inc = Incident{Title: "", Description: "a long enough description"}
	if err := inc.Validate(); !strings.Contains(secunion.MessageOf(err), "title") {
		t.Errorf("no title: %v", err)
	}
	for _, bad := range []string{"", "ftp://x.example/a", "not a url", "https:///path"} {
		if _, err := CheckURL(bad); secunion.CodeOf(err) != secunion.Invalid {
			t.Errorf("CheckURL(%q) = %v", bad, err)
		}
	}
	if u, err := CheckURL(" https://vid.example/v/1 "); err != nil || u != "https://vid.example/v/1" {
		t.Errorf("CheckURL: %q %v", u, err)
	}
}
