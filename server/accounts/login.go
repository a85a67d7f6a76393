package accounts

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"time"

	"ersatzraum/app/protocol"
	"ersatzraum/server/storage"
)

var (
	// ErrBadLogin is the one answer to a wrong name or a wrong password:
	// it does not tell which.
	ErrBadLogin = errors.New("name or password is wrong")
	// ErrBadName is returned for a teacher name that is empty, too long or
	// holds control characters.
	ErrBadName = errors.New("a teacher name needs 1 to 60 printable characters")
	// ErrTeacherExists is returned when the name is taken.
	ErrTeacherExists = errors.New("a teacher with this name exists")
	// ErrNoTeacher is returned when no teacher has the name.
	ErrNoTeacher = errors.New("no teacher with this name")
)

// RateLimitedError is returned while failed logins are throttled.
type RateLimitedError struct{ RetryAfter time.Duration }

func (e *RateLimitedError) Error() string {
	return fmt.Sprintf("too many failed logins: retry in %v", e.RetryAfter)
}

func (s *Service) hasher() *Hasher {
	if s.Hasher != nil {
		return s.Hasher
	}
	return defaultHasher
}

func (s *Service) throttle() *Throttle {
	s.throttleOnce.Do(func() {
		if s.Throttle == nil {
			s.Throttle = NewThrottle(DefaultThrottleLimits, s.Now)
		}
	})
	return s.Throttle
}

// Login checks a teacher's name and password and opens a session. Wrong
// names and wrong passwords give the same ErrBadLogin after about the same
// time. Throttled attempts get *RateLimitedError before anything is hashed;
// a full hashing queue gives ErrBusy.
func (s *Service) Login(ctx context.Context, name, password string, addr netip.Addr, secure bool) (*http.Cookie, error) {
	return s.LoginFrom(ctx, name, password, addr, "", secure)
}

// LoginFrom is Login from a browser that sent the device cookie device
// (its value; "" for none): a valid one for this account is throttled on
// its own bucket only (device.go).
func (s *Service) LoginFrom(ctx context.Context, name, password string, addr netip.Addr, device string, secure bool) (*http.Cookie, error) {
	attempt, wait := s.beginLogin(ctx, addr, name, device)
	if attempt == nil {
		return nil, &RateLimitedError{RetryAfter: wait}
	}
	defer attempt.Abandon() // no-op once Failed or Succeeded ran
	h := s.hasher()
	if len(password) > MaxPasswordBytes {
		password = password[:MaxPasswordBytes] // cannot match: stored passwords are shorter
	}
	t, err := s.Store.TeacherByName(ctx, name)
	var encoded string
	if err == nil {
		encoded, err = s.Store.PasswordHash(ctx, t.ID)
	}
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return nil, err
	}
	if encoded == "" {
		// Unknown name or no password set: spend the same time anyway.
		if err := h.VerifyDummy(ctx, password); err != nil {
			return nil, err
		}
		attempt.Failed()
		return nil, ErrBadLogin
	}
	ok, rehash, err := h.Verify(ctx, encoded, password)
	if err != nil {
		return nil, err
	}
	if !ok {
		attempt.Failed()
		return nil, ErrBadLogin
	}
	attempt.Succeeded()
	if rehash {
		// The cost parameters changed since this password was set: store a
		// hash with today's. Failing here must not fail the login.
		if fresh, err := h.Hash(ctx, password); err == nil {
			s.Store.SetPassword(ctx, t.ID, fresh)
		}
	}
	return s.openSession(ctx, t.ID, secure)
}

// beginLogin admits a password attempt on the device's bucket for a
// valid device cookie of the account, else on the address's and the
// account's.
func (s *Service) beginLogin(ctx context.Context, addr netip.Addr, name, device string) (*Attempt, time.Duration) {
	if id, ok := s.knownDevice(ctx, device, name); ok {
		return s.throttle().BeginDevice(id)
	}
	return s.throttle().Begin(addr, name)
}

// SetPassword sets or changes a teacher's password.
func (s *Service) SetPassword(ctx context.Context, teacherID, password string) error {
	if err := CheckPassword(password); err != nil {
		return err
	}
	encoded, err := s.hasher().Hash(ctx, password)
	if err != nil {
		return err
	}
	return s.Store.SetPassword(ctx, teacherID, encoded)
}

// CleanTeacherName checks a teacher name typed by the admin.
func CleanTeacherName(name string) (string, error) {
	n, ok := protocol.CleanName(name, protocol.MaxNameRunes)
	if !ok {
		return "", ErrBadName
	}
	return n, nil
}

// CreateTeacher adds a teacher account (an admin if admin is set) and
// returns it with a one-time login token.
func (s *Service) CreateTeacher(ctx context.Context, name string, admin bool) (storage.Teacher, string, error) {
	name, err := CleanTeacherName(name)
	if err != nil {
		return storage.Teacher{}, "", err
	}
	t := storage.Teacher{ID: newID(), Name: name, CreatedAt: s.now(), Admin: admin}
	if err := s.Store.CreateTeacher(ctx, t); err != nil {
		if errors.Is(err, storage.ErrTeacherExists) {
			return t, "", ErrTeacherExists
		}
		return t, "", err
	}
	token, err := s.IssueLoginLink(ctx, t.ID)
	return t, token, err
}

func (s *Service) byName(ctx context.Context, name string) (storage.Teacher, error) {
	t, err := s.Store.TeacherByName(ctx, name)
	if errors.Is(err, storage.ErrNotFound) {
		if n, ok := protocol.CleanName(name, protocol.MaxNameRunes); ok && n != name {
			t, err = s.Store.TeacherByName(ctx, n)
		}
	}
	if errors.Is(err, storage.ErrNotFound) {
		return t, ErrNoTeacher
	}
	return t, err
}

// RemoveTeacher deletes a teacher with everything that is theirs:
// sessions, login links, classes and lessons.
func (s *Service) RemoveTeacher(ctx context.Context, name string) (storage.Teacher, error) {
	t, err := s.byName(ctx, name)
	if err != nil {
		return t, err
	}
	if err := s.Store.DeleteTeacher(ctx, t.ID); err != nil {
		if errors.Is(err, storage.ErrNotFound) {
			return t, ErrNoTeacher
		}
		return t, err
	}
	return t, nil
}

// ResetTeacher is what the admin does for a teacher who forgot the
// password or lost a device: the password is removed, every session and
// every unused login link ends, and a new login link is issued.
func (s *Service) ResetTeacher(ctx context.Context, name string) (storage.Teacher, string, error) {
	t, err := s.byName(ctx, name)
	if err != nil {
		return t, "", err
	}
	if err := s.Store.SetPassword(ctx, t.ID, ""); err != nil {
		return t, "", err
	}
	if err := s.Store.DeleteSessions(ctx, t.ID); err != nil {
		return t, "", err
	}
	if err := s.Store.InvalidateLoginTokens(ctx, t.ID); err != nil {
		return t, "", err
	}
	t.HasPassword = false
	token, err := s.IssueLoginLink(ctx, t.ID)
	return t, token, err
}
