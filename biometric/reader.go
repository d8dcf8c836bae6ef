package biometric

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"

	"secunion"
)

// MaxLineBytes bounds one line of a template file: a face template
// written as JSON takes about 6 KB.
const MaxLineBytes = 64 << 10

// Line is one line of a template file: its number, and the template or
// why it was refused.
type Line struct {
	N        int
	Template Template
	Err      error
}

// Reader reads templates from JSON Lines, one Template object per line,
// each validated (and scaled to unit length). A bad line is reported in
// its Line and reading goes on; blank lines are skipped.
type Reader struct {
	sc *bufio.Scanner
	n  int
}

// NewReader returns a Reader of r.
func NewReader(r io.Reader) *Reader {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), MaxLineBytes)
	return &Reader{sc: sc}
}

// Next returns the next line; io.EOF after the last. A line over
// MaxLineBytes ends the file with an error, as the rest cannot be read.
func (rd *Reader) Next() (Line, error) {
	for rd.sc.Scan() {
		rd.n++
		b := bytes.TrimSpace(rd.sc.Bytes())
		if len(b) == 0 {
			continue
		}
		l := Line{N: rd.n}
		if err := RefuseImage(b); err != nil {
			l.Err = err
			return l, nil
		}
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&l.Template); err != nil {
			l.Err = secunion.Errorf(secunion.Invalid, "not a template: %s", secunion.JSONProblem(err))
			return l, nil
		}
		if dec.More() {
			l.Err = secunion.Errorf(secunion.Invalid, "one template per line")
			return l, nil
		}
		l.Err = l.Template.Validate()
		return l, nil
	}
	if err := rd.sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return Line{}, secunion.Errorf(secunion.TooLarge, "line %d is longer than %d bytes", rd.n+1, MaxLineBytes)
		}
		return Line{}, err
	}
	return Line{}, io.EOF
}
