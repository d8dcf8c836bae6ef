package httpapi_test

import (
	"context"
	"testing"

	"secunion"
	"secunion/access"
	"secunion/identity"
	"secunion/links"
)

// TestLinkVerificationAPI walks a yellow link through the API: it is in
// the responsible authority's queue only, its comparison shows the linked
// data, a decision needs the purpose, a valid colour and a reason, and a
// decided link cannot be decided again.
func TestLinkVerificationAPI(t *testing.T) {
	e := newAPI(t)
	ctx := context.Background()
	op := secunion.LocalOperator
	for _, a := range []access.Authority{{Code: "IT-VISA", Name: "Visti", Country: "IT", Kind: access.KindVisa}, {Code: "FR-VISA", Name: "Visas", Country: "FR", Kind: access.KindVisa}} {
		if _, err := e.db.CreateAuthority(ctx, op, a); err != nil {
			t.Fatal(err)
		}
	}
	for login, auth := range map[string]string{"giulia": "IT-VISA", "jean": "FR-VISA"} {
		if _, err := e.db.CreateUser(ctx, op, access.User{Login: login, Name: login, Authority: auth, Roles: []string{access.RoleOfficer}}, ""); err != nil {
			t.Fatal(err)
		}
		secret, _, err := e.db.CreateToken(ctx, op, login, "t", 0)
		if err != nil {
			t.Fatal(err)
		}
		e.tokens[login] = secret
	}
	doc := []identity.Document{{Type: "P", Number: "YA1234567", IssuingCountry: "UKR"}}
	recs := []identity.Record{
		{System: "VIS", ID: "V1", Person: &identity.Person{Surname: "Bondar", GivenNames: "Ivan", BirthDate: "1980-01-02"}, Documents: doc,
			VIS: &identity.VisaFile{ApplicationNumber: "A1", Status: "issued", IssuingState: "IT"}},
		{System: "EES", ID: "E1", Person: &identity.Person{Surname: "Kovalenko", GivenNames: "Petro", BirthDate: "1975-05-06"}, Documents: doc,
			EES: &identity.TravelHistory{Crossings: []identity.Crossing{}}},
	}
	if _, _, err := e.db.ImportBatch(ctx, recs); err != nil {
		t.Fatal(err)
	}
	a, b := links.Ref{System: "EES", ID: "E1"}, links.Ref{System: "VIS", ID: "V1"}
	l := links.Link{ID: links.ID(a, b), A: a, B: b, Colour: links.Yellow, Reason: "the same travel document with different identity data",
		Evidence: links.Evidence{Document: true, Identity: links.IdentityDiffer}, Trigger: b, Verifier: links.Verifier{Kind: access.KindVisa, State: "IT"}}
	if _, _, _, err := e.db.SaveLinks(ctx, []links.Run{{Trigger: b, Found: []links.Link{l}}}); err != nil {
		t.Fatal(err)
	}
	verify := map[string]string{"X-Purpose": "link-verification"}
	var q struct{ Links []links.Link }
	if r := e.call(t, "giulia", "GET", "/api/v1/links/queue", nil, verify, &q); r.StatusCode != 200 || len(q.Links) != 1 || q.Links[0].ID != l.ID {
		t.Fatalf("queue: %d %+v", r.StatusCode, q)
	}
	if e.call(t, "jean", "GET", "/api/v1/links/queue", nil, verify, &q); len(q.Links) != 0 {
		t.Errorf("another authority's queue: %+v", q)
	}
	var cmp struct {
		Link links.Link
		A, B identity.Record
	}
	if r := e.call(t, "giulia", "GET", "/api/v1/links/"+l.ID, nil, verify, &cmp); r.StatusCode != 200 || cmp.B.VIS != nil || cmp.B.Person == nil || cmp.A.Person.Surname != "Kovalenko" {
		t.Fatalf("comparison: %d %+v", r.StatusCode, cmp)
	}
	var ae apiError
	for name, c := range map[string]struct {
		login   string
		body    any
		headers map[string]string
		status  int
	}{
		"another purpose":   {"giulia", map[string]string{"colour": "red", "reason": "x"}, map[string]string{"X-Purpose": "visa-examination"}, 403},
		"not the verifier":  {"jean", map[string]string{"colour": "red", "reason": "x"}, verify, 404},
		"yellow again":      {"giulia", map[string]string{"colour": "yellow", "reason": "x"}, verify, 400},
		"no reason":         {"giulia", map[string]string{"colour": "green"}, verify, 400},
		"an unexpected key": {"giulia", map[string]string{"colour": "green", "reason": "x", "by": "me"}, verify, 400},
	} {
		if r := e.call(t, c.login, "POST", "/api/v1/links/"+l.ID+"/decision", c.body, c.headers, &ae); r.StatusCode != c.status {
			t.Errorf("%s: %d %s", name, r.StatusCode, ae.Error.Message)
		}
	}
	var got links.Link
	if r := e.call(t, "giulia", "POST", "/api/v1/links/"+l.ID+"/decision", map[string]string{"colour": "red", "reason": "the EES traveller is not the passport holder"}, verify, &got); r.StatusCode != 200 || got.Colour != links.Red || len(got.History) != 2 {
		t.Fatalf("decision: %d %+v", r.StatusCode, got)
	}
	if r := e.call(t, "giulia", "POST", "/api/v1/links/"+l.ID+"/decision", map[string]string{"colour": "green", "reason": "x"}, verify, &ae); r.StatusCode != 409 {
		t.Errorf("decided twice: %d", r.StatusCode)
	}
	if r := e.call(t, "giulia", "POST", "/api/v1/links/MID-0000000000000000/decision", map[string]string{"colour": "green", "reason": "x"}, verify, &ae); r.StatusCode != 404 {
		t.Errorf("unknown link: %d", r.StatusCode)
	}
	var st struct {
		ByColour map[string]int `json:"by_colour"`
		Decided  int
	}
	if r := e.call(t, "anna", "GET", "/api/v1/links/stats", nil, nil, &st); r.StatusCode != 200 || st.ByColour["red"] != 1 || st.Decided != 1 {
		t.Errorf("stats: %d %+v", r.StatusCode, st)
	}
}
