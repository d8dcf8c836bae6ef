package signals

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/url"
	"strconv"
	"strings"

	"secunion"
)

// Tech Against Terrorism's hash list (the TCAP content hash list, v2) is
// JSON: each hash has hash_digest, algorithm (MD5, SHA256, SHA512, PDQ),
// ideology, file_type, deleted, created_on and updated_on (DOMAIN.md §5),
// and the list is read page by page with `after`, a checkpoint of the form
// "{UTC},{id}" that each page gives for the next. TAT's public
// documentation names those fields and that parameter but not the page's
// exact envelope, so the reader takes what a partner may send:
//
//   - a page object with the items under "results", and its checkpoint
//     under "checkpoint"; failing that, the `after` of its "next" URL;
//     failing that, "{updated_on},{id}" of its last item;
//   - or a bare array of items (a whole list as a file).
//
// Fields it does not know are passed over; those it knows must have their
// types. secunion writes the same envelope (results, checkpoint, next) and
// adds quality, entity and behaviour to each item, which other readers
// pass over, so that two secunion nodes lose nothing through this form.

// tatItem is one hash in TAT form.
type tatItem struct {
	ID         json.RawMessage `json:"id,omitempty"`
	HashDigest string          `json:"hash_digest"`
	Algorithm  string          `json:"algorithm"`
	Ideology   string          `json:"ideology"`
	FileType   string          `json:"file_type"`
	Deleted    bool            `json:"deleted"`
	CreatedOn  string          `json:"created_on,omitempty"`
	UpdatedOn  string          `json:"updated_on,omitempty"`
	Quality    int             `json:"quality,omitempty"`
	Entity     string          `json:"entity,omitempty"`
	Behaviour  string          `json:"behaviour,omitempty"`
}

// ReadTAT reads a TAT list: a page object or a bare array of items.
func ReadTAT(r io.Reader) (List, error) {
	br, lr := newListReader(r, "TAT list")
	dec := json.NewDecoder(br)
	p := problems{what: "TAT list"}
	var out List
	var last tatItem
	var checkpoint, next *string
	found, err := jsonList(dec, lr, "results", true, func(n int, raw json.RawMessage) error {
		where := "item " + strconv.Itoa(n)
		var ti tatItem
		if err := json.Unmarshal(raw, &ti); err != nil {
			p.add(where, "", "%s", secunion.JSONProblem(err))
			return nil
		}
		if it, ok := ti.item(&p, where); ok {
			out.Items = append(out.Items, it)
			last = ti
		}
		return nil
	}, func(key string) error {
		switch key {
		case "checkpoint":
			return dec.Decode(&checkpoint)
		case "next":
			return dec.Decode(&next)
		}
		var skip json.RawMessage
		return dec.Decode(&skip)
	})
	if err != nil {
		return List{}, err
	}
	if !found {
		return List{}, secunion.Errorf(secunion.Invalid, "the TAT list has no \"results\": give a page {\"results\": [...]} or an array of items")
	}
	if err := p.err(); err != nil {
		return List{}, err
	}
	switch {
	case checkpoint != nil:
		out.Checkpoint = secunion.Clip(*checkpoint, 500)
	case next != nil && *next != "":
		if u, err := url.Parse(*next); err == nil {
			out.Checkpoint = secunion.Clip(u.Query().Get("after"), 500)
		}
	}
	if out.Checkpoint == "" && len(out.Items) > 0 && last.UpdatedOn != "" && len(last.ID) > 0 {
		out.Checkpoint = secunion.Clip(last.UpdatedOn, 100) + "," + rawText(last.ID)
	}
	return out, nil
}

