// Package accounts owns who is a teacher: teacher accounts, the one-time
// login links the admin hands out, and the browser sessions that follow
// from them. Tokens are long and random and stored only as hashes; the
// session travels in an HttpOnly cookie.
package accounts

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"ersatzraum/server/storage"
)

// Lifetimes of what the admin and the browser hold.
const (
	LoginLinkTTL = 7 * 24 * time.Hour
	SessionTTL   = 30 * 24 * time.Hour
	CookieName   = "ersatzraum_session"
)

// ErrInvalidLink is returned for unknown, used or expired login links.
var ErrInvalidLink = errors.New("login link is unknown, used or expired")

// Store is what accounts needs from storage.
type Store interface {
	CreateTeacher(ctx context.Context, t storage.Teacher) error
	Teachers(ctx context.Context) ([]storage.Teacher, error)
	Teacher(ctx context.Context, id string) (storage.Teacher, error)
	PutLoginToken(ctx context.Context, hash []byte, teacherID string, expires time.Time) error
	ConsumeLoginToken(ctx context.Context, hash []byte, now time.Time) (string, error)
	PutSession(ctx context.Context, hash []byte, teacherID string, expires time.Time) error
	SessionTeacher(ctx context.Context, hash []byte, now time.Time) (string, error)
	DeleteSession(ctx context.Context, hash []byte) error
	TeacherByName(ctx context.Context, name string) (storage.Teacher, error)
	SetPassword(ctx context.Context, teacherID, hash string) error
	PasswordHash(ctx context.Context, teacherID string) (string, error)
	SetAdmin(ctx context.Context, teacherID string, admin bool) error
	DeleteTeacher(ctx context.Context, teacherID string) error
	DeleteSessions(ctx context.Context, teacherID string) error
	DeleteOtherSessions(ctx context.Context, teacherID string, keep []byte) error
	InvalidateLoginTokens(ctx context.Context, teacherID string) error
}

