// Package audit is the storage-free core of the tamper-evident audit log
// that DOMAIN.md §9 requires (Directive (EU) 2016/680 Art 25): every
// collection, alteration, consultation, disclosure, combination and erasure
// of personal data, and every security event, becomes an Entry that records
// who did it, when, for which purpose and justification, and to which
// recipients.
//
// Users cannot alter the log unnoticed: each entry is encoded canonically
// (Entry.Leaf) and hashed into an RFC 6962 Merkle tree (Tree), whose roots
// are signed as C2SP tlog-checkpoint notes (Checkpoint). Verify replays a
// stored log against its checkpoints and names the first entry that was
// altered, deleted, reordered or cut off. Personal values that a query used
// are logged only as keyed hashes (Keyed), so a supervisor holding a value
// can check whether it was queried while the log never holds it in clear.
//
// The package holds no storage: the store and HTTP layers persist entries,
// leaf hashes and checkpoint notes and call into it.
package audit

import (
	"math"
	"time"
	"unicode/utf8"

	"secunion"
)

// Operation is the kind of act an audit entry records.
type Operation string

// The operations that are logged. The first six are the processing
// operations of Directive 2016/680 Art 25 (DOMAIN.md §9); the others are the
// security events that Art 29 (user, access and input control) asks to trace.
const (
	OpCollection       Operation = "collection"
	OpAlteration       Operation = "alteration"
	OpConsultation     Operation = "consultation"
	OpDisclosure       Operation = "disclosure"
	OpCombination      Operation = "combination"
	OpErasure          Operation = "erasure"
	OpLogin            Operation = "login"
	OpLoginFailed      Operation = "login-failed"
	OpLogout           Operation = "logout"
	OpTokenCreated     Operation = "token-created"
	OpTokenRevoked     Operation = "token-revoked"
	OpAccessDenied     Operation = "access-denied"
	OpAuthorityCreated Operation = "authority-created"
	OpUserCreated      Operation = "user-created"
	OpUserChanged      Operation = "user-changed"
	OpAuditVerified    Operation = "audit-verified"
)

// known reports whether op is one of the operations above. Validate refuses
// any other, so a misspelt operation fails the write instead of producing
// entries that no supervisor query will find.
func (op Operation) known() bool {
	switch op {
	case OpCollection, OpAlteration, OpConsultation, OpDisclosure, OpCombination, OpErasure,
		OpLogin, OpLoginFailed, OpLogout, OpTokenCreated, OpTokenRevoked, OpAccessDenied,
		OpAuthorityCreated, OpUserCreated, OpUserChanged, OpAuditVerified:
		return true
	}
	return false
}

// The outcomes an entry may record.
const (
	outcomeOK     = "ok"
	outcomeDenied = "denied"
	outcomeFailed = "failed"
)

// Limits on an entry. A bulk operation that would exceed them is logged as
// several entries.
const (
	maxString = 4 << 10 // bytes in any one string, including each list item
	maxTotal  = 1 << 20 // bytes in all strings of one entry together
	macLen    = 64      // hex digits of an HMAC-SHA256 (see Keyed)
)

// The instants whose Unix time in nanoseconds fits an int64, the canonical
// form of Entry.Time (years 1677 to 2262).
var (
	minTime = time.Unix(0, math.MinInt64)
	maxTime = time.Unix(0, math.MaxInt64)
)

// Entry is one record of the audit log. Its JSON form is what the API shows;
// its hashed form is Leaf.
type Entry struct {
	Seq           uint64    `json:"seq"`                     // 0-based position in the log = Merkle leaf index
	Time          time.Time `json:"time"`                    // UTC; canonical form is Unix nanoseconds
	Authority     string    `json:"authority"`               // authority code of the actor ("" for anonymous, e.g. a failed login by unknown user)
	User          string    `json:"user"`                    // login of the actor
	Operation     Operation `json:"operation"`               // what was done
	Purpose       string    `json:"purpose,omitempty"`       // declared purpose of processing
	Justification string    `json:"justification,omitempty"` // e.g. a case reference (Art 25: shown in consultation logs)
	Objects       []string  `json:"objects,omitempty"`       // e.g. "user:alice", "token:tok_x", "record:SIS/123"
	Recipients    []string  `json:"recipients,omitempty"`    // for disclosures
	Categories    []string  `json:"categories,omitempty"`    // data categories used in a query
	Results       int       `json:"results"`                 // number of results returned or records touched
	Outcome       string    `json:"outcome"`                 // "ok", "denied", "failed"
	Detail        string    `json:"detail,omitempty"`        // safe text, never personal values
	Values        []string  `json:"values,omitempty"`        // hex HMACs of personal values (see Keyed)
}

