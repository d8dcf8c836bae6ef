// Package alerts is the alert-sharing hub (DOMAIN.md §6): the Rapid Alert
// System against disinformation, cyber-threat and incident sharing between
// Member States, and exchange with third countries under agreements. It
// speaks STIX 2.1 (objects, markings, patterns) and TAXII 2.1 (collections,
// paging), so that MISP, OpenCTI and national CSIRT tools can talk to it.
//
// What the hub adds to those tools is that sharing is bound to a scope and
// a purpose: a collection has reader and writer groups of authorities; an
// agreement with a third country names the partner, the purposes, the
// object types and the highest TLP it may receive; markings (TLP 2.0,
// granular markings, Europol handling codes) are enforced on the way out
// by one function, Disclose; and the store writes every disclosure (who
// received which object version, under which agreement and purpose) to
// the tamper-evident audit log.
//
// Objects are kept as they arrive, custom x- types and properties intact:
// the hub parses what it checks and stores the bytes it was given. No Go
// STIX library is served through the module proxy here; the OASIS JSON
// schemas are applied with santhosh-tekuri/jsonschema (Validator), and the
// checks the schemas omit are the hub's own (Check).
package alerts

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"secunion"
)

// MaxObject is the largest object the hub takes, in bytes of JSON. STIX
// sets no limit; a report with a long description stays far below it,
// while one object cannot hold a node's memory.
const MaxObject = 1 << 20

// Object is one version of a STIX 2.1 object: the properties the hub acts
// on, and the object as received.
type Object struct {
	Type        string
	ID          string
	SpecVersion string
	// Created and Modified are zero when absent (cyber-observables have
	// neither); Version is Modified, else Created, else the time added.
	Created, Modified time.Time
	Revoked           bool
	CreatedBy         string
	// Markings are the object's object_marking_refs.
	Markings []string
	Granular []GranularMarking
	// Props are the decoded properties, numbers as json.Number, as the
	// schema validator and the redaction of granular markings need them.
	Props map[string]any
	// Raw is the object as received, compacted.
	Raw json.RawMessage
}

// GranularMarking is a marking that applies to some properties of an
// object, named by selectors such as "description" or "labels.[1]".
type GranularMarking struct {
	MarkingRef string   `json:"marking_ref,omitempty"`
	Lang       string   `json:"lang,omitempty"`
	Selectors  []string `json:"selectors"`
}

// Version returns the version of o that TAXII names: the modified time,
// else the created time, else added (for objects that have neither).
func (o Object) Version(added time.Time) time.Time {
	switch {
	case !o.Modified.IsZero():
		return o.Modified
	case !o.Created.IsZero():
		return o.Created
	}
	return added
}

// FormatTime writes t as STIX writes timestamps, with as many digits of
// the second as t holds and never fewer than three.
func FormatTime(t time.Time) string {
	s := t.UTC().Format("2006-01-02T15:04:05.000000000")
	for len(s) > len("2006-01-02T15:04:05.000") && s[len(s)-1] == '0' {
		s = s[:len(s)-1]
	}
	return s + "Z"
}

var (
	typeName  = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	uuidForm  = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$`)
	timestamp = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z$`)
)

// ParseObject reads one STIX 2.1 object and checks what can be checked of
// it alone: valid JSON of at most MaxObject bytes, a known type or a
// custom one starting x-, an identifier of its type and an RFC 4122 UUID,
// spec_version 2.1, timestamps in STIX's form with modified not before
// created, property names as STIX allows them, and the common properties'
// JSON types. Each error names the property that is wrong.
func ParseObject(raw []byte) (Object, error) {
	var o Object
	if len(raw) > MaxObject {
		return o, secunion.Errorf(secunion.TooLarge, "object: %d bytes, the hub takes objects of at most %d", len(raw), MaxObject)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&o.Props); err != nil {
		return o, secunion.Errorf(secunion.Invalid, "object: not a JSON object: %s", secunion.JSONProblem(err))
	}
	if dec.More() {
		return o, secunion.Errorf(secunion.Invalid, "object: more than one JSON value")
	}
	if o.Props == nil {
		return o, secunion.Errorf(secunion.Invalid, "object: not a JSON object")
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		return o, secunion.Errorf(secunion.Invalid, "object: %s", secunion.JSONProblem(err))
	}
	o.Raw = buf.Bytes()
	if err := o.readCommon(); err != nil {
		return o, err
	}
	return o, nil
}