// Service manages teachers and their sessions.
type Service struct {
	Store Store
	Now   func() time.Time
	// Hasher hashes passwords; nil uses one shared by the whole process
	// (argon2id, DefaultParams, at most 4 at once).
	Hasher *Hasher
	// Throttle limits failed password logins; nil uses
	// DefaultThrottleLimits, created on first use.
	Throttle *Throttle
	// Devices seals device cookies (device.go); nil: none are issued and
	// every login is throttled by address and account.
	Devices Sealer

	throttleOnce sync.Once
	fresh        freshLinks // sessions opened by a login link (change.go)
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// NewToken returns a random token (256 bits, URL-safe) and its hash.
func NewToken() (string, []byte) {
	b := make([]byte, 32)
	rand.Read(b)
	token := fmt.Sprintf("%x", b)
	return token, HashToken(token)
}

// HashToken returns the stored form of a token. Tokens carry 256 bits of
// randomness, so a fast hash is enough: there is nothing to brute-force.
func HashToken(token string) []byte {
	sum := sha256.Sum256([]byte("ersatzraum-token:" + token))
	return sum[:]
}

// AddTeacher creates a teacher account.
func (s *Service) AddTeacher(ctx context.Context, name string) (storage.Teacher, error) {
	t := storage.Teacher{ID: newID(), Name: name, CreatedAt: s.now()}
	return t, s.Store.CreateTeacher(ctx, t)
}

// EnsureTeacher returns the only teacher, creating one named name when
// there is none: an empty data folder becomes usable at once.
func (s *Service) EnsureTeacher(ctx context.Context, name string) (storage.Teacher, bool, error) {
	all, err := s.Store.Teachers(ctx)
	if err != nil {
		return storage.Teacher{}, false, err
	}
	if len(all) > 0 {
		return all[0], false, nil
	}
	t, err := s.AddTeacher(ctx, name)
	return t, err == nil, err
}

// DemoTeacher returns the demo account that `make run` hands a new user:
// created (named name) on an empty data folder, found by that name later.
// ok is false when the admin removed it; then nobody gets a link printed
// at start, and teachers come from `ersatzraum teacher add`.
func (s *Service) DemoTeacher(ctx context.Context, name string) (t storage.Teacher, created, ok bool, err error) {
	all, err := s.Store.Teachers(ctx)
	if err != nil {
		return t, false, false, err
	}
	if len(all) == 0 {
		t, err = s.AddTeacher(ctx, name)
		return t, err == nil, err == nil, err
	}
	for _, x := range all {
		if x.Name == name {
			return x, false, true, nil
		}
	}
	return t, false, false, nil
}

// IssueLoginLink returns a fresh one-time login token for a teacher.
func (s *Service) IssueLoginLink(ctx context.Context, teacherID string) (string, error) {
	token, hash := NewToken()
	if err := s.Store.PutLoginToken(ctx, hash, teacherID, s.now().Add(LoginLinkTTL)); err != nil {
		return "", err
	}
	return token, nil
}

// RedeemLoginLink uses up a login token and opens a session; the returned
// cookie carries it.
func (s *Service) RedeemLoginLink(ctx context.Context, token string, secure bool) (*http.Cookie, error) {
	c, _, err := s.RedeemLoginLinkFor(ctx, token, secure)
	return c, err
}

// RedeemLoginLinkFor is RedeemLoginLink that also returns the teacher, so
// that the caller can send one without a password on to set one.
func (s *Service) RedeemLoginLinkFor(ctx context.Context, token string, secure bool) (*http.Cookie, storage.Teacher, error) {
	teacherID, err := s.Store.ConsumeLoginToken(ctx, HashToken(token), s.now())
	if errors.Is(err, storage.ErrNotFound) {
		return nil, storage.Teacher{}, ErrInvalidLink
	}
	if err != nil {
		return nil, storage.Teacher{}, err
	}
	t, err := s.Store.Teacher(ctx, teacherID)
	if err != nil {
		return nil, t, err
	}
	c, err := s.openSession(ctx, teacherID, secure)
	if err == nil {
		s.fresh.add(HashToken(c.Value), s.now())
	}
	return c, t, err
}

// openSession stores a new session and returns the cookie that carries it.
func (s *Service) openSession(ctx context.Context, teacherID string, secure bool) (*http.Cookie, error) {
	session, hash := NewToken()
	expires := s.now().Add(SessionTTL)
	if err := s.Store.PutSession(ctx, hash, teacherID, expires); err != nil {
		return nil, err
	}
	return &http.Cookie{
		Name:     CookieName,
		Value:    session,
		Path:     "/",
		Expires:  expires,
		HttpOnly: true,
		Secure:   secure,
		SameSite: http.SameSiteLaxMode,
	}, nil
}

// TeacherFromRequest returns the teacher behind the request's session
// cookie, or storage.ErrNotFound.
func (s *Service) TeacherFromRequest(r *http.Request) (storage.Teacher, error) {
	c, err := r.Cookie(CookieName)
	if err != nil || c.Value == "" {
		return storage.Teacher{}, storage.ErrNotFound
	}
	id, err := s.Store.SessionTeacher(r.Context(), HashToken(c.Value), s.now())
	if err != nil {
		return storage.Teacher{}, err
	}
	return s.Store.Teacher(r.Context(), id)
}

// Logout ends the request's session and returns a cookie that clears it.
func (s *Service) Logout(r *http.Request) (*http.Cookie, error) {
	if c, err := r.Cookie(CookieName); err == nil && c.Value != "" {
		if err := s.Store.DeleteSession(r.Context(), HashToken(c.Value)); err != nil {
			return nil, err
		}
	}
	return &http.Cookie{Name: CookieName, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode}, nil
}

func newID() string { return fmt.Sprintf("t-%s", rand.Text()[:16]) }
