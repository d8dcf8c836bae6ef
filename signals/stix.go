package signals

import (
	"bufio"
	"crypto/rand"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"regexp"
	"strconv"
	"strings"
	"time"

	"secunion"
)

// Hash lists in STIX 2.1: a bundle of indicators, one per bank entry,
// whose pattern compares a file's hash:
//
//	[file:hashes.MD5 = '…'], [file:hashes.'SHA-256' = '…'], [file:hashes.'SHA-512' = '…']
//
// STIX's hash vocabulary (hash-algorithm-ov) has no PDQ; a hash outside
// it takes a key starting with "x_", so PDQ is [file:hashes.x_pdq = '…'].
// The banks' labels travel in the custom property x_secunion_labels
// (content_type, entity, behaviour, ideology) and a PDQ hash's quality in
// x_secunion_pdq_quality (custom property names: lowercase ASCII letters,
// digits and underscore, 3 to 250 characters, starting with x_). A
// disabled entry is a revoked indicator.
//
// An indicator's id is a UUIDv5 of its bank and hash, so that exporting
// the same entry again gives the same id and a consumer keeps one object
// per entry, its modified time telling the newer version. (UUIDv5 is
// SHA-1 and six bits: written here rather than adding a dependency.)
//
// The reader takes a bundle (or a TAXII envelope: "objects" without a
// type), reads every indicator whose pattern is one observation of file
// hash comparisons joined by AND or OR (each hash naming the same file,
// each becomes an entry), and refuses any other indicator, naming it.
// Objects that are not indicators (identities, markings, relationships)
// are passed over and counted.

// STIX custom property names of secunion.
const (
	stixLabels  = "x_secunion_labels"
	stixQuality = "x_secunion_pdq_quality"
	stixPDQKey  = "x_pdq"
)

// stixIndicator is an indicator as secunion writes and reads it.
type stixIndicator struct {
	Type           string   `json:"type"`
	SpecVersion    string   `json:"spec_version,omitempty"`
	ID             string   `json:"id"`
	Created        string   `json:"created,omitempty"`
	Modified       string   `json:"modified,omitempty"`
	Name           string   `json:"name,omitempty"`
	IndicatorTypes []string `json:"indicator_types,omitempty"`
	Pattern        string   `json:"pattern,omitempty"`
	PatternType    string   `json:"pattern_type,omitempty"`
	PatternVersion string   `json:"pattern_version,omitempty"`
	ValidFrom      string   `json:"valid_from,omitempty"`
	Revoked        bool     `json:"revoked,omitempty"`
	Labels         *Labels  `json:"x_secunion_labels,omitempty"`
	Quality        int      `json:"x_secunion_pdq_quality,omitempty"`
}

// stixTime is STIX's timestamp form, to the millisecond as created and
// modified must be.
const stixTime = "2006-01-02T15:04:05.000Z"

// stixKeys are the pattern's hash keys, by algorithm.
var stixKeys = map[Algorithm]string{AlgMD5: "MD5", AlgSHA256: "'SHA-256'", AlgSHA512: "'SHA-512'", AlgPDQ: stixPDQKey}

// stixNamespace is the UUIDv5 namespace of secunion's indicator ids.
var stixNamespace = [16]byte{0x5e, 0xc0, 0x41, 0x0e, 0x8a, 0x1d, 0x4b, 0x2f, 0x9c, 0x3e, 0x6b, 0x51, 0x0a, 0xd7, 0x2c, 0x11}

// WriteSTIX writes items, the entries of bank, as a STIX 2.1 bundle of
// indicators, an indicator at a time.
func WriteSTIX(w io.Writer, bank string, items iter.Seq[Item]) error {
	var id [16]byte
	rand.Read(id[:])
	id[6], id[8] = id[6]&0x0f|0x40, id[8]&0x3f|0x80
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, `{"type":"bundle","id":"bundle--%s","objects":[`, uuidText(id))
	sep := "\n"
	for it := range items {
		bw.WriteString(sep)
		writeJSONValue(bw, stixOf(bank, it))
		sep = ",\n"
	}
	bw.WriteString("\n]}\n")
	return bw.Flush()
}

