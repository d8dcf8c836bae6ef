package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestImport(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(t.TempDir(), "sis.jsonl")
	good := `{"id":"S1","person":{"surname":"Doe","given_names":"John","birth_date":"1980-02-29"},"sis":{"category":"arrest","issuing_state":"FR"}}`
	os.WriteFile(file, []byte(good+"\n"+
		`{"id":"S2","person":{"surname":"Roe","birth_date":"1981-02-29"},"sis":{"category":"arrest","issuing_state":"FR"}}`+"\n"+
		`{"id":"S3","person":{"surname":"Poe"},"sis":{"category":"missing","issuing_state":"DE"}}`+"\n"+
		"not json\n"), 0o644)
	out, errs, err := cli(t, "", "import", "--data", dir, "SIS", file)
	if err != nil {
		t.Fatalf("import: %v\n%s", err, errs)
	}
	if !strings.Contains(out, "4 lines, 2 created, 0 changed, 0 unchanged, 2 rejected") {
		t.Errorf("summary: %s", out)
	}
	if !strings.Contains(errs, "line 2: person.birth_date") || !strings.Contains(errs, "line 4: malformed JSON") {
		t.Errorf("rejects: %s", errs)
	}
	// Idempotent: the same file again changes nothing.
	out, _, err = cli(t, "", "import", "--data", dir, "--rejects", filepath.Join(dir, "rejects.txt"), "SIS", file)
	if err != nil || !strings.Contains(out, "0 created, 0 changed, 2 unchanged, 2 rejected") {
		t.Errorf("second import: %v %s", err, out)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "rejects.txt")); strings.Count(string(b), "\n") != 2 {
		t.Errorf("rejects file: %q", b)
	}
	if _, _, err := cli(t, "", "import", "--data", dir, "XYZ", file); err == nil || exitCode(err) != 2 {
		t.Errorf("unknown system: %v", err)
	}
	if _, _, err := cli(t, "", "import", "--data", dir, "SIS", filepath.Join(dir, "data.xml")); err == nil {
		t.Error("unknown format accepted")
	}
}
