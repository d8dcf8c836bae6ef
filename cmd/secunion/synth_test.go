package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"secunion/identity"
)

// TestSynth writes synthetic data, checks that it is reproducible and
// guarded against overwriting, and imports every system's file with no
// line rejected.
func TestSynth(t *testing.T) {
	synthArgs := func(out string) []string {
		return []string{"synth", "--persons", "400", "--seed", "7", "--out", out, "--queries", "50", "--now", "2026-03-01"}
	}
	dir := filepath.Join(t.TempDir(), "synth")
	out := mustCLI(t, "", synthArgs(dir)...)
	if !strings.HasPrefix(out, "synth: wrote 400 persons, ") || !strings.Contains(out, "EES ") || !strings.Contains(out, "and 50 queries to "+dir) {
		t.Errorf("summary: %s", out)
	}
	lines := func(name string) int {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return bytes.Count(b, []byte("\n"))
	}
	records := 0
	for _, sys := range identity.Systems {
		records += lines(sys + ".jsonl")
	}
	if truth := lines(synthTruthFile); truth != records || records < 400 {
		t.Errorf("%d records, %d truth lines", records, truth)
	}
	if q := lines(synthQueriesFile); q != 50 {
		t.Errorf("%d queries", q)
	}

	// The same flags give the same bytes.
	again := filepath.Join(t.TempDir(), "again")
	mustCLI(t, "", synthArgs(again)...)
	for _, name := range append(synthSystemFiles(), synthTruthFile, synthQueriesFile) {
		a, _ := os.ReadFile(filepath.Join(dir, name))
		b, _ := os.ReadFile(filepath.Join(again, name))
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between two runs", name)
		}
	}

	// A folder in use is not overwritten without --force; with it, the
	// queries of an earlier run do not linger.
	if _, _, err := cli(t, "", synthArgs(dir)...); err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("overwrite without --force: %v", err)
	}
	out = mustCLI(t, "", "synth", "--persons", "400", "--seed", "7", "--out", dir, "--now", "2026-03-01", "--force", "--templates")
	if _, err := os.Stat(filepath.Join(dir, synthQueriesFile)); !os.IsNotExist(err) {
		t.Errorf("stale %s after --force without --queries: %v", synthQueriesFile, err)
	}
	templates := lines(synthTemplatesFile)
	if templates < 400 || !strings.Contains(out, fmt.Sprintf(", %d templates and 0 queries", templates)) {
		t.Errorf("%d templates; summary %s", templates, out)
	}

	data := t.TempDir()
	for _, sys := range identity.Systems {
		n := lines(sys + ".jsonl")
		out, errs, err := cli(t, "", "import", "--data", data, sys, filepath.Join(dir, sys+".jsonl"))
		if want := fmt.Sprintf("%d lines, %d created, 0 changed, 0 unchanged, 0 rejected", n, n); err != nil || !strings.Contains(out, want) {
			t.Errorf("import %s: %v\n%s%s\nwant %s", sys, err, out, errs, want)
		}
	}
	// Templates follow their records; enrolling them again changes nothing.
	tplPath := filepath.Join(dir, synthTemplatesFile)
	want := fmt.Sprintf("imported templates: %d lines, %d created, 0 changed, 0 unchanged, 0 rejected", templates, templates)
	if out, errs, err := cli(t, "", "import", "--data", data, "templates", tplPath); err != nil || !strings.Contains(out, want) {
		t.Errorf("import templates: %v\n%s%s\nwant %s", err, out, errs, want)
	}
	want = fmt.Sprintf("%d lines, 0 created, 0 changed, %d unchanged, 0 rejected", templates, templates)
	if out, _, err := cli(t, "", "import", "--data", data, "templates", tplPath); err != nil || !strings.Contains(out, want) {
		t.Errorf("import templates again: %v\n%s", err, out)
	}
	// A template of no stored record, and a line that is an image, are
	// reported with their line numbers; the good line is kept.
	first, _, _ := strings.Cut(string(must(os.ReadFile(tplPath))), "\n")
	bad := strings.Replace(first, `"record_id":"`, `"record_id":"X`, 1) + "\n\x89PNG\r\n\n" + first + "\n"
	badPath := filepath.Join(t.TempDir(), "bad.jsonl")
	os.WriteFile(badPath, []byte(bad), 0o600)
	out, errs, err := cli(t, "", "import", "--data", data, "templates", badPath)
	if err != nil || !strings.Contains(out, "3 lines, 0 created, 0 changed, 1 unchanged, 2 rejected") ||
		!strings.Contains(errs, "line 1: template") || !strings.Contains(errs, "line 2: this is a PNG image") {
		t.Errorf("bad template lines: %v\n%s%s", err, out, errs)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func synthSystemFiles() []string {
	var files []string
	for _, sys := range identity.Systems {
		files = append(files, sys+".jsonl")
	}
	return files
}

func TestSynthBadFlags(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--persons", "0", "--out", dir}, "--persons 0: give 1 to 100000000"},
		{[]string{"--persons", "-5", "--out", dir}, "--persons -5"},
		{[]string{"--persons", "100000001", "--out", dir}, "give 1 to 100000000"},
		{[]string{"--queries", "-1", "--out", dir}, "--queries -1"},
		{[]string{"--persons", "10"}, "--out DIR"},
		{[]string{"--out", dir, "--now", "1.3.2026"}, "--now"},
		{[]string{"--out", filepath.Join(dir, "new"), "--now", "1950-01-01"}, "reference date 1950-01-01"},
		{[]string{"--out", dir, "extra"}, "no arguments"},
	} {
		_, _, err := cli(t, "", append([]string{"synth"}, tc.args...)...)
		if err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("synth %s: %v, want exit 2 and %q", strings.Join(tc.args, " "), err, tc.want)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("bad flags wrote %d files", len(entries))
	}
}

