package removal

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"secunion"
	"secunion/access"
)

// State is where a removal order stands.
type State string

// The states of an order. Withdrawn, annulled and reinstated are final;
// removed is final unless a complaint or scrutiny reverses it.
const (
	Issued       State = "issued"        // accepted, not yet delivered
	Sent         State = "sent"          // pushed to the webhook or waiting in the inbox
	Received     State = "received"      // acknowledged or fetched: the hour runs
	CannotComply State = "cannot-comply" // Annex III: the hour stops
	Removed      State = "removed"       // Annex II: removed or disabled in every Member State
	Withdrawn    State = "withdrawn"     // the issuer took it back
	Annulled     State = "annulled"      // scrutiny found an infringement (Art 4(4))
	Reinstated   State = "reinstated"    // the content is back after annulment or an upheld complaint
)

// States lists every state.
var States = []State{Issued, Sent, Received, CannotComply, Removed, Withdrawn, Annulled, Reinstated}

// The deadlines of the Regulation.
const (
	OneHour        = time.Hour               // from receipt to removal (Art 3(3))
	WarnBefore     = 15 * time.Minute        // the watcher warns this long before the deadline
	NoticeLead     = 12 * time.Hour          // procedure information before a first order (Art 3(2))
	ScrutinyWindow = 48 * time.Hour          // to request scrutiny after receipt (Art 4(2))
	HostWindow     = 72 * time.Hour          // for the host State to scrutinise of its own motion (Art 4(3))
	ScrutinyDue    = 72 * time.Hour          // for the scrutiny decision (Art 4(4))
	Preservation   = 6 * 30 * 24 * time.Hour // removed content kept six months (Art 6(2)), extendable
	NoticeDelay    = 6 * 7 * 24 * time.Hour  // telling the content provider delayed six weeks, once renewable (Art 11(3))
)

// Obstacle is why a provider cannot comply (Annex III).
type Obstacle string

// The reasons of Annex III.
const (
	ForceMajeure   Obstacle = "force-majeure"       // force majeure or de facto impossibility not attributable to the provider
	ManifestError  Obstacle = "manifest-error"      // the order contains manifest errors
	MissingDetails Obstacle = "missing-information" // the order lacks information needed to execute it
)

// Clock is the one-hour rule of an order.
type Clock struct {
	Sent     time.Time `json:"sent,omitzero"`     // first delivered or put in the inbox
	Received time.Time `json:"received,omitzero"` // acknowledged or first fetched
	Started  time.Time `json:"started,omitzero"`  // when the hour last started: receipt, clarification or the end of an obstacle
	Deadline time.Time `json:"deadline,omitzero"` // zero while stopped or done
	Warned   time.Time `json:"warned,omitzero"`   // the warning before the deadline
	Breached time.Time `json:"breached,omitzero"` // the deadline passed with no answer
}

// Answer is the provider's answer to an order, and what became of the
// content after it.
type Answer struct {
	Answered    time.Time `json:"answered,omitzero"`
	RemovedAt   time.Time `json:"removed_at,omitzero"` // Annex II: when the content was removed or disabled
	Obstacle    Obstacle  `json:"obstacle,omitempty"`  // Annex III
	Explanation string    `json:"explanation,omitempty"`
	Informed    time.Time `json:"informed,omitzero"` // the content provider was told (Art 11)
	Reinstated  time.Time `json:"reinstated,omitzero"`
	// Erased is when the preservation period ended and the node deleted
	// the content reference and the text about the content (Art 6(2));
	// ErasedItems keeps how many items the order named, for the
	// transparency reports.
	Erased      time.Time `json:"erased,omitzero"`
	ErasedItems int       `json:"erased_items,omitempty"`
}

// Late returns how long after its deadline the content came down: zero
// when on time or not yet removed.
func (o *Order) Late() time.Duration {
	if o.RemovedAt.IsZero() || o.Deadline.IsZero() || !o.RemovedAt.After(o.Deadline) {
		return 0
	}
	return o.RemovedAt.Sub(o.Deadline)
}

// Scrutiny is the review of a cross-border order by the competent
// authority of the provider's Member State (Art 4).
type Scrutiny struct {
	Requested    time.Time `json:"requested,omitzero"`
	RequestedBy  string    `json:"requested_by,omitempty"` // the provider, or the host authority of its own motion
	Due          time.Time `json:"due,omitzero"`
	Decided      time.Time `json:"decided,omitzero"`
	DecidedBy    string    `json:"decided_by,omitempty"`
	Infringement bool      `json:"infringement,omitempty"`
	Reasons      string    `json:"reasons,omitempty"`
}

