package alerts

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"secunion"
)

// MaxEnvelope is how many objects one TAXII POST or bundle chunk holds at
// most; a larger bundle goes in several requests, or through `secunion
// alerts import`, which reads it in chunks.
const MaxEnvelope = 10000

// ReadObjects reads a STIX bundle ({"type": "bundle", "objects": […]}) or
// a TAXII envelope ({"objects": […]}) from r as a stream, handing its
// objects' JSON to fn in chunks of at most chunk objects, so a bundle of
// any size is read in bounded memory. Properties of the bundle other
// than type, id, spec_version and objects, and of an envelope other than
// objects, more and next, are refused with their name.
func ReadObjects(r io.Reader, chunk int, fn func([]json.RawMessage) error) error {
	dec := json.NewDecoder(r)
	dec.UseNumber() // a number token is never converted, so never out of range
	if err := expectDelim(dec, '{', "a bundle or envelope must be a JSON object"); err != nil {
		return err
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return syntaxError(err)
		}
		key, _ := tok.(string)
		if seen[key] {
			return invalidf(key, "appears twice")
		}
		seen[key] = true
		switch key {
		case "type":
			var t string
			if err := dec.Decode(&t); err != nil || t != "bundle" {
				return invalidf("type", "a bundle's type is \"bundle\"")
			}
		case "id":
			var id string
			if err := dec.Decode(&id); err != nil {
				return invalidf("id", "must be a string")
			}
			if err := checkID("id", id, "bundle"); err != nil {
				return err
			}
		case "spec_version", "more", "next":
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return syntaxError(err)
			}
		case "objects":
			if err := readList(dec, chunk, fn); err != nil {
				return err
			}
		default:
			return invalidf(secunion.Clip(key, 64), "is not a property of a bundle or envelope")
		}
	}
	if _, err := dec.Token(); err != nil {
		return syntaxError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return secunion.Errorf(secunion.Invalid, "bundle: trailing data after the JSON object")
	}
	return nil
}

func readList(dec *json.Decoder, chunk int, fn func([]json.RawMessage) error) error {
	if err := expectDelim(dec, '[', "objects: must be a list"); err != nil {
		return err
	}
	var batch []json.RawMessage
	for i := 0; dec.More(); i++ {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return secunion.Errorf(secunion.Invalid, "objects[%d]: %s", i, secunion.JSONProblem(err))
		}
		batch = append(batch, raw)
		if len(batch) == chunk {
			if err := fn(batch); err != nil {
				return err
			}
			batch = nil
		}
	}
	if _, err := dec.Token(); err != nil {
		return syntaxError(err)
	}
	if len(batch) > 0 {
		return fn(batch)
	}
	return nil
}

func expectDelim(dec *json.Decoder, d json.Delim, msg string) error {
	tok, err := dec.Token()
	if err != nil {
		return syntaxError(err)
	}
	if tok != d {
		return secunion.Errorf(secunion.Invalid, "%s", msg)
	}
	return nil
}

// syntaxError says what is wrong with the bundle's JSON; a reader's own
// error (a body over its limit) goes through as it is.
func syntaxError(err error) error {
	var syn *json.SyntaxError
	if errors.As(err, &syn) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return secunion.Errorf(secunion.Invalid, "bundle: %s", secunion.JSONProblem(err))
	}
	return err
}

// Checked is a batch of objects after Checker.Batch: those that pass,
// and a failure for each that does not.
type Checked struct {
	Objects  []Object
	Failures []StatusDetail
}

// Batch parses and checks raws, objects that arrived together: a marking
// definition among them resolves the markings of the others. Each object
// that fails is reported with its id, version and the reason, and the
// rest go on (TAXII 2.1 §5.4: the status names each failure).
func (c Checker) Batch(raws []json.RawMessage) Checked { return c.Resolve(c.Prepare(raws)) }

// Prepared is a batch of objects parsed and checked on their own, their
// markings not yet resolved: the costly part of the checks, which
// batches can go through in parallel, before Resolve takes them in
// order.
type Prepared struct {
	objects  []Object
	failures []StatusDetail
	// markings are the marking definitions the batch defines.
	markings map[string]bool
}

// Prepare parses raws and checks each object on its own: everything
// Check does but the resolution of its markings.
func (c Checker) Prepare(raws []json.RawMessage) Prepared {
	p := Prepared{objects: make([]Object, 0, len(raws)), markings: map[string]bool{}}
	for i, raw := range raws {
		o, err := ParseObject(raw)
		if err == nil {
			err = c.checkContent(o)
		}
		if err != nil {
			p.failures = append(p.failures, failure(o, i, err))
			continue
		}
		if o.Type == "marking-definition" {
			p.markings[o.ID] = true
		}
		p.objects = append(p.objects, o)
	}
	return p
}

// Resolve finishes the checks of a prepared batch: each object's
// markings resolve to TLP, to a marking definition the batch defines, or
// to one c.Marking holds (one stored by an earlier batch included).
func (c Checker) Resolve(p Prepared) Checked {
	out := Checked{Failures: p.failures}
	for i, o := range p.objects {
		if err := c.checkMarkings(o, p.markings); err != nil {
			out.Failures = append(out.Failures, failure(o, i, err))
			continue
		}
		out.Objects = append(out.Objects, o)
	}
	return out
}

func failure(o Object, i int, err error) StatusDetail {
	d := StatusDetail{ID: o.ID, Message: secunion.MessageOf(err)}
	if d.ID == "" {
		d.ID = fmt.Sprintf("objects[%d]", i)
	}
	if v := o.Version(time.Time{}); !v.IsZero() {
		d.Version = FormatTime(v)
	}
	return d
}
