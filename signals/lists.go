package signals

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"secunion"
)

// Hash lists are exchanged in three formats (DOMAIN.md §5): Tech Against
// Terrorism's JSON list (tat.go), STIX 2.1 indicators (stix.go) and CSV
// (csvlist.go). Each reader reads the whole list before it answers, and
// answers either every item or an Invalid error naming each bad item and
// field, so that an import with a bad line changes nothing.

// Limits on a list read at once. The readers stream, holding one raw
// item at a time beside the items read, so memory follows the count of
// hashes rather than the bytes; the byte limit is set so that a bank of
// MaxListItems exported in the most verbose form (STIX, about 400 bytes
// an indicator) reads back. A larger list is split by its sender (the
// exchange endpoints page theirs).
const (
	MaxListBytes = 512 << 20 // 512 MiB
	MaxListItems = 1_000_000 // hashes
)

// The limits the readers apply: MaxListBytes and MaxListItems, lowered by
// the tests, which cannot afford to stream 512 MiB.
var (
	maxBytes int64 = MaxListBytes
	maxItems       = MaxListItems
)

// maxProblems is how many bad items an error names; it counts the rest.
const maxProblems = 20

// Item is one hash of an exchanged list: its entry (algorithm, value,
// quality, labels; bank and provenance are the importer's), whether the
// list withdrew it, when the list last changed it, and the list's own
// number for it (0 when it has none).
type Item struct {
	Entry
	Deleted bool
	Updated time.Time
	Seq     int64
}

// List is what a reader read: the items in list order, the checkpoint of
// the page (the `after` of the next one, "" when the format has none) and
// how many objects it passed over as not hashes (STIX identities,
// markings, relationships).
type List struct {
	Items      []Item
	Checkpoint string
	Skipped    int
}

// Format names a list format.
type Format string

// The list formats.
const (
	FormatTAT  Format = "tat"
	FormatSTIX Format = "stix"
	FormatCSV  Format = "csv"
)

// ParseFormat reads a format's name.
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(strings.TrimSpace(s))); f {
	case FormatTAT, FormatSTIX, FormatCSV:
		return f, nil
	}
	return "", secunion.Errorf(secunion.Invalid, "unknown list format %q: give tat, stix or csv", secunion.Clip(s, 40))
}

// ReadList reads a list in format f.
func ReadList(f Format, r io.Reader) (List, error) {
	switch f {
	case FormatTAT:
		return ReadTAT(r)
	case FormatSTIX:
		return ReadSTIX(r)
	case FormatCSV:
		return ReadCSV(r)
	}
	_, err := ParseFormat(string(f))
	return List{}, err
}

// listReader reads a list's bytes, counting them, up to one past the
// limit, and passes over a leading byte-order mark.
type listReader struct {
	r    io.Reader
	n    int64
	what string // "TAT list", …
}

// newListReader wraps r for the reader of what.
func newListReader(r io.Reader, what string) (*bufio.Reader, *listReader) {
	lr := &listReader{r: io.LimitReader(r, maxBytes+1), what: what}
	br := bufio.NewReaderSize(lr, 64<<10)
	if b, err := br.Peek(3); err == nil && string(b) == "\ufeff" {
		br.Discard(3)
	}
	return br, lr
}

func (l *listReader) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	l.n += int64(n)
	return n, err
}

// fail turns an error met while reading into the list's error: too large
// when the bytes ran past the limit, else an Invalid error saying what is
// wrong with the JSON (or the reading).
func (l *listReader) fail(err error) error {
	if l.n > maxBytes {
		return secunion.Errorf(secunion.TooLarge, "the %s exceeds %s: split it into pages", l.what, sizeText(maxBytes))
	}
	var se *secunion.Error
	if errors.As(err, &se) {
		return err
	}
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	if errors.As(err, &syn) || errors.As(err, &typ) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return secunion.Errorf(secunion.Invalid, "the %s is malformed JSON: %s", l.what, secunion.JSONProblem(err))
	}
	return secunion.Wrap(secunion.Invalid, err, "cannot read the "+l.what)
}

// sizeText writes n bytes in MiB, or KiB below one MiB.
func sizeText(n int64) string {
	if n < 1<<20 {
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d MiB", n>>20)
}

// jsonList reads a JSON list's envelope from dec: an object whose member
// items holds the array of items (each given to item, as it comes), other
// members given to member (or passed over); or, when bare is true, the
// array alone. It returns whether the items' member was there, or the
// first error of item.
func jsonList(dec *json.Decoder, lr *listReader, items string, bare bool, item func(n int, raw json.RawMessage) error, member func(key string) error) (bool, error) {
	array := func() error {
		n := 0
		for dec.More() {
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return err
			}
			if n++; n > maxItems {
				return tooMany(lr.what)
			}
			if err := item(n, raw); err != nil {
				return err
			}
		}
		_, err := dec.Token()
		return err
	}
	tok, err := dec.Token()
	var syn *json.SyntaxError
	switch {
	case errors.As(err, &syn) && lr.n <= maxBytes:
		return false, secunion.Errorf(secunion.Invalid, "the %s is not JSON (%s)", lr.what, secunion.JSONProblem(err))
	case err != nil:
		return false, lr.fail(err)
	case tok == json.Delim('[') && bare:
		return true, finish(dec, lr, array())
	case tok != json.Delim('{'):
		what := "an object"
		if bare {
			what = "an object or an array"
		}
		return false, secunion.Errorf(secunion.Invalid, "the %s is not %s", lr.what, what)
	}
	found := false
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return found, lr.fail(err)
		}
		switch k, _ := key.(string); {
		case k == items:
			t, err := dec.Token()
			switch {
			case err != nil:
				return found, lr.fail(err)
			case t == nil: // an empty page may say null
			case t != json.Delim('['):
				return found, secunion.Errorf(secunion.Invalid, "the %s's %q is not an array", lr.what, items)
			default:
				if err := array(); err != nil {
					return found, lr.fail(err)
				}
			}
			found = true
		default:
			if err := member(k); err != nil {
				return found, lr.fail(err)
			}
		}
	}
	if _, err := dec.Token(); err != nil {
		return found, lr.fail(err)
	}
	return found, finish(dec, lr, nil)
}