// Action is a step in an order's life.
type Action string

// The actions on an order.
const (
	Deliver         Action = "deliver"          // the node: the order is in the provider's inbox
	Push            Action = "push"             // the node: the webhook took the order, without acknowledging it
	Acknowledge     Action = "acknowledge"      // the provider: receipt, by acknowledgement or first fetch
	Remove          Action = "remove"           // the provider: Annex II
	Refuse          Action = "cannot-comply"    // the provider: Annex III
	Clarify         Action = "clarify"          // the issuer: the information the provider lacked; the hour restarts
	Resume          Action = "resume"           // the provider: the force majeure is over; the hour restarts
	Withdraw        Action = "withdraw"         // the issuer
	Warn            Action = "warn"             // the node: the deadline is near
	Breach          Action = "breach"           // the node: the deadline passed
	RequestScrutiny Action = "request-scrutiny" // the provider (for itself or the content provider) or the host authority
	DecideScrutiny  Action = "decide-scrutiny"  // the host authority
	Reinstate       Action = "reinstate"        // the provider: content back after annulment or an upheld complaint
	ExtendPreserve  Action = "extend-preservation"
	RenewDelay      Action = "renew-notice-delay" // the issuer: six more weeks before the content provider is told
	Inform          Action = "inform"             // the provider: the content provider was told
	Erase           Action = "erase"              // the node: the preservation period ended (Art 6(2))
)

// Party is the part an actor plays for an order.
type Party string

// The parties to an order.
const (
	Node      Party = "node"     // secunion itself: delivery, the deadline watcher and the end of preservation
	Issuer    Party = "issuer"   // the issuing authority
	Addressee Party = "provider" // the provider the order is addressed to
	Host      Party = "host"     // a competent authority of the provider's Member State, for a cross-border order
)

// rule says who may take an action and from which states, and where it
// leads ("" for nowhere: the state stays).
type rule struct {
	by   []Party
	from []State
	to   State
}

// rules is the state machine. Every pair of action and state not listed
// is refused.
var rules = map[Action]rule{
	Deliver:         {[]Party{Node}, []State{Issued}, Sent},
	Push:            {[]Party{Node}, []State{Sent, Received, CannotComply, Removed}, ""},
	Acknowledge:     {[]Party{Addressee}, []State{Sent}, Received},
	Remove:          {[]Party{Addressee}, []State{Sent, Received, CannotComply}, Removed},
	Refuse:          {[]Party{Addressee}, []State{Sent, Received}, CannotComply},
	Clarify:         {[]Party{Issuer}, []State{CannotComply}, Received},
	Resume:          {[]Party{Addressee}, []State{CannotComply}, Received},
	Withdraw:        {[]Party{Issuer}, []State{Issued, Sent, Received, CannotComply}, Withdrawn},
	Warn:            {[]Party{Node}, []State{Received}, ""},
	Breach:          {[]Party{Node}, []State{Received}, ""},
	RequestScrutiny: {[]Party{Addressee, Host}, []State{Sent, Received, CannotComply, Removed}, ""},
	DecideScrutiny:  {[]Party{Host}, []State{Sent, Received, CannotComply, Removed}, ""},
	Reinstate:       {[]Party{Addressee}, []State{Removed, Annulled}, Reinstated},
	ExtendPreserve:  {[]Party{Issuer}, []State{Removed, Annulled, Reinstated}, ""},
	RenewDelay:      {[]Party{Issuer}, []State{Issued, Sent, Received, CannotComply, Removed}, ""},
	Inform:          {[]Party{Addressee}, []State{Removed}, ""},
	Erase:           {[]Party{Node}, []State{Removed, Annulled, Reinstated}, ""},
}

// Actions lists every action.
var Actions = []Action{Deliver, Push, Acknowledge, Remove, Refuse, Clarify, Resume, Withdraw, Warn, Breach,
	RequestScrutiny, DecideScrutiny, Reinstate, ExtendPreserve, RenewDelay, Inform, Erase}

// Step is one action on an order, by an actor, at a time.
type Step struct {
	Action Action
	Party  Party     // as PartyOf tells
	Actor  string    // authority code, or the node's name
	At     time.Time // now, from the caller's clock
	// RemovedAt is when the content came down (Remove; zero: At).
	RemovedAt time.Time
	// Obstacle and Text: the Annex III reason and its explanation
	// (Refuse), the clarification (Clarify), the reasons of a scrutiny
	// decision (DecideScrutiny), of a reinstatement, of a withdrawal or of
	// an extension.
	Obstacle     Obstacle
	Text         string
	Infringement bool // DecideScrutiny: the order infringes the Regulation or fundamental rights
}

