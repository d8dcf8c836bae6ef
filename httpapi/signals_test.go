package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"secunion"
	"secunion/access"
	"secunion/signals"
)

// TestSignalLookup: a provider looks a PDQ hash up and gets the entries
// within the distance, nearest first, and an MD5 exactly; bad input and
// callers of other kinds are refused; lookups are counted in the metrics.
func TestSignalLookup(t *testing.T) {
	e := newAPI(t)
	e.add(t, []access.Authority{{Code: "VIDSHARE", Name: "VidShare", Country: "IE", Kind: access.KindHostingProvider}},
		[]access.User{{Login: "vid", Name: "VidShare contact", Authority: "VIDSHARE", Roles: []string{access.RoleOfficer}}})
	const near = "f8f8f0cee0f4a84f06370a22038f67f0b36e2ed596621e1d33e6339c4e9c9b22"
	const query = "f8f8f0cee0f4a84f06370a22038f67f0b36e2ed596621e1d33e6339c4e9c9b2d" // 4 bits from near
	const abc = "900150983cd24fb0d6963f7d28e17f72"
	e.bank(t, signals.Entry{Bank: "tco-removed", Algorithm: signals.AlgPDQ, Value: near, Source: signals.SourceRemovalOrder},
		signals.Entry{Bank: "tco-removed", Algorithm: signals.AlgMD5, Value: abc, Source: signals.SourceManual})
	var got struct {
		Distance int `json:"distance"`
		Matches  []struct {
			Entry    signals.Entry `json:"entry"`
			Distance int           `json:"distance"`
		} `json:"matches"`
	}
	if resp := e.call(t, "vid", "GET", "/api/v1/signals/lookup?algorithm=PDQ&value="+strings.ToUpper(query), nil, nil, &got); resp.StatusCode != http.StatusOK ||
		got.Distance != 31 || len(got.Matches) != 1 || got.Matches[0].Entry.ID != 1 || got.Matches[0].Distance != 4 {
		t.Fatalf("PDQ lookup: %d %+v", resp.StatusCode, got)
	}
	if resp := e.call(t, "vid", "GET", "/api/v1/signals/lookup?algorithm=pdq&distance=3&value="+query, nil, nil, &got); resp.StatusCode != http.StatusOK || len(got.Matches) != 0 {
		t.Errorf("PDQ at distance 3: %d %+v", resp.StatusCode, got)
	}
	if resp := e.call(t, "vid", "GET", "/api/v1/signals/lookup?algorithm=md5&value="+abc, nil, nil, &got); resp.StatusCode != http.StatusOK || len(got.Matches) != 1 || got.Matches[0].Entry.Bank != "tco-removed" {
		t.Errorf("MD5 lookup: %d %+v", resp.StatusCode, got)
	}
	for _, tc := range []struct {
		login, query string
		status       int
	}{
		{"vid", "algorithm=sha1&value=" + abc, http.StatusBadRequest},
		{"vid", "algorithm=pdq&value=" + query[:60], http.StatusBadRequest},
		{"vid", "algorithm=pdq&distance=48&value=" + query, http.StatusBadRequest},
		{"vid", "algorithm=pdq&distance=x&value=" + query, http.StatusBadRequest},
		{"anna", "algorithm=md5&value=" + abc, http.StatusForbidden}, // a border guard
	} {
		if resp := e.call(t, tc.login, "GET", "/api/v1/signals/lookup?"+tc.query, nil, nil, nil); resp.StatusCode != tc.status {
			t.Errorf("%s %s: %d, want %d", tc.login, tc.query, resp.StatusCode, tc.status)
		}
	}
	if refused := e.auditOf(t, "anna", "access-denied"); len(refused) != 1 {
		t.Errorf("the border guard's refused lookup is not in the audit log: %+v", refused)
	}
	var status struct{ Entries int }
	if resp := e.call(t, "vid", "GET", "/api/v1/signals/index", nil, nil, &status); resp.StatusCode != http.StatusOK || status.Entries != 2 {
		t.Errorf("index status: %d %+v", resp.StatusCode, status)
	}
	text := e.metrics(t)
	if !strings.Contains(text, `secunion_signal_lookups_total{algorithm="pdq",outcome="match"} 1`) ||
		!strings.Contains(text, `secunion_signal_lookups_total{algorithm="pdq",outcome="none"} 1`) {
		t.Errorf("lookups not counted in the metrics")
	}
}

