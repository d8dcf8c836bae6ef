package audit

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/mod/sumdb/note"

	"secunion"
)

// timePrefix starts the one extension line of a checkpoint body.
const timePrefix = "time "

// Checkpoint is a signed statement that the log named Origin had Size
// entries whose Merkle tree root was Root at Time. It is written as a C2SP
// tlog-checkpoint (https://c2sp.org/tlog-checkpoint) signed note whose body
// is
//
//	<origin>
//	<size, decimal>
//	<root, standard base64>
//	time <Time in RFC 3339 with nanoseconds, UTC>
//
// Whoever keeps a copy of a signed checkpoint can later prove that the log
// was cut or rewritten below it.
type Checkpoint struct {
	Origin string
	Size   uint64
	Root   [32]byte
	Time   time.Time
}

// body returns the note text of the checkpoint.
func (c Checkpoint) body() string {
	return c.Origin + "\n" +
		strconv.FormatUint(c.Size, 10) + "\n" +
		base64.StdEncoding.EncodeToString(c.Root[:]) + "\n" +
		timePrefix + c.Time.UTC().Format(time.RFC3339Nano) + "\n"
}

// Sign returns the full text of the checkpoint as a note signed by s. It
// returns an Invalid error for a checkpoint that OpenCheckpoint would not
// accept back: an empty origin, one that holds a control character such as
// a line break, or a time that is zero or outside the years 0 to 9999.
func (c Checkpoint) Sign(s note.Signer) (string, error) {
	if err := checkOrigin(c.Origin); err != nil {
		return "", secunion.Wrap(secunion.Invalid, err, "audit: bad checkpoint origin")
	}
	if c.Time.IsZero() {
		return "", secunion.Errorf(secunion.Invalid, "audit: checkpoint has no time")
	}
	body := c.body()
	if _, err := parseCheckpoint(body); err != nil {
		return "", secunion.Wrap(secunion.Invalid, err, "audit: checkpoint cannot be written")
	}
	msg, err := note.Sign(&note.Note{Text: body}, s)
	if err != nil {
		return "", secunion.Wrap(secunion.Invalid, err, "audit: cannot sign checkpoint")
	}
	return string(msg), nil
}

// OpenCheckpoint checks that text is a note signed by v and parses its body
// as a checkpoint. The body must be exactly in the form Sign writes: four
// lines, a non-empty origin without control characters, a decimal size without sign or leading zeros, a
// 32-byte root in canonical standard base64, and a "time" line in UTC as
// RFC 3339 with nanoseconds formats it. Signatures by other keys are ignored.
// Every failure is an Invalid error saying what is wrong.
func OpenCheckpoint(text string, v note.Verifier) (Checkpoint, error) {
	if v == nil {
		return Checkpoint{}, secunion.Errorf(secunion.Invalid, "audit: no key to verify the checkpoint with")
	}
	return openCheckpoint(text, note.VerifierList(v), v.Name())
}

// openCheckpoint is OpenCheckpoint with the verifier list built once, so
// Verify does not build one per checkpoint.
func openCheckpoint(text string, known note.Verifiers, keyName string) (Checkpoint, error) {
	n, err := note.Open([]byte(text), known)
	if err != nil {
		var unverified *note.UnverifiedNoteError
		var invalid *note.InvalidSignatureError
		switch {
		case errors.As(err, &unverified):
			return Checkpoint{}, secunion.Errorf(secunion.Invalid, "audit: checkpoint is not signed by key %s", keyName)
		case errors.As(err, &invalid):
			return Checkpoint{}, secunion.Errorf(secunion.Invalid, "audit: checkpoint signature by key %s does not verify", keyName)
		default:
			return Checkpoint{}, secunion.Wrap(secunion.Invalid, err, "audit: checkpoint is not a signed note")
		}
	}
	c, err := parseCheckpoint(n.Text)
	if err != nil {
		return Checkpoint{}, secunion.Wrap(secunion.Invalid, err, "audit: checkpoint signed by "+keyName+" is malformed")
	}
	return c, nil
}

// parseCheckpoint parses a checkpoint body strictly: only the text that
// body would write for the result is accepted, so each checkpoint has one
// spelling.
func parseCheckpoint(text string) (Checkpoint, error) {
	lines := strings.Split(text, "\n")
	if len(lines) != 5 || lines[4] != "" {
		return Checkpoint{}, fmt.Errorf("want 4 lines (origin, size, root, time), got %d", strings.Count(text, "\n"))
	}
	var c Checkpoint
	c.Origin = lines[0]
	if err := checkOrigin(c.Origin); err != nil {
		return Checkpoint{}, err
	}
	size, err := strconv.ParseUint(lines[1], 10, 64)
	if err != nil || strconv.FormatUint(size, 10) != lines[1] {
		return Checkpoint{}, fmt.Errorf("size %q is not a decimal number without sign or leading zeros", lines[1])
	}
	c.Size = size
	root, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(root) != len(c.Root) || base64.StdEncoding.EncodeToString(root) != lines[2] {
		return Checkpoint{}, fmt.Errorf("root %q is not %d bytes in canonical standard base64", lines[2], len(c.Root))
	}
	c.Root = [32]byte(root)
	stamp, ok := strings.CutPrefix(lines[3], timePrefix)
	if !ok {
		return Checkpoint{}, fmt.Errorf("line 4 %q is not the time extension line", lines[3])
	}
	t, err := time.Parse(time.RFC3339Nano, stamp)
	if err != nil || t.UTC().Format(time.RFC3339Nano) != stamp {
		return Checkpoint{}, fmt.Errorf("time %q is not RFC 3339 in UTC as Go's RFC3339Nano writes it", stamp)
	}
	c.Time = t.UTC()
	return c, nil
}

// checkOrigin rejects an origin line that is empty, is not UTF-8 or holds a
// control character (Unicode category Cc, which includes the line break).
func checkOrigin(origin string) error {
	if origin == "" {
		return errors.New("empty origin")
	}
	if !utf8.ValidString(origin) || strings.IndexFunc(origin, unicode.IsControl) >= 0 {
		return fmt.Errorf("origin %q holds a control character or invalid UTF-8", origin)
	}
	return nil
}

// GenerateKey returns a new Ed25519 signer key and its verifier key in the
// note encodings ("PRIVATE+KEY+<name>+<hash>+<key>" and
// "<name>+<hash>+<key>"), drawn from crypto/rand. The name, conventionally
// the checkpoint origin, must be non-empty and hold no white space or "+";
// otherwise GenerateKey returns an Invalid error.
func GenerateKey(name string) (signerKey, verifierKey string, err error) {
	signerKey, verifierKey, err = note.GenerateKey(rand.Reader, name)
	if err != nil {
		return "", "", secunion.Wrap(secunion.Internal, err, "audit: cannot generate key")
	}
	// note.GenerateKey accepts any name, but a key with a bad name cannot be
	// loaded again: find out now.
	if _, err := note.NewSigner(signerKey); err != nil {
		return "", "", secunion.Errorf(secunion.Invalid, "audit: key name %q must be non-empty, valid UTF-8 and hold no white space or '+'", name)
	}
	return signerKey, verifierKey, nil
}
