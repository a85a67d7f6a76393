package turn

import (
	"crypto/hmac"
	"crypto/sha1" //nolint:gosec // TURN REST mandates HMAC-SHA1.
	"crypto/subtle"
	"encoding/base64"
	"log/slog"
	"strconv"
	"strings"
	"time"

	pionturn "github.com/pion/turn/v5"
)

// DefaultTTL is how long issued credentials stay valid. TURN checks them on
// every authenticated request, including the refresh of a running
// allocation, so they must outlast the longest session a participant keeps
// one page open: a school day.
const DefaultTTL = 8 * time.Hour

// Credentials issues and checks time-limited TURN credentials in the
// "TURN REST" scheme (draft-uberti-behave-turn-rest, coturn's
// --use-auth-secret): username = "<expiry unix seconds>:<user>",
// password = base64(HMAC-SHA1(secret, username)).
type Credentials struct {
	Secret []byte
	TTL    time.Duration    // DefaultTTL when zero
	Now    func() time.Time // time.Now when nil
}

func (c Credentials) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// Issue returns a username and password for user, valid until expires.
func (c Credentials) Issue(user string) (username, password string, expires time.Time) {
	ttl := c.TTL
	if ttl <= 0 {
		ttl = DefaultTTL
	}
	expires = c.now().Add(ttl).Truncate(time.Second)
	username = strconv.FormatInt(expires.Unix(), 10) + ":" + user
	return username, c.password(username), expires
}

func (c Credentials) password(username string) string {
	mac := hmac.New(sha1.New, c.Secret)
	mac.Write([]byte(username))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// parse splits a TURN REST username and reports whether it is unexpired.
func (c Credentials) parse(username string) (user string, ok bool) {
	ts, user, found := strings.Cut(username, ":")
	if !found {
		user = ""
	}
	expiry, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || expiry < c.now().Unix() {
		return user, false
	}
	return user, true
}

// Verify reports whether password belongs to username and username has not
// expired, and returns the user part. The comparison is constant-time.
func (c Credentials) Verify(username, password string) (user string, ok bool) {
	user, ok = c.parse(username)
	if !ok || len(c.Secret) == 0 {
		return "", false
	}
	if subtle.ConstantTimeCompare([]byte(c.password(username)), []byte(password)) != 1 {
		return "", false
	}
	return user, true
}

// split parses a TURN REST username into its user part and whether it
// has expired; ok is false for a malformed one.
func (c Credentials) split(username string) (user string, expired, ok bool) {
	ts, user, found := strings.Cut(username, ":")
	expiry, err := strconv.ParseInt(ts, 10, 64)
	if !found || err != nil {
		return "", false, false
	}
	return user, expiry < c.now().Unix(), true
}

// AuthHandler returns the pion/turn auth handler for these credentials. It
// refuses malformed and expired usernames; for the rest it returns the
// long-term key MD5(username:realm:password), against which pion checks the
// request's MESSAGE-INTEGRITY (an HMAC, compared with hmac.Equal, so in
// constant time). The user id it returns, and that quotas count, is the user
// part of the username.
//
// pion's own LongTermTURNRESTAuthHandler does the same, but reads the wall
// clock directly, cuts the user at its second colon and logs every expired
// username as an error; this one takes Now from Credentials and logs to slog.
func (c Credentials) AuthHandler(log *slog.Logger) pionturn.AuthHandler {
	if log == nil {
		log = discard
	}
	return func(ra *pionturn.RequestAttributes) (string, []byte, bool) {
		user, ok := c.parse(ra.Username)
		if !ok || len(c.Secret) == 0 {
			log.Debug("turn: refused credentials", "username", ra.Username, "src", ra.SrcAddr)
			return "", nil, false
		}
		return user, pionturn.GenerateAuthKey(ra.Username, ra.Realm, c.password(ra.Username)), true
	}
}
