package alerts

import (
	"encoding/base64"
	"errors"
	"fmt"
	"maps"
	"net/netip"
	"regexp"
	"regexp/syntax"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"secunion"
)

// The bounds on a pattern keep hostile input from exhausting the stack or
// the processor: the parser recurses once per level of brackets and
// parentheses.
const (
	maxPatternLen = 64 << 10
	maxDepth      = 100
)

// Pattern is a parsed STIX 2.1 pattern (STIX 2.1 §9), the detection rule of
// an indicator whose pattern_type is "stix". ParsePattern accepts exactly the
// grammar of STIXPattern.g4 and also enforces the rules of the specification
// that need no data to check: SCO type names, property names and dictionary
// keys in object paths, positive REPEATS and WITHIN counts, START earlier
// than STOP, CIDR blocks for ISSUBSET and ISSUPERSET on IP addresses, and
// comparisons joined by AND naming the same SCO type. MATCHES regular
// expressions are checked with Go's RE2 syntax, not PCRE, so lookarounds and
// backreferences are refused. Patterns are at most 64 KiB long and nest
// brackets and parentheses at most 100 deep.
type Pattern struct {
	root *observation
}

// Comparison is one comparison expression of a pattern: the SCO type, the
// object path after the colon, the operator, whether negated with NOT, and
// the literal values as strings (one for most operators, several for IN).
//
// Path is canonical: components that are identifiers appear bare and others
// quoted, e.g. hashes.'SHA-256' or extensions.'windows-pebinary-ext'.sections[*].entropy.
// Operator is one of = != < <= > >= IN LIKE MATCHES ISSUBSET ISSUPERSET EXISTS,
// with == written = and <> written !=. Values hold a string literal
// unescaped, a number or boolean as written (without a leading +), and the
// text between the quotes of a hex, binary or timestamp literal; EXISTS has
// none.
type Comparison struct {
	ObjectType, Path, Operator string
	Negated                    bool
	Values                     []string
}

// observation is a node of the tree of observation expressions: a bracketed
// comparison expression, or operands joined by one observation operator,
// either of them followed by qualifiers.
type observation struct {
	test       *test          // for a bracketed comparison expression
	op         string         // AND, OR or FOLLOWEDBY
	operands   []*observation // for op
	qualifiers []string       // in canonical text: nothing evaluates them yet
}

// test is a node of the tree of comparison expressions inside brackets: one
// comparison, or operands joined by AND or OR.
type test struct {
	cmp      Comparison
	literal  string // cmp's right-hand side in canonical text, for String
	op       string // AND or OR
	operands []*test
}

// ParsePattern parses a STIX 2.1 pattern. Its error is an Invalid
// *secunion.Error that says what is wrong and at which byte offset, quoting
// at most 40 bytes of the input.
func ParsePattern(s string) (*Pattern, error) {
	if len(s) > maxPatternLen {
		return nil, secunion.Errorf(secunion.Invalid, "pattern: longer than %d bytes", maxPatternLen)
	}
	if !utf8.ValidString(s) {
		return nil, secunion.Errorf(secunion.Invalid, "pattern: not valid UTF-8")
	}
	toks, err := lex(s)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	root, err := p.observations()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != kEOF {
		return nil, expected(t, "AND, OR, FOLLOWEDBY, a qualifier or the end")
	}
	return &Pattern{root: root}, nil
}

// Comparisons returns the comparison expressions of the pattern in the order
// they are written.
func (p *Pattern) Comparisons() []Comparison {
	var out []Comparison
	p.root.eachTest(func(t *test) {
		c := t.cmp
		c.Values = slices.Clone(c.Values)
		out = append(out, c)
	})
	return out
}

// ObjectTypes returns the distinct SCO types the pattern names, sorted.
func (p *Pattern) ObjectTypes() []string {
	types := map[string]bool{}
	p.root.eachTest(func(t *test) { types[t.cmp.ObjectType] = true })
	return slices.Sorted(maps.Keys(types))
}

