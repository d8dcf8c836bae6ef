package store

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/mod/sumdb/note"

	"secunion"
	"secunion/audit"
)

// Keys are a node's audit keys: the Ed25519 key that signs checkpoints and
// the HMAC key for personal values in log entries.
type Keys struct {
	Signer   note.Signer
	Verifier note.Verifier
	// VerifierKey is the public key in note format; give it to supervisors.
	VerifierKey string
	MAC         *audit.Keyed
}

// Files in a key folder.
const (
	signerFile   = "audit-signer.key"
	verifierFile = "audit-verifier.pub"
	macFile      = "audit-hmac.key"
)

// LoadKeys reads the audit keys from dir, creating them (readable by the
// owner only) when the folder has none. With a SQLite store dir is the data
// folder; with PostgreSQL every node of a deployment shares one key folder.
func LoadKeys(dir string) (*Keys, error) {
	present := 0
	for _, f := range []string{signerFile, verifierFile, macFile} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			present++
		}
	}
	switch present {
	case 0:
		if err := createKeys(dir); err != nil {
			return nil, err
		}
	case 3:
	default:
		// Never make new keys beside old ones: a new HMAC key would make
		// every value in the log unsearchable, a new signing key would
		// orphan every checkpoint.
		return nil, secunion.Errorf(secunion.Unavailable, "the key folder %s is incomplete (it needs %s, %s and %s): restore the missing files from backup", dir, signerFile, verifierFile, macFile)
	}
	skey, err := os.ReadFile(filepath.Join(dir, signerFile))
	if err != nil {
		return nil, secunion.Wrap(secunion.Unavailable, err, "cannot read the audit signing key in "+dir)
	}
	signer, err := note.NewSigner(strings.TrimSpace(string(skey)))
	if err != nil {
		return nil, secunion.Wrap(secunion.Invalid, err, "the audit signing key in "+dir+" is malformed")
	}
	k, err := LoadVerifier(dir)
	if err != nil {
		return nil, err
	}
	if k.Verifier.Name() != signer.Name() || k.Verifier.KeyHash() != signer.KeyHash() {
		return nil, secunion.Errorf(secunion.Invalid, "the audit keys in %s do not belong together", dir)
	}
	k.Signer = signer
	mac, err := os.ReadFile(filepath.Join(dir, macFile))
	if err != nil {
		return nil, secunion.Wrap(secunion.Unavailable, err, "cannot read the audit HMAC key in "+dir)
	}
	raw, err := hex.DecodeString(strings.TrimSpace(string(mac)))
	if err != nil {
		return nil, secunion.Wrap(secunion.Invalid, err, "the audit HMAC key in "+dir+" is malformed")
	}
	if k.MAC, err = audit.NewKeyed(raw); err != nil {
		return nil, err
	}
	return k, nil
}

// LoadVerifier reads only the public checkpoint key from dir: what a
// supervisor needs to verify a log.
func LoadVerifier(dir string) (*Keys, error) {
	vkey, err := os.ReadFile(filepath.Join(dir, verifierFile))
	if err != nil {
		return nil, secunion.Wrap(secunion.NotFound, err, "cannot read the audit verifier key in "+dir)
	}
	text := strings.TrimSpace(string(vkey))
	v, err := note.NewVerifier(text)
	if err != nil {
		return nil, secunion.Wrap(secunion.Invalid, err, "the audit verifier key in "+dir+" is malformed")
	}
	return &Keys{Verifier: v, VerifierKey: text}, nil
}

func createKeys(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return secunion.Wrap(secunion.Unavailable, err, "cannot create key folder "+dir)
	}
	var id [4]byte
	rand.Read(id[:])
	skey, vkey, err := audit.GenerateKey("secunion-audit-" + hex.EncodeToString(id[:]))
	if err != nil {
		return fmt.Errorf("store: generate audit key: %w", err)
	}
	mac := make([]byte, 32)
	rand.Read(mac)
	for _, f := range []struct {
		name, text string
		mode       os.FileMode
	}{
		{verifierFile, vkey, 0o644},
		{macFile, hex.EncodeToString(mac), 0o600},
		{signerFile, skey, 0o600},
	} {
		if err := writeFileSync(filepath.Join(dir, f.name), []byte(f.text+"\n"), f.mode); err != nil {
			return secunion.Wrap(secunion.Unavailable, err, "cannot write audit keys in "+dir)
		}
	}
	return nil
}

// writeFileSync creates path with data, durably; it never overwrites.
func writeFileSync(path string, data []byte, mode os.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
