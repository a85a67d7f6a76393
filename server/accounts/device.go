package accounts

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"strings"
	"time"
)

// Device cookies (issue 16): a browser in which a teacher has signed in
// before carries a sealed note naming the teacher. A password login that
// presents it for the same account is throttled on that device's own
// bucket, not on the address's or the account's, so that a student behind
// the same NAT as the staff room who types wrong passwords for the
// teacher's name slows only the strangers' attempts, never the teacher at
// her own computer. Only this server can make one (sealed with the code
// key); stealing one gains nothing but a guessing budget of its own.

// DeviceCookieName is the cookie's name; DeviceTTL how long it lasts.
const (
	DeviceCookieName = "ersatzraum_device"
	DeviceTTL        = 365 * 24 * time.Hour
)

// Sealer seals and opens short texts with authenticated encryption
// (codes.Sealer).
type Sealer interface {
	Seal(s string) []byte
	Open(b []byte) (string, error)
}

// DeviceCookie returns the cookie that marks this browser as one the
// teacher signed in on; nil without a Devices sealer.
func (s *Service) DeviceCookie(teacherID string, secure bool) *http.Cookie {
	if s.Devices == nil {
		return nil
	}
	nonce := rand.Text()[:16]
	return &http.Cookie{
		Name:     DeviceCookieName,
		Value:    base64.RawURLEncoding.EncodeToString(s.Devices.Seal(teacherID + "|" + nonce)),
		Path:     "/api/",
		Expires:  s.now().Add(DeviceTTL),
		HttpOnly: true,
		Secure:   secure,
		SameSite: http.SameSiteStrictMode,
	}
}

// deviceOf returns the device id ("teacher|nonce") a cookie value names,
// if it is this server's and names teacherID.
func (s *Service) deviceOf(value, teacherID string) (string, bool) {
	if s.Devices == nil || value == "" || len(value) > 512 {
		return "", false
	}
	raw, err := base64.RawURLEncoding.DecodeString(value)
	if err != nil {
		return "", false
	}
	text, err := s.Devices.Open(raw)
	if err != nil {
		return "", false
	}
	id, _, ok := strings.Cut(text, "|")
	return text, ok && id == teacherID
}

// knownDevice reports the device id of r's device cookie when it names
// the teacher called name.
func (s *Service) knownDevice(ctx context.Context, device, name string) (string, bool) {
	if device == "" || s.Devices == nil {
		return "", false
	}
	t, err := s.Store.TeacherByName(ctx, name)
	if err != nil {
		return "", false
	}
	return s.deviceOf(device, t.ID)
}
