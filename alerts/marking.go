package alerts

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"secunion"
)

// TLP is a Traffic Light Protocol 2.0 level, ordered from the widest
// sharing to the narrowest.
type TLP int

// The TLP 2.0 levels (FIRST, TLP 2.0, 2022).
const (
	TLPClear TLP = iota
	TLPGreen
	TLPAmber
	TLPAmberStrict
	TLPRed
)

var tlpNames = [...]string{"clear", "green", "amber", "amber+strict", "red"}

// String returns the level as TLP writes it in lower case.
func (t TLP) String() string { return tlpNames[t] }

// ParseTLP reads a level by its name ("clear", "green", "amber",
// "amber+strict", "red"; "white" is TLP 1.0's clear), in any case.
func ParseTLP(s string) (TLP, error) {
	s = strings.ToLower(strings.TrimPrefix(strings.ToUpper(s), "TLP:"))
	if s == "white" {
		return TLPClear, nil
	}
	for i, n := range tlpNames {
		if n == s {
			return TLP(i), nil
		}
	}
	return 0, secunion.Errorf(secunion.Invalid, "tlp: %q is not a TLP 2.0 level (clear, green, amber, amber+strict, red)", secunion.Clip(s, 20))
}

// MarshalText writes the level's name.
func (t TLP) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// UnmarshalText reads a level's name.
func (t *TLP) UnmarshalText(b []byte) error {
	v, err := ParseTLP(string(b))
	*t = v
	return err
}

