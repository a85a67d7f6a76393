package codes

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
)

// Sealer encrypts class codes and personal-link tokens for storage, so
// that a teacher can see them again while a copy of the database alone
// reveals none. Lookups go by hash (HashCode, HashToken); the sealed copy
// is only ever opened for the owning teacher.
type Sealer struct {
	aead cipher.AEAD
}

// LoadOrCreateSealer reads the key from path, creating a random one
// (mode 0600) when the file does not exist.
func LoadOrCreateSealer(path string) (*Sealer, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		key := make([]byte, 32)
		rand.Read(key)
		if err := os.WriteFile(path, []byte(hex.EncodeToString(key)+"\n"), 0o600); err != nil {
			return nil, err
		}
		return NewSealer(key)
	}
	if err != nil {
		return nil, err
	}
	key, err := hex.DecodeString(strings.TrimSpace(string(raw)))
	if err != nil || len(key) != 32 {
		return nil, fmt.Errorf("%s: want 64 hex digits", path)
	}
	return NewSealer(key)
}

// NewSealer uses a 32-byte key (AES-256-GCM).
func NewSealer(key []byte) (*Sealer, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Sealer{aead: aead}, nil
}

// Seal encrypts s.
func (k *Sealer) Seal(s string) []byte {
	nonce := make([]byte, k.aead.NonceSize())
	rand.Read(nonce)
	return k.aead.Seal(nonce, nonce, []byte(s), nil)
}

// Open decrypts what Seal made.
func (k *Sealer) Open(b []byte) (string, error) {
	n := k.aead.NonceSize()
	if len(b) < n {
		return "", errors.New("sealed value too short")
	}
	plain, err := k.aead.Open(nil, b[:n], b[n:], nil)
	return string(plain), err
}
