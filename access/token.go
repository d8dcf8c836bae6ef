package access

import "time"

// Token is an API token of a user, used as a Bearer credential. The secret
// itself is never stored.
type Token struct {
	ID      string     `json:"id"`
	User    string     `json:"user"` // login
	Name    string     `json:"name"`
	Created time.Time  `json:"created"`
	Expires time.Time  `json:"expires"`
	Revoked *time.Time `json:"revoked,omitempty"`
}

// DefaultTokenLifetime is how long a token lives when no expiry is asked for.
const DefaultTokenLifetime = 90 * 24 * time.Hour

// MaxTokenLifetime is the longest lifetime a token may be given.
const MaxTokenLifetime = 366 * 24 * time.Hour

// Active reports whether the token can be used at time now.
func (t Token) Active(now time.Time) bool {
	return t.Revoked == nil && now.Before(t.Expires)
}

// SessionLifetime is how long a console session lasts without a new login.
const SessionLifetime = 8 * time.Hour

// Enrolment is a one-time code with which a user created through the API
// or the console sets their own password, so that whoever created the
// user never knows it. The code is shown once, to the creator, who passes
// it on; only its hash is kept.
type Enrolment struct {
	Code    string    `json:"code"`
	Expires time.Time `json:"expires"`
}

// EnrolmentPrefix starts every enrolment code.
const EnrolmentPrefix = "sue_"

// EnrolmentLifetime is how long an enrolment code can be used.
const EnrolmentLifetime = 72 * time.Hour