// tlp2 are the fixed identifiers of the TLP 2.0 marking definitions
// (extension-definition--60a3c5c5-…), by level.
var tlp2 = [...]string{
	"marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
	"marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
	"marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
	"marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
	"marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}

// tlpMarkings are the TLP levels of the TLP 2.0 identifiers and of the
// TLP 1.0 ones that STIX 2.1 §7.2.1.4 defines, which clients still send.
var tlpMarkings = map[string]TLP{
	tlp2[TLPClear]: TLPClear, tlp2[TLPGreen]: TLPGreen, tlp2[TLPAmber]: TLPAmber,
	tlp2[TLPAmberStrict]: TLPAmberStrict, tlp2[TLPRed]: TLPRed,
	"marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9": TLPClear,
	"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da": TLPGreen,
	"marking-definition--f88d31f6-486f-44da-b317-01333bde0b82": TLPAmber,
	"marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed": TLPRed,
}

// TLPMarking returns the TLP level a marking definition identifier
// stands for, if it is one of the fixed TLP markings.
func TLPMarking(id string) (TLP, bool) {
	t, ok := tlpMarkings[id]
	return t, ok
}

// TLPMarkingID returns the identifier of the TLP 2.0 marking definition
// of level t.
func TLPMarkingID(t TLP) string { return tlp2[t] }

// ObjectTLP returns the narrowest TLP level among o's object markings,
// and whether it has one.
func ObjectTLP(o Object) (TLP, bool) {
	level, found := TLPClear, false
	for _, m := range o.Markings {
		if t, ok := tlpMarkings[m]; ok {
			level, found = max(level, t), true
		}
	}
	return level, found
}

// HandlingExtension is the identifier of secunion's property extension for
// the handling codes and evaluation that Europol's SIENA attaches to
// information exchanged between law-enforcement authorities. An object
// carries it in its extensions:
//
//	"extensions": {"extension-definition--0f5b1d8a-…": {
//	    "extension_type": "property-extension",
//	    "handling_code": "H2", "source_reliability": "B", "information_credibility": "2",
//	    "restrictions": "…", "recipients": ["FR-ANSSI"]}}
//
// The hub enforces it on the way out (Disclose); HandlingDefinition is its
// extension-definition object, which the hub serves.
const HandlingExtension = "extension-definition--0f5b1d8a-7c5e-4d9e-9a44-3f1c2b6e8d10"

// Handling is what an object's handling extension says.
type Handling struct {
	// Code is H0 (no restriction), H1 (not to be used as evidence in
	// judicial proceedings without the provider's permission), H2 (not to
	// be disseminated further without the provider's permission) or H3
	// (other restrictions, stated in Restrictions).
	Code string `json:"handling_code,omitempty"`
	// SourceReliability grades the source: A (no doubt), B (mostly
	// reliable), C (not reliable), X (cannot be judged).
	SourceReliability string `json:"source_reliability,omitempty"`
	// InformationCredibility grades the information: 1 (known to be true
	// without reservation), 2 (known personally to the source), 3 (not
	// known personally, corroborated), 4 (cannot be judged).
	InformationCredibility string `json:"information_credibility,omitempty"`
	Restrictions           string `json:"restrictions,omitempty"`
	// Recipients are the authority codes a TLP:RED object goes to,
	// besides the authority that added it.
	Recipients []string `json:"recipients,omitempty"`
}

// HandlingOf reads o's handling extension; the zero Handling if it has
// none.
func HandlingOf(o Object) (Handling, error) {
	var h Handling
	ext, _ := o.Props["extensions"].(map[string]any)
	v, ok := ext[HandlingExtension]
	if !ok {
		return h, nil
	}
	m, isObj := v.(map[string]any)
	if !isObj {
		return h, invalidf("extensions."+HandlingExtension, "must be an object")
	}
	if m["extension_type"] != "property-extension" {
		return h, invalidf("extensions."+HandlingExtension+".extension_type", "must be property-extension")
	}
	props := map[string]any{}
	for k, x := range m {
		if k != "extension_type" {
			props[k] = x
		}
	}
	if err := remarshal(props, &h); err != nil {
		return h, invalidf("extensions."+HandlingExtension, "holds handling_code, source_reliability, information_credibility, restrictions and recipients only, as strings (recipients a list)")
	}
	field := "extensions." + HandlingExtension + "."
	switch {
	case h.Code != "" && !slices.Contains([]string{"H0", "H1", "H2", "H3"}, h.Code):
		return h, invalidf(field+"handling_code", "is %q; use H0, H1, H2 or H3", secunion.Clip(h.Code, 8))
	case h.Code == "H3" && strings.TrimSpace(h.Restrictions) == "":
		return h, invalidf(field+"restrictions", "must state the restrictions of handling code H3")
	case h.SourceReliability != "" && !slices.Contains([]string{"A", "B", "C", "X"}, h.SourceReliability):
		return h, invalidf(field+"source_reliability", "is %q; use A, B, C or X", secunion.Clip(h.SourceReliability, 8))
	case h.InformationCredibility != "" && !slices.Contains([]string{"1", "2", "3", "4"}, h.InformationCredibility):
		return h, invalidf(field+"information_credibility", "is %q; use 1, 2, 3 or 4", secunion.Clip(h.InformationCredibility, 8))
	}
	return h, nil
}

// Restricted reports whether the handling forbids passing the object on
// beyond the collection's own readers (H2 and H3).
func (h Handling) Restricted() bool { return h.Code == "H2" || h.Code == "H3" }

// selectorPath is one selector of a granular marking, split into its
// steps: property names and list indexes.
type selectorStep struct {
	name  string
	index int // -1 for a property name
}

// parseSelector splits a selector such as "kill_chain_phases.[0].phase_name".
func parseSelector(s string) ([]selectorStep, error) {
	if s == "" {
		return nil, fmt.Errorf("empty selector")
	}
	var steps []selectorStep
	for part := range strings.SplitSeq(s, ".") {
		if strings.HasPrefix(part, "[") && strings.HasSuffix(part, "]") {
			i, err := strconv.Atoi(part[1 : len(part)-1])
			if err != nil || i < 0 || len(steps) == 0 {
				return nil, fmt.Errorf("%q is not a list index", secunion.Clip(part, 20))
			}
			steps = append(steps, selectorStep{index: i})
			continue
		}
		if part == "" {
			return nil, fmt.Errorf("an empty step")
		}
		steps = append(steps, selectorStep{name: part, index: -1})
	}
	return steps, nil
}

// resolve follows steps into v and returns what they point at.
func resolve(v any, steps []selectorStep) (any, bool) {
	for _, st := range steps {
		switch x := v.(type) {
		case map[string]any:
			if st.index >= 0 {
				return nil, false
			}
			var ok bool
			if v, ok = x[st.name]; !ok {
				return nil, false
			}
		case []any:
			if st.index < 0 || st.index >= len(x) {
				return nil, false
			}
			v = x[st.index]
		default:
			return nil, false
		}
	}
	return v, true
}

// checkSelectors checks that every selector of o's granular markings
// points at a property the object has (STIX 2.1 §7.2.3.1), and that no
// selector marks the identity of the object (type and id), which a
// recipient cannot do without.
func checkSelectors(o Object) error {
	for i, g := range o.Granular {
		for j, s := range g.Selectors {
			field := fmt.Sprintf("granular_markings[%d].selectors[%d]", i, j)
			steps, err := parseSelector(s)
			if err != nil {
				return invalidf(field, "%v", err)
			}
			if _, ok := resolve(o.Props, steps); !ok {
				return invalidf(field, "%q points at nothing in the object", secunion.Clip(s, 80))
			}
			if len(steps) == 1 && slices.Contains([]string{"type", "id", "spec_version"}, steps[0].name) {
				return invalidf(field, "%q cannot be marked: a recipient needs it to know the object", s)
			}
		}
	}
	return nil
}
