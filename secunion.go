// Package secunion is the kernel shared by every Security Union tool in this
// program: the one error type with stable codes, the caller (Actor), the fixed
// list of purposes of processing, identifiers and the clock.
//
// Domain packages import this package and the standard library; only the HTTP
// edge maps error codes to status codes (DESIGN.md §7).
package secunion

import (
	"crypto/rand"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Code is a stable, machine-readable error class. The HTTP edge maps each
// code to one status; clients may switch on it.
type Code string

// The error codes of DESIGN.md §4.
const (
	Invalid         Code = "invalid"
	Unauthenticated Code = "unauthenticated"
	Forbidden       Code = "forbidden"
	NotFound        Code = "not_found"
	Conflict        Code = "conflict"
	TooLarge        Code = "too_large"
	RateLimited     Code = "rate_limited"
	Unavailable     Code = "unavailable"
	Internal        Code = "internal"
)

// Error is the program's one error type. Message is safe to show to the
// caller; Err holds internals, which are logged and never returned.
type Error struct {
	Code    Code
	Message string
	Err     error
	// RetryAfter is, for a RateLimited error, how long the caller must
	// wait before trying again (HTTP's Retry-After).
	RetryAfter time.Duration
}

// Error returns the safe message followed by the wrapped internal error.
func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

// Unwrap returns the wrapped internal error.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and a formatted safe message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Wrap returns an *Error with the given code and safe message that wraps err.
func Wrap(code Code, err error, message string) *Error {
	return &Error{Code: code, Message: message, Err: err}
}

// ErrAudited marks a refusal that the audit log already holds, so that the
// edge that answers it does not log it twice: wrap it in the refusal's
// *Error (see Denied).
var ErrAudited = errors.New("the refusal is in the audit log")

// Denied returns the Forbidden error of a refusal already written to the
// audit log, with a safe message saying why.
func Denied(why string) *Error {
	return &Error{Code: Forbidden, Message: why, Err: ErrAudited}
}

// Audited returns err's code and safe message, marked as a refusal
// already written to the audit log.
func Audited(err error) *Error {
	return &Error{Code: CodeOf(err), Message: MessageOf(err), Err: ErrAudited}
}

// CodeOf returns the code of the first *Error in err's chain, or Internal
// when there is none.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// MessageOf returns the safe message of the first *Error in err's chain, or
// a generic message when there is none, so internals never leak.
func MessageOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}

// Purpose is a purpose of processing that a request on personal data must
// declare. The list is fixed: each purpose comes from the legal act that lets
// an authority process the data (DOMAIN.md §1, §2, §4, §7, §9).
type Purpose string

// The purposes of processing.
const (
	PurposeBorderCheck      Purpose = "border-check"             // checks at external borders (EES, SIS, VIS)
	PurposeVisa             Purpose = "visa-examination"         // examining visa applications (VIS)
	PurposeTravelAuth       Purpose = "travel-authorisation"     // examining ETIAS applications
	PurposeProtection       Purpose = "international-protection" // asylum and irregular entry (Eurodac)
	PurposeIdentityCheck    Purpose = "identity-check"           // police identity checks on the territory (Art 20 of 2019/817)
	PurposeLinkVerification Purpose = "link-verification"        // manual verification of identity links (MID)
	PurposeLawEnforcement   Purpose = "law-enforcement"          // prevention, detection, investigation of terrorist offences or serious crime
	PurposeTerroristContent Purpose = "terrorist-content"        // removal orders and referrals (Reg 2021/784)
	PurposeAlertSharing     Purpose = "alert-sharing"            // alerts between Member States
	PurposePassengerData    Purpose = "passenger-screening"      // PNR assessment by PIUs (Dir 2016/681)
	PurposeSupervision      Purpose = "data-protection-supervision"
	PurposeAdministration   Purpose = "administration" // managing authorities, users and tokens
)

