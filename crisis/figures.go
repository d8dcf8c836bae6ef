package crisis

import "time"

// Notification tells a participant that an incident it takes part in was
// declared or activated, or that it joined one. Participants pull their
// notifications after the last ID they read; providers with a webhook
// also get activations pushed (Message).
type Notification struct {
	ID        int64     `json:"id"`
	Authority string    `json:"authority"` // the participant notified
	Incident  string    `json:"incident"`
	Title     string    `json:"title"`
	Kind      string    `json:"kind"` // declared, activated or joined
	State     State     `json:"state"`
	At        time.Time `json:"at"`
}

// The kinds of notifications.
const (
	NotifyDeclared  = "declared"
	NotifyActivated = "activated"
	NotifyJoined    = "joined" // added to an incident already active
)

// Figures sum an incident up: how fast and how much was shared, and how
// many upload attempts providers blocked on its hashes.
type Figures struct {
	// FirstHash is when the first hash was shared, zero while none was;
	// ToFirstHash the time from activation to it, in seconds.
	FirstHash   time.Time `json:"first_hash,omitzero"`
	ToFirstHash float64   `json:"to_first_hash_s,omitempty"`
	Hashes      int       `json:"hashes"`
	URLs        int       `json:"urls"`
	Blocked     int       `json:"blocked"` // upload attempts blocked, in all
	// PerProvider lists the attempts each provider blocked, most first.
	PerProvider []Blocked `json:"per_provider"`
}

// Blocked is the upload attempts one provider blocked on an incident's
// hashes.
type Blocked struct {
	Provider string `json:"provider"`
	Attempts int    `json:"attempts"`
}
