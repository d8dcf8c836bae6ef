package audit

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"secunion"
)

// Test keys. otherSigner has the same name as testSigner but another key,
// as an impostor would.
const (
	testOrigin      = "audit.test/log"
	testSignerKey   = "PRIVATE+KEY+audit.test/log+0aae02b3+AY81jSXFwpR3UrhbpP6JjzpGOMSweMpPCtnhNzStSNyL"
	testVerifierKey = "audit.test/log+0aae02b3+AeQVLYfNDcr3iZqGQmIF3htmlYfpefS3OWP6ftA5FW7J"
	otherSignerKey  = "PRIVATE+KEY+audit.test/log+a5b90271+Ad4VA3ujBfF3Gr7GQP28r9gozOxlqTzMBABGJbpfRtMU"
)

func testKeys(tb testing.TB) (signer, other note.Signer, verifier note.Verifier) {
	tb.Helper()
	var err error
	if signer, err = note.NewSigner(testSignerKey); err != nil {
		tb.Fatal(err)
	}
	if other, err = note.NewSigner(otherSignerKey); err != nil {
		tb.Fatal(err)
	}
	if verifier, err = note.NewVerifier(testVerifierKey); err != nil {
		tb.Fatal(err)
	}
	return signer, other, verifier
}

func sampleCheckpoint() Checkpoint {
	return Checkpoint{
		Origin: testOrigin,
		Size:   1234,
		Root:   sampleEntry().LeafHash(),
		Time:   time.Date(2025, 3, 14, 10, 0, 0, 500_000_000, time.UTC),
	}
}

func TestCheckpointRoundTrip(t *testing.T) {
	signer, _, verifier := testKeys(t)
	paris, _ := time.LoadLocation("Europe/Paris")
	for _, c := range []Checkpoint{
		sampleCheckpoint(),
		{Origin: testOrigin, Size: 0, Root: emptyRoot, Time: time.Date(2025, 1, 1, 0, 0, 0, 0, paris)},
		{Origin: "example.org/a b", Size: 1<<64 - 1, Time: time.Date(2262, 4, 11, 23, 47, 16, 854775807, time.UTC)},
	} {
		text, err := c.Sign(signer)
		if err != nil {
			t.Fatalf("Sign(%+v): %v", c, err)
		}
		got, err := OpenCheckpoint(text, verifier)
		if err != nil {
			t.Fatalf("OpenCheckpoint(%q): %v", text, err)
		}
		if got.Origin != c.Origin || got.Size != c.Size || got.Root != c.Root || !got.Time.Equal(c.Time) || got.Time.Location() != time.UTC {
			t.Errorf("round trip of %+v gave %+v", c, got)
		}
	}
}

func TestCheckpointFormat(t *testing.T) {
	signer, _, _ := testKeys(t)
	c := sampleCheckpoint()
	text, err := c.Sign(signer)
	if err != nil {
		t.Fatal(err)
	}
	want := testOrigin + "\n1234\n" + base64.StdEncoding.EncodeToString(c.Root[:]) + "\ntime 2025-03-14T10:00:00.5Z\n\n— audit.test/log "
	if !strings.HasPrefix(text, want) {
		t.Errorf("signed checkpoint =\n%s\nwant it to start with\n%s", text, want)
	}
}

func TestOpenCheckpointRejects(t *testing.T) {
	signer, other, verifier := testKeys(t)
	good, err := sampleCheckpoint().Sign(signer)
	if err != nil {
		t.Fatal(err)
	}
	body := unverifiedBody(good)
	sig := good[len(body):]
	signBody := func(b string) string {
		msg, err := note.Sign(&note.Note{Text: b}, signer)
		if err != nil {
			t.Fatal(err)
		}
		return string(msg)
	}
	replaceLine := func(i int, line string) string {
		lines := strings.Split(body, "\n")
		lines[i] = line
		return signBody(strings.Join(lines, "\n"))
	}
	root := strings.Split(body, "\n")[2]
	tests := []struct {
		name string
		text string
		want string
	}{
		{"size altered", strings.Replace(good, "\n1234\n", "\n1235\n", 1), "does not verify"},
		{"signature not base64", body + "— audit.test/log !!!!\n", "not a signed note"},
		{"signature bit flipped", body + sig[:len(sig)-6] + flip(sig[len(sig)-6:]), "does not verify"},
		{"signed by impostor key of the same name", string(must(note.Sign(&note.Note{Text: body}, other))), "not signed by key audit.test/log"},
		{"unsigned", body, "not a signed note"},
		{"no signature by this key", string(must(note.Sign(&note.Note{Text: body}, mustSigner(t, "other.test/log")))), "not signed by key audit.test/log"},
		{"empty", "", "not a signed note"},
		{"no time line", signBody(testOrigin + "\n1234\n" + root + "\n"), "want 4 lines"},
		{"two extension lines", signBody(body + "extra 1\n"), "want 4 lines"},
		{"empty origin", replaceLine(0, ""), "empty origin"},
		{"control character in origin", replaceLine(0, "audit.test/log\u0085"), "control character"},
		{"size with leading zero", replaceLine(1, "01234"), "leading zeros"},
		{"size with sign", replaceLine(1, "+1234"), "leading zeros"},
		{"negative size", replaceLine(1, "-1"), "leading zeros"},
		{"size overflows", replaceLine(1, "18446744073709551616"), "leading zeros"},
		{"root too short", replaceLine(2, base64.StdEncoding.EncodeToString(make([]byte, 31))), "not 32 bytes"},
		{"root not base64", replaceLine(2, "not base64!"), "not 32 bytes"},
		{"root unpadded", replaceLine(2, strings.TrimRight(root, "=")), "not 32 bytes"},
		{"root non-canonical padding bits", replaceLine(2, root[:42]+"B="), "not 32 bytes"},
		{"time extension missing", replaceLine(3, "2025-03-14T10:00:00.5Z"), "not the time extension"},
		{"time in another zone", replaceLine(3, "time 2025-03-14T11:00:00.5+01:00"), "in UTC"},
		{"time with trailing zeros", replaceLine(3, "time 2025-03-14T10:00:00.500Z"), "in UTC"},
		{"time unparsable", replaceLine(3, "time yesterday"), "in UTC"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := OpenCheckpoint(tt.text, verifier)
			if err == nil {
				t.Fatalf("OpenCheckpoint accepted %q as %+v", tt.text, c)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %q, want it to contain %q", err, tt.want)
			}
			if secunion.CodeOf(err) != secunion.Invalid {
				t.Errorf("code = %s, want %s", secunion.CodeOf(err), secunion.Invalid)
			}
		})
	}
}