// Event is one entry of an order's timeline.
type Event struct {
	Order  string    `json:"order"`
	At     time.Time `json:"at"`
	Action Action    `json:"action"`
	Party  Party     `json:"party"`
	Actor  string    `json:"actor"`
	From   State     `json:"from"`
	To     State     `json:"to"`
	Note   string    `json:"note,omitempty"`
}

// PartyOf returns the part an authority plays for an order, if any: its
// issuer, its addressee, or a competent authority of the provider's
// Member State when that is not the issuer's.
func PartyOf(o *Order, a access.Authority) (Party, bool) {
	switch {
	case a.Code == o.Issuer:
		return Issuer, true
	case a.Code == o.Provider:
		return Addressee, true
	case a.Kind == access.KindTCOAuthority && a.Country == o.ProviderState && o.CrossBorder():
		return Host, true
	}
	return "", false
}

const maxNote = 2000

// Next applies step to o and returns the order after it and the event to
// record; it refuses a step that the state machine or a deadline does not
// allow, naming why, and then o is unchanged.
func Next(o Order, s Step) (Order, Event, error) {
	r, ok := rules[s.Action]
	if !ok {
		return o, Event{}, secunion.Errorf(secunion.Invalid, "removal order: unknown action %q", s.Action)
	}
	if !slices.Contains(r.by, s.Party) {
		return o, Event{}, secunion.Errorf(secunion.Forbidden, "removal order %s: %s may not %s it", o.ID, partyName(s.Party), s.Action)
	}
	if !slices.Contains(r.from, o.State) {
		return o, Event{}, secunion.Errorf(secunion.Conflict, "removal order %s is %s: it cannot be %s", o.ID, o.State, pastTense(s.Action))
	}
	if len(s.Text) > maxNote || !utf8.ValidString(s.Text) {
		return o, Event{}, secunion.Errorf(secunion.Invalid, "removal order %s: text: at most %d bytes of UTF-8", o.ID, maxNote)
	}
	e := Event{Order: o.ID, At: s.At, Action: s.Action, Party: s.Party, Actor: s.Actor, From: o.State, To: o.State, Note: strings.TrimSpace(s.Text)}
	if err := apply(&o, s, &e); err != nil {
		return o, Event{}, err
	}
	if r.to != "" {
		o.State = r.to
	}
	e.To = o.State
	return o, e, nil
}

