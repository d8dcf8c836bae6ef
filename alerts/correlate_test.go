package alerts

import (
	"math"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestNormalizeValue: the same value written two ways is one value, and a
// malformed one is refused with what is wrong.
func TestNormalizeValue(t *testing.T) {
	for _, tc := range []struct{ in, kind, want string }{
		{"203.0.113.7", KindIPv4, "203.0.113.7"},
		{"::ffff:203.0.113.7", KindIPv4, "203.0.113.7"},
		{"2001:DB8:0:0::1", KindIPv6, "2001:db8::1"},
		{"2001:db8::1/32", KindIPv6, "2001:db8::/32"},
		{"203.0.113.7/24", KindIPv4, "203.0.113.0/24"},
		{"203.0.113.7/32", KindIPv4, "203.0.113.7"},
		{"Bücher.Example.", KindDomain, "xn--bcher-kva.example"},
		{"#StopTheLies", KindHashtag, "stopthelies"},
		{"HTTPS://Evil.Example:443/a/B?x=1#frag", KindURL, "https://evil.example/a/B?x=1"},
		{"http://[::FFFF:203.0.113.7]:8080/", KindURL, "http://203.0.113.7:8080/"},
		{"John.Doe@Mail.Example", KindEmail, "john.doe@mail.example"},
		{"D41D8CD98F00B204E9800998ECF8427E", "md5", "d41d8cd98f00b204e9800998ecf8427e"},
		{"AA-BB-CC-00-11-22", KindMAC, "aa:bb:cc:00:11:22"},
		{"TrollFarm_01", KindAccount, "trollfarm_01"},
	} {
		v, err := ParseValue(tc.in)
		if tc.kind == KindAccount {
			v, err = NormalizeValue(KindAccount, tc.in)
		}
		if err != nil || v != (Value{tc.kind, tc.want}) {
			t.Errorf("%q: %+v %v, want %s %s", tc.in, v, err, tc.kind, tc.want)
		}
	}
	for _, tc := range []struct{ kind, in, says string }{
		{KindIPv4, "2001:db8::1", "not ipv4"},
		{KindIPv4, "203.0.113", "not an IP address"},
		{KindDomain, "bad domain.example", "not a domain name"},
		{KindDomain, strings.Repeat("a", 64) + ".example", "overlong label"},
		{KindURL, "/relative/path", "not an absolute URL"},
		{KindEmail, "no-at.example", "not an e-mail address"},
		{"sha-256", "abc", "64 hex digits"},
		{KindHashtag, "#two words", "not a hashtag"},
		{"colour", "red", "not a kind"},
		{KindDomain, strings.Repeat("a", MaxValue+1), "at most"},
		{KindDomain, "  ", "empty"},
	} {
		if _, err := NormalizeValue(tc.kind, tc.in); err == nil || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("%s %.30q: %v, want %q", tc.kind, tc.in, err, tc.says)
		}
	}
	if _, err := ParseValue("trollfarm"); err == nil || !strings.Contains(err.Error(), "name its kind") {
		t.Errorf("a bare word: %v", err)
	}
	// Every kind a form offers normalises; none is offered that does not.
	for _, k := range Kinds {
		if _, err := NormalizeValue(k, "x"); err != nil && strings.Contains(err.Error(), "not a kind") {
			t.Errorf("kind %s is offered but not normalised", k)
		}
	}
	for k := range hashLengths {
		if !IsKind(k) {
			t.Errorf("hash kind %s is normalised but not offered", k)
		}
	}
}

