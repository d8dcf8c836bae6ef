package alerts

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"secunion"
)

// stixDir is the shared STIX conformance material (its README says how to
// use it).
const stixDir = "../../shared/testdata/stix"

// TestParsePatternTestdata parses the pattern of every indicator in the
// OASIS examples, the documentation examples and the threat reports. The
// "pattern" keys of schemas/ are JSON-schema regular expressions, not STIX
// patterns, and are not indicators, so the walk leaves them out.
func TestParsePatternTestdata(t *testing.T) {
	if _, err := os.Stat(stixDir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("STIX test data missing under CI: %v", err)
		}
		t.Skipf("SKIPPING: STIX test data not found at %s: %v", stixDir, err)
	}
	n := 0
	err := filepath.WalkDir(stixDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var doc any
		if err := json.Unmarshal(data, &doc); err != nil {
			return err
		}
		for _, pattern := range indicatorPatterns(doc) {
			n++
			p, err := ParsePattern(pattern)
			if err != nil {
				t.Errorf("%s: %q: %v", path, pattern, err)
				continue
			}
			if len(p.Comparisons()) == 0 {
				t.Errorf("%s: %q: no comparisons", path, pattern)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// 85 indicators when this test was written: the examples, the
	// documentation examples and both threat reports.
	if n < 85 {
		t.Errorf("found %d indicator patterns, want at least 85", n)
	}
}

// indicatorPatterns returns the patterns of the STIX indicators anywhere in
// a decoded JSON document.
func indicatorPatterns(v any) []string {
	var out []string
	switch v := v.(type) {
	case map[string]any:
		if pattern, ok := v["pattern"].(string); ok && v["type"] == "indicator" &&
			(v["pattern_type"] == nil || v["pattern_type"] == "stix") {
			out = append(out, pattern)
		}
		for _, x := range v {
			out = append(out, indicatorPatterns(x)...)
		}
	case []any:
		for _, x := range v {
			out = append(out, indicatorPatterns(x)...)
		}
	}
	return out
}

func TestParsePatternValid(t *testing.T) {
	tests := []struct {
		pattern string
		want    []Comparison // checked when not nil
		str     string       // String(), when it differs from pattern
	}{
		{
			pattern: "[file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']",
			want:    []Comparison{{"file", "hashes.'SHA-256'", "=", false, []string{"aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f"}}},
		},
		{
			pattern: "[file:extensions.'windows-pebinary-ext'.sections[*].entropy > 7.0]",
			want:    []Comparison{{"file", "extensions.'windows-pebinary-ext'.sections[*].entropy", ">", false, []string{"7.0"}}},
		},
		{
			pattern: "[email-message:body_multipart[0].body_raw_ref.name NOT MATCHES '^Final Report.+\\\\.exe$']",
			want:    []Comparison{{"email-message", "body_multipart[0].body_raw_ref.name", "MATCHES", true, []string{`^Final Report.+\.exe$`}}},
		},
		{
			pattern: `[windows-registry-key:key = 'HKEY_LOCAL_MACHINE\\foo\\bar' OR windows-registry-key:key = 'it\'s']`,
			want: []Comparison{
				{"windows-registry-key", "key", "=", false, []string{`HKEY_LOCAL_MACHINE\foo\bar`}},
				{"windows-registry-key", "key", "=", false, []string{`it's`}},
			},
		},
		{
			pattern: "[file:size IN (1, +2, -3, 4.5, 'a', true, h'ffD8', b'QUJDRA==', t'2016-12-31T23:59:60Z')]",
			want:    []Comparison{{"file", "size", "IN", false, []string{"1", "2", "-3", "4.5", "a", "true", "ffD8", "QUJDRA==", "2016-12-31T23:59:60Z"}}},
			str:     "[file:size IN (1, 2, -3, 4.5, 'a', true, h'ffD8', b'QUJDRA==', t'2016-12-31T23:59:60Z')]",
		},
		{
			pattern: "[file:name NOT IN ()]",
			want:    []Comparison{{"file", "name", "IN", true, nil}},
		},
		{
			pattern: "[NOT EXISTS file:parent_directory_ref AND EXISTS file:'name']",
			want: []Comparison{
				{"file", "parent_directory_ref", "EXISTS", true, nil},
				{"file", "name", "EXISTS", false, nil},
			},
			str: "[NOT EXISTS file:parent_directory_ref AND EXISTS file:name]",
		},
		{
			pattern: "[ipv4-addr:value ISSUBSET '198.51.100.0/24'] OR [ipv6-addr:value NOT ISSUPERSET '2001:db8::/32']",
			want: []Comparison{
				{"ipv4-addr", "value", "ISSUBSET", false, []string{"198.51.100.0/24"}},
				{"ipv6-addr", "value", "ISSUPERSET", true, []string{"2001:db8::/32"}},
			},
		},
		{
			// The spec's own example: an IPv6 CIDR on a network-traffic
			// reference is a string the parser cannot type.
			pattern: "[network-traffic:dst_ref.value ISSUBSET '2001:0db8:dead:beef:0000:0000:0000:0000/64']",
		},
		{
			pattern: "[user-account:account_login LIKE 'adm%' AND user-account:is_privileged = false AND user-account:x_misp_phone != '1']",
			want: []Comparison{
				{"user-account", "account_login", "LIKE", false, []string{"adm%"}},
				{"user-account", "is_privileged", "=", false, []string{"false"}},
				{"user-account", "x_misp_phone", "!=", false, []string{"1"}},
			},
		},
		{
			pattern: "[file:size == 1 AND file:size <> 2 AND file:size < 3 AND file:size <= 4 AND file:size >= .5 AND file:created > t'2014-01-13T07:03:17.123Z']",
			str:     "[file:size = 1 AND file:size != 2 AND file:size < 3 AND file:size <= 4 AND file:size >= .5 AND file:created > t'2014-01-13T07:03:17.123Z']",
		},
		{pattern: "[artifact:payload_bin = b'QUI=' AND artifact:mime_type = 'application/x-pdf' AND artifact:magic = h'']"},
		{pattern: "[x-usb-device:usbdrive.serial_number = '575833314133343231313937']"},
		{pattern: "[process:environment_variables.PATH = '/bin' AND process:environment_variables.'user-var' = 'x' AND process:id = 'y']"},
		{pattern: "[file:x_list[-1] = 1 AND file:x_list[+2] = 2]", str: "[file:x_list[-1] = 1 AND file:x_list[2] = 2]"},
		{
			// AND is satisfiable: both sides can match a file.
			pattern: "[(file:name = 'pdf.exe' OR ipv4-addr:value = '10.0.0.1') AND file:size = 371712]",
			want: []Comparison{
				{"file", "name", "=", false, []string{"pdf.exe"}},
				{"ipv4-addr", "value", "=", false, []string{"10.0.0.1"}},
				{"file", "size", "=", false, []string{"371712"}},
			},
		},
		{pattern: "([file:name = 'a'] FOLLOWEDBY [file:name = 'b']) WITHIN 300 SECONDS"},
		{pattern: "[file:name = 'a'] WITHIN 0.5 SECONDS"},
		{pattern: "[network-traffic:dst_port = 443] REPEATS 5 TIMES WITHIN 1800 SECONDS"},
		{pattern: "[file:name = 'a'] START t'2016-06-01T01:30:00Z' STOP t'2016-06-01T01:30:00.001Z'"},
		{
			pattern: "([file:name = 'a'] OR [file:name = 'b']) REPEATS 2 TIMES START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00Z' WITHIN 10 SECONDS",
		},
		{
			pattern: "\t[ file : name = 'a' ]\n/* a comment */ AND\u00a0[file:name = 'b'] // the end",
			str:     "[file:name = 'a'] AND [file:name = 'b']",
		},
		{pattern: "[process:command_line MATCHES'^.+>-add GlobalSign.cer$']", str: "[process:command_line MATCHES '^.+>-add GlobalSign.cer$']"},
		{pattern: "((([file:name = 'a'])))", str: "[file:name = 'a']"},
		{pattern: "[((file:name = 'a'))]", str: "[file:name = 'a']"},
		{
			// Keywords are uppercase, so only 'AND' stays quoted.
			pattern: "[file:hashes.'and' = 'x' AND file:hashes.'AND' = 'y' AND file:hashes.'1a' = 'z']",
			str:     "[file:hashes.and = 'x' AND file:hashes.'AND' = 'y' AND file:hashes.'1a' = 'z']",
		},
	}
	for _, tt := range tests {
		t.Run(tt.pattern, func(t *testing.T) {
			p, err := ParsePattern(tt.pattern)
			if err != nil {
				t.Fatal(err)
			}
			if tt.want != nil {
				if got := p.Comparisons(); !reflect.DeepEqual(got, tt.want) {
					t.Errorf("Comparisons() =\n%#v\nwant\n%#v", got, tt.want)
				}
			}
			want := tt.str
			if want == "" {
				want = tt.pattern
			}
			if got := p.String(); got != want {
				t.Errorf("String() =\n%s\nwant\n%s", got, want)
			}
		})
	}
}

// shape renders an observation tree with every group in parentheses, each
// comparison by its first value (or its operator when it has none).
func shape(o *observation) string {
	var s string
	if o.test != nil {
		s = testShape(o.test)
	} else {
		parts := make([]string, len(o.operands))
		for i, x := range o.operands {
			parts[i] = shape(x)
		}
		s = "(" + strings.Join(parts, " "+o.op+" ") + ")"
	}
	for _, q := range o.qualifiers {
		s += " {" + q + "}"
	}
	return s
}

func testShape(t *test) string {
	if t.op == "" {
		if len(t.cmp.Values) == 0 {
			return t.cmp.Operator
		}
		return t.cmp.Values[0]
	}
	parts := make([]string, len(t.operands))
	for i, x := range t.operands {
		parts[i] = testShape(x)
	}
	return "(" + strings.Join(parts, " "+t.op+" ") + ")"
}

func TestParsePatternPrecedence(t *testing.T) {
	tests := []struct{ pattern, shape string }{
		{"[x-t:pid = 'a'] OR [x-t:pid = 'b'] AND [x-t:pid = 'c']", "(a OR (b AND c))"},
		{"[x-t:pid = 'a'] AND [x-t:pid = 'b'] OR [x-t:pid = 'c']", "((a AND b) OR c)"},
		{"[x-t:pid = 'a'] FOLLOWEDBY [x-t:pid = 'b'] OR [x-t:pid = 'c'] AND [x-t:pid = 'd']", "(a FOLLOWEDBY (b OR (c AND d)))"},
		{"[x-t:pid = 'a'] AND [x-t:pid = 'b'] FOLLOWEDBY [x-t:pid = 'c']", "((a AND b) FOLLOWEDBY c)"},
		{"([x-t:pid = 'a'] FOLLOWEDBY [x-t:pid = 'b']) AND [x-t:pid = 'c']", "((a FOLLOWEDBY b) AND c)"},
		{"[x-t:pid = 'a'] AND [x-t:pid = 'b'] AND [x-t:pid = 'c']", "(a AND b AND c)"},
		{"[x-t:pid = 'a'] AND ([x-t:pid = 'b'] AND [x-t:pid = 'c'])", "(a AND (b AND c))"},
		{"[x-t:pid = 'a'] AND [x-t:pid = 'b'] WITHIN 5 SECONDS", "(a AND b {WITHIN 5 SECONDS})"},
		{"([x-t:pid = 'a'] AND [x-t:pid = 'b']) WITHIN 5 SECONDS", "(a AND b) {WITHIN 5 SECONDS}"},
		{"[x-t:pid = 'a' OR x-t:pid = 'b' AND x-t:pid = 'c']", "(a OR (b AND c))"},
		{"[(x-t:pid = 'a' OR x-t:pid = 'b') AND x-t:pid = 'c']", "((a OR b) AND c)"},
	}
	for _, tt := range tests {
		p, err := ParsePattern(tt.pattern)
		if err != nil {
			t.Errorf("%s: %v", tt.pattern, err)
			continue
		}
		if got := shape(p.root); got != tt.shape {
			t.Errorf("%s: shape %s, want %s", tt.pattern, got, tt.shape)
		}
		// String drops only the parentheses precedence makes redundant.
		q, err := ParsePattern(p.String())
		if err != nil || shape(q.root) != tt.shape {
			t.Errorf("%s: String() %s does not parse to the same shape: %v", tt.pattern, p.String(), err)
		}
	}
}

func TestParsePatternInvalid(t *testing.T) {
	long := strings.Repeat("x", 1000)
	tests := []struct{ pattern, want string }{
		{"", "at offset 0: expected '[' or '(', found the end"},
		{"file:name = 'a'", `at offset 0: expected '[' or '(', found "file"`},
		{"[file:name = 'a'", "at offset 16: expected ']', found the end"},
		{"[file:name = 'a' file:name = 'b']", `at offset 17: expected ']', found "file"`},
		{"[file:name = 'a'] AND", "at offset 21: expected '[' or '(', found the end"},
		{"[file:name = 'a'] [file:name = 'b']", `expected AND, OR, FOLLOWEDBY, a qualifier or the end, found "["`},
		{"([file:name = 'a']", "expected ')', found the end"},
		{"[file:name = 'a'] and [file:name = 'b']", `found "and"`},
		{"[file:name = 'a'] FOLLOWED BY [file:name = 'b']", `found "FOLLOWED"`},
		{"[file:name 'a']", `expected a comparison operator, found "'a'"`},
		{"[file:name like 'a']", `expected a comparison operator, found "like"`},
		{"[file:name = ]", `expected a literal, found "]"`},
		{"[file:name < true]", "a boolean cannot be ordered"},
		{"[file:name LIKE 1]", `expected a string after LIKE, found "1"`},
		{"[file:name ISSUBSET h'00']", "expected a string after ISSUBSET"},
		{"[file:name IN 'a']", "expected a set such as ('a', 'b') after IN"},
		{"[file:name IN ('a' 'b')]", `expected ',', found "'b'"`},
		{"[file:name IN ('a',)]", `expected a literal, found ")"`},
		{"[NOT file:name = 'a']", `expected EXISTS, found "file"`},
		{"[file:name EXISTS]", `expected a comparison operator, found "EXISTS"`},
		{"[file:name = 'a\\n']", `at offset 15: invalid escape in string: only \' and \\ are allowed`},
		{"[file:name = 'a]", "at offset 13: unterminated string"},
		{"[file:name = 01]", "integer with a leading zero"},
		{"[file:name = 1.]", `expected ']', found "."`},
		{"[file:name = h'abc']", "hex literal has an odd number of digits"},
		{"[file:name = h'zz']", "not a hex digit"},
		{"[file:name = b'QUJD\nRA==']", "binary literal is not padded base64"},
		{"[file:name = b'QUJDR']", "binary literal is not padded base64"},
		{"[file:name = b'']", "binary literal is not padded base64"},
		{"[file:name = t'2016-02-30T00:00:00Z']", "is not an RFC 3339 time in UTC"},
		{"[file:name = t'2016-06-01T00:00:00+01:00']", "is not an RFC 3339 time in UTC"},
		{"[file:name = t'2016-06-01']", "is not an RFC 3339 time in UTC"},
		{"[file:name = t'2016-06-01T00:00:00Z]", "unterminated t'…' literal"},
		{"[file:name = 'a'] WITHIN 0 SECONDS", `expected a positive number of seconds after WITHIN, found "0"`},
		{"[file:name = 'a'] WITHIN -5 SECONDS", "expected a positive number of seconds after WITHIN"},
		{"[file:name = 'a'] WITHIN 5", "expected SECONDS, found the end"},
		{"[file:name = 'a'] REPEATS 0 TIMES", "expected a positive integer after REPEATS"},
		{"[file:name = 'a'] REPEATS 1.5 TIMES", "expected a positive integer after REPEATS"},
		{"[file:name = 'a'] REPEATS 99999999999999999999 TIMES", "expected a positive integer after REPEATS"},
		{"[file:name = 'a'] REPEATS 2", "expected TIMES"},
		{"[file:name = 'a'] START t'2016-06-01T00:00:00Z'", "expected STOP, found the end"},
		{"[file:name = 'a'] START '2016-06-01T00:00:00Z' STOP t'2016-06-01T00:00:00Z'", "expected a timestamp t'…' after START"},
		{"[file:name = 'a'] START t'2016-06-01T00:00:00Z' STOP t'2016-06-01T00:00:00Z'", "START must be earlier than STOP"},
		{"[file:name = 'a'] START t'2017-06-01T00:00:00Z' STOP t'2016-06-01T00:00:00Z'", "START must be earlier than STOP"},
		{"[File:name = 'a']", `invalid SCO type "File"`},
		{"[fi:name = 'a']", `invalid SCO type "fi"`},
		{"[file_x:name = 'a']", `invalid SCO type "file_x"`},
		{"[file name = 'a']", `expected ':', found "name"`},
		{"[file:Name = 'a']", `invalid property name "Name"`},
		{"[file:nm = 'a']", `invalid property name "nm"`},
		{"[file:mime-type = 'a']", `path component "mime-type" has a hyphen: quote it`},
		{"[file:hashes.SHA-256 = 'a']", `path component "SHA-256" has a hyphen: quote it`},
		{"[file:hashes.'SHA 256' = 'a']", `invalid property name or key "SHA 256"`},
		{"[file:hashes.'' = 'a']", `invalid property name or key ""`},
		{"[file:hashes. = 'a']", `expected a property name, found "="`},
		{"[file:sections[a] = 'a']", `expected a list index or '*', found "a"`},
		{"[file:sections[1.5] = 'a']", `expected a list index or '*', found "1.5"`},
		{"[file:name = 'a' AND ipv4-addr:value = '10.0.0.1']", "at offset 17: comparisons joined by AND must name the same SCO type"},
		{"[(file:name = 'a' OR domain-name:value = 'b') AND ipv4-addr:value = '10.0.0.1']", "comparisons joined by AND must name the same SCO type"},
		{"[file:name MATCHES '(']", "MATCHES regular expression does not compile in RE2 syntax: missing closing )"},
		{"[file:name MATCHES '(?=a)']", "does not compile in RE2 syntax: invalid or unsupported Perl syntax"},
		{"[ipv4-addr:value ISSUBSET '10.0.0.1']", `ISSUBSET on ipv4-addr needs a CIDR block`},
		{"[ipv4-addr:value ISSUPERSET '10.0.0.0/33']", `found "10.0.0.0/33"`},
		{"[ipv4-addr:value ISSUBSET '2001:db8::/32']", "ISSUBSET on ipv4-addr needs a CIDR block"},
		{"[ipv6-addr:value ISSUBSET '10.0.0.0/8']", "ISSUBSET on ipv6-addr needs a CIDR block"},
		{"[file:name = 'a'] /* open", "unterminated comment"},
		{"[file:name = 'a'] ^ [file:name = 'b']", "unexpected character '^'"},
		{"[file:name = 'a'] LAST 5 SECONDS", `found "LAST"`},
		{"[file:name = '\xff']", "not valid UTF-8"},
		{"[file:name = '" + long + "'", `expected ']', found the end`},
		{"[file:" + long + " = 'a']", `invalid property name "` + long[:40] + `"`},
		{"[file:name = '" + long + "' " + long + "]", `found "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"`},
		{"[file:name = '" + long + "'] AND [file:name = 'a'] WITHIN 5 minutes", `expected SECONDS, found "minutes"`},
	}
	for _, tt := range tests {
		name := tt.pattern
		if len(name) > 60 {
			name = name[:60]
		}
		t.Run(name, func(t *testing.T) {
			_, err := ParsePattern(tt.pattern)
			if err == nil {
				t.Fatalf("parsed, want an error with %q", tt.want)
			}
			checkError(t, err)
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q, want it to contain %q", err, tt.want)
			}
		})
	}
}

// checkError fails unless err is an Invalid *secunion.Error whose message
// starts with "pattern: " and quotes no more than about 40 bytes of input.
func checkError(t *testing.T, err error) {
	t.Helper()
	var e *secunion.Error
	if !errors.As(err, &e) || e.Code != secunion.Invalid {
		t.Fatalf("error %v is not an Invalid *secunion.Error", err)
	}
	if !strings.HasPrefix(e.Message, "pattern: ") || len(e.Message) > 250 {
		t.Errorf("error message %q: want a prefix \"pattern: \" and at most 250 bytes", e.Message)
	}
}

func TestParsePatternLimits(t *testing.T) {
	nest := func(n int) string {
		return strings.Repeat("(", n-1) + "[file:name = 'a']" + strings.Repeat(")", n-1)
	}
	if _, err := ParsePattern(nest(maxDepth)); err != nil {
		t.Errorf("depth %d: %v", maxDepth, err)
	}
	_, err := ParsePattern(nest(maxDepth + 1))
	if err == nil || !strings.Contains(err.Error(), "nested more than 100 deep") {
		t.Errorf("depth %d: error %v, want nested more than 100 deep", maxDepth+1, err)
	}
	inner := "[" + strings.Repeat("(", maxDepth) + "file:name = 'a'" + strings.Repeat(")", maxDepth) + "]"
	if _, err := ParsePattern(inner); err == nil || !strings.Contains(err.Error(), "nested more than 100 deep") {
		t.Errorf("parentheses inside brackets: error %v, want nested more than 100 deep", err)
	}
	// Deep enough to overflow a parser that does not count.
	if _, err := ParsePattern(strings.Repeat("(", 30000)); err == nil {
		t.Error("30000 parentheses parsed")
	}

	pad := strings.Repeat(" ", maxPatternLen-len("[file:name = 'a']"))
	if _, err := ParsePattern("[file:name = 'a']" + pad); err != nil {
		t.Errorf("%d bytes: %v", maxPatternLen, err)
	}
	_, err = ParsePattern("[file:name = 'a']" + pad + " ")
	if err == nil || !strings.Contains(err.Error(), "longer than 65536 bytes") {
		t.Errorf("%d bytes: error %v, want longer than 65536 bytes", maxPatternLen+1, err)
	}
	checkError(t, err)
}

func TestComparisonsAreCopies(t *testing.T) {
	p, err := ParsePattern("[file:name IN ('a', 'b')]")
	if err != nil {
		t.Fatal(err)
	}
	p.Comparisons()[0].Values[0] = "changed"
	if got := p.Comparisons()[0].Values[0]; got != "a" {
		t.Errorf("after changing a returned value, Comparisons()[0].Values[0] = %q, want a", got)
	}
}

func TestObjectTypes(t *testing.T) {
	p, err := ParsePattern("[url:value = 'a' OR domain-name:value = 'b'] FOLLOWEDBY [url:value = 'c'] AND [ipv4-addr:value = '10.0.0.1']")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"domain-name", "ipv4-addr", "url"}
	if got := p.ObjectTypes(); !reflect.DeepEqual(got, want) {
		t.Errorf("ObjectTypes() = %v, want %v", got, want)
	}
}
