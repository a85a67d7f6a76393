package accounts

import (
	"math"
	"net/netip"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"ersatzraum/server/admission"
)

// ThrottleLimits configures a Throttle: failed logins allowed, as token
// buckets, for one account from one address (the pair), for one address
// over all accounts, and for one account over all addresses.
//
// The design slows the guesser, not the owner: teacher names are known to
// students, so a limit per account alone would let any student lock a
// teacher out with a few wrong passwords. The pair's bucket stops one
// address guessing one account; the address's bucket stops it trying many
// accounts; the account's bucket stops many addresses together, and it
// refills faster than one address's pair can drain it, so that no single
// address can slow the owner logging in from elsewhere.
type ThrottleLimits struct {
	PairRate     rate.Limit
	PairBurst    int
	AddrRate     rate.Limit
	AddrBurst    int
	AccountRate  rate.Limit
	AccountBurst int
	// IPv6PrefixBits groups IPv6 addresses as admission.Group does.
	IPv6PrefixBits int
	// MaxBuckets bounds the table; full, idle buckets are forgotten first.
	MaxBuckets int
}

// DefaultThrottleLimits: 5 wrong passwords on one account from one
// address, then one a minute; 20 from one address (a staff room behind
// one NAT), then 10 a minute; 50 on one account from anywhere, then one
// every 10 seconds (6 a minute, more than the one a minute a single
// address may add).
var DefaultThrottleLimits = ThrottleLimits{
	PairRate:       rate.Every(time.Minute),
	PairBurst:      5,
	AddrRate:       rate.Every(6 * time.Second),
	AddrBurst:      20,
	AccountRate:    rate.Every(10 * time.Second),
	AccountBurst:   50,
	IPv6PrefixBits: 64,
	MaxBuckets:     100_000,
}

// Throttle limits failed logins (see ThrottleLimits). An attempt is
// admitted only while all its buckets hold a token beyond the attempts
// already in flight, so a burst of parallel guesses cannot slip past the
// limit while the first ones are still hashing.
type Throttle struct {
	limits ThrottleLimits
	now    func() time.Time

	// mu guards buckets and swept.
	mu      sync.Mutex
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	lim     *rate.Limiter
	pending int
}

// NewThrottle returns a throttle with the given limits; now is the clock
// (nil: time.Now).
func NewThrottle(l ThrottleLimits, now func() time.Time) *Throttle {
	if now == nil {
		now = time.Now
	}
	if l.MaxBuckets <= 0 {
		l.MaxBuckets = DefaultThrottleLimits.MaxBuckets
	}
	if l.IPv6PrefixBits <= 0 {
		l.IPv6PrefixBits = DefaultThrottleLimits.IPv6PrefixBits
	}
	return &Throttle{limits: l, now: now, buckets: map[string]*bucket{}}
}

// accountKey folds a typed name so that "Müller " and "müller" share a
// bucket; names are cut so that a huge name costs no memory.
func accountKey(name string) string {
	name = strings.ToLower(strings.TrimSpace(name))
	if len(name) > 200 {
		name = name[:200]
	}
	return name
}

// Attempt is one admitted login attempt; end it with Failed, Succeeded or
// Abandon.
type Attempt struct {
	t    *Throttle
	keys []string // pair, address, account; or the device
	done bool
}

func (t *Throttle) keysOf(addr netip.Addr, name string) []string {
	a := admission.Group(addr, t.limits.IPv6PrefixBits).String()
	acct := accountKey(name)
	return []string{"p|" + a + "|" + acct, "a|" + a, "c|" + acct}
}

func (t *Throttle) bucket(key string, now time.Time) *bucket {
	b := t.buckets[key]
	if b != nil {
		return b
	}
	if len(t.buckets) >= t.limits.MaxBuckets {
		t.makeRoom(now)
	}
	var lim *rate.Limiter
	switch key[0] {
	case 'p', 'd': // a device has a pair's budget
		lim = rate.NewLimiter(t.limits.PairRate, t.limits.PairBurst)
	case 'a':
		lim = rate.NewLimiter(t.limits.AddrRate, t.limits.AddrBurst)
	default:
		lim = rate.NewLimiter(t.limits.AccountRate, t.limits.AccountBurst)
	}
	b = &bucket{lim: lim}
	t.buckets[key] = b
	return b
}