func sameCheckpoint(a, b Checkpoint) bool {
	return a.Origin == b.Origin && a.Size == b.Size && a.Root == b.Root && a.Time.Equal(b.Time)
}

// flip changes the first base64 digit of s to another one.
func flip(s string) string {
	if s[0] == 'A' {
		return "B" + s[1:]
	}
	return "A" + s[1:]
}

func mustSigner(t *testing.T, name string) note.Signer {
	skey, _, err := GenerateKey(name)
	if err != nil {
		t.Fatal(err)
	}
	s, err := note.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestOpenCheckpointNilVerifier(t *testing.T) {
	if _, err := OpenCheckpoint("x", nil); secunion.CodeOf(err) != secunion.Invalid {
		t.Errorf("OpenCheckpoint with nil verifier = %v, want an Invalid error", err)
	}
}

func TestCheckpointSignRejects(t *testing.T) {
	signer, _, _ := testKeys(t)
	tests := []struct {
		name   string
		change func(*Checkpoint)
		want   string
	}{
		{"no origin", func(c *Checkpoint) { c.Origin = "" }, "empty origin"},
		{"line break in origin", func(c *Checkpoint) { c.Origin = "a\nb" }, "control character"},
		{"tab in origin", func(c *Checkpoint) { c.Origin = "a\tb" }, "control character"},
		{"zero time", func(c *Checkpoint) { c.Time = time.Time{} }, "no time"},
		{"time after year 9999", func(c *Checkpoint) { c.Time = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }, "cannot be written"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := sampleCheckpoint()
			tt.change(&c)
			_, err := c.Sign(signer)
			if err == nil || !strings.Contains(err.Error(), tt.want) || secunion.CodeOf(err) != secunion.Invalid {
				t.Errorf("Sign = %v, want an Invalid error containing %q", err, tt.want)
			}
		})
	}
}

func TestGenerateKey(t *testing.T) {
	skey, vkey, err := GenerateKey(testOrigin)
	if err != nil {
		t.Fatal(err)
	}
	s, err := note.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		t.Fatal(err)
	}
	text, err := sampleCheckpoint().Sign(s)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := OpenCheckpoint(text, v); err != nil {
		t.Errorf("checkpoint signed with a generated key does not open: %v", err)
	}
	if skey2, _, _ := GenerateKey(testOrigin); skey2 == skey {
		t.Error("GenerateKey returned the same key twice")
	}
	for _, bad := range []string{"", "a b", "a+b"} {
		if _, _, err := GenerateKey(bad); secunion.CodeOf(err) != secunion.Invalid {
			t.Errorf("GenerateKey(%q) = %v, want an Invalid error", bad, err)
		}
	}
}

func FuzzOpenCheckpoint(f *testing.F) {
	// The seed corpus is in testdata/fuzz/FuzzOpenCheckpoint.
	signer, _, verifier := testKeys(f)
	f.Fuzz(func(t *testing.T, text string) {
		// Whatever the input, a checkpoint that opens must sign back to a
		// note that opens to the same checkpoint.
		if c, err := OpenCheckpoint(text, verifier); err == nil {
			again := must(c.Sign(signer))
			if c2, err := OpenCheckpoint(again, verifier); err != nil || !sameCheckpoint(c2, c) {
				t.Fatalf("checkpoint %+v from %q re-signs to %q, which opens to %+v, %v", c, text, again, c2, err)
			}
		}
		// Taken as a body signed by the right key, the input must open only
		// if it is the one canonical spelling of its checkpoint.
		msg, err := note.Sign(&note.Note{Text: text}, signer)
		if err != nil {
			return
		}
		c, err := OpenCheckpoint(string(msg), verifier)
		if err != nil {
			return
		}
		if again := must(c.Sign(signer)); again != string(msg) {
			t.Fatalf("body %q opens to %+v but that signs as %q", text, c, again)
		}
	})
}
