package identity

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"secunion"
)

// MaxLine is the longest import line (JSON Lines) or CSV row accepted.
const MaxLine = 64 << 10

// Line is one line of an import: its number and either a valid record or
// the reason it was rejected.
type Line struct {
	N      int
	Record Record
	Err    error
}

// Format is an import file format.
type Format string

// The import formats.
const (
	JSONLines Format = "jsonl"
	CSV       Format = "csv"
)

// Reader reads records for one system from JSON Lines or CSV. A bad line
// is reported and skipped; reading goes on. In CSV the header names fields
// by their JSON path ("id", "person.surname", "documents.number",
// "sis.category"); lists (nationalities, convicting states) are separated by
// ';'; one document per row.
type Reader struct {
	system string
	format Format
	now    time.Time
	lines  *bufio.Reader
	csv    *csv.Reader
	header []string
	n      int
}

// NewReader returns a reader of records of system in the given format.
func NewReader(r io.Reader, system string, format Format, now time.Time) (*Reader, error) {
	sys, err := ParseSystem(system)
	if err != nil {
		return nil, err
	}
	rd := &Reader{system: sys, format: format, now: now}
	switch format {
	case JSONLines:
		rd.lines = bufio.NewReaderSize(r, 64<<10)
	case CSV:
		rd.csv = csv.NewReader(&limitedLines{r: bufio.NewReaderSize(r, 64<<10)})
		rd.csv.FieldsPerRecord = -1
		rd.csv.ReuseRecord = true
		header, err := rd.csv.Read()
		if err != nil {
			return nil, secunion.Errorf(secunion.Invalid, "CSV header: %s", csvProblem(err))
		}
		rd.n = 1
		rd.header = slices.Clone(header)
		if err := checkHeader(rd.header); err != nil {
			return nil, err
		}
	default:
		return nil, secunion.Errorf(secunion.Invalid, "unknown format %q: use jsonl or csv", format)
	}
	return rd, nil
}

// Next returns the next line, or io.EOF at the end. Only a failure to read
// the input itself is returned as an error; a bad line comes back as a Line
// with Err set.
func (rd *Reader) Next() (Line, error) {
	if rd.format == CSV {
		return rd.nextCSV()
	}
	for {
		raw, err := rd.readLine()
		if err != nil {
			var tooLong errLineTooLong
			if errors.As(err, &tooLong) {
				rd.n++
				return Line{N: rd.n, Err: secunion.Errorf(secunion.Invalid, "line longer than %d bytes", MaxLine)}, nil
			}
			return Line{}, err
		}
		rd.n++
		if len(bytes.TrimSpace(raw)) == 0 {
			continue
		}
		return rd.decode(raw), nil
	}
}

type errLineTooLong struct{}

func (errLineTooLong) Error() string { return "line too long" }

// readLine reads one line, without its newline, refusing to hold more than
// MaxLine bytes: the rest of an oversized line is skipped.
func (rd *Reader) readLine() ([]byte, error) {
	var line []byte
	for {
		chunk, err := rd.lines.ReadSlice('\n')
		if len(line)+len(chunk) > MaxLine+1 {
			for errors.Is(err, bufio.ErrBufferFull) {
				_, err = rd.lines.ReadSlice('\n')
			}
			if err != nil && err != io.EOF {
				return nil, err
			}
			return nil, errLineTooLong{}
		}
		line = append(line, chunk...)
		switch {
		case err == nil:
			return bytes.TrimRight(line, "\r\n"), nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case err == io.EOF && len(line) > 0:
			return bytes.TrimRight(line, "\r\n"), nil
		default:
			return nil, err
		}
	}
}

func (rd *Reader) decode(raw []byte) Line {
	l := Line{N: rd.n}
	if !utf8.Valid(raw) {
		l.Err = secunion.Errorf(secunion.Invalid, "not valid UTF-8")
		return l
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&l.Record); err != nil {
		l.Err = secunion.Errorf(secunion.Invalid, "malformed JSON: %s", secunion.JSONProblem(err))
		return l
	}
	if dec.More() {
		l.Err = secunion.Errorf(secunion.Invalid, "more than one JSON value on the line")
		return l
	}
	l.Err = rd.check(&l.Record)
	return l
}

