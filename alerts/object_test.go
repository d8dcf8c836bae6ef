package alerts

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"secunion"
)

// stixData returns the path of the shared STIX material, skipping the
// test loudly when it is absent (failing under CI).
func stixData(t testing.TB, parts ...string) string {
	t.Helper()
	p := filepath.Join(append([]string{"..", "..", "shared", "testdata", "stix"}, parts...)...)
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the shared STIX material is missing: %v", err)
		}
		t.Skipf("SKIP: the shared STIX material is missing: %v", err)
	}
	return p
}

// readBundleFile reads every object of a bundle file.
func readBundleFile(t testing.TB, path string) []json.RawMessage {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var all []json.RawMessage
	if err := ReadObjects(f, 500, func(c []json.RawMessage) error { all = append(all, c...); return nil }); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return all
}

// TestPublicBundlesPass checks that every object of the OASIS examples,
// the STIX documentation's examples and the DISARM framework passes every
// check, schemas included: a hub that refused them could not talk to the
// tools that wrote them.
func TestPublicBundlesPass(t *testing.T) {
	v, err := LoadSchemas(os.DirFS(stixData(t, "schemas")))
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	// The OASIS interop test object names a marking that does not exist:
	// the hub refuses it, saying so.
	interop, err := os.ReadFile(filepath.Join(stixData(t), "examples", "interop-objectmarking-test.json"))
	if err != nil {
		t.Fatal(err)
	}
	if got := (Checker{Schemas: v}).Batch([]json.RawMessage{interop}); len(got.Failures) != 1 || !strings.Contains(got.Failures[0].Message, "5e57c739-391a-4eb3-b6be-7d15ca92d5ec is no marking definition") {
		t.Errorf("the interop object with a dangling marking: %+v", got)
	}
	for _, glob := range []string{"examples/*.json", "examples/threat-reports/*.json", "documentation-examples/*.json", "disarm/*.json"} {
		m, _ := filepath.Glob(filepath.Join(stixData(t), glob))
		files = append(files, m...)
	}
	if len(files) < 15 {
		t.Fatalf("only %d bundles found", len(files))
	}
	total := 0
	for _, f := range files {
		if strings.HasSuffix(f, "interop-objectmarking-test.json") {
			continue
		}
		raws := readBundleFile(t, f)
		got := Checker{Schemas: v}.Batch(raws)
		for _, fail := range got.Failures {
			t.Errorf("%s: %s: %s", filepath.Base(f), fail.ID, fail.Message)
		}
		total += len(got.Objects)
	}
	if total < 1000 {
		t.Errorf("only %d objects checked", total)
	}
}

func mustParse(t *testing.T, o map[string]any) Object {
	t.Helper()
	b, _ := json.Marshal(o)
	obj, err := ParseObject(b)
	if err != nil {
		t.Fatal(err)
	}
	return obj
}