// finish checks that nothing follows the list's value, once read
// without error.
func finish(dec *json.Decoder, lr *listReader, err error) error {
	if err != nil {
		return lr.fail(err)
	}
	switch _, err := dec.Token(); {
	case err == io.EOF:
		return nil
	case err == nil:
		return secunion.Errorf(secunion.Invalid, "the %s has data after its end", lr.what)
	default:
		return lr.fail(err)
	}
}

// problems gathers what is wrong with a list's items.
type problems struct {
	what string // "TAT list", "STIX bundle", "CSV list"
	n    int
	msgs []string
}

// add records that field of the item at where is wrong.
func (p *problems) add(where, field, format string, args ...any) {
	p.n++
	if len(p.msgs) < maxProblems {
		if field != "" {
			where += " (" + field + ")"
		}
		p.msgs = append(p.msgs, where+": "+fmt.Sprintf(format, args...))
	}
}

// err is nil when nothing was wrong, else an Invalid error naming the
// first problems and counting all.
func (p *problems) err() error {
	if p.n == 0 {
		return nil
	}
	more := ""
	if p.n > len(p.msgs) {
		more = fmt.Sprintf("; and %d more", p.n-len(p.msgs))
	}
	noun := "problems"
	if p.n == 1 {
		noun = "problem"
	}
	return secunion.Errorf(secunion.Invalid, "the %s has %d %s: %s%s", p.what, p.n, noun, strings.Join(p.msgs, "; "), more)
}

// tooMany is the error of a list of more hashes than the limit.
func tooMany(what string) error {
	return secunion.Errorf(secunion.TooLarge, "the %s holds more than %d hashes: split it into pages", what, maxItems)
}

// checkItem checks its hash and labels as an import will (in a scratch
// bank), puts the value in lowercase hex, and adds what is wrong to p
// under the name field names the value by.
func checkItem(p *problems, where string, it *Item, valueField string) {
	e := it.Entry
	e.Bank, e.Source = "list", SourceImport
	if err := e.Validate(); err != nil {
		field, msg, ok := strings.Cut(secunion.MessageOf(err), ": ")
		if !ok {
			field, msg = "", secunion.MessageOf(err)
		}
		if field == "value" {
			field = valueField
		}
		p.add(where, field, "%s", msg)
		return
	}
	it.Algorithm, it.Value = e.Algorithm, e.Value
}

// contentType maps a list's file type (a kind, a MIME type or a file
// extension: "image", "image/png", "mp4") onto the banks' content types.
func contentType(fileType string) string {
	t := strings.ToLower(strings.TrimSpace(fileType))
	t = strings.TrimPrefix(t, ".")
	if kind, _, ok := strings.Cut(t, "/"); ok {
		switch kind {
		case "image", "video", "audio":
			return kind
		}
		if strings.Contains(t, "pdf") || strings.Contains(t, "document") || strings.HasPrefix(t, "text/") || strings.Contains(t, "epub") {
			return "document"
		}
		return "other"
	}
	switch t {
	case "":
		return ""
	case "image", "video", "audio", "document", "other":
		return t
	case "jpg", "jpeg", "png", "gif", "webp", "bmp", "tif", "tiff", "heic", "photo", "picture":
		return "image"
	case "mp4", "mov", "avi", "mkv", "webm", "flv", "wmv", "3gp", "m4v":
		return "video"
	case "mp3", "wav", "ogg", "m4a", "aac", "flac", "opus":
		return "audio"
	case "pdf", "doc", "docx", "txt", "epub", "rtf", "odt", "text", "pdf document":
		return "document"
	}
	return "other"
}

// algorithmName is an algorithm's name in the partners' lists.
func algorithmName(a Algorithm) string {
	return strings.ToUpper(string(a))
}

// timestamp reads a list's time: RFC 3339, or without a zone (UTC), with
// a T or a space between date and time, or a date alone.
func timestamp(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02 15:04:05.999999999", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, secunion.Errorf(secunion.Invalid, "%q is not a time (give RFC 3339, e.g. 2026-05-04T09:00:00Z)", secunion.Clip(s, 40))
}
