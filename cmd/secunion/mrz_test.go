package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"secunion"
	"secunion/mrz"
)

func mrzCLI(t *testing.T, stdin string) (string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), []string{"mrz"}, func(string) string { return "" }, strings.NewReader(stdin), &out, &errb)
	return out.String(), err
}

func TestMRZPrintsDocument(t *testing.T) {
	out, err := mrzCLI(t, "\nP<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\r\n\r\nL898902C36UTO7408122F1204159ZE184226B<<<<<10\n\n")
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Format         string   `json:"format"`
		Surname        string   `json:"surname"`
		GivenNames     string   `json:"givenNames"`
		DocumentNumber string   `json:"documentNumber"`
		BirthDate      string   `json:"birthDate"`
		Lines          []string `json:"lines"`
	}
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatalf("%v in %s", err, out)
	}
	if d.Format != "TD3" || d.Surname != "ERIKSSON" || d.GivenNames != "ANNA MARIA" || d.DocumentNumber != "L898902C3" || d.BirthDate != "1974-08-12" || len(d.Lines) != 2 {
		t.Errorf("printed %s", out)
	}
	if !strings.Contains(out, "\n  \"surname\": \"ERIKSSON\",\n") || !strings.Contains(out, "ZE184226B<<<<<10") {
		t.Errorf("not indented JSON with readable fillers:\n%s", out)
	}
}

func TestMRZRejectsBadZone(t *testing.T) {
	out, err := mrzCLI(t, "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C35UTO7408122F1204159ZE184226B<<<<<10\n")
	var fe *mrz.FieldError
	if !errors.As(err, &fe) || fe.Field != "documentNumber" {
		t.Fatalf("error %v, want a field error on the document number", err)
	}
	if msg := secunion.MessageOf(err); msg != "mrz: line 2 position 10: check digit of document number is 5, computed 6" {
		t.Errorf("message %q", msg)
	}
	if out != "" {
		t.Errorf("printed %q on a bad zone", out)
	}
	if code := exitCode(err); code != 1 {
		t.Errorf("exit status %d on a bad zone, want 1", code)
	}
}

func TestMRZInputLimit(t *testing.T) {
	out, err := mrzCLI(t, strings.Repeat(" ", 5000))
	if secunion.CodeOf(err) != secunion.TooLarge || !strings.Contains(err.Error(), "larger than 4 KiB") || out != "" {
		t.Errorf("5000 bytes: %v, printed %q", err, out)
	}
}
