package accounts

import (
	"context"
	"errors"
	"net/http"
	"net/netip"
	"sync"
	"time"

	"ersatzraum/server/storage"
)

// Changing a password (issue 16): a session alone is not enough, since a
// session may be a stolen cookie or a staff-room PC left signed in. The
// current password is needed, or a session that a login link opened a
// moment ago (the admin's way back for a forgotten password); afterwards
// every other session of the teacher ends.

// FreshLinkFor is how long after redeeming a login link its session may
// set a password without the current one.
const FreshLinkFor = 15 * time.Minute

// ErrWrongPassword: the current password given to change it is wrong or
// missing (and the session is not fresh from a login link).
var ErrWrongPassword = errors.New("the current password is wrong")

// freshLinks remembers, in this process only, which sessions a login link
// opened and when (a restart forgets them: then the current password or a
// new link is needed). Entries older than FreshLinkFor are dropped, and
// there are never more than maxFreshLinks.
type freshLinks struct {
	// mu guards at.
	mu sync.Mutex
	at map[string]time.Time // by session hash
}

const maxFreshLinks = 10_000

func (f *freshLinks) add(hash []byte, now time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.at == nil {
		f.at = map[string]time.Time{}
	}
	for k, t := range f.at {
		if now.Sub(t) > FreshLinkFor || len(f.at) >= maxFreshLinks {
			delete(f.at, k)
		}
	}
	f.at[string(hash)] = now
}

func (f *freshLinks) fresh(hash []byte, now time.Time) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	t, ok := f.at[string(hash)]
	return ok && now.Sub(t) <= FreshLinkFor
}

func (f *freshLinks) forget(hash []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.at, string(hash))
}

func sessionHash(r *http.Request) []byte {
	c, err := r.Cookie(CookieName)
	if err != nil || c.Value == "" {
		return nil
	}
	return HashToken(c.Value)
}

// ChangePassword sets a new password for the teacher signed in on r. It
// needs current to be the password (wrong ones count against the login
// throttle, like a login from addr), unless the teacher has none or the
// session came from a login link less than FreshLinkFor ago. Then every
// other session of the teacher ends; this one stays.
func (s *Service) ChangePassword(ctx context.Context, r *http.Request, t storage.Teacher, current, password string, addr netip.Addr) error {
	if err := CheckPassword(password); err != nil {
		return err
	}
	hash := sessionHash(r)
	fresh := hash != nil && s.fresh.fresh(hash, s.now())
	if !fresh {
		encoded, err := s.Store.PasswordHash(ctx, t.ID)
		if err != nil && !errors.Is(err, storage.ErrNotFound) {
			return err
		}
		if encoded == "" {
			// No password and no fresh link: a session this old may be
			// someone else's; only a new login link may set one.
			return ErrWrongPassword
		}
		var device string
		if c, err := r.Cookie(DeviceCookieName); err == nil {
			device = c.Value
		}
		attempt, wait := s.beginLogin(ctx, addr, t.Name, device)
		if attempt == nil {
			return &RateLimitedError{RetryAfter: wait}
		}
		defer attempt.Abandon()
		if len(current) > MaxPasswordBytes {
			current = current[:MaxPasswordBytes]
		}
		ok, _, err := s.hasher().Verify(ctx, encoded, current)
		if err != nil {
			return err
		}
		if !ok {
			attempt.Failed()
			return ErrWrongPassword
		}
		attempt.Succeeded()
	}
	encoded, err := s.hasher().Hash(ctx, password)
	if err != nil {
		return err
	}
	if err := s.Store.SetPassword(ctx, t.ID, encoded); err != nil {
		return err
	}
	if err := s.Store.DeleteOtherSessions(ctx, t.ID, hash); err != nil {
		return err
	}
	// A fresh link sets one password, not one per quarter of an hour.
	s.fresh.forget(hash)
	return nil
}