func object(t *testing.T, raw string) Object {
	t.Helper()
	o, err := ParseObject([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// TestValues: the values an analyst expects to correlate come out of
// observables, hashes, indicator patterns and narrative text; negated and
// inequality comparisons do not.
func TestValues(t *testing.T) {
	const common = `"spec_version":"2.1","created":"2026-11-01T09:00:00Z","modified":"2026-11-01T09:00:00Z"`
	for _, tc := range []struct {
		raw  string
		want []Value
	}{
		{`{"type":"ipv4-addr","spec_version":"2.1","id":"ipv4-addr--ff0e2f4b-3f65-4a4c-9e3b-0c5f2f0a0001","value":"198.51.100.3"}`,
			[]Value{{KindIPv4, "198.51.100.3"}}},
		{`{"type":"file","spec_version":"2.1","id":"file--ff0e2f4b-3f65-4a4c-9e3b-0c5f2f0a0002","hashes":{"SHA-256":"E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"}}`,
			[]Value{{"sha-256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}}},
		{`{"type":"user-account","spec_version":"2.1","id":"user-account--ff0e2f4b-3f65-4a4c-9e3b-0c5f2f0a0003","account_login":"TrollFarm","account_type":"twitter"}`,
			[]Value{{KindAccount, "trollfarm"}}},
		{`{"type":"indicator",` + common + `,"id":"indicator--ff0e2f4b-3f65-4a4c-9e3b-0c5f2f0a0004","pattern_type":"stix","valid_from":"2026-11-01T09:00:00Z",
			"pattern":"[domain-name:value = 'evil.example' AND domain-name:value NOT = 'skip.example'] AND [file:hashes.'MD5' IN ('D41D8CD98F00B204E9800998ECF8427E')] OR [ipv4-addr:value != '198.51.100.9']"}`,
			[]Value{{KindDomain, "evil.example"}, {"md5", "d41d8cd98f00b204e9800998ecf8427e"}}},
		{`{"type":"x-narrative",` + common + `,"id":"x-narrative--ff0e2f4b-3f65-4a4c-9e3b-0c5f2f0a0005","name":"#Fake vaccine claims","description":"Spread as #NoVax and #novax, not C# or x&#32;"}`,
			[]Value{{KindHashtag, "fake"}, {KindHashtag, "novax"}}},
		{`{"type":"indicator",` + common + `,"id":"indicator--ff0e2f4b-3f65-4a4c-9e3b-0c5f2f0a0006","pattern_type":"sigma","valid_from":"2026-11-01T09:00:00Z","pattern":"title: x"}`,
			nil},
	} {
		if got := Values(object(t, tc.raw)); !slices.Equal(got, tc.want) {
			t.Errorf("%.60s: %v, want %v", tc.raw, got, tc.want)
		}
	}
}

// TestWarninglists: MISP's warninglist format is read, each of its types
// matches what it names, and a bad list says which entry is wrong.
func TestWarninglists(t *testing.T) {
	w, err := ParseWarninglist([]byte(`{"name":"National hosting","version":3,"description":"d","type":"hostname","matching_attributes":["domain","url"],"list":["cdn.example",".static.example"]}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		v    Value
		want bool
	}{
		{Value{KindDomain, "cdn.example"}, true},
		{Value{KindDomain, "a.b.static.example"}, true},
		{Value{KindURL, "https://user@img.cdn.example:8443/x?y"}, true},
		{Value{KindEmail, "a@cdn.example"}, true},
		{Value{KindDomain, "notcdn.example"}, false},
		{Value{KindIPv4, "198.51.100.1"}, false},
	} {
		if got := w.Match(tc.v); got != tc.want {
			t.Errorf("%v: %v", tc.v, got)
		}
	}
	defaults := DefaultWarninglists()
	for _, tc := range []struct {
		text, list string
	}{
		{"10.1.2.3", "Private and special-purpose addresses"},
		{"10.1.0.0/16", "Private and special-purpose addresses"},
		{"fe80::1", "Private and special-purpose addresses"},
		{"8.8.8.8", "Public DNS resolvers"},
		{"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "Hashes of the empty file"},
		{"printer.localdomain", "Local host names"},
		{"198.51.100.1", ""},
		{"8.0.0.0/7", ""}, // wider than 10/8: not inside it
		{"evil.example", ""},
	} {
		v, err := ParseValue(tc.text)
		if err != nil {
			t.Fatal(err)
		}
		if got := defaults.Match(v); got != tc.list {
			t.Errorf("%s: on %q, want %q", tc.text, got, tc.list)
		}
	}
	re, err := NewWarninglist("r", "", "regex", []string{`/^update\.[a-z]+\.example$/i`})
	if err != nil || !re.Match(Value{KindDomain, "update.vendor.example"}) {
		t.Errorf("regex list: %v", err)
	}
	for _, tc := range []struct{ raw, says string }{
		{`{"name":"x","type":"cidr","list":["10.0.0.0/8","not-an-ip"]}`, `list[1] "not-an-ip": not an address`},
		{`{"name":"x","type":"regex","list":["(?<=a)b"]}`, "list[0]"},
		{`{"name":"x","type":"fuzzy","list":["a"]}`, "type"},
		{`{"name":"x","type":"string","list":[]}`, "empty"},
		{`{"type":"string","list":["a"]}`, "name"},
		{`[1,2]`, "not a MISP warninglist"},
	} {
		if _, err := ParseWarninglist([]byte(tc.raw)); err == nil || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("%s: %v, want %q", tc.raw, err, tc.says)
		}
	}
}

// TestIndex: postings per value in the order added, a version counted
// once, the fan-out cap keeping the newest and counting the rest; a list
// handed out earlier does not change under its reader.
func TestIndex(t *testing.T) {
	x := NewIndex(3)
	a, b := Value{KindDomain, "a.example"}, Value{KindDomain, "b.example"}
	var held []uint32
	for seq := int64(1); seq <= 5; seq++ {
		if seq == 4 {
			held, _ = x.Lookup(a)
		}
		vals := []Value{a}
		if seq == 2 {
			vals = append(vals, b, b)
		}
		if err := x.Add(seq, vals); err != nil {
			t.Fatal(err)
		}
	}
	if seqs, total := x.Lookup(a); !slices.Equal(seqs, []uint32{3, 4, 5}) || total != 5 {
		t.Errorf("a: %v of %d", seqs, total)
	}
	if !slices.Equal(held, []uint32{1, 2, 3}) {
		t.Errorf("a list handed out changed: %v", held)
	}
	if seqs, total := x.Lookup(b); !slices.Equal(seqs, []uint32{2}) || total != 1 {
		t.Errorf("b: %v of %d", seqs, total)
	}
	if seqs, _ := x.Lookup(Value{KindIPv4, "a.example"}); seqs != nil {
		t.Errorf("another kind with the same text: %v", seqs)
	}
	if st := x.Stats(); st != (IndexStats{Values: 2, Postings: 4, Capped: 1}) {
		t.Errorf("stats %+v", st)
	}
	if err := x.Add(0, []Value{a}); err == nil {
		t.Error("sequence number 0 taken")
	}
}

// TestIndicatorDecay: an address indicator loses most of its score in
// its first weeks and expires before its month is out; a sighting renews
// it; a hash lasts a year; revoked and valid_until end it.
func TestIndicatorDecay(t *testing.T) {
	at := func(s string) time.Time { tm, _ := ParseTime(s); return tm }
	ind := func(pattern string, extra string) Object {
		return object(t, `{"type":"indicator","spec_version":"2.1","id":"indicator--ff0e2f4b-3f65-4a4c-9e3b-0c5f2f0a0010","created":"2026-01-01T00:00:00Z",
			"modified":"2026-01-01T00:00:00Z","valid_from":"2026-01-01T00:00:00Z","pattern_type":"stix","pattern":"`+pattern+`"`+extra+`}`)
	}
	ip := ind("[ipv4-addr:value = '198.51.100.1']", `,"confidence":80`)
	for _, tc := range []struct {
		o        Object
		seen, at string
		score    float64
		expired  bool
	}{
		{ip, "", "2026-01-01T00:00:00Z", 80, false},
		{ip, "", "2026-01-08T12:00:00Z", 40, false}, // a quarter of the lifetime: 1 − √¼ = ½
		{ip, "", "2026-01-16T00:00:00Z", 23.4, true},
		{ip, "2026-01-15T00:00:00Z", "2026-01-16T00:00:00Z", 65.4, false},
		{ip, "", "2026-03-01T00:00:00Z", 0, true},
		{ind("[file:hashes.'SHA-256' = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b856']", ""), "", "2026-07-02T12:00:00Z", 25, true},
		{ind("[file:hashes.'SHA-256' = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b856']", `,"confidence":100`), "", "2026-07-02T12:00:00Z", 50, false},
		{ind("[ipv4-addr:value = '198.51.100.1']", `,"revoked":true`), "", "2026-01-01T00:00:00Z", 0, true},
		{ind("[ipv4-addr:value = '198.51.100.1']", `,"valid_until":"2026-01-02T00:00:00Z"`), "", "2026-01-03T00:00:00Z", 0, true},
	} {
		d, ok := IndicatorDecay(tc.o, at(tc.seen), at(tc.at))
		if !ok || math.Abs(d.Score-tc.score) > 0.1 || d.Expired != tc.expired {
			t.Errorf("%s seen %s at %s: %+v, want score %v expired %v", tc.o.Props["pattern"], tc.seen, tc.at, d, tc.score, tc.expired)
		}
	}
	d, _ := IndicatorDecay(ip, time.Time{}, at("2026-01-01T00:00:00Z"))
	if want := at("2026-01-01T00:00:00Z").Add(time.Duration(float64(30*day) * 0.390625)); !d.Expires.Equal(want) {
		t.Errorf("expires %s, want %s", d.Expires, want) // 30 days × (1 − 30/80)²
	}
	if _, ok := IndicatorDecay(object(t, `{"type":"url","spec_version":"2.1","id":"url--ff0e2f4b-3f65-4a4c-9e3b-0c5f2f0a0011","value":"https://a.example/"}`), time.Time{}, time.Now()); ok {
		t.Error("a URL object decays")
	}
}

// TestWords: the search reads the prose of SDOs and custom objects in
// lower case and NFC, and no prose of observables; a search says what is
// wrong with a query it cannot run.
func TestWords(t *testing.T) {
	o := object(t, `{"type":"report","spec_version":"2.1","id":"report--ff0e2f4b-3f65-4a4c-9e3b-0c5f2f0a0020","created":"2026-11-01T09:00:00Z","modified":"2026-11-01T09:00:00Z",
		"name":"Exit work: RAN Policy paper","description":"Déradicalisation in prisons — a paper, 2026; x","published":"2026-11-01T09:00:00Z","object_refs":["note--ff0e2f4b-3f65-4a4c-9e3b-0c5f2f0a0021"]}`)
	want := []string{"exit", "work", "ran", "policy", "paper", "déradicalisation", "in", "prisons", "2026"}
	if got := Words(o); !slices.Equal(got, want) {
		t.Errorf("words %q, want %q", got, want)
	}
	if got := Words(object(t, `{"type":"url","spec_version":"2.1","id":"url--ff0e2f4b-3f65-4a4c-9e3b-0c5f2f0a0022","value":"https://a.example/paper"}`)); got != nil {
		t.Errorf("an observable's words: %q", got)
	}
	if got, err := SearchTerms("De\u0301radicalisation PAPER paper"); err != nil || !slices.Equal(got, []string{"déradicalisation", "paper"}) {
		t.Errorf("terms %q %v", got, err)
	}
	for q, says := range map[string]string{"": "at least one word", "a !": "at least one word", "aa bb cc dd ee ff gg hh ii jj kk": "at most 10",
		strings.Repeat("x", 1001): "at most 1000"} {
		if _, err := SearchTerms(q); err == nil || !strings.Contains(err.Error(), says) {
			t.Errorf("%.20q: %v, want %q", q, err, says)
		}
	}
}