// Begin admits an attempt, or says how long to wait before the next one.
func (t *Throttle) Begin(addr netip.Addr, name string) (*Attempt, time.Duration) {
	return t.begin(t.keysOf(addr, name))
}

// BeginDevice admits an attempt from a device the account signed in on
// before (device.go): only the device's own bucket counts.
func (t *Throttle) BeginDevice(device string) (*Attempt, time.Duration) {
	if len(device) > 200 {
		device = device[:200]
	}
	return t.begin([]string{"d|" + device})
}

func (t *Throttle) begin(keys []string) (*Attempt, time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	t.sweep(now, false)
	// Counted as pending at once, so that making room for the next of
	// the three cannot drop the one just made.
	bs := make([]*bucket, len(keys))
	for i, k := range keys {
		bs[i] = t.bucket(k, now)
		bs[i].pending++
	}
	var wait time.Duration
	for _, b := range bs {
		wait = max(wait, b.wait(now))
	}
	if wait > 0 {
		for _, b := range bs {
			b.pending--
		}
		return nil, wait
	}
	return &Attempt{t: t, keys: keys}, 0
}

// wait is how long until the bucket holds a token for each attempt
// pending (this one included).
func (b *bucket) wait(now time.Time) time.Duration {
	missing := float64(b.pending) - b.lim.TokensAt(now)
	if missing <= 0 {
		return 0
	}
	if b.lim.Limit() <= 0 {
		return time.Hour
	}
	secs := math.Ceil(missing / float64(b.lim.Limit()))
	return time.Duration(max(secs, 1)) * time.Second
}

func (t *Throttle) finish(a *Attempt, fn func(now time.Time, bs []*bucket)) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if a == nil || a.done {
		return
	}
	a.done = true
	// Buckets with pending attempts are never dropped, so all exist.
	bs := make([]*bucket, len(a.keys))
	for i, k := range a.keys {
		bs[i] = t.buckets[k]
		bs[i].pending--
	}
	fn(t.now(), bs)
}

// Failed uses up a token of each bucket: the pair, the address and the
// account (or the device).
func (a *Attempt) Failed() {
	a.t.finish(a, func(now time.Time, bs []*bucket) {
		for _, b := range bs {
			b.lim.AllowN(now, 1)
		}
	})
}

// Succeeded forgets the failures of the first bucket, the pair's (or the
// device's): the owner typed the password right. The address and the
// account keep theirs: one good login must not buy an address a fresh
// round of guesses on other accounts, nor reset what many addresses spent
// on this one.
func (a *Attempt) Succeeded() {
	a.t.finish(a, func(now time.Time, bs []*bucket) {
		bs[0].lim = rate.NewLimiter(a.t.limits.PairRate, a.t.limits.PairBurst)
	})
}

// Abandon ends an attempt that was neither right nor wrong (the server was
// busy): nothing is counted.
func (a *Attempt) Abandon() {
	a.t.finish(a, func(time.Time, []*bucket) {})
}

// sweep forgets full, idle buckets once a minute (or now, when forced):
// they hold no history.
func (t *Throttle) sweep(now time.Time, force bool) {
	if !force && now.Sub(t.swept) < time.Minute {
		return
	}
	t.swept = now
	for k, b := range t.buckets {
		if b.pending == 0 && b.lim.TokensAt(now) >= float64(b.lim.Burst()) {
			delete(t.buckets, k)
		}
	}
}

// makeRoom is called when the table is full: full buckets go first; if
// none is, one without attempts in flight is dropped (map order is
// random, so a flood of names cannot choose whose history it erases).
func (t *Throttle) makeRoom(now time.Time) {
	t.sweep(now, true)
	if len(t.buckets) < t.limits.MaxBuckets {
		return
	}
	for k, b := range t.buckets {
		if b.pending == 0 {
			delete(t.buckets, k)
			return
		}
	}
}
