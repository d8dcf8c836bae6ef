package biometric

import (
	"encoding/json"
	"errors"
	"io"
	"math/rand/v2"
	"strings"
	"testing"

	"secunion"
)

func readAll(t testing.TB, in string) ([]Line, error) {
	rd := NewReader(strings.NewReader(in))
	var out []Line
	for {
		l, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, l)
	}
}

// TestReader reads a template file with good and bad lines: each bad line
// is named with its reason and the good ones around it are kept.
func TestReader(t *testing.T) {
	good, _ := json.Marshal(Template{ID: "face-1", System: "VIS", RecordID: "V1", Modality: Face, Quality: 50, Vector: randomVector(rand.New(rand.NewPCG(1, 1)), 512)})
	short, _ := json.Marshal(Template{ID: "face-2", System: "VIS", RecordID: "V1", Modality: Face, Quality: 50, Vector: []float32{1}})
	in := string(good) + "\n\n" + string(short) + "\n\xff\xd8\xff\xe0JFIF\n{\"id\":\"x\",\"colour\":1}\n" + string(good) + string(good) + "\n" + string(good) + "\n"
	lines, err := readAll(t, in)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		n   int
		err string
	}{{1, ""}, {3, "512 values"}, {4, "JPEG"}, {5, "colour"}, {6, "one template per line"}, {7, ""}}
	if len(lines) != len(want) {
		t.Fatalf("%d lines: %+v", len(lines), lines)
	}
	for i, w := range want {
		l := lines[i]
		if l.N != w.n || (w.err == "") != (l.Err == nil) || (l.Err != nil && !strings.Contains(secunion.MessageOf(l.Err), w.err)) {
			t.Errorf("line %d: got line %d, %v; want %q", w.n, l.N, l.Err, w.err)
		}
	}
	if l := lines[0].Template; l.ID != "face-1" || len(l.Vector) != 512 {
		t.Errorf("template read: %s %d", l.ID, len(l.Vector))
	}
	if _, err := readAll(t, strings.Repeat("x", MaxLineBytes+1)); secunion.CodeOf(err) != secunion.TooLarge {
		t.Errorf("overlong line: %v", err)
	}
}

// FuzzReader: no input makes the reader panic, and every template it
// accepts is valid.
func FuzzReader(f *testing.F) {
	good, _ := json.Marshal(Template{ID: "face-1", System: "VIS", RecordID: "V1", Modality: Fingerprint, Quality: 50, Vector: randomVector(rand.New(rand.NewPCG(1, 2)), 256)})
	f.Add(string(good))
	f.Add("{\"vector\":[1e39]}\n\x89PNG")
	f.Fuzz(func(t *testing.T, in string) {
		lines, _ := readAll(t, in)
		for _, l := range lines {
			if l.Err == nil {
				if err := l.Template.Validate(); err != nil {
					t.Fatalf("line %d accepted but invalid: %v", l.N, err)
				}
			}
		}
	})
}