// stixOf is item it of bank as an indicator.
func stixOf(bank string, it Item) stixIndicator {
	created, modified := it.Added.UTC(), it.Updated.UTC()
	if modified.Before(created) {
		modified = created
	}
	ind := stixIndicator{Type: "indicator", SpecVersion: "2.1",
		ID:      "indicator--" + uuidText(uuid5(stixNamespace, bank+"\x00"+string(it.Algorithm)+"\x00"+it.Value)),
		Created: created.Format(stixTime), Modified: modified.Format(stixTime),
		Name:           fmt.Sprintf("%s hash in bank %s", algorithmName(it.Algorithm), bank),
		IndicatorTypes: []string{"malicious-activity"},
		Pattern:        fmt.Sprintf("[file:hashes.%s = '%s']", stixKeys[it.Algorithm], it.Value),
		PatternType:    "stix", PatternVersion: "2.1", ValidFrom: created.Format(stixTime),
		Revoked: it.Deleted, Quality: it.Quality,
	}
	if it.Labels != (Labels{}) {
		l := it.Labels
		ind.Labels = &l
	}
	return ind
}

// uuid5 is the name-based UUID (version 5, SHA-1) of name in namespace.
func uuid5(namespace [16]byte, name string) [16]byte {
	h := sha1.New()
	h.Write(namespace[:])
	h.Write([]byte(name))
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6], u[8] = u[6]&0x0f|0x50, u[8]&0x3f|0x80
	return u
}

func uuidText(u [16]byte) string {
	s := hex.EncodeToString(u[:])
	return s[:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:]
}

