package crisis

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"secunion"
)

// State is where an incident stands.
type State string

// The states of an incident, in the order of the protocol.
const (
	Detected    State = "detected"    // declared: detected and notified, not yet activated
	Activated   State = "activated"   // the protocol is active: participants are notified and share
	Coordinated State = "coordinated" // the coordinated response (removal) is under way
	Deactivated State = "deactivated" // the volume fell: sharing ends, the debrief runs
	Debriefed   State = "debriefed"   // the debrief's conclusions are recorded: closed
)

// States lists every state in the order of the protocol.
var States = []State{Detected, Activated, Coordinated, Deactivated, Debriefed}

// Sharing reports whether hashes and URLs are shared in state s.
func (s State) Sharing() bool { return s == Activated || s == Coordinated }

// Open reports whether an incident in state s may still change its
// participants and take notes.
func (s State) Open() bool { return s != Debriefed }

// Action is a step in an incident's life.
type Action string

// The actions on an incident. Declare starts it; the others follow.
const (
	Declare    Action = "declare"
	Activate   Action = "activate"
	Coordinate Action = "coordinate"
	Deactivate Action = "deactivate"
	Debrief    Action = "debrief" // the coordinators record the conclusions and close it
	Note       Action = "note"    // any participant writes on the timeline (a debrief note once de-activated)
	// Steps the store records on the timeline beside the state machine's.
	Join       Action = "join"       // a participant was added
	Leave      Action = "leave"      // a participant was removed
	ShareHash  Action = "share-hash" // a hash entered the incident's bank
	ShareURL   Action = "share-url"  // a URL was shared
	Notify     Action = "notify"     // the participants were notified
	PushFailed Action = "push-failed"
)

// Role is the part an authority plays in an incident.
type Role string

// The roles.
const (
	Coordinator Role = "coordinator" // Europol, or the declaring authority
	Member      Role = "participant" // any other participant
)

// rule says who may take an action, from which states, and where it
// leads ("" for nowhere: the state stays).
type rule struct {
	by   []Role
	from []State
	to   State
}

var both = []Role{Coordinator, Member}

// rules is the state machine; any other pair of action and state is
// refused.
var rules = map[Action]rule{
	Activate:   {[]Role{Coordinator}, []State{Detected}, Activated},
	Coordinate: {[]Role{Coordinator}, []State{Activated}, Coordinated},
	Deactivate: {[]Role{Coordinator}, []State{Detected, Activated, Coordinated}, Deactivated},
	Debrief:    {[]Role{Coordinator}, []State{Deactivated}, Debriefed},
	Note:       {both, []State{Detected, Activated, Coordinated, Deactivated}, ""},
}

// Steps lists the actions of the state machine, in the order of the
// protocol.
var Steps = []Action{Activate, Coordinate, Deactivate, Debrief, Note}

// Step is one action on an incident by a participant.
type Step struct {
	Action Action    `json:"action"`
	Text   string    `json:"text,omitempty"`
	Role   Role      `json:"-"` // as the store finds it
	Actor  string    `json:"-"` // authority code
	At     time.Time `json:"-"`
}

// Event is one entry of an incident's timeline.
type Event struct {
	// ID numbers the entry, increasing across incidents, as the store
	// reads it: a reader pages back through a timeline by it.
	ID       int64     `json:"id,omitempty"`
	Incident string    `json:"incident"`
	At       time.Time `json:"at"`
	Action   Action    `json:"action"`
	Actor    string    `json:"actor"` // authority code, or "node"
	From     State     `json:"from,omitempty"`
	To       State     `json:"to,omitempty"`
	Note     string    `json:"note,omitempty"`
}

// RoleOf returns the part authority code of kind europol (or not) plays
// in inc, given that it participates.
func RoleOf(inc Incident, code string, europol bool) Role {
	if europol || code == inc.DeclaredBy {
		return Coordinator
	}
	return Member
}

// Allowed lists the steps role may take on inc now, in the order of the
// protocol: for the buttons of a crisis room.
func Allowed(inc Incident, role Role) []Action {
	var out []Action
	for _, a := range Steps {
		r := rules[a]
		if slices.Contains(r.by, role) && slices.Contains(r.from, inc.State) {
			out = append(out, a)
		}
	}
	return out
}

// Next applies step s to inc and returns the incident after it and the
// event for its timeline; a step the state machine does not allow is
// refused, naming why, and inc is unchanged.
func Next(inc Incident, s Step) (Incident, Event, error) {
	r, ok := rules[s.Action]
	if !ok {
		return inc, Event{}, secunion.Errorf(secunion.Invalid, "incident: action: %q is not one of activate, coordinate, deactivate, debrief, note", secunion.Clip(string(s.Action), 40))
	}
	if !slices.Contains(r.by, s.Role) {
		return inc, Event{}, secunion.Errorf(secunion.Forbidden, "incident %s: only Europol or the declaring authority %s may %s it", inc.ID, inc.DeclaredBy, s.Action)
	}
	if !slices.Contains(r.from, inc.State) {
		return inc, Event{}, secunion.Errorf(secunion.Conflict, "incident %s is %s: it cannot be %s", inc.ID, inc.State, pastTense(s.Action))
	}
	text := strings.TrimSpace(s.Text)
	if len(text) > MaxText || !utf8.ValidString(text) {
		return inc, Event{}, secunion.Errorf(secunion.Invalid, "incident %s: text: at most %d bytes of UTF-8", inc.ID, MaxText)
	}
	switch s.Action {
	case Activate:
		inc.Activated = s.At
	case Coordinate:
		inc.Coordinated = s.At
	case Deactivate:
		if len(text) < 10 {
			return inc, Event{}, secunion.Errorf(secunion.Invalid, "incident %s: text: say why the protocol is de-activated (the volume fell, a false alarm), at least 10 characters", inc.ID)
		}
		inc.Deactivated = s.At
	case Debrief:
		if len(text) < 10 {
			return inc, Event{}, secunion.Errorf(secunion.Invalid, "incident %s: text: give the debrief's conclusions, at least 10 characters", inc.ID)
		}
		inc.Debriefed, inc.Conclusions = s.At, text
	case Note:
		if text == "" {
			return inc, Event{}, secunion.Errorf(secunion.Invalid, "incident %s: text: write the note", inc.ID)
		}
	}
	e := Event{Incident: inc.ID, At: s.At, Action: s.Action, Actor: s.Actor, From: inc.State, To: inc.State, Note: text}
	if r.to != "" {
		inc.State = r.to
	}
	e.To = inc.State
	return inc, e, nil
}

// pastTense names what an action does to an incident, for refusals.
func pastTense(a Action) string {
	switch a {
	case Activate:
		return "activated"
	case Coordinate:
		return "moved to the coordinated response"
	case Deactivate:
		return "de-activated"
	case Debrief:
		return "debriefed"
	case Note:
		return "annotated"
	}
	return string(a)
}