// bank puts entries into the store's banks, as the local operator, and
// into the node's matcher, and returns them numbered.
func (e *apiEnv) bank(t *testing.T, entries ...signals.Entry) []signals.Entry {
	t.Helper()
	for i, en := range entries {
		held, _, err := e.db.AddSignal(context.Background(), secunion.Actor{Local: true, Login: "operator"}, en)
		if err == nil {
			err = e.signals.Apply(held.Key())
		}
		if err != nil {
			t.Fatal(err)
		}
		entries[i] = held
	}
	return entries
}

// TestSignalCuration: a competent authority adds hashes to a bank (once
// per hash), disables one, and providers list the entries page by page;
// a provider may not curate, and bad input is refused naming the field.
func TestSignalCuration(t *testing.T) {
	e := newAPI(t)
	e.add(t, []access.Authority{
		{Code: "BE-TCO", Name: "Belgian TCO authority", Country: "BE", Kind: access.KindTCOAuthority},
		{Code: "VIDSHARE", Name: "VidShare", Country: "IE", Kind: access.KindHostingProvider},
	}, []access.User{
		{Login: "tco", Name: "TCO officer", Authority: "BE-TCO", Roles: []string{access.RoleOfficer}},
		{Login: "vid", Name: "VidShare contact", Authority: "VIDSHARE", Roles: []string{access.RoleOfficer}},
	})
	in := map[string]any{"algorithm": "md5", "value": "900150983CD24FB0D6963F7D28E17F72", "source": "manual", "labels": map[string]string{"content_type": "video", "ideology": "jihadist"}}
	var first signals.Entry
	if resp := e.call(t, "tco", "POST", "/api/v1/signals/banks/tco-removed/entries", in, nil, &first); resp.StatusCode != http.StatusCreated ||
		first.ID == 0 || first.Value != "900150983cd24fb0d6963f7d28e17f72" || !first.Enabled || first.Labels.Ideology != "jihadist" {
		t.Fatalf("add: %d %+v", resp.StatusCode, first)
	}
	var again signals.Entry
	if resp := e.call(t, "tco", "POST", "/api/v1/signals/banks/tco-removed/entries", in, nil, &again); resp.StatusCode != http.StatusOK || again.ID != first.ID {
		t.Errorf("the same hash again: %d %+v", resp.StatusCode, again)
	}
	second := map[string]any{"algorithm": "sha256", "value": strings.Repeat("ab", 32), "source": "import"}
	e.call(t, "tco", "POST", "/api/v1/signals/banks/partner-list/entries", second, nil, nil)
	var off signals.Entry
	if resp := e.call(t, "tco", "POST", "/api/v1/signals/entries/"+strconv.FormatInt(first.ID, 10)+"/enabled", map[string]bool{"enabled": false}, nil, &off); resp.StatusCode != http.StatusOK || off.Enabled {
		t.Errorf("disable: %d %+v", resp.StatusCode, off)
	}
	var page struct {
		Entries []signals.Entry `json:"entries"`
		Next    int64           `json:"next"`
	}
	if resp := e.call(t, "vid", "GET", "/api/v1/signals/entries?limit=1", nil, nil, &page); resp.StatusCode != http.StatusOK || len(page.Entries) != 1 || page.Entries[0].Enabled || page.Next != first.ID {
		t.Fatalf("first page: %d %+v", resp.StatusCode, page)
	}
	if resp := e.call(t, "vid", "GET", "/api/v1/signals/entries?after="+strconv.FormatInt(page.Next, 10), nil, nil, &page); resp.StatusCode != http.StatusOK || len(page.Entries) != 1 || page.Entries[0].Bank != "partner-list" {
		t.Errorf("next page: %d %+v", resp.StatusCode, page)
	}
	for _, tc := range []struct {
		login, method, path string
		body                any
		status              int
		says                string
	}{
		{"vid", "POST", "/api/v1/signals/banks/tco-removed/entries", in, http.StatusForbidden, ""},
		{"vid", "POST", "/api/v1/signals/entries/1/enabled", map[string]bool{"enabled": true}, http.StatusForbidden, ""},
		{"tco", "POST", "/api/v1/signals/banks/tco-removed/entries", map[string]any{"algorithm": "md5", "value": "123", "source": "manual"}, http.StatusBadRequest, "value"},
		{"tco", "POST", "/api/v1/signals/banks/Bad Bank/entries", in, http.StatusBadRequest, "bank"},
		{"tco", "POST", "/api/v1/signals/entries/1/enabled", map[string]any{}, http.StatusBadRequest, "enabled"},
		{"tco", "POST", "/api/v1/signals/entries/999/enabled", map[string]bool{"enabled": true}, http.StatusNotFound, ""},
		{"anna", "GET", "/api/v1/signals/entries", nil, http.StatusForbidden, ""},
		{"vid", "GET", "/api/v1/signals/entries?limit=0", nil, http.StatusBadRequest, "limit"},
	} {
		var problem struct{ Error struct{ Message string } }
		if resp := e.call(t, tc.login, tc.method, strings.ReplaceAll(tc.path, " ", "%20"), tc.body, nil, &problem); resp.StatusCode != tc.status || !strings.Contains(problem.Error.Message, tc.says) {
			t.Errorf("%s %s %s: %d %q, want %d saying %q", tc.login, tc.method, tc.path, resp.StatusCode, problem.Error.Message, tc.status, tc.says)
		}
	}
	if resp := e.call(t, "vid", "GET", "/api/v1/signals/entries", nil, nil, &page); resp.StatusCode != http.StatusOK || len(page.Entries) != 2 || page.Entries[0].Enabled || !page.Entries[1].Enabled {
		t.Errorf("after the refusals: %d %+v", resp.StatusCode, page)
	}
}