// check fills in the system and validates.
func (rd *Reader) check(r *Record) error {
	if r.System == "" {
		r.System = rd.system
	}
	if r.System != rd.system {
		return secunion.Errorf(secunion.Invalid, "record of %s in an import into %s", r.System, rd.system)
	}
	return r.Validate(rd.now)
}

func (rd *Reader) nextCSV() (Line, error) {
	row, err := rd.csv.Read()
	if err == io.EOF {
		return Line{}, io.EOF
	}
	if err != nil {
		var pe *csv.ParseError
		switch {
		case errors.As(err, &pe):
			rd.n = pe.StartLine
		case errors.Is(err, errLineTooLong{}):
			rd.n++
		default:
			return Line{}, err
		}
		return Line{N: rd.n, Err: secunion.Errorf(secunion.Invalid, "%s", csvProblem(err))}, nil
	}
	rd.n, _ = rd.csv.FieldPos(0)
	l := Line{N: rd.n}
	if len(row) != len(rd.header) {
		l.Err = secunion.Errorf(secunion.Invalid, "%d fields, but the header has %d", len(row), len(rd.header))
		return l, nil
	}
	obj := map[string]any{}
	for i, v := range row {
		if v == "" {
			continue
		}
		if !utf8.ValidString(v) {
			l.Err = secunion.Errorf(secunion.Invalid, "column %s: not valid UTF-8", rd.header[i])
			return l, nil
		}
		setPath(obj, rd.header[i], v)
	}
	b, _ := json.Marshal(obj)
	return rd.decode(b), nil
}

// csvLists are the CSV columns whose values are lists.
var csvLists = map[string]bool{"person.nationalities": true, "ecris.convicting_states": true, "biometrics": true}

// csvSingles are the list fields that CSV gives one item of per row.
var csvSingles = map[string]bool{"documents": true, "person.aliases": true}

func checkHeader(h []string) error {
	seen := map[string]bool{}
	for _, c := range h {
		if c == "" || seen[c] || strings.ContainsAny(c, " \t") {
			return secunion.Errorf(secunion.Invalid, "CSV header: column %q is empty, repeated or has spaces", c)
		}
		seen[c] = true
	}
	if !seen["id"] {
		return secunion.Errorf(secunion.Invalid, "CSV header: an id column is required")
	}
	return nil
}

// setPath sets a dotted JSON path in obj. Unknown paths are kept, so the
// JSON decoder rejects them by name.
func setPath(obj map[string]any, path, v string) {
	parts := strings.Split(path, ".")
	cur := obj
	for i, p := range parts[:len(parts)-1] {
		prefix := strings.Join(parts[:i+1], ".")
		if csvSingles[prefix] {
			list, _ := cur[p].([]any)
			if len(list) == 0 {
				list = []any{map[string]any{}}
				cur[p] = list
			}
			cur = list[0].(map[string]any)
			continue
		}
		next, ok := cur[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			cur[p] = next
		}
		cur = next
	}
	last := parts[len(parts)-1]
	if csvLists[path] {
		var items []any
		for _, s := range strings.Split(v, ";") {
			if s = strings.TrimSpace(s); s != "" {
				items = append(items, s)
			}
		}
		cur[last] = items
		return
	}
	cur[last] = v
}

// limitedLines passes text to the CSV reader but fails a line longer than
// MaxLine, so that a hostile file cannot make one huge field.
type limitedLines struct {
	r    *bufio.Reader
	line int
}

func (l *limitedLines) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	for _, c := range p[:n] {
		if c == '\n' {
			l.line = 0
		} else if l.line++; l.line > MaxLine {
			return 0, errLineTooLong{}
		}
	}
	return n, err
}

func csvProblem(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Sprintf("line %d column %d: %v", pe.Line, pe.Column, pe.Err)
	}
	if errors.Is(err, errLineTooLong{}) {
		return fmt.Sprintf("a line is longer than %d bytes", MaxLine)
	}
	if errors.Is(err, io.EOF) {
		return "empty file"
	}
	return err.Error()
}
