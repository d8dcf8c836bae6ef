package signals

import (
	"encoding/csv"
	"errors"
	"io"
	"iter"
	"strconv"
	"strings"
	"time"

	"secunion"
)

// Hash lists in CSV: a header row naming the columns, in any order, then
// a hash a row. algorithm and value are required; the others may be left
// out or empty:
//
//	algorithm,value,quality,content_type,entity,behaviour,ideology,deleted,updated
//	pdq,f8f8f0cee0f4a84f06370a22038f67f0b36e2ed596621e1d33e6339c4e9c9b22,100,image,,,jihadist,false,2026-05-04T09:00:00Z
//
// The reader also takes TAT's names for three columns (hash_digest or hash
// for value, file_type for content_type, updated_on for updated) and
// refuses a column it does not know, so that a misspelt header is caught
// rather than its column lost. Lines starting with # are comments; a
// leading byte-order mark is passed over. deleted is true or false (1 or
// 0, yes or no; empty is false).

// csvColumns are the columns secunion writes, in order.
var csvColumns = []string{"algorithm", "value", "quality", "content_type", "entity", "behaviour", "ideology", "deleted", "updated"}

// csvAliases are other lists' names for secunion's columns.
var csvAliases = map[string]string{"hash_digest": "value", "hash": "value", "file_type": "content_type", "updated_on": "updated"}

// ReadCSV reads a CSV hash list with a header row.
func ReadCSV(r io.Reader) (List, error) {
	br, lr := newListReader(r, "CSV list")
	cr := csv.NewReader(br)
	cr.Comment, cr.FieldsPerRecord, cr.ReuseRecord = '#', -1, true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return List{}, secunion.Errorf(secunion.Invalid, "the CSV list is empty: it needs a header row (%s)", strings.Join(csvColumns, ","))
	}
	if err != nil {
		return List{}, csvError(lr, err)
	}
	col := map[string]int{}
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(h))
		if a, ok := csvAliases[name]; ok {
			name = a
		}
		known := false
		for _, c := range csvColumns {
			known = known || c == name
		}
		switch _, dup := col[name]; {
		case !known:
			return List{}, secunion.Errorf(secunion.Invalid, "the CSV list's header has an unknown column %q: the columns are %s", secunion.Clip(h, 40), strings.Join(csvColumns, ", "))
		case dup:
			return List{}, secunion.Errorf(secunion.Invalid, "the CSV list's header names %s twice", name)
		}
		col[name] = i
	}
	for _, need := range []string{"algorithm", "value"} {
		if _, ok := col[need]; !ok {
			return List{}, secunion.Errorf(secunion.Invalid, "the CSV list's header has no %s column: the columns are %s", need, strings.Join(csvColumns, ", "))
		}
	}
	p := problems{what: "CSV list"}
	var out List
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				p.add("line "+strconv.Itoa(pe.Line), "", "%s", pe.Err.Error())
				if pe.Err == csv.ErrQuote || pe.Err == csv.ErrBareQuote {
					break // the reader cannot tell where the next row starts
				}
				continue
			}
			return List{}, csvError(lr, err)
		}
		line, _ := cr.FieldPos(0)
		where := "line " + strconv.Itoa(line)
		if len(rec) != len(header) {
			p.add(where, "", "%d fields where the header has %d", len(rec), len(header))
			continue
		}
		if len(out.Items) == maxItems {
			return List{}, tooMany("CSV list")
		}
		if it, ok := csvItem(&p, where, rec, col); ok {
			out.Items = append(out.Items, it)
		}
	}
	if lr.n > maxBytes {
		return List{}, lr.fail(nil)
	}
	if err := p.err(); err != nil {
		return List{}, err
	}
	return out, nil
}

// csvItem reads the item of one row.
func csvItem(p *problems, where string, rec []string, col map[string]int) (Item, bool) {
	n := p.n
	get := func(name string) string {
		if i, ok := col[name]; ok {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	var it Item
	it.Algorithm, it.Value = Algorithm(get("algorithm")), get("value")
	it.Labels = Labels{ContentType: contentType(get("content_type")), Entity: get("entity"),
		Behaviour: get("behaviour"), Ideology: get("ideology")}
	if q := get("quality"); q != "" {
		var err error
		if it.Quality, err = strconv.Atoi(q); err != nil {
			p.add(where, "quality", "%q is not a whole number", secunion.Clip(q, 20))
		}
	}
	switch strings.ToLower(get("deleted")) {
	case "", "false", "0", "no":
	case "true", "1", "yes":
		it.Deleted = true
	default:
		p.add(where, "deleted", "%q: give true or false", secunion.Clip(get("deleted"), 20))
	}
	if u := get("updated"); u != "" {
		var err error
		if it.Updated, err = timestamp(u); err != nil {
			p.add(where, "updated", "%s", secunion.MessageOf(err))
		}
	}
	checkItem(p, where, &it, "value")
	return it, p.n == n
}

// csvError is an error that stops the reading.
func csvError(lr *listReader, err error) error {
	if lr.n > maxBytes {
		return lr.fail(err)
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return secunion.Errorf(secunion.Invalid, "the CSV list is malformed at line %d: %s", pe.Line, pe.Err)
	}
	return secunion.Wrap(secunion.Invalid, err, "cannot read the CSV list")
}

// WriteCSV writes items as a CSV list with a header row.
func WriteCSV(w io.Writer, items iter.Seq[Item]) error {
	cw := csv.NewWriter(w)
	cw.Write(csvColumns)
	for it := range items {
		q := ""
		if it.Algorithm == AlgPDQ && it.Quality > 0 {
			q = strconv.Itoa(it.Quality)
		}
		updated := ""
		if !it.Updated.IsZero() {
			updated = it.Updated.UTC().Format(time.RFC3339Nano)
		}
		cw.Write([]string{string(it.Algorithm), it.Value, q, it.Labels.ContentType, it.Labels.Entity, it.Labels.Behaviour,
			it.Labels.Ideology, strconv.FormatBool(it.Deleted), updated})
	}
	cw.Flush()
	return cw.Error()
}