// TestSynthInterrupted stops a large run at once and expects it to say so.
func TestSynthInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errb bytes.Buffer
	err := run(ctx, []string{"synth", "--persons", "1000000", "--out", t.TempDir()}, func(string) string { return "" }, strings.NewReader(""), &out, &errb)
	if err == nil || !strings.Contains(err.Error(), "interrupted") || out.Len() != 0 {
		t.Errorf("cancelled synth: %v, stdout %q", err, out.String())
	}
}

// TestLinksDetect loads synthetic records and templates of every system
// and detects links over them twice: the first run finds links, the
// second changes nothing.
func TestLinksDetect(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "synth")
	mustCLI(t, "", "synth", "--persons", "300", "--seed", "4", "--out", dir, "--now", "2026-03-01", "--templates")
	data := t.TempDir()
	for _, sys := range identity.Systems {
		mustCLI(t, "", "import", "--data", data, sys, filepath.Join(dir, sys+".jsonl"))
	}
	mustCLI(t, "", "import", "--data", data, "templates", filepath.Join(dir, synthTemplatesFile))
	out := mustCLI(t, "", "links", "detect", "--data", data)
	var records, created int
	if _, err := fmt.Sscanf(out, "links detect: %d records compared in", &records); err != nil || records < 300 {
		t.Fatalf("first run: %s", out)
	}
	if i := strings.Index(out, "): "); i < 0 {
		t.Fatalf("first run: %s", out)
	} else if _, err := fmt.Sscanf(out[i+3:], "%d links created", &created); err != nil || created < 50 {
		t.Fatalf("first run created %d links: %s", created, out)
	}
	if out := mustCLI(t, "", "links", "detect", "--data", data); !strings.Contains(out, ": 0 links created, 0 changed, 0 erased") {
		t.Errorf("second run: %s", out)
	}
	if _, _, err := cli(t, "", "links", "find", "--data", data); err == nil || exitCode(err) != 2 {
		t.Errorf("unknown subcommand: %v", err)
	}
}