// Validate reports, as a secunion Invalid error, the first reason the entry
// cannot be logged: an unknown or empty operation, an outcome other than
// "ok", "denied" or "failed", a zero time or one outside the years 1677 to
// 2262, a negative result count, a string longer than 4 KiB or not valid
// UTF-8 (JSON would silently replace the bad bytes and the stored entry would
// no longer match its hash), an empty list item, a value that is not a
// lowercase hex HMAC, or strings totalling more than 1 MiB.
func (e Entry) Validate() error {
	if e.Operation == "" {
		return secunion.Errorf(secunion.Invalid, "audit: entry has no operation")
	}
	if !e.Operation.known() {
		return secunion.Errorf(secunion.Invalid, "audit: unknown operation %q", e.Operation)
	}
	switch e.Outcome {
	case outcomeOK, outcomeDenied, outcomeFailed:
	case "":
		return secunion.Errorf(secunion.Invalid, "audit: entry has no outcome")
	default:
		return secunion.Errorf(secunion.Invalid, "audit: outcome %q is not one of ok, denied, failed", e.Outcome)
	}
	if e.Time.IsZero() {
		return secunion.Errorf(secunion.Invalid, "audit: entry has no time")
	}
	if e.Time.Before(minTime) || e.Time.After(maxTime) {
		return secunion.Errorf(secunion.Invalid, "audit: time %s is outside the years 1677 to 2262", e.Time.UTC().Format(time.RFC3339))
	}
	if e.Results < 0 {
		return secunion.Errorf(secunion.Invalid, "audit: negative result count %d", e.Results)
	}
	total := 0
	for _, f := range [...]struct {
		name  string
		value string
	}{
		{"authority", e.Authority},
		{"user", e.User},
		{"purpose", e.Purpose},
		{"justification", e.Justification},
		{"detail", e.Detail},
	} {
		if err := checkString(f.name, f.value); err != nil {
			return err
		}
		total += len(f.value)
	}
	for _, f := range [...]struct {
		name  string
		items []string
	}{
		{"objects", e.Objects},
		{"recipients", e.Recipients},
		{"categories", e.Categories},
		{"values", e.Values},
	} {
		for i, item := range f.items {
			if item == "" {
				return secunion.Errorf(secunion.Invalid, "audit: %s item %d is empty", f.name, i)
			}
			if err := checkString(f.name, item); err != nil {
				return err
			}
			total += len(item)
		}
	}
	for i, v := range e.Values {
		if !isMAC(v) {
			return secunion.Errorf(secunion.Invalid, "audit: values item %d is not a lowercase hex HMAC-SHA256: personal values are logged only through Keyed", i)
		}
	}
	if total > maxTotal {
		return secunion.Errorf(secunion.Invalid, "audit: entry holds %d bytes of text, more than %d: split the operation into several entries", total, maxTotal)
	}
	return nil
}

// checkString returns an Invalid error when s is too long or not UTF-8.
func checkString(field, s string) error {
	if len(s) > maxString {
		return secunion.Errorf(secunion.Invalid, "audit: %s is %d bytes long, more than %d", field, len(s), maxString)
	}
	if !utf8.ValidString(s) {
		return secunion.Errorf(secunion.Invalid, "audit: %s is not valid UTF-8", field)
	}
	return nil
}

// isMAC reports whether s has the form Keyed.MAC returns.
func isMAC(s string) bool {
	if len(s) != macLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
