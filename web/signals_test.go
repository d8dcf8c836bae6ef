package web_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"secunion"
	"secunion/access"
	"secunion/signals"
)

// TestSignalPages: a provider browses the hash banks and drops an image
// on the lookup page, which shows its hashes and the banked entry it
// matches; a competent authority disables the entry from the browser and
// the lookup no longer answers it; a damaged image is refused saying so;
// a border guard may open neither page.
func TestSignalPages(t *testing.T) {
	e := setup(t, nil)
	e.signals = signals.NewMatcher()
	e.serve(t, false, false)
	ctx := context.Background()
	op := secunion.LocalOperator
	for _, a := range []access.Authority{
		{Code: "BE-TCO", Name: "TCO Belgium", Country: "BE", Kind: access.KindTCOAuthority},
		{Code: "VIDSHARE", Name: "VidShare", Country: "IE", Kind: access.KindHostingProvider},
	} {
		if _, err := e.db.CreateAuthority(ctx, op, a); err != nil {
			t.Fatal(err)
		}
	}
	for login, auth := range map[string]string{"louise": "BE-TCO", "aoife": "VIDSHARE"} {
		if _, err := e.db.CreateUser(ctx, op, access.User{Login: login, Name: login, Authority: auth, Roles: []string{access.RoleOfficer}}, password); err != nil {
			t.Fatal(err)
		}
	}
	img := picture(t)
	hs, err := signals.HashContent(img)
	if err != nil || hs.Quality < signals.MinQuality {
		t.Fatalf("the test image: %v, quality %d", err, hs.Quality)
	}
	entry, _, err := e.db.AddSignal(ctx, op, signals.Entry{Bank: signals.BankTCO, Algorithm: signals.AlgPDQ, Value: hs.PDQ[signals.Rotate90].String(),
		Quality: hs.Quality, Source: signals.SourceManual, Labels: signals.Labels{ContentType: "image", Ideology: "jihadist"}})
	if err == nil {
		err = e.signals.Apply(entry.Key())
	}
	if err != nil {
		t.Fatal(err)
	}

	aoife := e.user(t)
	aoife.login("aoife")
	_, home := aoife.get("/")
	if !strings.Contains(home, `href="/signals/lookup"`) {
		t.Error("the navigation offers no hash lookup to a provider")
	}
	_, body := aoife.get("/signals?bank=tco-removed")
	if !strings.Contains(body, hs.PDQ[signals.Rotate90].String()) || !strings.Contains(body, "jihadist") || strings.Contains(body, "Disable") {
		t.Errorf("the provider's bank browser:\n%s", body)
	}
	resp, body := aoife.upload(t, img)
	wantStatus(t, "lookup", resp, body, http.StatusOK)
	if !strings.Contains(body, hs.SHA256) || !strings.Contains(body, hs.PDQ[signals.Original].String()) || !strings.Contains(body, `<td>pdq</td><td>0</td>`) || !strings.Contains(body, `href="/signals?bank=tco-removed"`) {
		t.Errorf("the lookup does not show the hashes and the match of the rotated copy:\n%s", body)
	}
	resp, body = aoife.upload(t, img[:len(img)/3])
	wantStatus(t, "a damaged image", resp, body, http.StatusBadRequest)
	if !strings.Contains(body, "damaged or truncated") {
		t.Errorf("the refusal does not say why:\n%s", body)
	}

	louise := e.user(t)
	louise.login("louise")
	resp, body = louise.postForm("/signals?bank=tco-removed", fmt.Sprintf("/signals/entries/%d/enabled", entry.ID), url.Values{"enabled": {"false"}})
	wantStatus(t, "disable", resp, body, http.StatusSeeOther)
	if got, _ := e.db.Signal(ctx, entry.ID); got.Enabled {
		t.Fatal("the entry is still enabled")
	}
	_, body = aoife.upload(t, img)
	if !strings.Contains(body, "No enabled entry matches") {
		t.Errorf("a disabled entry still answers:\n%s", body)
	}

	anna := e.user(t)
	anna.login("anna")
	for _, path := range []string{"/signals", "/signals/lookup"} {
		resp, body := anna.get(path)
		wantStatus(t, "a border guard opens "+path, resp, body, http.StatusForbidden)
	}
}

// upload sends img through the lookup page's form, with its token.
func (u *user) upload(t *testing.T, img []byte) (*http.Response, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.WriteField("csrf", u.csrf("/signals/lookup"))
	mw.WriteField("distance", "31")
	fw, _ := mw.CreateFormFile("file", "upload.png")
	fw.Write(img)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, u.base+"/signals/lookup", &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return u.do(req)
}

// picture returns a PNG with structure enough for a trusted PDQ hash.
func picture(t *testing.T) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 320, 300))
	for y := range 300 {
		for x := range 320 {
			img.SetGray(x, y, color.Gray{uint8(128 + 40*math.Sin(float64(x)/11) + 40*math.Sin(float64(y)/8) + 40*math.Cos(float64(x*y)/2000))})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
