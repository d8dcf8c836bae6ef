package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"secunion"
	"secunion/access"
	"secunion/identity"
	"secunion/links"
	"secunion/store"
)

// TestLinkVerificationPages: the Italian visa officer finds a yellow link
// in the queue, compares the linked data side by side with the graph of
// links, and decides it red with a reason; the view and the decision are
// audited, and a French officer cannot open it.
func TestLinkVerificationPages(t *testing.T) {
	e := start(t)
	ctx := context.Background()
	op := secunion.LocalOperator
	for _, a := range []access.Authority{{Code: "IT-VISA", Name: "Visti", Country: "IT", Kind: access.KindVisa}, {Code: "FR-VISA", Name: "Visas", Country: "FR", Kind: access.KindVisa}} {
		if _, err := e.db.CreateAuthority(ctx, op, a); err != nil {
			t.Fatal(err)
		}
	}
	for login, auth := range map[string]string{"giulia": "IT-VISA", "jean": "FR-VISA"} {
		if _, err := e.db.CreateUser(ctx, op, access.User{Login: login, Name: login, Authority: auth, Roles: []string{access.RoleOfficer}}, password); err != nil {
			t.Fatal(err)
		}
	}
	doc := []identity.Document{{Type: "P", Number: "YA1234567", IssuingCountry: "UKR"}}
	if _, _, err := e.db.ImportBatch(ctx, []identity.Record{
		{System: "VIS", ID: "V1", Person: &identity.Person{Surname: "Bondar", GivenNames: "Ivan", BirthDate: "1980-01-02"}, Documents: doc,
			VIS: &identity.VisaFile{ApplicationNumber: "A-77", Status: "issued", IssuingState: "IT"}},
		{System: "EES", ID: "E1", Person: &identity.Person{Surname: "Kovalenko", GivenNames: "Petro", BirthDate: "1975-05-06"}, Documents: doc,
			EES: &identity.TravelHistory{Crossings: []identity.Crossing{}}},
		{System: "SIS", ID: "S1", Person: &identity.Person{Surname: "Kovalenko", GivenNames: "Petro", BirthDate: "1975-05-06"},
			SIS: &identity.SISAlert{Category: "discreet-check", IssuingState: "DE"}},
	}); err != nil {
		t.Fatal(err)
	}
	a, b, c := links.Ref{System: "EES", ID: "E1"}, links.Ref{System: "VIS", ID: "V1"}, links.Ref{System: "SIS", ID: "S1"}
	yellow := links.Link{ID: links.ID(a, b), A: a, B: b, Colour: links.Yellow, Reason: "the same travel document with different identity data",
		Evidence: links.Evidence{Document: true, Identity: links.IdentityDiffer}, Trigger: b, Verifier: links.Verifier{Kind: access.KindVisa, State: "IT"}}
	white := links.Link{ID: links.ID(a, c), A: a, B: c, Colour: links.White, Reason: "the same identity data",
		Evidence: links.Evidence{Identity: links.IdentitySame}, Trigger: a, Verifier: links.Verifier{Kind: access.KindBorderGuard}}
	if _, _, _, err := e.db.SaveLinks(ctx, []links.Run{{Trigger: b, Found: []links.Link{yellow}}, {Trigger: a, Found: []links.Link{white}}}); err != nil {
		t.Fatal(err)
	}

	giulia := e.user(t)
	giulia.login("giulia")
	_, home := giulia.get("/")
	if !strings.Contains(home, `href="/links"`) {
		t.Error("the navigation offers no link verification to a visa officer")
	}
	resp, body := giulia.get("/links")
	wantStatus(t, "queue", resp, body, http.StatusOK)
	if !strings.Contains(body, `href="/links/`+yellow.ID+`"`) || strings.Contains(body, white.ID) {
		t.Errorf("queue shows the wrong links:\n%s", body)
	}
	resp, body = giulia.get("/links/" + yellow.ID)
	wantStatus(t, "comparison", resp, body, http.StatusOK)
	for _, want := range []string{"Kovalenko", "Bondar", "YA1234567", `id="decision-form"`, `class="edge yellow main"`, `class="edge white"`} {
		if !strings.Contains(body, want) {
			t.Errorf("comparison lacks %q", want)
		}
	}
	if strings.Contains(body, "A-77") {
		t.Error("the comparison shows visa data, beyond the linked data")
	}
	resp, body = giulia.postForm("/links/"+yellow.ID, "/links/"+yellow.ID+"/decision", url.Values{"colour": {"red"}})
	wantStatus(t, "decision without a reason", resp, body, http.StatusBadRequest)
	if !strings.Contains(body, "give the reason") {
		t.Errorf("no message for the missing reason:\n%s", body)
	}
	resp, body = giulia.postForm("/links/"+yellow.ID, "/links/"+yellow.ID+"/decision", url.Values{"colour": {"red"}, "reason": {"the traveller is not the holder"}})
	wantStatus(t, "decision", resp, body, http.StatusSeeOther)
	_, body = giulia.get("/links/" + yellow.ID)
	if !strings.Contains(body, `id="link-colour">red`) || strings.Contains(body, `id="decision-form"`) || !strings.Contains(body, "the traveller is not the holder") {
		t.Errorf("after the decision:\n%s", body)
	}

	jean := e.user(t)
	jean.login("jean")
	resp, body = jean.get("/links/" + yellow.ID)
	wantStatus(t, "another authority", resp, body, http.StatusNotFound)
	anna := e.user(t)
	anna.login("anna")
	resp, body = anna.get("/links")
	if resp.StatusCode != http.StatusOK || strings.Contains(body, yellow.ID) {
		t.Errorf("a border guard's queue: %d", resp.StatusCode)
	}
	// Every showing of the comparison is audited: two opened, two fetched
	// for the forms' tokens, one shown again with the error.
	views := e.search(t, store.AuditFilter{User: "giulia", Operation: "consultation"})
	if len(views) != 5 {
		t.Errorf("%d audited comparisons, want 5", len(views))
	}
}