// stixID is the form of a STIX identifier.
var stixID = regexp.MustCompile(`^[a-z0-9-]{3,250}--[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// ReadSTIX reads the file hash indicators of a STIX 2.1 bundle.
func ReadSTIX(r io.Reader) (List, error) {
	br, lr := newListReader(r, "STIX bundle")
	dec := json.NewDecoder(br)
	p := problems{what: "STIX bundle"}
	var out List
	var typ string
	found, err := jsonList(dec, lr, "objects", false, func(n int, raw json.RawMessage) error {
		where := "object " + strconv.Itoa(n)
		var ind stixIndicator
		if err := json.Unmarshal(raw, &ind); err != nil {
			p.add(where, "", "%s", secunion.JSONProblem(err))
			return nil
		}
		if ind.Type != "indicator" {
			if ind.Type == "" {
				p.add(where, "type", "missing: every STIX object has a type")
			}
			out.Skipped++
			return nil
		}
		if !stixID.MatchString(ind.ID) || !strings.HasPrefix(ind.ID, "indicator--") {
			p.add(where, "id", "%q is not an indicator's id (indicator--UUID)", secunion.Clip(ind.ID, 80))
			return nil
		}
		if items, ok := ind.items(&p, where+" "+ind.ID); ok {
			if len(out.Items)+len(items) > maxItems {
				return tooMany(lr.what)
			}
			out.Items = append(out.Items, items...)
		}
		return nil
	}, func(key string) error {
		if key == "type" {
			return dec.Decode(&typ)
		}
		var skip json.RawMessage
		return dec.Decode(&skip)
	})
	switch {
	case err != nil:
		return List{}, err
	case typ != "bundle" && (typ != "" || !found):
		return List{}, secunion.Errorf(secunion.Invalid, "the STIX document is not a bundle: its type is %q, and it has no objects", secunion.Clip(typ, 40))
	}
	if err := p.err(); err != nil {
		return List{}, err
	}
	return out, nil
}

// items are the hashes indicator ind names, or false after adding to p
// what is wrong with it.
func (ind stixIndicator) items(p *problems, where string) ([]Item, bool) {
	n := p.n
	if ind.SpecVersion != "" && ind.SpecVersion != "2.1" {
		p.add(where, "spec_version", "%q: this reader takes STIX 2.1", secunion.Clip(ind.SpecVersion, 20))
	}
	if ind.PatternType != "" && ind.PatternType != "stix" {
		p.add(where, "pattern_type", "%q: only STIX patterns of file hashes are taken", secunion.Clip(ind.PatternType, 40))
		return nil, false
	}
	hashes, err := hashPattern(ind.Pattern)
	if err != nil {
		p.add(where, "pattern", "%s", err.Error())
		return nil, false
	}
	var updated time.Time
	if ind.Modified != "" {
		var err error
		if updated, err = time.Parse(time.RFC3339Nano, ind.Modified); err != nil {
			p.add(where, "modified", "%q is not a STIX timestamp", secunion.Clip(ind.Modified, 40))
		}
	}
	var labels Labels
	if ind.Labels != nil {
		labels = *ind.Labels
	}
	items := make([]Item, 0, len(hashes))
	for _, h := range hashes {
		it := Item{Deleted: ind.Revoked, Updated: updated.UTC()}
		it.Algorithm, it.Value, it.Labels = h.alg, h.value, labels
		if h.alg == AlgPDQ {
			it.Quality = ind.Quality
		}
		checkItem(p, where, &it, "pattern")
		items = append(items, it)
	}
	return items, p.n == n
}

// patternHash is one comparison of a pattern.
type patternHash struct {
	alg   Algorithm
	value string
}

// stixAlgorithms are the hash keys the reader takes, in lowercase.
var stixAlgorithms = map[string]Algorithm{"md5": AlgMD5, "sha-256": AlgSHA256, "sha256": AlgSHA256,
	"sha-512": AlgSHA512, "sha512": AlgSHA512, stixPDQKey: AlgPDQ, "pdq": AlgPDQ}

// hashPattern reads a STIX pattern that is one observation expression of
// file hash comparisons joined by AND or OR.
func hashPattern(pattern string) ([]patternHash, error) {
	bad := func(what string) error {
		return fmt.Errorf("%s: only one observation of file hash comparisons joined by AND or OR is taken, as [file:hashes.'SHA-256' = '…']", what)
	}
	s := strings.TrimSpace(pattern)
	if s == "" {
		return nil, fmt.Errorf("missing")
	}
	if s[0] != '[' {
		return nil, bad("it does not start with [")
	}
	s = s[1:]
	var out []patternHash
	for {
		s = strings.TrimLeft(s, " \t\r\n")
		rest, ok := strings.CutPrefix(s, "file:hashes.")
		if !ok {
			return nil, bad("a comparison is not of file:hashes")
		}
		var key string
		if strings.HasPrefix(rest, "'") {
			end := strings.IndexByte(rest[1:], '\'')
			if end < 0 {
				return nil, bad("a hash key's quote is not closed")
			}
			key, rest = rest[1:1+end], rest[2+end:]
		} else {
			end := strings.IndexFunc(rest, func(r rune) bool {
				return !(r == '_' || r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
			})
			if end < 0 {
				end = len(rest)
			}
			key, rest = rest[:end], rest[end:]
		}
		alg, ok := stixAlgorithms[strings.ToLower(key)]
		if !ok {
			return nil, fmt.Errorf("file:hashes.%s is not a hash the banks hold (MD5, 'SHA-256', 'SHA-512', %s)", secunion.Clip(key, 40), stixPDQKey)
		}
		rest = strings.TrimLeft(rest, " \t\r\n")
		if rest, ok = strings.CutPrefix(rest, "="); !ok {
			return nil, bad("a comparison is not =")
		}
		rest = strings.TrimLeft(rest, " \t\r\n")
		value, rest, err := patternString(rest)
		if err != nil {
			return nil, bad(err.Error())
		}
		out = append(out, patternHash{alg: alg, value: value})
		if len(out) > 16 {
			return nil, bad("more than 16 comparisons")
		}
		rest = strings.TrimLeft(rest, " \t\r\n")
		if rest, ok = strings.CutPrefix(rest, "]"); ok {
			if strings.TrimSpace(rest) != "" {
				return nil, bad("something follows the observation")
			}
			return out, nil
		}
		var joined bool
		for _, op := range []string{"AND ", "OR "} {
			if r, ok := strings.CutPrefix(rest, op); ok {
				rest, joined = r, true
				break
			}
		}
		if !joined {
			return nil, bad("comparisons are joined by something other than AND or OR")
		}
		s = rest
	}
}

// patternString reads a quoted string literal at the start of s ('…' with
// \' and \\ escaped) and returns it and what follows.
func patternString(s string) (string, string, error) {
	if !strings.HasPrefix(s, "'") {
		return "", "", fmt.Errorf("a hash is not a quoted string")
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			if i+1 >= len(s) || (s[i+1] != '\'' && s[i+1] != '\\') {
				return "", "", fmt.Errorf("a string has a bad escape")
			}
			i++
			b.WriteByte(s[i])
		case '\'':
			return b.String(), s[i+1:], nil
		default:
			b.WriteByte(c)
		}
	}
	return "", "", fmt.Errorf("a string's quote is not closed")
}