// texture returns a PNG of a w×h image with enough structure for a
// trusted PDQ hash (quality at least 50), mirrored left to right when
// flip is true.
func texture(t *testing.T, w, h int, flip bool) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			sx := x
			if flip {
				sx = w - 1 - x
			}
			v := uint8(128 + 40*math.Sin(float64(sx)/11) + 40*math.Sin(float64(y)/8) + 40*math.Cos(float64(y*sx)/2000))
			img.Set(x, y, color.RGBA{v, uint8(sx * 255 / w), uint8(y * 255 / h), 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// upload posts a file to path as login, as the body or as a multipart
// form field, and decodes the answer into out.
func (e *apiEnv) upload(t *testing.T, login, path string, data []byte, multi bool, out any) (int, string) {
	t.Helper()
	body, ctype := io.Reader(bytes.NewReader(data)), "image/png"
	if multi {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		mw.WriteField("note", "ignored")
		fw, _ := mw.CreateFormFile("file", "upload.png")
		fw.Write(data)
		mw.Close()
		body, ctype = &b, mw.FormDataContentType()
	}
	status, raw := e.rawPost(t, login, path, ctype, body)
	if out != nil && status == http.StatusOK {
		if err := json.Unmarshal([]byte(raw), out); err != nil {
			t.Fatalf("%s: %v in %s", path, err, raw)
		}
	}
	return status, raw
}

// TestSignalFiles: a provider hashes an upload and looks a file up in one
// call: a mirrored copy of a banked image is found through its dihedral
// hashes, an exact copy through its SHA-256, a disabled entry is not
// answered, a flat image's untrusted PDQ hash is not looked up, and
// damaged, empty or oversized uploads are refused saying why. Pairs of
// hashes are compared.
func TestSignalFiles(t *testing.T) {
	e := newAPI(t)
	e.add(t, []access.Authority{{Code: "VIDSHARE", Name: "VidShare", Country: "IE", Kind: access.KindHostingProvider}},
		[]access.User{{Login: "vid", Name: "VidShare contact", Authority: "VIDSHARE", Roles: []string{access.RoleOfficer}}})
	// At 320×300 the reference's box filter is 3 pixels wide, odd, so
	// that the mirror image hashes to the mirrored hash exactly.
	original, mirrored := texture(t, 320, 300, false), texture(t, 320, 300, true)

	var hashed struct {
		MD5, SHA256, SHA512, PDQ, Format string
		Quality                          int               `json:"pdq_quality"`
		Dihedral                         map[string]string `json:"pdq_dihedral"`
	}
	if status, body := e.upload(t, "vid", "/api/v1/signals/hash?dihedral=true", original, true, &hashed); status != http.StatusOK ||
		hashed.Format != "png" || len(hashed.PDQ) != 64 || len(hashed.SHA512) != 128 || hashed.Quality < 50 || len(hashed.Dihedral) != 8 || hashed.Dihedral["pdq"] != hashed.PDQ {
		t.Fatalf("hash: %d %s", status, body)
	}
	want, _ := signals.HashContent(original)
	if hashed.PDQ != want.PDQ[signals.Original].String() || hashed.SHA256 != want.SHA256 {
		t.Errorf("hash: %+v, want %s", hashed, want.PDQ[0])
	}
	flipped, _ := signals.HashContent(mirrored)
	if d := flipped.PDQ[signals.Original].Distance(want.PDQ[signals.Original]); d <= signals.DefaultDistance {
		t.Fatalf("the mirrored image is only %d bits from the original: the test proves nothing", d)
	}
	mirror := flipped.PDQ[0] // the variant of the mirrored image that undoes the mirror
	for _, h := range flipped.PDQ {
		if h.Distance(want.PDQ[0]) < mirror.Distance(want.PDQ[0]) {
			mirror = h
		}
	}
	banked := e.bank(t,
		signals.Entry{Bank: "tco-removed", Algorithm: signals.AlgPDQ, Value: hashed.PDQ, Quality: hashed.Quality, Source: signals.SourceRemovalOrder, Labels: signals.Labels{ContentType: "image"}},
		signals.Entry{Bank: "partner-list", Algorithm: signals.AlgSHA256, Value: hashed.SHA256, Source: signals.SourceImport},
		signals.Entry{Bank: "old-list", Algorithm: signals.AlgMD5, Value: hashed.MD5, Source: signals.SourceImport})
	// old-list's entry is disabled in the store; the matcher has not heard yet.
	if _, err := e.db.SetSignalEnabled(context.Background(), secunion.Actor{Local: true, Login: "operator"}, banked[2].ID, false); err != nil {
		t.Fatal(err)
	}

	type lookup struct {
		Distance int    `json:"distance"`
		Note     string `json:"pdq_note"`
		Matches  []struct {
			Entry    signals.Entry `json:"entry"`
			Distance int           `json:"distance"`
		} `json:"matches"`
	}
	var found lookup
	if status, body := e.upload(t, "vid", "/api/v1/signals/lookup", mirrored, false, &found); status != http.StatusOK ||
		len(found.Matches) != 1 || found.Matches[0].Entry.ID != banked[0].ID || found.Matches[0].Distance > 8 || found.Matches[0].Entry.Labels.ContentType != "image" {
		t.Errorf("the mirrored copy: %d %s", status, body)
	}
	found = lookup{}
	if status, body := e.upload(t, "vid", "/api/v1/signals/lookup?distance=0", original, true, &found); status != http.StatusOK || len(found.Matches) != 2 ||
		found.Matches[0].Entry.Bank != "partner-list" || found.Matches[1].Entry.Bank != "tco-removed" || found.Matches[1].Distance != 0 || found.Distance != 0 {
		t.Errorf("the exact copy: %d %s", status, body)
	}
	var flat bytes.Buffer
	png.Encode(&flat, image.NewGray(image.Rect(0, 0, 64, 64)))
	found = lookup{}
	if status, body := e.upload(t, "vid", "/api/v1/signals/lookup", flat.Bytes(), false, &found); status != http.StatusOK || len(found.Matches) != 0 || !strings.Contains(found.Note, "below 50") {
		t.Errorf("a flat image: %d %s", status, body)
	}
	found = lookup{}
	if status, body := e.upload(t, "vid", "/api/v1/signals/lookup", []byte("just some text, not an image"), false, &found); status != http.StatusOK || len(found.Matches) != 0 || found.Note != "" {
		t.Errorf("a text file: %d %s", status, body)
	}
	for _, tc := range []struct {
		name, login string
		data        []byte
		status      int
		says        string
	}{
		{"truncated PNG", "vid", original[:len(original)/2], http.StatusBadRequest, "damaged or truncated"},
		{"empty body", "vid", nil, http.StatusBadRequest, "send the file"},
		{"51 MiB", "vid", make([]byte, 51<<20), http.StatusRequestEntityTooLarge, "larger than 50 MiB"},
		{"a border guard", "anna", original, http.StatusForbidden, ""},
	} {
		if status, body := e.upload(t, tc.login, "/api/v1/signals/lookup", tc.data, false, nil); status != tc.status || !strings.Contains(body, tc.says) {
			t.Errorf("%s: %d %s, want %d saying %q", tc.name, status, body, tc.status, tc.says)
		}
	}
	if status, body := e.rawPost(t, "vid", "/api/v1/signals/hash", "multipart/form-data; boundary=X", strings.NewReader("--X\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nhi\r\n--X--\r\n")); status != http.StatusBadRequest || !strings.Contains(body, "no part named file") {
		t.Errorf("a form without the file: %d %s", status, body)
	}

	var cmp struct {
		Results []struct {
			Distance *int `json:"distance"`
			Match    bool `json:"match"`
		} `json:"results"`
	}
	pairs := map[string]any{"algorithm": "pdq", "pairs": [][2]string{{hashed.PDQ, mirror.String()}, {hashed.PDQ, flipped.PDQ[signals.Original].String()}}}
	if resp := e.call(t, "vid", "POST", "/api/v1/signals/compare", pairs, nil, &cmp); resp.StatusCode != http.StatusOK || len(cmp.Results) != 2 ||
		!cmp.Results[0].Match || *cmp.Results[0].Distance > 8 || cmp.Results[1].Match {
		t.Errorf("compare PDQ: %d %+v", resp.StatusCode, cmp)
	}
	md5s := map[string]any{"algorithm": "md5", "pairs": [][2]string{{hashed.MD5, strings.ToUpper(hashed.MD5)}}}
	cmp.Results = nil
	if resp := e.call(t, "vid", "POST", "/api/v1/signals/compare", md5s, nil, &cmp); resp.StatusCode != http.StatusOK || !cmp.Results[0].Match || cmp.Results[0].Distance != nil {
		t.Errorf("compare MD5: %d %+v", resp.StatusCode, cmp)
	}
	var problem struct{ Error struct{ Message string } }
	bad := map[string]any{"algorithm": "pdq", "pairs": [][2]string{{hashed.PDQ, "abc"}}}
	if resp := e.call(t, "vid", "POST", "/api/v1/signals/compare", bad, nil, &problem); resp.StatusCode != http.StatusBadRequest || !strings.Contains(problem.Error.Message, "pairs[0][1]") {
		t.Errorf("a bad pair: %d %q", resp.StatusCode, problem.Error.Message)
	}
}

// rawPost posts body with a content type as login.
func (e *apiEnv) rawPost(t *testing.T, login, path, ctype string, body io.Reader) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", e.srv.URL+path, body)
	req.Header.Set("Authorization", "Bearer "+e.tokens[login])
	req.Header.Set("Content-Type", ctype)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(raw)
}
