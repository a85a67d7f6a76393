package accounts

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"ersatzraum/app/protocol"
)

// Password rules.
const (
	// MinPasswordRunes is the shortest password accepted; the browser
	// checks the same value before it sends one (app/protocol).
	MinPasswordRunes = protocol.MinPasswordRunes
	// MaxPasswordBytes bounds what is hashed at all.
	MaxPasswordBytes = 1024
)

var (
	// ErrWeakPassword is returned for a password that is too short (or too long).
	ErrWeakPassword = fmt.Errorf("a password needs at least %d characters", MinPasswordRunes)
	// ErrBusy is returned when no hashing slot became free in time: the
	// server is busy hashing other passwords; try again shortly.
	ErrBusy = errors.New("too many password checks at once")
	// errBadHash is returned for a stored hash that cannot be parsed.
	errBadHash = errors.New("stored password hash is not argon2id PHC")
)

// Params are argon2id cost parameters.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes
	Threads uint8
	SaltLen uint32
	KeyLen  uint32
}

// DefaultParams follow OWASP's argon2id recommendation (19 MiB, 2 passes,
// 1 lane): about 20 MiB of memory per hash in flight.
var DefaultParams = Params{Memory: 19456, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}

// Hasher hashes and verifies passwords with argon2id. Each hash holds
// Params.Memory of RAM while it runs, so a semaphore caps how many run at
// once; a caller who cannot get a slot within Wait gets ErrBusy.
type Hasher struct {
	Params Params
	Wait   time.Duration
	slots  chan struct{}

	// during, if set (tests only), runs while a slot is held.
	during func()

	dummyOnce sync.Once
	dummy     string
}

// NewHasher returns a hasher that runs at most concurrent hashes at a time.
func NewHasher(p Params, concurrent int, wait time.Duration) *Hasher {
	if concurrent < 1 {
		concurrent = 1
	}
	return &Hasher{Params: p, Wait: wait, slots: make(chan struct{}, concurrent)}
}

// defaultHasher is shared by every Service without its own, so that the
// cap holds for the whole process.
var defaultHasher = NewHasher(DefaultParams, 4, 3*time.Second)

func (h *Hasher) acquire(ctx context.Context) error {
	select {
	case h.slots <- struct{}{}:
		return nil
	default:
	}
	timer := time.NewTimer(h.Wait)
	defer timer.Stop()
	select {
	case h.slots <- struct{}{}:
		return nil
	case <-timer.C:
		return ErrBusy
	case <-ctx.Done():
		return ErrBusy
	}
}

func (h *Hasher) release() { <-h.slots }

func (h *Hasher) derive(ctx context.Context, password string, salt []byte, p Params) ([]byte, error) {
	if err := h.acquire(ctx); err != nil {
		return nil, err
	}
	defer h.release()
	if h.during != nil {
		h.during()
	}
	return argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen), nil
}

// Hash returns the PHC string of password:
// $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash> (base64 without padding).
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	p := h.Params
	salt := make([]byte, p.SaltLen)
	rand.Read(salt)
	key, err := h.derive(ctx, password, salt, p)
	if err != nil {
		return "", err
	}
	return encodePHC(p, salt, key), nil
}

// Verify reports whether password matches the PHC string encoded, and
// whether the hash should be renewed because the parameters changed.
func (h *Hasher) Verify(ctx context.Context, encoded, password string) (ok, rehash bool, err error) {
	p, salt, want, err := decodePHC(encoded)
	if err != nil {
		return false, false, err
	}
	got, err := h.derive(ctx, password, salt, p)
	if err != nil {
		return false, false, err
	}
	ok = subtle.ConstantTimeCompare(got, want) == 1
	return ok, ok && p != h.Params, nil
}

// VerifyDummy spends the time of one verification without any account
// behind it, so that an unknown name answers as slowly as a wrong password.
func (h *Hasher) VerifyDummy(ctx context.Context, password string) error {
	h.dummyOnce.Do(func() {
		p := h.Params
		salt := make([]byte, p.SaltLen)
		rand.Read(salt)
		key := argon2.IDKey([]byte("ersatzraum-dummy"), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
		h.dummy = encodePHC(p, salt, key)
	})
	_, _, err := h.Verify(ctx, h.dummy, password)
	return err
}

var b64 = base64.RawStdEncoding

func encodePHC(p Params, salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

func decodePHC(s string) (p Params, salt, key []byte, err error) {
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, errBadHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return p, nil, nil, errBadHash
	}
	var threads uint32
	if n, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &threads); err != nil || n != 3 {
		return p, nil, nil, errBadHash
	}
	// Refuse parameters that would let a tampered row exhaust the server.
	if p.Memory < 8 || p.Memory > 1<<20 || p.Time < 1 || p.Time > 16 || threads < 1 || threads > 16 {
		return p, nil, nil, errBadHash
	}
	p.Threads = uint8(threads)
	if salt, err = b64.DecodeString(parts[4]); err != nil || len(salt) < 8 {
		return p, nil, nil, errBadHash
	}
	if key, err = b64.DecodeString(parts[5]); err != nil || len(key) < 16 || len(key) > 64 {
		return p, nil, nil, errBadHash
	}
	p.SaltLen, p.KeyLen = uint32(len(salt)), uint32(len(key))
	return p, salt, key, nil
}

// CheckPassword applies the password rules.
func CheckPassword(password string) error {
	if !utf8.ValidString(password) || utf8.RuneCountInString(password) < MinPasswordRunes || len(password) > MaxPasswordBytes {
		return ErrWeakPassword
	}
	return nil
}
