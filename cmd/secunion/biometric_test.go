package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"secunion/biometric"
	"secunion/synth"
)

// apiCall sends a JSON request with a token and purpose and decodes the
// answer into out; it returns the status.
func apiCall(t *testing.T, method, url, token, purpose string, body, out any) int {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, url, bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Purpose", purpose)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if out != nil {
		json.NewDecoder(resp.Body).Decode(out)
	}
	return resp.StatusCode
}

// TestServeBiometric runs a node over imported records and templates: a
// border guard's face probe finds the person's VIS record through the
// search portal and the identification API, and once the visa authority
// erases the record its template is gone from both.
func TestServeBiometric(t *testing.T) {
	data := t.TempDir()
	anna := officer(t, data, "DE-BPOL", "border-guard", "anna")
	giulia := officer(t, data, "IT-VISA", "visa", "giulia")
	dir := filepath.Join(t.TempDir(), "synth")
	mustCLI(t, "", "synth", "--persons", "300", "--seed", "9", "--out", dir, "--now", "2026-03-01", "--templates")
	// IT-VISA owns the records, as if it had entered them: it may erase them.
	mustCLI(t, "", "import", "--data", data, "--owner", "IT-VISA", "VIS", filepath.Join(dir, "VIS.jsonl"))
	// Only VIS records are stored: the other systems' templates are
	// refused for want of their records.
	out, errs, _ := cli(t, "", "import", "--data", data, "templates", filepath.Join(dir, "templates.jsonl"))
	if !strings.Contains(out, "imported templates") || !strings.Contains(errs, "no record") {
		t.Fatalf("import templates: %s%s", out, errs)
	}
	// A VIS template and its person.
	var tpl biometric.Template
	lines, _ := os.ReadFile(filepath.Join(dir, "templates.jsonl"))
	for l := range strings.Lines(string(lines)) {
		json.Unmarshal([]byte(l), &tpl)
		if tpl.System == "VIS" && tpl.Modality == biometric.Face {
			break
		}
	}
	var person string
	truth, _ := os.ReadFile(filepath.Join(dir, "truth.jsonl"))
	for l := range strings.Lines(string(truth)) {
		var tl synthTruthLine
		json.Unmarshal([]byte(l), &tl)
		if tl.System == "VIS" && tl.ID == tpl.RecordID {
			person = tl.Person
		}
	}
	i, err := strconv.Atoi(strings.TrimPrefix(person, "P"))
	if err != nil {
		t.Fatalf("person of %s: %q", tpl.RecordID, person)
	}
	probe, _ := synth.Capture(9, i, biometric.Face, "border")

	base := startServe(t, func(string) string { return "" }, "--data", data)
	query := map[string]any{"biometric": map[string]any{"modality": "face", "vector": probe}, "systems": []string{"VIS"}}
	var res struct {
		Answers []struct {
			Hits []struct {
				RecordID string `json:"record_id"`
				Why      []string
			}
		}
	}
	if st := apiCall(t, "POST", base+"/api/v1/search", anna, "border-check", query, &res); st != 200 || len(res.Answers) != 1 || len(res.Answers[0].Hits) == 0 || res.Answers[0].Hits[0].RecordID != tpl.RecordID {
		t.Fatalf("face search: %d %+v (want %s)", st, res, tpl.RecordID)
	}
	identify := func() []biometric.Match {
		var m struct{ Matches []biometric.Match }
		if st := apiCall(t, "POST", base+"/api/v1/biometric/identify", anna, "border-check", map[string]any{"modality": "face", "vector": probe}, &m); st != 200 {
			t.Fatalf("identify: %d", st)
		}
		return m.Matches
	}
	if m := identify(); len(m) == 0 || m[0].RecordID != tpl.RecordID {
		t.Fatalf("identify: %+v", m)
	}
	if st := apiCall(t, "DELETE", base+"/api/v1/systems/VIS/records/"+tpl.RecordID, giulia, "visa-examination", nil, nil); st != 204 {
		t.Fatalf("erase the record: %d", st)
	}
	// The portal leaves the erased record out at once; the index follows
	// the committed change within moments.
	res.Answers = nil
	apiCall(t, "POST", base+"/api/v1/search", anna, "border-check", query, &res)
	for _, h := range res.Answers[0].Hits {
		if h.RecordID == tpl.RecordID {
			t.Errorf("the erased record still answers: %+v", h)
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for len(identify()) > 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if m := identify(); len(m) > 0 {
		t.Errorf("the erased record's template still matches: %+v", m)
	}
}
