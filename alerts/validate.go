package alerts

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"secunion"
)

// schemaBase is the address the OASIS schemas give themselves ($id), under
// which their relative $refs resolve.
const schemaBase = "http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/"

// Validator checks objects against the OASIS STIX 2.1 JSON schemas: each
// object against the schema of its type, custom x- types against the
// common core (as the schemas' own README advises; the bundle schema
// rejects valid bundles). The schemas are read at start from a copy of
// oasis-open/cti-stix2-json-schemas (its schemas folder), not built in:
// they are OASIS's text, and an operator updates them without a new
// release of secunion.
type Validator struct {
	byType map[string]*jsonschema.Schema
	core   *jsonschema.Schema
}

// LoadSchemas compiles the schemas in fsys, a folder that holds common/,
// sdos/, sros/ and observables/.
func LoadSchemas(fsys fs.FS) (*Validator, error) {
	c := jsonschema.NewCompiler()
	c.UseRegexpEngine(func(pattern string) (jsonschema.Regexp, error) {
		re, err := regexp.Compile(pattern)
		if err != nil {
			return nil, err
		}
		return &memoRegexp{re: re, seen: map[string]bool{}}, nil
	})
	var files []string
	for _, dir := range []string{"common", "sdos", "sros", "observables"} {
		names, err := fs.Glob(fsys, dir+"/*.json")
		if err != nil {
			return nil, err
		}
		if len(names) == 0 {
			return nil, secunion.Errorf(secunion.Invalid, "alerts: no STIX schemas in %s/: point at the schemas folder of oasis-open/cti-stix2-json-schemas", dir)
		}
		for _, name := range names {
			b, err := fs.ReadFile(fsys, name)
			if err != nil {
				return nil, err
			}
			doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
			if err != nil {
				return nil, fmt.Errorf("alerts: schema %s: %w", name, err)
			}
			if err := c.AddResource(schemaBase+name, doc); err != nil {
				return nil, fmt.Errorf("alerts: schema %s: %w", name, err)
			}
			files = append(files, name)
		}
	}
	v := &Validator{byType: map[string]*jsonschema.Schema{}}
	for _, name := range files {
		dir, file := path.Split(name)
		typ := strings.TrimSuffix(file, ".json")
		if dir == "common/" && !slices.Contains(MetaTypes, typ) && typ != "core" {
			continue
		}
		s, err := c.Compile(schemaBase + name)
		if err != nil {
			return nil, fmt.Errorf("alerts: schema %s: %w", name, err)
		}
		if typ == "core" {
			v.core = s
			continue
		}
		v.byType[typ] = s
	}
	if v.core == nil {
		return nil, secunion.Errorf(secunion.Invalid, "alerts: the STIX schemas have no common/core.json")
	}
	return v, nil
}

// memoRegexp is a pattern of the schemas that remembers its answers for
// the strings it meets most: the schemas test every property name and
// type name against patterns, and the same names, and the ids of shared
// markings and identities, come back object after object. Half the time
// of a validation went into those matches.
type memoRegexp struct {
	re   *regexp.Regexp
	mu   sync.Mutex
	seen map[string]bool
}

// memoSize bounds what one pattern remembers; when full it starts again.
const memoSize = 4096

// MatchString reports whether s matches.
func (m *memoRegexp) MatchString(s string) bool {
	if len(s) > 256 {
		return m.re.MatchString(s)
	}
	m.mu.Lock()
	v, ok := m.seen[s]
	m.mu.Unlock()
	if ok {
		return v
	}
	v = m.re.MatchString(s)
	m.mu.Lock()
	if len(m.seen) >= memoSize {
		clear(m.seen)
	}
	m.seen[s] = v
	m.mu.Unlock()
	return v
}

// String returns the pattern.
func (m *memoRegexp) String() string { return m.re.String() }

// Validate checks o against the schema of its type and names the first
// property that fails, with what the schema wants of it.
func (v *Validator) Validate(o Object) error {
	s, ok := v.byType[o.Type]
	if !ok {
		if ClassOf(o.Type) != Custom {
			return nil // a type the loaded schemas do not cover (an older copy)
		}
		s = v.core
	}
	err := s.Validate(o.Props)
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	leaf := ve
	for len(leaf.Causes) > 0 {
		leaf = leaf.Causes[0]
	}
	where := strings.Join(leaf.InstanceLocation, ".")
	if where == "" {
		where = o.Type
	}
	return secunion.Errorf(secunion.Invalid, "%s: %s (STIX 2.1 schema of %s)", secunion.Clip(where, 120), secunion.Clip(leaf.ErrorKind.LocalizedString(english), 300), o.Type)
}

var english = message.NewPrinter(language.English)

// Checker runs every check on an object: ParseObject's, the schema of its
// type when schemas are loaded, and the checks the schemas omit (Check).
type Checker struct {
	// Schemas are the OASIS schemas; nil checks without them.
	Schemas *Validator
	// Marking reports whether a marking definition is held already.
	Marking func(id string) bool
}

// Check applies the checks the OASIS schemas omit to o, one object of a
// batch whose marking definitions are in batch: that each marking it
// names resolves (a TLP marking, one held, or one in the batch), that
// granular markings' selectors point at real properties, that identifier
// properties name objects of the types STIX allows, that the handling
// extension holds valid codes, and that an indicator's STIX pattern
// parses. It then validates o against its schema.
func (c Checker) Check(o Object, batch map[string]bool) error {
	if err := c.checkMarkings(o, batch); err != nil {
		return err
	}
	return c.checkContent(o)
}

// checkMarkings checks that each marking o names resolves: a TLP
// marking, one in batch, or one held.
func (c Checker) checkMarkings(o Object, batch map[string]bool) error {
	resolves := func(id string) bool {
		_, tlp := tlpMarkings[id]
		return tlp || batch[id] || (c.Marking != nil && c.Marking(id))
	}
	for i, m := range o.Markings {
		if !resolves(m) {
			return invalidf(fmt.Sprintf("object_marking_refs[%d]", i), "%s is no marking definition the hub holds or the bundle defines", m)
		}
	}
	for i, g := range o.Granular {
		if g.MarkingRef != "" && !resolves(g.MarkingRef) {
			return invalidf(fmt.Sprintf("granular_markings[%d].marking_ref", i), "%s is no marking definition the hub holds or the bundle defines", g.MarkingRef)
		}
	}
	return nil
}

// checkContent checks o on its own: selectors, reference targets, the
// handling extension, the pattern, and the OASIS schema.
func (c Checker) checkContent(o Object) error {
	if err := checkSelectors(o); err != nil {
		return err
	}
	if err := checkRefTargets(o); err != nil {
		return err
	}
	if _, err := HandlingOf(o); err != nil {
		return err
	}
	if o.Type == "indicator" && o.Props["pattern_type"] == "stix" {
		p, _ := o.Props["pattern"].(string)
		if _, err := ParsePattern(p); err != nil {
			return invalidf("pattern", "%s", secunion.MessageOf(err))
		}
	}
	if c.Schemas != nil {
		return c.Schemas.Validate(o)
	}
	return nil
}
