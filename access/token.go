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