// apply checks the conditions of one action beyond its states and changes
// o; o is a copy, dropped on error.
func apply(o *Order, s Step, e *Event) error {
	at := s.At
	refuse := func(code secunion.Code, format string, args ...any) error {
		return secunion.Errorf(code, "removal order %s: "+format, append([]any{o.ID}, args...)...)
	}
	receive := func() {
		if o.Received.IsZero() {
			o.Received = at
			o.Started, o.Deadline = at, at.Add(OneHour)
		}
	}
	switch s.Action {
	case Deliver:
		o.Sent = at
	case Push:
		e.Note = joinNote("pushed to the webhook", e.Note)
	case Acknowledge:
		receive()
	case Remove:
		receive()
		when := s.RemovedAt
		if when.IsZero() {
			when = at
		}
		if when.After(at) || when.Before(o.Issued) {
			return refuse(secunion.Invalid, "removed_at: %s is not between the order's issue (%s) and now", when.Format(time.RFC3339), o.Issued.Format(time.RFC3339))
		}
		lateAnswer(o, at)
		o.Answered, o.RemovedAt = at, when
		o.Preserve = when.Add(Preservation)
		e.Note = joinNote("removed or disabled at "+when.Format(time.RFC3339), e.Note)
	case Refuse:
		switch s.Obstacle {
		case ForceMajeure, ManifestError, MissingDetails:
		default:
			return refuse(secunion.Invalid, "obstacle: %q is not force-majeure, manifest-error or missing-information (Annex III)", s.Obstacle)
		}
		if len(strings.TrimSpace(s.Text)) < 10 {
			return refuse(secunion.Invalid, "explanation: say why the order cannot be executed, at least 10 characters (Annex III)")
		}
		receive()
		lateAnswer(o, at)
		o.Deadline = time.Time{} // the hour stops
		o.Answered, o.Obstacle, o.Explanation = at, s.Obstacle, e.Note
		e.Note = joinNote(string(s.Obstacle), e.Note)
	case Clarify:
		if o.Obstacle == ForceMajeure {
			return refuse(secunion.Conflict, "the provider cited force majeure; the hour restarts when the provider says it is over")
		}
		if strings.TrimSpace(s.Text) == "" {
			return refuse(secunion.Invalid, "text: give the clarification the provider needs")
		}
		restart(o, at)
	case Resume:
		if o.Obstacle != ForceMajeure {
			return refuse(secunion.Conflict, "the provider cited %s; only the issuer's clarification restarts the hour", o.Obstacle)
		}
		restart(o, at)
	case Withdraw:
		if strings.TrimSpace(s.Text) == "" {
			return refuse(secunion.Invalid, "text: give the reason for the withdrawal")
		}
		o.Deadline = time.Time{}
	case Warn:
		switch {
		case o.Deadline.IsZero():
			return refuse(secunion.Conflict, "the hour is not running")
		case at.Before(o.Deadline.Add(-WarnBefore)):
			return refuse(secunion.Conflict, "no warning before %s", o.Deadline.Add(-WarnBefore).Format(time.RFC3339))
		case !o.Warned.IsZero() && !o.Warned.Before(o.Started):
			return refuse(secunion.Conflict, "already warned at %s", o.Warned.Format(time.RFC3339))
		}
		o.Warned = at
		e.Note = "deadline " + o.Deadline.Format(time.RFC3339) + ", " + o.Deadline.Sub(at).Round(time.Second).String() + " left"
	case Breach:
		switch {
		case o.Deadline.IsZero():
			return refuse(secunion.Conflict, "the hour is not running")
		case at.Before(o.Deadline):
			return refuse(secunion.Conflict, "the deadline %s has not passed", o.Deadline.Format(time.RFC3339))
		case !o.Breached.IsZero() && !o.Breached.Before(o.Started):
			return refuse(secunion.Conflict, "the breach was recorded at %s", o.Breached.Format(time.RFC3339))
		}
		o.Breached = o.Deadline
		e.Note = "deadline " + o.Deadline.Format(time.RFC3339) + " passed; recorded " + at.Sub(o.Deadline).Round(time.Millisecond).String() + " after it"
	case RequestScrutiny:
		switch {
		case !o.CrossBorder():
			return refuse(secunion.Conflict, "the provider is established in the issuing State: no cross-border scrutiny (Art 4)")
		case !o.Scrutiny.Requested.IsZero():
			return refuse(secunion.Conflict, "scrutiny was requested at %s", o.Scrutiny.Requested.Format(time.RFC3339))
		case s.Party == Addressee && (o.Received.IsZero() || at.After(o.Received.Add(ScrutinyWindow))):
			return refuse(secunion.Conflict, "scrutiny may be requested within 48 hours of receipt (Art 4(2))")
		case s.Party == Host && at.After(o.Issued.Add(HostWindow)):
			return refuse(secunion.Conflict, "the host State may scrutinise within 72 hours of receiving its copy (Art 4(3))")
		}
		o.Scrutiny = Scrutiny{Requested: at, RequestedBy: s.Actor, Due: at.Add(ScrutinyDue)}
		e.Note = joinNote("decision due "+o.Scrutiny.Due.Format(time.RFC3339), e.Note)
	case DecideScrutiny:
		switch {
		case o.Scrutiny.Requested.IsZero():
			return refuse(secunion.Conflict, "no scrutiny was requested")
		case !o.Scrutiny.Decided.IsZero():
			return refuse(secunion.Conflict, "scrutiny was decided at %s", o.Scrutiny.Decided.Format(time.RFC3339))
		case len(strings.TrimSpace(s.Text)) < 10:
			return refuse(secunion.Invalid, "reasons: a scrutiny decision is reasoned, at least 10 characters (Art 4(4))")
		}
		o.Scrutiny.Decided, o.Scrutiny.DecidedBy, o.Scrutiny.Infringement, o.Scrutiny.Reasons = at, s.Actor, s.Infringement, e.Note
		if s.Infringement {
			// The order ends (Art 4(5)); content already removed is to be
			// reinstated, which the provider confirms with Reinstate.
			o.State, o.Deadline = Annulled, time.Time{}
			e.Note = joinNote("infringement found", e.Note)
		} else {
			e.Note = joinNote("no infringement", e.Note)
		}
	case Reinstate:
		switch {
		case o.RemovedAt.IsZero():
			return refuse(secunion.Conflict, "nothing was removed, so nothing is reinstated")
		case o.State == Removed && strings.TrimSpace(s.Text) == "":
			return refuse(secunion.Invalid, "text: say why the content is reinstated (an upheld complaint, Art 10)")
		}
		o.Reinstated = at
	case ExtendPreserve:
		switch {
		case o.Preserve.IsZero() || !at.Before(o.Preserve):
			return refuse(secunion.Conflict, "nothing is preserved any more")
		case strings.TrimSpace(s.Text) == "":
			return refuse(secunion.Invalid, "text: give the reason for keeping the content longer (Art 6(2))")
		}
		o.Preserve = o.Preserve.Add(Preservation)
		e.Note = joinNote("preserved until "+o.Preserve.Format(time.RFC3339), e.Note)
	case RenewDelay:
		switch {
		case !o.DelayNotice:
			return refuse(secunion.Conflict, "the content provider's information was not delayed")
		case o.Renewed:
			return refuse(secunion.Conflict, "the delay was renewed once already (Art 11(3))")
		case !at.Before(o.NoticeFrom):
			return refuse(secunion.Conflict, "the delay ended at %s", o.NoticeFrom.Format(time.RFC3339))
		}
		o.Renewed, o.NoticeFrom = true, o.NoticeFrom.Add(NoticeDelay)
		e.Note = joinNote("the content provider may be told from "+o.NoticeFrom.Format(time.RFC3339), e.Note)
	case Inform:
		switch {
		case at.Before(o.NoticeFrom):
			return refuse(secunion.Conflict, "the issuer delayed telling the content provider until %s (Art 11(3))", o.NoticeFrom.Format(time.RFC3339))
		case !o.Informed.IsZero():
			return refuse(secunion.Conflict, "the content provider was told at %s", o.Informed.Format(time.RFC3339))
		}
		o.Informed = at
	case Erase:
		switch {
		case !o.Erased.IsZero():
			return refuse(secunion.Conflict, "erased at %s", o.Erased.Format(time.RFC3339))
		case o.Preserve.IsZero():
			return refuse(secunion.Conflict, "nothing was preserved")
		case at.Before(o.Preserve):
			return refuse(secunion.Conflict, "the content is preserved until %s", o.Preserve.Format(time.RFC3339))
		}
		erase(o, at)
		e.Note = "preservation ended " + o.Preserve.Format(time.RFC3339) + ": the content reference, the statement of reasons and the parties' texts are deleted"
	}
	return nil
}

