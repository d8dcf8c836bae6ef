package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sharedSTIX returns a path in the shared STIX material, skipping loudly
// when it is absent (failing under CI).
func sharedSTIX(t *testing.T, parts ...string) string {
	t.Helper()
	p := filepath.Join(append([]string{"..", "..", "..", "shared", "testdata", "stix"}, parts...)...)
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the shared STIX material is missing: %v", err)
		}
		t.Skipf("SKIP: the shared STIX material is missing: %v", err)
	}
	return p
}

// TestAlertsImportExport imports the DISARM framework into a collection
// at the command line, with the OASIS schemas, imports it again (nothing
// doubles), and exports what a member and a non-member receive.
func TestAlertsImportExport(t *testing.T) {
	disarm, schemas := sharedSTIX(t, "disarm", "DISARM.json"), sharedSTIX(t, "schemas")
	data := t.TempDir()
	for _, a := range [][]string{{"EU-EEAS", "EU", "ras-contact-point"}, {"EE-RAS", "EE", "ras-contact-point"}, {"LV-RAS", "LV", "ras-contact-point"}} {
		mustCLI(t, "", "admin", "authority", "create", "--data", data, "--code", a[0], "--name", a[0], "--country", a[1], "--kind", a[2])
	}
	mustCLI(t, "", "alerts", "group", "--data", data, "ras", "EU-EEAS", "EE-RAS")
	out := mustCLI(t, "", "alerts", "collection", "--data", data, "--title", "DISARM", "--readers", "ras", "--writers", "ras", "--tlp", "green")
	id := strings.Fields(out)[1]
	id = strings.TrimSuffix(id, ":")
	for range 2 {
		out = mustCLI(t, "", "alerts", "import", "--data", data, "--collection", id, "--origin", "EU-EEAS", "--stix-schemas", schemas, disarm)
		if !strings.Contains(out, "698 objects stored, 0 refused") {
			t.Errorf("import: %s", out)
		}
	}
	bundle := filepath.Join(t.TempDir(), "out.json")
	mustCLI(t, "", "alerts", "export", "--data", data, "--collection", id, "--for", "EE-RAS", "--out", bundle)
	b, err := os.ReadFile(bundle)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Type    string
		Objects []map[string]any
	}
	if err := json.Unmarshal(b, &got); err != nil || got.Type != "bundle" || len(got.Objects) != 698 {
		t.Fatalf("export for a member: %v, %s, %d objects", err, got.Type, len(got.Objects))
	}
	if _, _, err := cli(t, "", "alerts", "export", "--data", data, "--collection", id, "--for", "LV-RAS"); err == nil {
		t.Errorf("a non-member gets an export")
	}
	_, errs, err := cli(t, `{"type":"bundle","objects":[{"type":"indicator"}]}`, "alerts", "import", "--data", data, "--collection", id, "--origin", "EE-RAS", "-")
	if err == nil || !strings.Contains(errs, "id: is required") {
		t.Errorf("a bad object: %v %s", err, errs)
	}
}