// String returns the pattern in canonical form: one space between tokens, no
// comments, and parentheses only where precedence needs them. Parsing it
// gives the same pattern.
func (p *Pattern) String() string {
	var b strings.Builder
	p.root.write(&b)
	return b.String()
}

func (o *observation) eachTest(f func(*test)) {
	if o.test != nil {
		o.test.each(f)
	}
	for _, x := range o.operands {
		x.eachTest(f)
	}
}

func (t *test) each(f func(*test)) {
	if t.op == "" {
		f(t)
	}
	for _, x := range t.operands {
		x.each(f)
	}
}

// Precedence of the operators, highest binding tightest (STIXPattern.g4).
var (
	observationPrec = map[string]int{"FOLLOWEDBY": 1, "OR": 2, "AND": 3}
	testPrec        = map[string]int{"OR": 1, "AND": 2}
)

func (o *observation) write(b *strings.Builder) {
	switch {
	case o.test != nil:
		b.WriteByte('[')
		o.test.write(b)
		b.WriteByte(']')
	case len(o.qualifiers) > 0:
		// Qualifiers bind tighter than any operator, so they apply to the
		// whole group only inside parentheses.
		b.WriteByte('(')
		o.writeOperands(b)
		b.WriteByte(')')
	default:
		o.writeOperands(b)
	}
	for _, q := range o.qualifiers {
		b.WriteString(" " + q)
	}
}

func (o *observation) writeOperands(b *strings.Builder) {
	for i, x := range o.operands {
		if i > 0 {
			b.WriteString(" " + o.op + " ")
		}
		// A group that binds no tighter than its parent was written in
		// parentheses, or it would have been parsed into the parent.
		if x.op != "" && len(x.qualifiers) == 0 && observationPrec[x.op] <= observationPrec[o.op] {
			b.WriteByte('(')
			x.write(b)
			b.WriteByte(')')
		} else {
			x.write(b)
		}
	}
}

func (t *test) write(b *strings.Builder) {
	if t.op == "" {
		c := t.cmp
		not := ""
		if c.Negated {
			not = "NOT "
		}
		if c.Operator == "EXISTS" {
			fmt.Fprintf(b, "%sEXISTS %s:%s", not, c.ObjectType, c.Path)
		} else {
			fmt.Fprintf(b, "%s:%s %s%s %s", c.ObjectType, c.Path, not, c.Operator, t.literal)
		}
		return
	}
	for i, x := range t.operands {
		if i > 0 {
			b.WriteString(" " + t.op + " ")
		}
		if x.op != "" && testPrec[x.op] <= testPrec[t.op] {
			b.WriteByte('(')
			x.write(b)
			b.WriteByte(')')
		} else {
			x.write(b)
		}
	}
}

// errAt returns the Invalid error of a problem at byte offset off.
func errAt(off int, format string, args ...any) error {
	return secunion.Errorf(secunion.Invalid, "pattern: at offset %d: %s", off, fmt.Sprintf(format, args...))
}

// clip quotes at most 40 bytes of untrusted input for an error message.
func clip(s string) string { return strconv.Quote(secunion.Clip(s, 40)) }

func expected(t token, what string) error {
	found := "the end"
	if t.kind != kEOF {
		found = clip(t.text)
	}
	return errAt(t.off, "expected %s, found %s", what, found)
}

type kind int

const (
	kEOF kind = iota
	kIdent
	kKeyword
	kPunct
	kString
	kInt
	kFloat
	kBool
	kHex
	kBinary
	kTimestamp
)

type token struct {
	kind kind
	// text is a keyword, punctuation (== and <> written = and !=), an
	// identifier, or a literal in canonical form.
	text string
	val  string    // a literal's value, as in Comparison.Values
	at   time.Time // a timestamp literal's time
	off  int
}

var keywords = map[string]bool{
	"AND": true, "OR": true, "NOT": true, "FOLLOWEDBY": true, "LIKE": true,
	"MATCHES": true, "ISSUPERSET": true, "ISSUBSET": true, "EXISTS": true,
	"LAST": true, "IN": true, "START": true, "STOP": true, "SECONDS": true,
	"WITHIN": true, "REPEATS": true, "TIMES": true,
}