// erase deletes what an order says of its content once preservation ended:
// the URLs and locators, the statement of reasons, the emergency's
// justification, the Annex III explanation and the scrutiny's reasons. Who,
// when, what category and what became of the order stay, with the number
// of items, for the transparency reports (Art 7, 8).
func erase(o *Order, at time.Time) {
	o.Erased, o.ErasedItems = at, len(o.Items)
	o.Items, o.Reasons, o.EmergencyJustification, o.Explanation, o.Scrutiny.Reasons = nil, "", "", "", ""
}

// lateAnswer records the breach of an answer given after the deadline,
// where the watcher had not recorded it yet.
func lateAnswer(o *Order, at time.Time) {
	if !o.Deadline.IsZero() && at.After(o.Deadline) && (o.Breached.IsZero() || o.Breached.Before(o.Started)) {
		o.Breached = o.Deadline
	}
}

// restart starts the hour again after an obstacle ended (Art 3(7), 3(8)).
func restart(o *Order, at time.Time) {
	o.Started, o.Deadline = at, at.Add(OneHour)
	o.Obstacle, o.Explanation, o.Answered = "", "", time.Time{}
}

func joinNote(a, b string) string {
	if b == "" {
		return a
	}
	return a + ": " + b
}

func partyName(p Party) string {
	switch p {
	case Issuer:
		return "the issuing authority"
	case Addressee:
		return "the provider"
	case Host:
		return "the authority of the provider's Member State"
	case Node:
		return "the node"
	}
	return "an authority that is not party to the order"
}

// pastTense names what an action does to an order, for refusals.
func pastTense(a Action) string {
	switch a {
	case Deliver:
		return "delivered"
	case Push:
		return "pushed"
	case Acknowledge:
		return "acknowledged"
	case Remove:
		return "answered as removed"
	case Refuse:
		return "answered as impossible to comply with"
	case Clarify:
		return "clarified"
	case Resume:
		return "resumed"
	case Withdraw:
		return "withdrawn"
	case Warn:
		return "warned about"
	case Breach:
		return "recorded as breached"
	case RequestScrutiny:
		return "put to scrutiny"
	case DecideScrutiny:
		return "decided on in scrutiny"
	case Reinstate:
		return "reinstated"
	case ExtendPreserve:
		return "kept longer"
	case RenewDelay:
		return "delayed again"
	case Inform:
		return "reported as told to the content provider"
	case Erase:
		return "erased"
	}
	return string(a)
}
