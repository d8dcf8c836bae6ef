package httpapi_test

import (
	"context"
	"math"
	"net/http/httptest"
	"strings"
	"testing"

	"secunion"
	"secunion/access"
	"secunion/biometric"
	"secunion/httpapi"
	"secunion/identity"
	"secunion/synth"
)

// TestBiometricAPI enrols a face template through the API and matches
// probes against it 1:N and 1:1: a capture of the same person is found,
// the answers stay within the profile, and images, bad vectors, unknown
// templates and profiles without biometrics are refused with nothing
// stored.
func TestBiometricAPI(t *testing.T) {
	e := newAPI(t)
	ctx := context.Background()
	op := secunion.LocalOperator
	if _, err := e.db.CreateAuthority(ctx, op, access.Authority{Code: "IT-VISA", Name: "Visa", Country: "IT", Kind: access.KindVisa}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.CreateUser(ctx, op, access.User{Login: "giulia", Name: "Giulia", Authority: "IT-VISA", Roles: []string{"officer"}}, ""); err != nil {
		t.Fatal(err)
	}
	secret, _, err := e.db.CreateToken(ctx, op, "giulia", "t", 0)
	if err != nil {
		t.Fatal(err)
	}
	e.tokens["giulia"] = secret
	rec := identity.Record{System: "VIS", ID: "V1", Person: &identity.Person{Surname: "Eriksson", BirthDate: "1974-08-12"}, Biometrics: []string{"face-v1"},
		VIS: &identity.VisaFile{ApplicationNumber: "A1", Status: "issued", IssuingState: "IT"}, Owner: &identity.Owner{Authority: "IT-VISA", Country: "IT"}}
	if _, _, err := e.db.PutRecord(ctx, op, access.Declaration{Purpose: secunion.PurposeAdministration}, access.Profile{}, rec); err != nil {
		t.Fatal(err)
	}
	svc := biometric.NewService()
	srv := httptest.NewServer(httpapi.New(httpapi.Config{DB: e.db, Templates: svc}))
	defer srv.Close()
	e.srv = srv
	visa := map[string]string{"X-Purpose": "visa-examination"}
	border := map[string]string{"X-Purpose": "border-check"}
	face := func(person int, key string) []float32 {
		v, _ := synth.Capture(3, person, biometric.Face, key)
		return v
	}
	tpl := map[string]any{"system": "VIS", "record_id": "V1", "modality": "face", "quality": 77, "vector": face(1, "enrol")}

	var ae apiError
	before := e.db.AuditSize()
	refusals := []struct {
		name, login, method, path string
		body                      any
		headers                   map[string]string
		status                    int
		message                   string
	}{
		{"JPEG as JSON", "giulia", "PUT", "/api/v1/templates/face-v1", "\xff\xd8\xff\xe0\x00\x10JFIF", visa, 400, "JPEG image"},
		{"PNG by type", "giulia", "PUT", "/api/v1/templates/face-v1", "\x89PNG\r\n", map[string]string{"X-Purpose": "visa-examination", "Content-Type": "image/png"}, 400, "templates only"},
		{"short vector", "giulia", "PUT", "/api/v1/templates/face-v1", map[string]any{"system": "VIS", "record_id": "V1", "modality": "face", "quality": 77, "vector": []float32{1, 2}}, visa, 400, "512 values"},
		{"NaN as text", "giulia", "PUT", "/api/v1/templates/face-v1", `{"system":"VIS","record_id":"V1","modality":"face","quality":7,"vector":["NaN"]}`, visa, 400, "vector"},
		{"iris", "giulia", "PUT", "/api/v1/templates/face-v1", map[string]any{"system": "VIS", "record_id": "V1", "modality": "iris", "quality": 77, "vector": face(1, "x")}, visa, 400, "unknown modality"},
		{"not listed", "giulia", "PUT", "/api/v1/templates/face-v9", map[string]any{"system": "VIS", "record_id": "V1", "modality": "face", "quality": 77, "vector": face(1, "x")}, visa, 409, "not among the biometrics"},
		{"not a VIS authority", "anna", "PUT", "/api/v1/templates/face-v1", tpl, border, 403, ""},
	}
	for _, c := range refusals {
		if r := e.call(t, c.login, c.method, c.path, c.body, c.headers, &ae); r.StatusCode != c.status || !strings.Contains(ae.Error.Message, c.message) {
			t.Errorf("%s: %d %q", c.name, r.StatusCode, ae.Error.Message)
		}
	}
	if _, err := e.db.Template(ctx, "face-v1"); secunion.CodeOf(err) != secunion.NotFound {
		t.Fatalf("a refused template was stored: %v", err)
	}
	if n := e.db.AuditSize() - before; n != 1 { // the authority's denial
		t.Errorf("%d audit entries for the refusals, want the one denial", n)
	}

	var info map[string]any
	if r := e.call(t, "giulia", "PUT", "/api/v1/templates/face-v1", tpl, visa, &info); r.StatusCode != 201 || info["vector"] != nil || info["record_id"] != "V1" {
		t.Fatalf("enrol: %d %v", r.StatusCode, info)
	}
	stored, _ := e.db.Template(ctx, "face-v1")
	if err := svc.Put(stored); err != nil { // the node's event follower does this in serve
		t.Fatal(err)
	}

	var found struct {
		Matches   []biometric.Match
		Threshold float32
	}
	probe := map[string]any{"modality": "face", "vector": face(1, "border")}
	if r := e.call(t, "anna", "POST", "/api/v1/biometric/identify", probe, border, &found); r.StatusCode != 200 || len(found.Matches) != 1 || found.Matches[0].RecordID != "V1" || found.Matches[0].Score < found.Threshold {
		t.Fatalf("identify: %d %+v", r.StatusCode, found)
	}
	other := map[string]any{"modality": "face", "vector": face(2, "border")}
	if e.call(t, "anna", "POST", "/api/v1/biometric/identify", other, border, &found); len(found.Matches) != 0 {
		t.Errorf("another person matched: %+v", found)
	}
	var v struct {
		Score float64
		Same  bool
	}
	if r := e.call(t, "anna", "POST", "/api/v1/biometric/verify", map[string]any{"modality": "face", "vector": face(1, "b"), "template_id": "face-v1"}, border, &v); r.StatusCode != 200 || !v.Same || v.Score < 0.4 || v.Score > 1 {
		t.Errorf("verify same person: %d %+v", r.StatusCode, v)
	}
	if e.call(t, "anna", "POST", "/api/v1/biometric/verify", map[string]any{"modality": "face", "vector": face(2, "b"), "template_id": "face-v1"}, border, &v); v.Same || math.Abs(v.Score) > 0.3 {
		t.Errorf("verify another person: %+v", v)
	}
	for name, c := range map[string]struct {
		path    string
		body    any
		headers map[string]string
		status  int
	}{
		"identify without biometrics in the profile": {"/api/v1/biometric/identify", probe, map[string]string{"X-Purpose": "identity-check"}, 403},
		"verify an unknown template":                 {"/api/v1/biometric/verify", map[string]any{"modality": "face", "vector": face(1, "b"), "template_id": "face-x"}, border, 404},
		"identify with k too large":                  {"/api/v1/biometric/identify", map[string]any{"modality": "face", "vector": face(1, "b"), "k": 5000}, border, 400},
		"identify a system outside the profile":      {"/api/v1/biometric/identify", map[string]any{"modality": "face", "vector": face(1, "b"), "systems": []string{"Eurodac"}}, border, 400},
	} {
		if r := e.call(t, "anna", "POST", c.path, c.body, c.headers, &ae); r.StatusCode != c.status {
			t.Errorf("%s: %d %q", name, r.StatusCode, ae.Error.Message)
		}
	}
	if r := e.call(t, "giulia", "DELETE", "/api/v1/templates/face-v1", nil, visa, nil); r.StatusCode != 204 {
		t.Errorf("delete: %d", r.StatusCode)
	}
	if r := e.call(t, "giulia", "DELETE", "/api/v1/templates/face-v1", nil, visa, &ae); r.StatusCode != 404 {
		t.Errorf("delete again: %d", r.StatusCode)
	}
}
