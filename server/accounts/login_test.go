package accounts

import (
	"context"
	"errors"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"ersatzraum/server/storage"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type fixture struct {
	db     *storage.DB
	svc    *Service
	clock  *clock
	hashes *atomic.Int32 // argon2 runs so far
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	db, err := storage.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	c := &clock{t: time.Date(2021, 1, 11, 8, 0, 0, 0, time.UTC)}
	h := NewHasher(cheap, 4, time.Second)
	n := &atomic.Int32{}
	h.during = func() { n.Add(1) }
	svc := &Service{Store: db, Now: c.Now, Hasher: h, Throttle: NewThrottle(DefaultThrottleLimits, c.Now)}
	return &fixture{db: db, svc: svc, clock: c, hashes: n}
}

// teacher creates a teacher with a password.
func (f *fixture) teacher(t *testing.T, name, password string) storage.Teacher {
	t.Helper()
	ctx := context.Background()
	tch, _, err := f.svc.CreateTeacher(ctx, name, false)
	if err != nil {
		t.Fatal(err)
	}
	if password != "" {
		if err := f.svc.SetPassword(ctx, tch.ID, password); err != nil {
			t.Fatal(err)
		}
	}
	return tch
}

var (
	addrA = netip.MustParseAddr("192.0.2.1")
	addrB = netip.MustParseAddr("2001:db8::2")
)

func rateLimited(err error) (time.Duration, bool) {
	var rl *RateLimitedError
	if errors.As(err, &rl) {
		return rl.RetryAfter, true
	}
	return 0, false
}

func TestPasswordLogin(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	tch := f.teacher(t, "Frau Müller", "mathe-ist-toll")
	cookie, err := f.svc.Login(ctx, "Frau Müller", "mathe-ist-toll", addrA, true)
	if err != nil {
		t.Fatal(err)
	}
	if !cookie.HttpOnly || !cookie.Secure || cookie.Name != CookieName || cookie.Expires != f.clock.Now().Add(SessionTTL) {
		t.Fatalf("cookie %+v", cookie)
	}
	req := httptest.NewRequest("GET", "/", nil)
	req.AddCookie(cookie)
	if got, err := f.svc.TeacherFromRequest(req); err != nil || got.ID != tch.ID || !got.HasPassword {
		t.Fatalf("session: %+v %v", got, err)
	}
	if _, err := f.svc.Login(ctx, "Frau Müller", "mathe-ist-doof", addrA, false); !errors.Is(err, ErrBadLogin) {
		t.Fatalf("wrong password: %v", err)
	}
	if err := f.svc.SetPassword(ctx, tch.ID, "kurz"); !errors.Is(err, ErrWeakPassword) {
		t.Fatalf("short password: %v", err)
	}
}

// An unknown name, a teacher without a password and a wrong password all
// give the same error, and all of them run argon2 once.
func TestLoginDoesNotRevealNames(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.teacher(t, "Herr Schmidt", "geschichte-1848")
	f.teacher(t, "Neu", "")
	for _, name := range []string{"Herr Niemand", "Neu", "Herr Schmidt"} {
		before := f.hashes.Load()
		_, err := f.svc.Login(ctx, name, "falsches-passwort", addrA, false)
		if !errors.Is(err, ErrBadLogin) || err.Error() != ErrBadLogin.Error() {
			t.Fatalf("%s: %v, want ErrBadLogin", name, err)
		}
		if n := f.hashes.Load() - before; n != 1 {
			t.Errorf("%s: %d hashes, want 1 (same work whether or not the name exists)", name, n)
		}
	}
}

// One address's wrong passwords slow that address on that account (5,
// then one a minute), but never the owner logging in from elsewhere.
func TestLoginThrottledPerAccountAndAddress(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.teacher(t, "Frau Kaya", "chemie-labor-3")
	for i := range DefaultThrottleLimits.PairBurst {
		if _, err := f.svc.Login(ctx, "Frau Kaya", "rate-mal-123", addrA, false); !errors.Is(err, ErrBadLogin) {
			t.Fatalf("failure %d: %v", i+1, err)
		}
	}
	before := f.hashes.Load()
	_, err := f.svc.Login(ctx, "frau kaya ", "chemie-labor-3", addrA, false)
	wait, ok := rateLimited(err)
	if !ok || wait < 50*time.Second || wait > 60*time.Second {
		t.Fatalf("6th attempt from the guesser's address: %v, want rate limited for about a minute", err)
	}
	if f.hashes.Load() != before {
		t.Fatal("a throttled attempt was hashed")
	}
	// The owner, from her own address, is not slowed at all.
	if _, err := f.svc.Login(ctx, "Frau Kaya", "chemie-labor-3", addrB, false); err != nil {
		t.Fatalf("owner from another address: %v", err)
	}
	f.clock.Advance(wait)
	if _, err := f.svc.Login(ctx, "Frau Kaya", "chemie-labor-3", addrA, false); err != nil {
		t.Fatalf("after Retry-After: %v", err)
	}
	// A success forgets the pair's failures.
	for i := range DefaultThrottleLimits.PairBurst {
		if _, err := f.svc.Login(ctx, "Frau Kaya", "nochmal-falsch", addrA, false); !errors.Is(err, ErrBadLogin) {
			t.Fatalf("failure %d after a success: %v", i+1, err)
		}
	}
	if _, err := f.svc.Login(ctx, "Frau Kaya", "nochmal-falsch", addrA, false); err == nil || errors.Is(err, ErrBadLogin) {
		t.Fatalf("throttle did not come back: %v", err)
	}
	// Unknown names are throttled the same way: no difference to see.
	stranger := netip.MustParseAddr("203.0.113.9")
	for range DefaultThrottleLimits.PairBurst {
		f.svc.Login(ctx, "Gibt Es Nicht", "egal-egal-egal", stranger, false)
	}
	if _, ok := rateLimited(firstErr(f.svc.Login(ctx, "Gibt Es Nicht", "egal-egal-egal", stranger, false))); !ok {
		t.Fatal("unknown name not throttled like a real one")
	}
}

// Many addresses together (a class at home, each with a few tries) wear
// down the account's own budget; then the owner is slowed to one try per
// 10 seconds, never locked out, and one address alone cannot get there.
func TestLoginThrottledPerAccountFromManyAddresses(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.teacher(t, "Herr Roth", "physik-raum-4")
	for i := range DefaultThrottleLimits.AccountBurst {
		addr := netip.AddrFrom4([4]byte{198, 51, 100, byte(i)})
		if _, err := f.svc.Login(ctx, "Herr Roth", "falsch-geraten", addr, false); !errors.Is(err, ErrBadLogin) {
			t.Fatalf("failure %d: %v", i+1, err)
		}
	}
	wait, ok := rateLimited(firstErr(f.svc.Login(ctx, "Herr Roth", "physik-raum-4", addrB, false)))
	if !ok || wait > 10*time.Second {
		t.Fatalf("after 50 addresses: wait %v ok %v, want at most 10 s", wait, ok)
	}
	f.clock.Advance(wait)
	if _, err := f.svc.Login(ctx, "Herr Roth", "physik-raum-4", addrB, false); err != nil {
		t.Fatalf("owner after the wait: %v", err)
	}
}

func firstErr[T any](_ T, err error) error { return err }

func TestLoginThrottledPerAddress(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.teacher(t, "Herr Nowak", "sport-halle-2")
	burst := DefaultThrottleLimits.AddrBurst
	// One success in the middle does not give the address its guesses back.
	for i := range burst - 1 {
		name := string(rune('a'+i)) + "-lehrkraft" // a new account each time
		if _, err := f.svc.Login(ctx, name, "passwort-123", addrA, false); !errors.Is(err, ErrBadLogin) {
			t.Fatalf("failure %d: %v", i+1, err)
		}
	}
	if _, err := f.svc.Login(ctx, "Herr Nowak", "sport-halle-2", addrA, false); err != nil {
		t.Fatalf("right password within the budget: %v", err)
	}
	if _, err := f.svc.Login(ctx, "zz-lehrkraft", "passwort-123", addrA, false); !errors.Is(err, ErrBadLogin) {
		t.Fatalf("last failure of the budget: %v", err)
	}
	before := f.hashes.Load()
	wait, ok := rateLimited(firstErr(f.svc.Login(ctx, "Herr Nowak", "sport-halle-2", addrA, false)))
	if !ok || wait < 5*time.Second || wait > 6*time.Second {
		t.Fatalf("address over budget: wait %v ok %v, want about 6 s", wait, ok)
	}
	if f.hashes.Load() != before {
		t.Fatal("a throttled attempt was hashed")
	}
	// Another address is not affected.
	if _, err := f.svc.Login(ctx, "Herr Nowak", "sport-halle-2", addrB, false); err != nil {
		t.Fatalf("other address: %v", err)
	}
	f.clock.Advance(6 * time.Second)
	if _, err := f.svc.Login(ctx, "Herr Nowak", "sport-halle-2", addrA, false); err != nil {
		t.Fatalf("after the refill: %v", err)
	}
}

// Parallel guesses are counted while they are still hashing: no burst of
// concurrent requests gets past the pair's budget.
func TestThrottleCountsAttemptsInFlight(t *testing.T) {
	c := &clock{t: time.Unix(0, 0)}
	th := NewThrottle(DefaultThrottleLimits, c.Now)
	var admitted []*Attempt
	for range 10 {
		a, _ := th.Begin(addrA, "opfer")
		if a != nil {
			admitted = append(admitted, a)
		}
	}
	if len(admitted) != DefaultThrottleLimits.PairBurst {
		t.Fatalf("%d parallel attempts admitted, want %d", len(admitted), DefaultThrottleLimits.PairBurst)
	}
	admitted[0].Abandon() // a busy server: not counted
	if a, _ := th.Begin(addrA, "opfer"); a == nil {
		t.Fatal("abandoned attempt still counted")
	}
	// Idle, full buckets are forgotten.
	for _, a := range admitted[1:] {
		a.Abandon()
	}
	c.Advance(time.Hour)
	th.Begin(addrB, "other")
	th.mu.Lock()
	n := len(th.buckets)
	th.mu.Unlock()
	if n != 6 { // pair, address and account of the attempt in flight, and of "other"
		t.Fatalf("%d buckets kept after an hour", n)
	}
}

// The table is bounded: a flood of made-up names never grows it past
// MaxBuckets.
func TestThrottleTableIsBounded(t *testing.T) {
	c := &clock{t: time.Unix(0, 0)}
	l := DefaultThrottleLimits
	l.MaxBuckets = 30
	th := NewThrottle(l, c.Now)
	for i := range 1000 {
		if a, _ := th.Begin(netip.AddrFrom4([4]byte{10, 1, byte(i >> 8), byte(i)}), "name-"+strconv.Itoa(i)); a != nil {
			a.Failed()
		}
		th.mu.Lock()
		n := len(th.buckets)
		th.mu.Unlock()
		if n > 30+3 {
			t.Fatalf("%d buckets, bound is 30", n)
		}
	}
}

func TestBusyHasherIsNotAFailure(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.teacher(t, "Frau Berg", "musik-saal-1")
	f.svc.Hasher = NewHasher(cheap, 1, 10*time.Millisecond)
	hold := make(chan struct{})
	held := make(chan struct{})
	f.svc.Hasher.during = func() { held <- struct{}{}; <-hold }
	go f.svc.Hasher.Hash(ctx, "jemand-anderes")
	<-held
	for range 2 * DefaultThrottleLimits.AccountBurst {
		if _, err := f.svc.Login(ctx, "Frau Berg", "falsch-falsch", addrA, false); !errors.Is(err, ErrBusy) {
			t.Fatalf("hasher full: %v, want ErrBusy", err)
		}
	}
	close(hold)
	f.svc.Hasher.during = nil
	time.Sleep(10 * time.Millisecond)
	if _, err := f.svc.Login(ctx, "Frau Berg", "musik-saal-1", addrA, false); err != nil {
		t.Fatalf("busy answers counted as failures: %v", err)
	}
}

func TestRehashOnLogin(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	tch := f.teacher(t, "Frau Alt", "altes-passwort")
	before, _ := f.db.PasswordHash(ctx, tch.ID)
	f.svc.Hasher = NewHasher(Params{Memory: 256, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, 2, time.Second)
	if _, err := f.svc.Login(ctx, "Frau Alt", "altes-passwort", addrA, false); err != nil {
		t.Fatal(err)
	}
	after, _ := f.db.PasswordHash(ctx, tch.ID)
	if after == before || !stringsHasPrefix(after, "$argon2id$v=19$m=256,t=1,p=1$") {
		t.Fatalf("hash not renewed: %q -> %q", before, after)
	}
	if _, err := f.svc.Login(ctx, "Frau Alt", "altes-passwort", addrA, false); err != nil {
		t.Fatalf("renewed hash does not verify: %v", err)
	}
}

func stringsHasPrefix(s, p string) bool { return len(s) >= len(p) && s[:len(p)] == p }

func TestExpiredLoginLink(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	tch, token, err := f.svc.CreateTeacher(ctx, "Herr Späť", false)
	if err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(LoginLinkTTL + time.Second)
	if _, err := f.svc.RedeemLoginLink(ctx, token, false); !errors.Is(err, ErrInvalidLink) {
		t.Fatalf("expired link: %v", err)
	}
	token, _ = f.svc.IssueLoginLink(ctx, tch.ID)
	f.clock.Advance(LoginLinkTTL - time.Second)
	c, got, err := f.svc.RedeemLoginLinkFor(ctx, token, false)
	if err != nil || c == nil || got.ID != tch.ID || got.HasPassword {
		t.Fatalf("link just before expiry: %v %+v", err, got)
	}
	if _, err := f.svc.RedeemLoginLink(ctx, token, false); !errors.Is(err, ErrInvalidLink) {
		t.Fatalf("reused link: %v", err)
	}
	// Sessions expire too.
	req := httptest.NewRequest("GET", "/", nil)
	req.AddCookie(c)
	f.clock.Advance(SessionTTL + time.Second)
	if _, err := f.svc.TeacherFromRequest(req); err == nil {
		t.Fatal("session valid after SessionTTL")
	}
}

func TestResetAndRemoveTeacher(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	tch, oldLink, err := f.svc.CreateTeacher(ctx, "Frau Reset", true)
	if err != nil || !tch.Admin {
		t.Fatalf("create: %+v %v", tch, err)
	}
	if _, _, err := f.svc.CreateTeacher(ctx, "Frau Reset", false); !errors.Is(err, ErrTeacherExists) {
		t.Fatalf("duplicate name: %v", err)
	}
	if _, _, err := f.svc.CreateTeacher(ctx, " \x00", false); !errors.Is(err, ErrBadName) {
		t.Fatalf("bad name: %v", err)
	}
	f.svc.SetPassword(ctx, tch.ID, "vor-dem-reset")
	session, err := f.svc.Login(ctx, "Frau Reset", "vor-dem-reset", addrA, false)
	if err != nil {
		t.Fatal(err)
	}
	_, newLink, err := f.svc.ResetTeacher(ctx, "Frau Reset")
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest("GET", "/", nil)
	req.AddCookie(session)
	if _, err := f.svc.TeacherFromRequest(req); err == nil {
		t.Error("session survived the reset")
	}
	if _, err := f.svc.Login(ctx, "Frau Reset", "vor-dem-reset", addrA, false); !errors.Is(err, ErrBadLogin) {
		t.Errorf("old password after reset: %v", err)
	}
	if _, err := f.svc.RedeemLoginLink(ctx, oldLink, false); !errors.Is(err, ErrInvalidLink) {
		t.Errorf("old link after reset: %v", err)
	}
	c, err := f.svc.RedeemLoginLink(ctx, newLink, false)
	if err != nil {
		t.Fatalf("new link: %v", err)
	}
	if _, err := f.svc.RemoveTeacher(ctx, "Niemand"); !errors.Is(err, ErrNoTeacher) {
		t.Fatalf("remove unknown: %v", err)
	}
	if _, err := f.svc.RemoveTeacher(ctx, "Frau Reset"); err != nil {
		t.Fatal(err)
	}
	req = httptest.NewRequest("GET", "/", nil)
	req.AddCookie(c)
	if _, err := f.svc.TeacherFromRequest(req); err == nil {
		t.Error("session survived removal")
	}
	if _, _, err := f.svc.ResetTeacher(ctx, "Frau Reset"); !errors.Is(err, ErrNoTeacher) {
		t.Fatalf("reset removed teacher: %v", err)
	}
}