func TestParseObjectRefuses(t *testing.T) {
	base := func(change map[string]any) string {
		o := map[string]any{"type": "indicator", "spec_version": "2.1", "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
			"created": "2026-01-01T00:00:00Z", "modified": "2026-01-01T00:00:00Z"}
		for k, v := range change {
			if v == nil {
				delete(o, k)
			} else {
				o[k] = v
			}
		}
		b, _ := json.Marshal(o)
		return string(b)
	}
	for _, c := range []struct{ in, says string }{
		{`{"type": "indicator"`, "not a JSON object"},
		{`[]`, "not a JSON object"},
		{`{} {}`, "more than one"},
		{base(map[string]any{"type": "Indicator"}), "type"},
		{base(map[string]any{"type": "bundle"}), "bundle is not an object"},
		{base(map[string]any{"id": "indicator--xyz"}), "not a STIX identifier"},
		{base(map[string]any{"id": "malware--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"}), "names a malware"},
		{base(map[string]any{"spec_version": "2.0"}), "spec_version"},
		{base(map[string]any{"spec_version": nil}), "spec_version: is required"},
		{base(map[string]any{"created": "2026-01-01 00:00:00"}), "created"},
		{base(map[string]any{"modified": "2025-12-31T23:59:59Z"}), "before created"},
		{base(map[string]any{"revoked": "yes"}), "revoked"},
		{base(map[string]any{"object_marking_refs": []string{"identity--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"}}), "object_marking_refs[0]"},
		{base(map[string]any{"granular_markings": []any{map[string]any{"selectors": []string{"name"}}}}), "granular_markings[0]"},
		{base(map[string]any{"Bad-Name": 1}), "Bad-Name"},
		{`{"type":"indicator","x":"` + strings.Repeat("a", MaxObject) + `"}`, "at most"},
	} {
		_, err := ParseObject([]byte(c.in))
		if err == nil || !strings.Contains(secunion.MessageOf(err), c.says) {
			t.Errorf("%.80s: %v, want an error saying %q", c.in, err, c.says)
		}
	}
	o := mustParse(t, map[string]any{"type": "x-acme-thing", "id": "x-acme-thing--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "x_acme_score": 3})
	if ClassOf(o.Type) != Custom || !strings.Contains(string(o.Raw), "x_acme_score") {
		t.Errorf("a custom object: %+v", o)
	}
}

// TestDiscloseRedacts checks granular markings: list items and
// properties above the recipient's ceiling are cut, and the markings that
// remain point at the same items.
func TestDiscloseRedacts(t *testing.T) {
	o := mustParse(t, map[string]any{"type": "indicator", "spec_version": "2.1", "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
		"created": "2026-01-01T00:00:00Z", "modified": "2026-01-01T00:00:00Z", "name": "n", "description": "secret",
		"labels": []string{"a", "b", "c", "d"}, "object_marking_refs": []string{TLPMarkingID(TLPGreen)},
		"granular_markings": []any{
			map[string]any{"marking_ref": TLPMarkingID(TLPRed), "selectors": []string{"description", "labels.[0]", "labels.[2]"}},
			map[string]any{"marking_ref": TLPMarkingID(TLPClear), "selectors": []string{"labels.[3]", "labels.[1]"}},
		}})
	c := Collection{ID: "c", DefaultTLP: TLPAmber}
	readers := Group{Members: []string{"A", "B"}}
	d := Disclose(Stored{Object: o, Origin: "A"}, c, readers, Recipient{Authority: "B"}, time.Now())
	if d.Withheld != "" || !slices.Equal(d.Redacted, []string{"description", "labels.[0]", "labels.[2]"}) {
		t.Fatalf("disclosure: %+v", d)
	}
	var got struct {
		Description *string
		Labels      []string
		Granular    []GranularMarking `json:"granular_markings"`
	}
	json.Unmarshal(d.Object, &got)
	if got.Description != nil || !slices.Equal(got.Labels, []string{"b", "d"}) || len(got.Granular) != 1 || !slices.Equal(got.Granular[0].Selectors, []string{"labels.[1]", "labels.[0]"}) {
		t.Errorf("redacted: %s", d.Object)
	}
	if d := Disclose(Stored{Object: o, Origin: "A"}, c, readers, Recipient{Authority: "A"}, time.Now()); d.Redacted != nil || string(d.Object) != string(o.Raw) {
		t.Errorf("the origin's copy is cut: %+v", d)
	}
	if d := Disclose(Stored{Object: o, Origin: "A"}, c, readers, Recipient{Authority: "C"}, time.Now()); d.Withheld == "" {
		t.Errorf("a non-reader receives it")
	}
	if d := Disclose(Stored{Object: o, Origin: "A"}, c, Group{}, Recipient{Authority: "B"}, time.Now()); d.Withheld == "" {
		t.Errorf("an empty group shares with %s", "B")
	}
}

// TestSightingsAnonymised: a sighting's reporter and places reach its
// origin and the recipients its handling names, nobody else; the others
// get what was seen, how often and when, and are told what was cut.
func TestSightingsAnonymised(t *testing.T) {
	where := "identity--0b6f1e2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b"
	sighting := func(handling map[string]any) Object {
		p := map[string]any{"type": "sighting", "spec_version": "2.1", "id": "sighting--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd40",
			"created": "2026-01-01T00:00:00Z", "modified": "2026-01-01T00:00:00Z", "count": 3,
			"sighting_of_ref": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "created_by_ref": where, "where_sighted_refs": []string{where},
			"object_marking_refs": []string{TLPMarkingID(TLPGreen)},
			"granular_markings":   []any{map[string]any{"marking_ref": TLPMarkingID(TLPClear), "selectors": []string{"where_sighted_refs.[0]", "count"}}}}
		if handling != nil {
			p["extensions"] = map[string]any{HandlingExtension: handling}
		}
		return mustParse(t, p)
	}
	c := Collection{ID: "c", DefaultTLP: TLPAmber}
	readers := Group{Members: []string{"A", "B", "C"}}
	o := sighting(nil)
	d := Disclose(Stored{Object: o, Origin: "A"}, c, readers, Recipient{Authority: "B"}, time.Now())
	if !slices.Equal(d.Redacted, []string{"created_by_ref", "where_sighted_refs"}) {
		t.Fatalf("disclosure: %+v", d)
	}
	var got map[string]any
	json.Unmarshal(d.Object, &got)
	if _, ok := got["created_by_ref"]; ok || got["where_sighted_refs"] != nil || got["count"] != 3.0 || got["sighting_of_ref"] == nil {
		t.Errorf("anonymised: %s", d.Object)
	}
	if g, _ := json.Marshal(got["granular_markings"]); string(g) != `[{"marking_ref":"`+TLPMarkingID(TLPClear)+`","selectors":["count"]}]` {
		t.Errorf("granular markings left: %s", g)
	}
	if d := Disclose(Stored{Object: o, Origin: "A"}, c, readers, Recipient{Authority: "A"}, time.Now()); d.Redacted != nil {
		t.Errorf("the origin's own sighting is cut: %+v", d)
	}
	named := sighting(map[string]any{"extension_type": "property-extension", "handling_code": "H0", "source_reliability": "A", "information_credibility": "1", "recipients": []string{"C"}})
	if d := Disclose(Stored{Object: named, Origin: "A"}, c, readers, Recipient{Authority: "C"}, time.Now()); d.Redacted != nil {
		t.Errorf("a recipient the handling names gets it anonymised: %+v", d)
	}
}

// TestDiscloseToPartners walks the agreement's conditions one by one.
func TestDiscloseToPartners(t *testing.T) {
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	green := mustParse(t, map[string]any{"type": "indicator", "spec_version": "2.1", "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
		"created": "2026-01-01T00:00:00Z", "modified": "2026-01-01T00:00:00Z", "object_marking_refs": []string{TLPMarkingID(TLPGreen)}})
	c := Collection{ID: "c", DefaultTLP: TLPAmber}
	readers := Group{Members: []string{"EU-A", "NZ"}}
	a := Agreement{ID: "eu-nz", Partner: "NZ", Purposes: []secunion.Purpose{secunion.PurposeAlertSharing}, Types: []string{"indicator"},
		MaxTLP: TLPGreen, Collections: []string{"c"}, Review: now.AddDate(1, 0, 0)}
	to := Recipient{Authority: "NZ", Partner: true, Agreement: &a, Purpose: secunion.PurposeAlertSharing}
	st := Stored{Object: green, Origin: "EU-A"}
	if d := Disclose(st, c, readers, to, now); d.Withheld != "" {
		t.Fatalf("within the agreement: %s", d.Withheld)
	}
	for name, change := range map[string]func(*Agreement, *Recipient, *Stored){
		"review passed":    func(a *Agreement, _ *Recipient, _ *Stored) { a.Review = now },
		"other collection": func(a *Agreement, _ *Recipient, _ *Stored) { a.Collections = []string{"d"} },
		"other purpose":    func(_ *Agreement, r *Recipient, _ *Stored) { r.Purpose = secunion.PurposeLawEnforcement },
		"other type":       func(a *Agreement, _ *Recipient, _ *Stored) { a.Types = []string{"report"} },
		"TLP too high":     func(a *Agreement, _ *Recipient, _ *Stored) { a.MaxTLP = TLPClear },
		"no agreement":     func(_ *Agreement, r *Recipient, _ *Stored) { r.Agreement = nil },
		"onward transfer":  func(_ *Agreement, _ *Recipient, s *Stored) { s.FromPartner, s.Origin = true, "US" },
	} {
		a2, to2, st2 := a, to, st
		to2.Agreement = &a2
		change(&a2, &to2, &st2)
		if d := Disclose(st2, c, readers, to2, now); d.Withheld == "" {
			t.Errorf("%s: disclosed", name)
		}
	}
	st.FromPartner, st.Onward, st.Origin = true, true, "US"
	if d := Disclose(st, c, readers, to, now); d.Withheld != "" {
		t.Errorf("onward transfer allowed: %s", d.Withheld)
	}
}
