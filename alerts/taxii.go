package alerts

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"secunion"
)

// MediaType is TAXII 2.1's media type, which every TAXII answer has and
// every request's Accept must allow.
const MediaType = "application/taxii+json;version=2.1"

// STIXMediaType is the media type of STIX 2.1 content in a collection.
const STIXMediaType = "application/stix+json;version=2.1"

// Paging limits: a page holds at most MaxPage objects, DefaultPage when
// the client names no limit.
const (
	DefaultPage = 1000
	MaxPage     = 10000
	// maxMatch caps the values of one match[] filter.
	maxMatch = 100
)

// Filter is what a TAXII request selects (TAXII 2.1 §3.4): match[id],
// match[type], match[version], match[spec_version], added_after, limit
// and next. Versions are "first", "last" (the default), "all" or
// timestamps.
type Filter struct {
	IDs, Types   []string
	Versions     []string
	SpecVersions []string
	AddedAfter   time.Time
	Limit        int
	// After is the sequence number the next cursor stands for: the page
	// starts after it.
	After int64
}

// ParseFilter reads a TAXII query. added_after is exclusive; when both
// added_after and next are given, the page starts after both (a cursor is
// never moved back by a date, so a client that mixes them neither loops
// nor skips). Each error names the parameter.
func ParseFilter(q url.Values, defVersion string) (Filter, error) {
	f := Filter{Limit: DefaultPage}
	list := func(name string) ([]string, error) {
		v := q.Get(name)
		if v == "" {
			return nil, nil
		}
		parts := strings.Split(v, ",")
		if len(parts) > maxMatch {
			return nil, invalidf(name, "at most %d values, not %d", maxMatch, len(parts))
		}
		return parts, nil
	}
	var err error
	if f.IDs, err = list("match[id]"); err != nil {
		return f, err
	}
	for _, id := range f.IDs {
		if err := checkID("match[id]", id); err != nil {
			return f, err
		}
	}
	if f.Types, err = list("match[type]"); err != nil {
		return f, err
	}
	for _, t := range f.Types {
		if !typeName.MatchString(t) {
			return f, invalidf("match[type]", "%q is not a STIX type name", secunion.Clip(t, 64))
		}
	}
	if f.Versions, err = list("match[version]"); err != nil {
		return f, err
	}
	if f.Versions == nil {
		f.Versions = []string{defVersion}
	}
	for _, v := range f.Versions {
		if v != "first" && v != "last" && v != "all" {
			if _, err := ParseTime(v); err != nil {
				return f, invalidf("match[version]", "use first, last, all or timestamps: %v", err)
			}
		}
	}
	if f.SpecVersions, err = list("match[spec_version]"); err != nil {
		return f, err
	}
	if v := q.Get("added_after"); v != "" {
		if f.AddedAfter, err = ParseTime(v); err != nil {
			return f, invalidf("added_after", "%v", err)
		}
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return f, invalidf("limit", "must be a positive whole number")
		}
		f.Limit = min(n, MaxPage)
	}
	if v := q.Get("next"); v != "" {
		if f.After, err = ParseCursor(v); err != nil {
			return f, err
		}
	}
	return f, nil
}

// WantsSpec reports whether the filter lets STIX 2.1 objects through (the
// only spec version the hub holds).
func (f Filter) WantsSpec() bool {
	return f.SpecVersions == nil || slices.Contains(f.SpecVersions, "2.1")
}

// Cursor returns the opaque `next` value that stands for sequence number
// seq.
func Cursor(seq int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte("s" + strconv.FormatInt(seq, 10)))
}

// ParseCursor reads a `next` value Cursor wrote.
func ParseCursor(s string) (int64, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil && len(b) > 1 && b[0] == 's' {
		if n, err := strconv.ParseInt(string(b[1:]), 10, 64); err == nil && n >= 0 {
			return n, nil
		}
	}
	return 0, invalidf("next", "%q is not a cursor this server gave out", secunion.Clip(s, 40))
}

// Envelope is a page of objects (TAXII 2.1 §3.7).
type Envelope struct {
	More    bool              `json:"more"`
	Next    string            `json:"next,omitempty"`
	Objects []json.RawMessage `json:"objects"`
}

// ManifestRecord describes one object version of a collection (TAXII 2.1
// §5.3).
type ManifestRecord struct {
	ID        string `json:"id"`
	DateAdded string `json:"date_added"`
	Version   string `json:"version"`
	MediaType string `json:"media_type"`
}

// Status is the status resource of a POST of objects (TAXII 2.1 §4.3):
// the hub checks and stores objects as they arrive, so a status is
// complete when it is answered, each object a success or a failure with
// the reason.
type Status struct {
	ID               string         `json:"id"`
	Status           string         `json:"status"`
	RequestTimestamp string         `json:"request_timestamp"`
	TotalCount       int            `json:"total_count"`
	SuccessCount     int            `json:"success_count"`
	Successes        []StatusDetail `json:"successes"`
	FailureCount     int            `json:"failure_count"`
	Failures         []StatusDetail `json:"failures"`
	PendingCount     int            `json:"pending_count"`
	Pendings         []StatusDetail `json:"pendings"`
}

// StatusDetail is one object of a status resource.
type StatusDetail struct {
	ID      string `json:"id"`
	Version string `json:"version"`
	Message string `json:"message,omitempty"`
}