func isDigit(c byte) bool      { return '0' <= c && c <= '9' }
func isIdentStart(c byte) bool { return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isIdentChar(c byte) bool  { return isIdentStart(c) || isDigit(c) || c == '-' }

// lex splits s into tokens, skipping white space and comments, and checks
// each literal.
func lex(s string) ([]token, error) {
	var toks []token
	at := func(i int) byte {
		if i < len(s) {
			return s[i]
		}
		return 0
	}
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case strings.HasPrefix(s[i:], "/*"):
			end := strings.Index(s[i+2:], "*/")
			if end < 0 {
				return nil, errAt(i, "unterminated comment")
			}
			i += 2 + end + 2
		case strings.HasPrefix(s[i:], "//"):
			end := strings.IndexAny(s[i:], "\r\n")
			if end < 0 {
				end = len(s) - i
			}
			i += end
		case c == '\'':
			val, n, err := lexString(s, i)
			if err != nil {
				return nil, err
			}
			toks = append(toks, token{kind: kString, text: quote(val), val: val, off: i})
			i += n
		case isIdentStart(c):
			j := i + 1
			for j < len(s) && isIdentChar(s[j]) {
				j++
			}
			word := s[i:j]
			if at(j) == '\'' && (word == "h" || word == "b" || word == "t") {
				t, n, err := lexTyped(s, i)
				if err != nil {
					return nil, err
				}
				toks = append(toks, t)
				i += n
				continue
			}
			t := token{kind: kIdent, text: word, off: i}
			switch {
			case keywords[word]:
				t.kind = kKeyword
			case word == "true" || word == "false":
				t.kind, t.val = kBool, word
			}
			toks = append(toks, t)
			i = j
		case isDigit(c) || c == '.' && isDigit(at(i+1)) ||
			(c == '+' || c == '-') && (isDigit(at(i+1)) || at(i+1) == '.' && isDigit(at(i+2))):
			t, n, err := lexNumber(s, i)
			if err != nil {
				return nil, err
			}
			toks = append(toks, t)
			i += n
		default:
			if op, n := punct(s[i:]); n > 0 {
				toks = append(toks, token{kind: kPunct, text: op, off: i})
				i += n
				continue
			}
			r, n := utf8.DecodeRuneInString(s[i:])
			if !unicode.IsSpace(r) { // the same set as the grammar's WS
				return nil, errAt(i, "unexpected character %q", r)
			}
			i += n
		}
	}
	return append(toks, token{kind: kEOF, off: len(s)}), nil
}

// punct returns the punctuation token at the start of s and its length, or
// 0 when there is none.
func punct(s string) (string, int) {
	switch {
	case strings.HasPrefix(s, "=="):
		return "=", 2
	case strings.HasPrefix(s, "<>"), strings.HasPrefix(s, "!="):
		return "!=", 2
	case strings.HasPrefix(s, "<="), strings.HasPrefix(s, ">="):
		return s[:2], 2
	case strings.IndexByte("[](),:.*=<>", s[0]) >= 0:
		return s[:1], 1
	}
	return "", 0
}

// lexString reads the string literal at s[i], which allows only the escapes
// \' and \\, and returns its value and length.
func lexString(s string, i int) (string, int, error) {
	var b strings.Builder
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\'':
			return b.String(), j + 1 - i, nil
		case '\\':
			if j+1 < len(s) && (s[j+1] == '\'' || s[j+1] == '\\') {
				j++
				b.WriteByte(s[j])
				continue
			}
			return "", 0, errAt(j, `invalid escape in string: only \' and \\ are allowed`)
		default:
			b.WriteByte(s[j])
		}
	}
	return "", 0, errAt(i, "unterminated string")
}

// quote writes v as a string literal.
func quote(v string) string { return "'" + escaper.Replace(v) + "'" }

