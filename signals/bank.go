package signals

import (
	"regexp"
	"slices"
	"strings"
	"time"

	"secunion"
)

// Algorithm names a hash algorithm of the banks.
type Algorithm string

// The algorithms a bank holds.
const (
	AlgPDQ    Algorithm = "pdq"
	AlgMD5    Algorithm = "md5"
	AlgSHA256 Algorithm = "sha256"
	AlgSHA512 Algorithm = "sha512" // in Tech Against Terrorism's lists
)

// hexDigits is the length of each algorithm's value in hex.
var hexDigits = map[Algorithm]int{AlgPDQ: 64, AlgMD5: 32, AlgSHA256: 64, AlgSHA512: 128}

// ParseAlgorithm reads an algorithm's name in any case, as lists write it
// ("PDQ", "SHA256", "SHA-256", "md5").
func ParseAlgorithm(s string) (Algorithm, error) {
	a := Algorithm(strings.ReplaceAll(strings.ToLower(strings.TrimSpace(s)), "-", ""))
	if _, ok := hexDigits[a]; !ok {
		return "", secunion.Errorf(secunion.Invalid, "unknown hash algorithm %q: give pdq, md5, sha256 or sha512", secunion.Clip(s, 40))
	}
	return a, nil
}

// CheckValue returns v, a hash of algorithm a, in lowercase hex, or an
// Invalid error naming what is wrong with it.
func (a Algorithm) CheckValue(v string) (string, error) {
	n, ok := hexDigits[a]
	if !ok {
		return "", secunion.Errorf(secunion.Invalid, "unknown hash algorithm %q", secunion.Clip(string(a), 40))
	}
	v = strings.ToLower(strings.TrimSpace(v))
	switch {
	case len(v) != n:
		return "", secunion.Errorf(secunion.Invalid, "a %s hash is %d hex digits, not %d characters", a, n, len(v))
	case strings.Trim(v, "0123456789abcdef") != "":
		return "", secunion.Errorf(secunion.Invalid, "a %s hash is written in hex digits (0-9, a-f)", a)
	}
	return v, nil
}

// Sources of a bank entry.
const (
	SourceRemovalOrder = "removal-order" // removed content of a TCO order, from the provider or the authority
	SourceReferral     = "referral"      // an EU IRU referral
	SourceImport       = "import"        // an imported list (partner, TAT, STIX, CSV)
	SourceManual       = "manual"        // added by hand
	SourceIncident     = "incident"      // shared in a crisis incident
)

// BankTCO is the bank of content removed under removal orders: a
// provider's removal carries the hashes of what it took down, and the
// parties to the order may add more.
const BankTCO = "tco-removed"

var sources = []string{SourceRemovalOrder, SourceReferral, SourceImport, SourceManual, SourceIncident}

// Labels describe what a hash stands for, in the vocabulary of the
// hash-sharing databases (GIFCT, Tech Against Terrorism): the content
// type, the terrorist entity, the behaviour shown, the ideology.
type Labels struct {
	ContentType string `json:"content_type,omitempty"` // image, video, audio, document, other
	Entity      string `json:"entity,omitempty"`
	Behaviour   string `json:"behaviour,omitempty"`
	Ideology    string `json:"ideology,omitempty"`
}

var contentTypes = []string{"", "image", "video", "audio", "document", "other"}

// Entry is one hash in a bank.
type Entry struct {
	ID        int64     `json:"id"`
	Bank      string    `json:"bank"`
	Algorithm Algorithm `json:"algorithm"`
	Value     string    `json:"value"`             // lowercase hex
	Quality   int       `json:"quality,omitempty"` // PDQ only, 0-100
	Labels    Labels    `json:"labels"`
	Source    string    `json:"source"`
	SourceRef string    `json:"source_ref,omitempty"` // the order, referral, list or incident it came from
	AddedBy   string    `json:"added_by"`             // authority/login
	Added     time.Time `json:"added"`
	Enabled   bool      `json:"enabled"`
}

// bankName is the form of a bank's name: lowercase letters, digits and
// dashes, as in "tco-removed".
var bankName = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// CheckBankName reports an Invalid error unless name is a bank's name.
func CheckBankName(name string) error {
	if !bankName.MatchString(name) {
		return secunion.Errorf(secunion.Invalid, "bank %q: a bank's name is 1 to 63 lowercase letters, digits and dashes", secunion.Clip(name, 70))
	}
	return nil
}

// Validate checks e as given by a caller (before the store numbers it)
// and puts its value in lowercase hex; each refusal names the field.
func (e *Entry) Validate() error {
	bad := func(field, format string, args ...any) error {
		return secunion.Errorf(secunion.Invalid, field+": "+format, args...)
	}
	if err := CheckBankName(e.Bank); err != nil {
		return err
	}
	a, err := ParseAlgorithm(string(e.Algorithm))
	if err != nil {
		return bad("algorithm", "%s", secunion.MessageOf(err))
	}
	e.Algorithm = a
	if e.Value, err = a.CheckValue(e.Value); err != nil {
		return bad("value", "%s", secunion.MessageOf(err))
	}
	switch {
	case a != AlgPDQ && e.Quality != 0:
		return bad("quality", "only a PDQ hash has a quality")
	case e.Quality < 0 || e.Quality > 100:
		return bad("quality", "%d is not 0 to 100", e.Quality)
	}
	if !slices.Contains(sources, e.Source) {
		return bad("source", "%q is not one of %s", secunion.Clip(e.Source, 40), strings.Join(sources, ", "))
	}
	if !slices.Contains(contentTypes, e.Labels.ContentType) {
		return bad("labels.content_type", "%q is not one of %s", secunion.Clip(e.Labels.ContentType, 40), strings.Join(contentTypes[1:], ", "))
	}
	for field, v := range map[string]string{"labels.entity": e.Labels.Entity, "labels.behaviour": e.Labels.Behaviour, "labels.ideology": e.Labels.Ideology, "source_ref": e.SourceRef} {
		if len(v) > 200 {
			return bad(field, "at most 200 characters")
		}
	}
	return nil
}
