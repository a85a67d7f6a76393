package turn

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// LoadSecret reads a shared secret from path: the file's text without
// surrounding white space, the form coturn's static-auth-secret takes.
func LoadSecret(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("turn secret: %w", err)
	}
	s := bytes.TrimSpace(b)
	if len(s) < 16 {
		return nil, fmt.Errorf("turn secret %s: shorter than 16 characters", path)
	}
	return s, nil
}

// LoadOrCreateSecret reads the secret at path, or, if there is no file
// yet, writes a new random one there (64 hex digits, mode 0600) and returns
// it.
func LoadOrCreateSecret(path string) (secret []byte, created bool, err error) {
	secret, err = LoadSecret(path)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return secret, false, err
	}
	raw := make([]byte, 32)
	rand.Read(raw)
	secret = []byte(hex.EncodeToString(raw))
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) { // another process was first
		secret, err = LoadSecret(path)
		return secret, false, err
	}
	if err != nil {
		return nil, false, fmt.Errorf("turn secret: %w", err)
	}
	_, err = f.Write(append(secret, '\n'))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return nil, false, fmt.Errorf("turn secret: %w", err)
	}
	return secret, true, nil
}