var escaper = strings.NewReplacer(`\`, `\\`, `'`, `\'`)

// lexTyped reads the hex (h'…'), binary (b'…') or timestamp (t'…') literal
// at s[i] and returns it and its length.
func lexTyped(s string, i int) (token, int, error) {
	prefix := s[i]
	end := strings.IndexByte(s[i+2:], '\'')
	if end < 0 {
		return token{}, 0, errAt(i, "unterminated %c'…' literal", prefix)
	}
	v := s[i+2 : i+2+end]
	t := token{text: s[i : i+3+end], val: v, off: i}
	switch prefix {
	case 'h':
		t.kind = kHex
		if strings.Trim(v, "0123456789abcdefABCDEF") != "" {
			return token{}, 0, errAt(i, "hex literal holds a character that is not a hex digit")
		}
		if len(v)%2 != 0 {
			return token{}, 0, errAt(i, "hex literal has an odd number of digits")
		}
	case 'b':
		t.kind = kBinary
		// The grammar wants at least one group of four, and DecodeString
		// would skip the new lines the grammar refuses.
		_, err := base64.StdEncoding.DecodeString(v)
		if v == "" || strings.Trim(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") != "" || err != nil {
			return token{}, 0, errAt(i, "binary literal is not padded base64")
		}
	case 't':
		t.kind = kTimestamp
		at, err := parseTimestamp(v)
		if err != nil {
			return token{}, 0, errAt(i, "timestamp %s is not an RFC 3339 time in UTC such as t'2016-06-01T01:30:00Z'", clip(v))
		}
		t.at = at
	}
	return t, 3 + end, nil
}

// parseTimestamp parses a STIX timestamp: RFC 3339 in UTC with an optional
// fraction of a second, which allows a leap second 60.
func parseTimestamp(v string) (time.Time, error) {
	if !timestamp.MatchString(v) {
		return time.Time{}, errors.New("bad format")
	}
	leap := v[17:19] == "60"
	if leap {
		v = v[:17] + "59" + v[19:]
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if leap {
		t = t.Add(time.Second)
	}
	return t, err
}

// lexNumber reads the integer or float at s[i] and returns it and its
// length.
func lexNumber(s string, i int) (token, int, error) {
	j := i
	if s[j] == '+' || s[j] == '-' {
		j++
	}
	digits := j
	for j < len(s) && isDigit(s[j]) {
		j++
	}
	t := token{kind: kInt, off: i}
	if j+1 < len(s) && s[j] == '.' && isDigit(s[j+1]) {
		t.kind = kFloat
		for j++; j < len(s) && isDigit(s[j]); j++ {
		}
	} else if j-digits > 1 && s[digits] == '0' {
		return token{}, 0, errAt(i, "integer with a leading zero")
	}
	t.text = strings.TrimPrefix(s[i:j], "+")
	t.val = t.text
	return t, j - i, nil
}

type parser struct {
	toks  []token
	i     int
	depth int
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != kEOF {
		p.i++
	}
	return t
}

func (p *parser) isKeyword(w string) bool {
	t := p.peek()
	return t.kind == kKeyword && t.text == w
}

func (p *parser) isPunct(s string) bool {
	t := p.peek()
	return t.kind == kPunct && t.text == s
}

func (p *parser) expectPunct(s string) error {
	if !p.isPunct(s) {
		return expected(p.peek(), "'"+s+"'")
	}
	p.next()
	return nil
}

func (p *parser) expectKeyword(w string) error {
	if !p.isKeyword(w) {
		return expected(p.peek(), w)
	}
	p.next()
	return nil
}

// enter counts one more level of nesting, and leave one less.
func (p *parser) enter() error {
	p.depth++
	if p.depth > maxDepth {
		return errAt(p.peek().off, "nested more than %d deep", maxDepth)
	}
	return nil
}

func (p *parser) leave() { p.depth-- }

// observations parses observation expressions joined by FOLLOWEDBY, OR and
// AND, which bind in that order from loosest to tightest.
func (p *parser) observations() (*observation, error) {
	return p.observationChain("FOLLOWEDBY", func() (*observation, error) {
		return p.observationChain("OR", func() (*observation, error) {
			return p.observationChain("AND", p.qualified)
		})
	})
}

func (p *parser) observationChain(op string, operand func() (*observation, error)) (*observation, error) {
	first, err := operand()
	if err != nil || !p.isKeyword(op) {
		return first, err
	}
	o := &observation{op: op, operands: []*observation{first}}
	for p.isKeyword(op) {
		p.next()
		x, err := operand()
		if err != nil {
			return nil, err
		}
		o.operands = append(o.operands, x)
	}
	return o, nil
}

// qualified parses an observation expression and the qualifiers after it.
func (p *parser) qualified() (*observation, error) {
	o, err := p.observation()
	if err != nil {
		return nil, err
	}
	for {
		var q string
		switch {
		case p.isKeyword("WITHIN"):
			p.next()
			n := p.next()
			if !positive(n) {
				return nil, expected(n, "a positive number of seconds after WITHIN")
			}
			q = "WITHIN " + n.text + " SECONDS"
			err = p.expectKeyword("SECONDS")
		case p.isKeyword("REPEATS"):
			p.next()
			n := p.next()
			if n.kind != kInt || !positive(n) {
				return nil, expected(n, "a positive integer after REPEATS")
			}
			q = "REPEATS " + n.text + " TIMES"
			err = p.expectKeyword("TIMES")
		case p.isKeyword("START"):
			p.next()
			start := p.next()
			if start.kind != kTimestamp {
				return nil, expected(start, "a timestamp t'…' after START")
			}
			if err := p.expectKeyword("STOP"); err != nil {
				return nil, err
			}
			stop := p.next()
			if stop.kind != kTimestamp {
				return nil, expected(stop, "a timestamp t'…' after STOP")
			}
			if !start.at.Before(stop.at) {
				return nil, errAt(start.off, "START must be earlier than STOP")
			}
			q = "START " + start.text + " STOP " + stop.text
		default:
			return o, nil
		}
		if err != nil {
			return nil, err
		}
		o.qualifiers = append(o.qualifiers, q)
	}
}

// positive reports whether t is a number literal greater than zero that fits
// an int (a float64 for a float).
func positive(t token) bool {
	switch t.kind {
	case kInt:
		n, err := strconv.Atoi(t.text)
		return err == nil && n > 0
	case kFloat:
		f, err := strconv.ParseFloat(t.text, 64)
		return err == nil && f > 0
	}
	return false
}

// observation parses a bracketed comparison expression or a parenthesized
// group of observation expressions.
func (p *parser) observation() (*observation, error) {
	if !p.isPunct("[") && !p.isPunct("(") {
		return nil, expected(p.peek(), "'[' or '('")
	}
	open := p.next()
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	if open.text == "(" {
		o, err := p.observations()
		if err != nil {
			return nil, err
		}
		return o, p.expectPunct(")")
	}
	t, _, err := p.testOr()
	if err != nil {
		return nil, err
	}
	return &observation{test: t}, p.expectPunct("]")
}

// typeSet holds the SCO types that can satisfy a comparison expression:
// any of its operands' for OR, all of them for AND.
type typeSet map[string]bool

func (p *parser) testOr() (*test, typeSet, error) {
	first, types, err := p.testAnd()
	if err != nil || !p.isKeyword("OR") {
		return first, types, err
	}
	t := &test{op: "OR", operands: []*test{first}}
	for p.isKeyword("OR") {
		p.next()
		x, xt, err := p.testAnd()
		if err != nil {
			return nil, nil, err
		}
		t.operands = append(t.operands, x)
		maps.Copy(types, xt)
	}
	return t, types, nil
}

func (p *parser) testAnd() (*test, typeSet, error) {
	first, types, err := p.testPrimary()
	if err != nil || !p.isKeyword("AND") {
		return first, types, err
	}
	t := &test{op: "AND", operands: []*test{first}}
	for p.isKeyword("AND") {
		and := p.next()
		x, xt, err := p.testPrimary()
		if err != nil {
			return nil, nil, err
		}
		t.operands = append(t.operands, x)
		maps.DeleteFunc(types, func(k string, _ bool) bool { return !xt[k] })
		// STIX 2.1 §9.5: "The Comparison Expressions of an Observation
		// Expression that use AND MUST use the same base Object Path",
		// clarified for parenthesized operands as "All operands of AND ...
		// MUST be satisfiable with the same type of object"
		// (oasis-tcs/cti-stix2#235).
		if len(types) == 0 {
			return nil, nil, errAt(and.off, "comparisons joined by AND must name the same SCO type")
		}
	}
	return t, types, nil
}

// testPrimary parses one comparison or a parenthesized comparison
// expression.
func (p *parser) testPrimary() (*test, typeSet, error) {
	if p.isPunct("(") {
		p.next()
		if err := p.enter(); err != nil {
			return nil, nil, err
		}
		defer p.leave()
		t, types, err := p.testOr()
		if err != nil {
			return nil, nil, err
		}
		return t, types, p.expectPunct(")")
	}
	var c Comparison
	if p.isKeyword("NOT") || p.isKeyword("EXISTS") {
		if p.next().text == "NOT" {
			c.Negated = true
			if err := p.expectKeyword("EXISTS"); err != nil {
				return nil, nil, err
			}
		}
		c.Operator = "EXISTS"
		if err := p.objectPath(&c); err != nil {
			return nil, nil, err
		}
		return &test{cmp: c}, typeSet{c.ObjectType: true}, nil
	}
	if err := p.objectPath(&c); err != nil {
		return nil, nil, err
	}
	if p.isKeyword("NOT") {
		p.next()
		c.Negated = true
	}
	t := &test{}
	op := p.next()
	c.Operator = op.text
	switch {
	case op.kind == kPunct && (op.text == "=" || op.text == "!="):
		lit, err := p.literal(true)
		if err != nil {
			return nil, nil, err
		}
		c.Values, t.literal = []string{lit.val}, lit.text
	case op.kind == kPunct && (op.text == "<" || op.text == "<=" || op.text == ">" || op.text == ">="):
		lit, err := p.literal(false)
		if err != nil {
			return nil, nil, err
		}
		c.Values, t.literal = []string{lit.val}, lit.text
	case op.kind == kKeyword && op.text == "IN":
		if err := p.set(&c, t); err != nil {
			return nil, nil, err
		}
	case op.kind == kKeyword && (op.text == "LIKE" || op.text == "MATCHES" || op.text == "ISSUBSET" || op.text == "ISSUPERSET"):
		lit := p.next()
		if lit.kind != kString {
			return nil, nil, expected(lit, "a string after "+op.text)
		}
		if err := checkString(c, lit); err != nil {
			return nil, nil, err
		}
		c.Values, t.literal = []string{lit.val}, lit.text
	default:
		return nil, nil, expected(op, "a comparison operator")
	}
	t.cmp = c
	return t, typeSet{c.ObjectType: true}, nil
}

// literal parses the literal after a comparison operator; only equality
// compares booleans.
func (p *parser) literal(boolean bool) (token, error) {
	t := p.next()
	switch t.kind {
	case kString, kInt, kFloat, kHex, kBinary, kTimestamp:
		return t, nil
	case kBool:
		if boolean {
			return t, nil
		}
		return token{}, errAt(t.off, "a boolean cannot be ordered")
	}
	return token{}, expected(t, "a literal")
}

// set parses the set literal after IN into c's values and t's literal.
func (p *parser) set(c *Comparison, t *test) error {
	if !p.isPunct("(") {
		return expected(p.peek(), "a set such as ('a', 'b') after IN")
	}
	p.next()
	var texts []string
	for !p.isPunct(")") {
		if len(texts) > 0 {
			if err := p.expectPunct(","); err != nil {
				return err
			}
		}
		lit, err := p.literal(true)
		if err != nil {
			return err
		}
		c.Values = append(c.Values, lit.val)
		texts = append(texts, lit.text)
	}
	p.next()
	t.literal = "(" + strings.Join(texts, ", ") + ")"
	return nil
}

// checkString checks the string operand of MATCHES, ISSUBSET and ISSUPERSET.
func checkString(c Comparison, lit token) error {
	switch c.Operator {
	case "MATCHES":
		if _, err := regexp.Compile(lit.val); err != nil {
			why := "invalid"
			var se *syntax.Error
			if errors.As(err, &se) {
				why = se.Code.String() + " " + clip(se.Expr)
			}
			return errAt(lit.off, "MATCHES regular expression does not compile in RE2 syntax: %s", why)
		}
	case "ISSUBSET", "ISSUPERSET":
		if c.Path != "value" || c.ObjectType != "ipv4-addr" && c.ObjectType != "ipv6-addr" {
			return nil
		}
		pfx, err := netip.ParsePrefix(lit.val)
		if err != nil || pfx.Addr().Is4() != (c.ObjectType == "ipv4-addr") {
			return errAt(lit.off, "%s on %s needs a CIDR block such as '198.51.100.0/24' or '2001:db8::/32', found %s",
				c.Operator, c.ObjectType, clip(lit.val))
		}
	}
	return nil
}

// objectPath parses type:path into c.
func (p *parser) objectPath(c *Comparison) error {
	t := p.peek()
	if t.kind != kIdent {
		return expected(t, "an object path such as file:name")
	}
	p.next()
	if !validType(t.text) {
		return errAt(t.off, "invalid SCO type %s: use 3 to 250 of a-z, 0-9 and -", clip(t.text))
	}
	c.ObjectType = t.text
	if err := p.expectPunct(":"); err != nil {
		return err
	}
	var b strings.Builder
	first := true
	for {
		if first || p.isPunct(".") {
			if !first {
				p.next()
				b.WriteByte('.')
			}
			name, err := p.pathComponent(first)
			if err != nil {
				return err
			}
			b.WriteString(name)
			first = false
			continue
		}
		if !p.isPunct("[") {
			break
		}
		p.next()
		i := p.next()
		if i.kind != kInt && !(i.kind == kPunct && i.text == "*") {
			return expected(i, "a list index or '*'")
		}
		if err := p.expectPunct("]"); err != nil {
			return err
		}
		b.WriteString("[" + i.text + "]")
	}
	c.Path = b.String()
	return nil
}

// pathComponent parses a property name or dictionary key of an object path
// and returns it in canonical form.
func (p *parser) pathComponent(first bool) (string, error) {
	t := p.next()
	var name string
	switch t.kind {
	case kIdent:
		if strings.Contains(t.text, "-") {
			return "", errAt(t.off, "path component %s has a hyphen: quote it", clip(t.text))
		}
		name = t.text
	case kString:
		name = t.val
	default:
		return "", expected(t, "a property name")
	}
	// The first component is a property of the object (STIX 2.1 §3.1:
	// a-z, 0-9 and _, 3 to 250 long, and the common property id); later ones
	// may also be dictionary keys (STIX 2.1 §2.3: a-z, A-Z, 0-9, - and _,
	// 1 to 250 long).
	switch {
	case first && name != "id" && !validName(name, 3, "abcdefghijklmnopqrstuvwxyz0123456789_"):
		return "", errAt(t.off, "invalid property name %s: use 3 to 250 of a-z, 0-9 and _", clip(name))
	case !first && !validName(name, 1, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"):
		return "", errAt(t.off, "invalid property name or key %s: use 1 to 250 of a-z, A-Z, 0-9, - and _", clip(name))
	}
	if strings.Contains(name, "-") || isDigit(name[0]) || keywords[name] || name == "true" || name == "false" {
		return quote(name), nil
	}
	return name, nil
}

// validType reports whether s may be an SCO type: 3 to 250 of a-z, 0-9 and
// hyphen (the rule for the type property, which custom x- types follow too).
func validType(s string) bool {
	return validName(s, 3, "abcdefghijklmnopqrstuvwxyz0123456789-")
}

func validName(s string, min int, chars string) bool {
	if len(s) < min || len(s) > 250 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(chars, s[i]) < 0 {
			return false
		}
	}
	return true
}