// item checks ti and returns it as an Item, adding what is wrong to p.
func (ti tatItem) item(p *problems, where string) (Item, bool) {
	n := p.n
	it := Item{Deleted: ti.Deleted}
	it.Value, it.Quality = ti.HashDigest, ti.Quality
	it.Labels = Labels{ContentType: contentType(ti.FileType), Ideology: ti.Ideology, Entity: ti.Entity, Behaviour: ti.Behaviour}
	a, err := ParseAlgorithm(ti.Algorithm)
	if err != nil {
		p.add(where, "algorithm", "%s", secunion.MessageOf(err))
		return it, false
	}
	it.Algorithm = a
	if ti.UpdatedOn != "" {
		if it.Updated, err = timestamp(ti.UpdatedOn); err != nil {
			p.add(where, "updated_on", "%s", secunion.MessageOf(err))
		}
	}
	if ti.CreatedOn != "" {
		if _, err := timestamp(ti.CreatedOn); err != nil {
			p.add(where, "created_on", "%s", secunion.MessageOf(err))
		}
	}
	if len(ti.ID) > 0 {
		it.Seq, _ = strconv.ParseInt(rawText(ti.ID), 10, 64)
	}
	checkItem(p, where, &it, "hash_digest")
	return it, p.n == n
}

// rawText is a JSON string's text, or a number's as written.
func rawText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return secunion.Clip(s, 200)
	}
	return secunion.Clip(string(bytes.TrimSpace(raw)), 200)
}

// TATPage is a page of the list in TAT form as secunion writes it: the
// items, the checkpoint to give as `after` for the next page, and the
// URL of the next page ("" when this page is the last one known).
type TATPage struct {
	Items      []Item
	Checkpoint string
	Next       string
}

// tatTime is how secunion writes created_on and updated_on.
const tatTime = "2006-01-02T15:04:05.000000Z"

// TATCheckpoint is the checkpoint after item it, "{UTC},{number}" as TAT
// writes it; secunion reads only the number back (ParseTATAfter), the
// time being there for people and for TAT's form.
func TATCheckpoint(it Item) string {
	return it.Updated.UTC().Format(tatTime) + "," + strconv.FormatInt(it.Seq, 10)
}

// ParseTATAfter reads an `after` checkpoint secunion gave: "{UTC},{n}" or
// n alone; "" is the start.
func ParseTATAfter(s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	if i := strings.LastIndexByte(s, ','); i >= 0 {
		s = s[i+1:]
	}
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n < 0 {
		return 0, secunion.Errorf(secunion.Invalid, "after: give the checkpoint of the last page read (\"{UTC},{number}\" or the number), or nothing")
	}
	return n, nil
}

// WriteTAT writes p in TAT form, an item at a time.
func WriteTAT(w io.Writer, p TATPage) error {
	bw := bufio.NewWriter(w)
	bw.WriteString(`{"checkpoint":`)
	writeJSONValue(bw, p.Checkpoint)
	bw.WriteString(`,"next":`)
	if p.Next == "" {
		bw.WriteString("null")
	} else {
		writeJSONValue(bw, p.Next)
	}
	bw.WriteString(`,"results":[`)
	for i, it := range p.Items {
		if i > 0 {
			bw.WriteByte(',')
		}
		bw.WriteString("\n")
		ti := tatItem{ID: json.RawMessage(strconv.FormatInt(it.Seq, 10)), HashDigest: it.Value, Algorithm: algorithmName(it.Algorithm),
			Ideology: it.Labels.Ideology, FileType: it.Labels.ContentType, Deleted: it.Deleted,
			CreatedOn: it.Added.UTC().Format(tatTime), UpdatedOn: it.Updated.UTC().Format(tatTime),
			Quality: it.Quality, Entity: it.Labels.Entity, Behaviour: it.Labels.Behaviour}
		writeJSONValue(bw, ti)
	}
	bw.WriteString("\n]}\n")
	return bw.Flush()
}

// writeJSONValue writes v as JSON without HTML escaping or a newline.
func writeJSONValue(w *bufio.Writer, v any) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
	w.Write(bytes.TrimRight(b.Bytes(), "\n"))
}