// Purposes lists every purpose, in the order shown to users.
var Purposes = []Purpose{
	PurposeBorderCheck, PurposeVisa, PurposeTravelAuth, PurposeProtection,
	PurposeIdentityCheck, PurposeLinkVerification, PurposeLawEnforcement,
	PurposeTerroristContent, PurposeAlertSharing, PurposePassengerData,
	PurposeSupervision, PurposeAdministration,
}

// ParsePurpose returns the purpose named s or an Invalid error that lists the
// accepted names.
func ParsePurpose(s string) (Purpose, error) {
	for _, p := range Purposes {
		if string(p) == s {
			return p, nil
		}
	}
	names := make([]string, len(Purposes))
	for i, p := range Purposes {
		names[i] = string(p)
	}
	if s == "" {
		return "", Errorf(Forbidden, "this request touches personal data: declare a purpose (one of %s)", strings.Join(names, ", "))
	}
	return "", Errorf(Invalid, "unknown purpose %q: use one of %s", s, strings.Join(names, ", "))
}

// NeedsJustification reports whether a request for this purpose must also
// carry a justification such as a case reference (Directive 2016/680 Art 25:
// consultation logs of law-enforcement access show the justification).
func (p Purpose) NeedsJustification() bool {
	return p == PurposeLawEnforcement || p == PurposePassengerData
}

// Actor is the authenticated caller of an operation: a user of an
// authority, or the local operator.
type Actor struct {
	// Local marks the operator at the command line of the node (someone who
	// holds the data folder or the database anyway). Only the `secunion`
	// command sets it; the zero Actor is nobody and may do nothing.
	Local         bool
	UserID        int64
	Login         string
	Authority     string // authority code
	AuthorityKind string
	Roles         []string
}

// LocalOperator is the actor of `secunion admin` and of demo seeding.
var LocalOperator = Actor{Local: true, Login: "local-operator"}

// Has reports whether the actor holds role.
func (a Actor) Has(role string) bool {
	for _, r := range a.Roles {
		if r == role {
			return true
		}
	}
	return false
}

// Clip makes untrusted text safe to keep: invalid UTF-8 and control
// characters become U+FFFD, and the result is cut to at most n bytes on a
// character boundary.
func Clip(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return utf8.RuneError
		}
		return r
	}, strings.ToValidUTF8(s, string(utf8.RuneError)))
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// JSONProblem says what is wrong with a JSON document that failed to
// decode, without echoing its content: for error messages to callers.
func JSONProblem(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("syntax error at byte %d", syn.Offset)
	case errors.As(err, &typ):
		return fmt.Sprintf("field %q must be %s", typ.Field, typ.Type)
	case errors.Is(err, io.EOF):
		return "empty body"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "unexpected end"
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return "unknown field " + strings.TrimPrefix(err.Error(), "json: unknown field ")
	}
	return err.Error()
}

// Clock tells the time. Rules that depend on time (deadlines, retention,
// token expiry) read it from a Clock so tests can move it.
type Clock interface {
	Now() time.Time
}

// SystemClock is the wall clock in UTC.
type SystemClock struct{}

// Now returns the current UTC time.
func (SystemClock) Now() time.Time { return time.Now().UTC() }

// FakeClock is a Clock that only moves when told to. It is safe for
// concurrent use.
type FakeClock struct {
	mu sync.Mutex
	t  time.Time
}

// NewFakeClock returns a FakeClock set to t.
func NewFakeClock(t time.Time) *FakeClock { return &FakeClock{t: t.UTC()} }

// Now returns the clock's current time.
func (c *FakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward by d.
func (c *FakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

var idEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// NewID returns a random identifier with the given prefix, e.g. "tok_…",
// carrying 80 bits of randomness.
func NewID(prefix string) string {
	var b [10]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("secunion: no randomness: " + err.Error())
	}
	return prefix + "_" + idEncoding.EncodeToString(b[:])
}
