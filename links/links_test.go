package links

import (
	"testing"

	"secunion"
	"secunion/access"
	"secunion/identity"
)

// TestClassify checks the colour of every kind of evidence against the
// rules of DOMAIN.md §2 as the package reads them.
func TestClassify(t *testing.T) {
	for _, c := range []struct {
		name string
		e    Evidence
		want Colour // "" for no link
	}{
		{"same biometrics, same identity", Evidence{Biometric: BioMatch, Identity: IdentitySame}, White},
		{"same biometrics, similar identity", Evidence{Biometric: BioMatch, Identity: IdentitySimilar}, White},
		{"same biometrics, another identity", Evidence{Biometric: BioMatch, Identity: IdentityDiffer}, Yellow},
		{"same biometrics, identity that only matches", Evidence{Biometric: BioMatch, Identity: IdentityMatch}, Yellow},
		{"same biometrics, no identity data", Evidence{Biometric: BioMatch}, Yellow},
		{"one document, different biometrics, same identity", Evidence{Document: true, Biometric: BioDiffer, Identity: IdentitySame}, Yellow},
		{"one document, another identity", Evidence{Document: true, Identity: IdentityDiffer}, Yellow},
		{"one document, similar identity, no biometrics to compare", Evidence{Document: true, Identity: IdentitySimilar}, White},
		{"same identity, different biometrics", Evidence{Identity: IdentitySame, Biometric: BioDiffer}, Yellow},
		{"same identity alone", Evidence{Identity: IdentitySame}, White},
		{"similar identity alone", Evidence{Identity: IdentitySimilar}, Yellow},
		{"identity that only matches, nothing else", Evidence{Identity: IdentityMatch}, Yellow},
		{"identity that only matches, different biometrics", Evidence{Identity: IdentityMatch, Biometric: BioDiffer}, ""},
		{"nothing in common", Evidence{Identity: IdentityDiffer, Biometric: BioDiffer}, ""},
		{"same identity alone, namesakes likely", Evidence{Identity: IdentitySame, Coincidences: 0.3}, Yellow},
		{"similar identity alone, namesakes likely", Evidence{Identity: IdentitySimilar, Coincidences: 0.3}, ""},
		{"identity that only matches, namesakes likely", Evidence{Identity: IdentityMatch, Coincidences: 0.01}, ""},
		{"identity that only matches, rare", Evidence{Identity: IdentityMatch, Coincidences: 0.001}, Yellow},
		{"similar identity alone, rare", Evidence{Identity: IdentitySimilar, Coincidences: 0.01}, Yellow},
		{"one document, similar identity, however common", Evidence{Document: true, Identity: IdentitySimilar, Coincidences: 0.3}, White},
		{"same biometrics, similar identity, however common", Evidence{Biometric: BioMatch, Identity: IdentitySimilar, Coincidences: 0.3}, White},
	} {
		got, reason, ok := Classify(c.e)
		if got != c.want || ok != (c.want != "") || ok && reason == "" {
			t.Errorf("%s: %q %q %v, want %q", c.name, got, reason, ok, c.want)
		}
	}
}

// TestResponsible names the verifier of each system's records.
func TestResponsible(t *testing.T) {
	for _, c := range []struct {
		r    identity.Record
		want Verifier
	}{
		{identity.Record{System: access.SIS, SIS: &identity.SISAlert{IssuingState: "NL"}}, Verifier{access.KindSirene, "NL"}},
		{identity.Record{System: access.VIS, VIS: &identity.VisaFile{IssuingState: "IT"}}, Verifier{access.KindVisa, "IT"}},
		{identity.Record{System: access.ETIAS}, Verifier{Kind: access.KindETIASCentral}},
		{identity.Record{System: access.Eurodac, Eurodac: &identity.Protection{OriginState: "GR"}}, Verifier{access.KindAsylum, "GR"}},
		{identity.Record{System: access.ECRISTCN, ECRIS: &identity.Conviction{ConvictingStates: []string{"FR", "DE"}}}, Verifier{access.KindCriminalRecords, "FR"}},
		{identity.Record{System: access.EES, EES: &identity.TravelHistory{Crossings: []identity.Crossing{{State: "PL"}}}}, Verifier{access.KindBorderGuard, "PL"}},
		{identity.Record{System: access.VIS, VIS: &identity.VisaFile{IssuingState: "ITA"}}, Verifier{Kind: access.KindVisa}},
	} {
		if got := Responsible(c.r); got != c.want {
			t.Errorf("%s: %+v, want %+v", c.r.System, got, c.want)
		}
	}
	v := Verifier{access.KindVisa, "IT"}
	if !v.Allows(access.KindVisa, "IT") || v.Allows(access.KindVisa, "FR") || v.Allows(access.KindSirene, "IT") {
		t.Error("Allows")
	}
}

// TestIDAndDecision: a link's number does not depend on the order of its
// records, and only yellow links are decided, as white, green or red,
// with a reason.
func TestIDAndDecision(t *testing.T) {
	a, b := Ref{"VIS", "V1"}, Ref{"EES", "E1"}
	if ID(a, b) != ID(b, a) || ID(a, b) == ID(a, Ref{"EES", "E2"}) || len(ID(a, b)) != 20 {
		t.Errorf("IDs: %s %s", ID(a, b), ID(b, a))
	}
	l := Link{ID: ID(a, b), Colour: Yellow}
	for _, c := range []struct {
		colour Colour
		reason string
		code   secunion.Code
	}{
		{Red, "passport holder differs", ""},
		{Yellow, "unsure", secunion.Invalid},
		{"purple", "x", secunion.Invalid},
		{Green, "  ", secunion.Invalid},
	} {
		err := CheckDecision(l, c.colour, c.reason)
		if secunion.CodeOf(err) != c.code && !(c.code == "" && err == nil) {
			t.Errorf("%s %q: %v", c.colour, c.reason, err)
		}
	}
	l.Colour = Red
	if secunion.CodeOf(CheckDecision(l, Green, "x")) != secunion.Conflict {
		t.Error("a red link was decided again")
	}
}