// readCommon reads and checks the common properties of o.Props.
func (o *Object) readCommon() error {
	var err error
	str := func(name string, required bool) string {
		v, ok := o.Props[name]
		if !ok {
			if required && err == nil {
				err = invalidf(name, "is required")
			}
			return ""
		}
		s, isStr := v.(string)
		if !isStr && err == nil {
			err = invalidf(name, "must be a string")
		}
		return s
	}
	o.Type = str("type", true)
	if err != nil {
		return err
	}
	if !typeName.MatchString(o.Type) || len(o.Type) < 3 || len(o.Type) > 250 {
		return invalidf("type", "%q is not a STIX type name (3 to 250 of a-z, 0-9 and single hyphens)", secunion.Clip(o.Type, 64))
	}
	if o.Type == "bundle" {
		return invalidf("type", "a bundle is not an object: send its objects")
	}
	class := ClassOf(o.Type)
	if class == Unknown {
		return invalidf("type", "%q is not a STIX 2.1 type; custom types start with x-", o.Type)
	}
	o.ID = str("id", true)
	if err != nil {
		return err
	}
	if err := checkID("id", o.ID, o.Type); err != nil {
		return err
	}
	o.SpecVersion = str("spec_version", class != SCO && class != Custom)
	if err != nil {
		return err
	}
	if o.SpecVersion == "" {
		o.SpecVersion = "2.1"
	}
	if o.SpecVersion != "2.1" {
		return invalidf("spec_version", "is %q; the hub takes STIX 2.1", secunion.Clip(o.SpecVersion, 16))
	}
	dated := class == SDO || class == SRO || o.Type == "language-content" || o.Type == "extension-definition"
	if o.Created, err = o.time("created", dated || o.Type == "marking-definition"); err != nil {
		return err
	}
	if o.Modified, err = o.time("modified", dated); err != nil {
		return err
	}
	if !o.Modified.IsZero() && o.Created.IsZero() {
		return invalidf("modified", "is set without created")
	}
	if !o.Modified.IsZero() && o.Modified.Before(o.Created) {
		return invalidf("modified", "%s is before created %s", FormatTime(o.Modified), FormatTime(o.Created))
	}
	if v, ok := o.Props["revoked"]; ok {
		b, isBool := v.(bool)
		if !isBool {
			return invalidf("revoked", "must be true or false")
		}
		o.Revoked = b
	}
	o.CreatedBy = str("created_by_ref", false)
	if err != nil {
		return err
	}
	if o.CreatedBy != "" {
		if err := checkID("created_by_ref", o.CreatedBy, "identity"); err != nil {
			return err
		}
	}
	if o.Markings, err = o.refs("object_marking_refs"); err != nil {
		return err
	}
	for i, m := range o.Markings {
		if err := checkID(fmt.Sprintf("object_marking_refs[%d]", i), m, "marking-definition"); err != nil {
			return err
		}
	}
	if v, ok := o.Props["granular_markings"]; ok {
		if err := remarshal(v, &o.Granular); err != nil {
			return invalidf("granular_markings", "must be a list of {marking_ref or lang, selectors}")
		}
		for i, g := range o.Granular {
			if err := g.check(fmt.Sprintf("granular_markings[%d]", i)); err != nil {
				return err
			}
		}
	}
	for name := range o.Props {
		if name != "id" && !isPropertyName(name) {
			return invalidf(secunion.Clip(name, 64), "is not a STIX property name (3 to 250 of a-z, 0-9 and _)")
		}
	}
	return nil
}

func (g GranularMarking) check(field string) error {
	if (g.MarkingRef == "") == (g.Lang == "") {
		return invalidf(field, "names either a marking_ref or a lang")
	}
	if g.MarkingRef != "" {
		if err := checkID(field+".marking_ref", g.MarkingRef, "marking-definition"); err != nil {
			return err
		}
	}
	if len(g.Selectors) == 0 {
		return invalidf(field+".selectors", "must name at least one property")
	}
	return nil
}

// isPropertyName reports whether name is 3 to 250 of a-z, 0-9 and _, as
// STIX 2.1 §3.1 names properties. Every property of every object passes
// here: a loop, not a regular expression.
func isPropertyName(name string) bool {
	if len(name) < 3 || len(name) > 250 {
		return false
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// time reads the timestamp property name.
func (o *Object) time(name string, required bool) (time.Time, error) {
	v, ok := o.Props[name]
	if !ok {
		if required {
			return time.Time{}, invalidf(name, "is required")
		}
		return time.Time{}, nil
	}
	s, _ := v.(string)
	t, err := ParseTime(s)
	if err != nil {
		return t, invalidf(name, "%v", err)
	}
	return t, nil
}

// ParseTime reads a STIX timestamp: RFC 3339 in UTC with a Z.
func ParseTime(s string) (time.Time, error) {
	if !timestamp.MatchString(s) {
		return time.Time{}, fmt.Errorf("%q is not a STIX timestamp (YYYY-MM-DDTHH:MM:SS[.s+]Z)", secunion.Clip(s, 40))
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return t, fmt.Errorf("%q is not a date and time", secunion.Clip(s, 40))
	}
	return t, nil
}

// refs reads a list of identifiers.
func (o *Object) refs(name string) ([]string, error) {
	v, ok := o.Props[name]
	if !ok {
		return nil, nil
	}
	list, isList := v.([]any)
	if !isList {
		return nil, invalidf(name, "must be a list of identifiers")
	}
	out := make([]string, len(list))
	for i, x := range list {
		s, isStr := x.(string)
		if !isStr {
			return nil, invalidf(fmt.Sprintf("%s[%d]", name, i), "must be an identifier")
		}
		out[i] = s
	}
	return out, nil
}

// checkID checks that id is an identifier of one of the types given (of
// any type when none is).
func checkID(field, id string, types ...string) error {
	typ, uuid, ok := strings.Cut(id, "--")
	if !ok || !uuidForm.MatchString(uuid) || !typeName.MatchString(typ) {
		return invalidf(field, "%q is not a STIX identifier (type--UUID)", secunion.Clip(id, 80))
	}
	if len(types) > 0 && !slices.Contains(types, typ) {
		return invalidf(field, "names a %s; it must name a %s", typ, strings.Join(types, " or "))
	}
	return nil
}

// IDType returns the type part of a STIX identifier.
func IDType(id string) string {
	t, _, _ := strings.Cut(id, "--")
	return t
}

// invalidf returns the Invalid error of a wrong property.
func invalidf(field, format string, args ...any) error {
	return secunion.Errorf(secunion.Invalid, "%s: %s", field, fmt.Sprintf(format, args...))
}

// remarshal converts a decoded JSON value into out.
func remarshal(v any, out any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	return dec.Decode(out)
}
