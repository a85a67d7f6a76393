package accounts

import (
	"math"
	"net/netip"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// ThrottleLimits configures a Throttle: failed logins allowed per account
// name and per client address, as token buckets.
type ThrottleLimits struct {
	AccountRate  rate.Limit
	AccountBurst int
	AddrRate     rate.Limit
	AddrBurst    int
}

// DefaultThrottleLimits: 5 wrong passwords on one account, then one a
// minute; 20 from one address (a staff room behind one NAT), then 10 a
// minute.
var DefaultThrottleLimits = ThrottleLimits{
	AccountRate:  rate.Every(time.Minute),
	AccountBurst: 5,
	AddrRate:     rate.Every(6 * time.Second),
	AddrBurst:    20,
}

// Throttle limits failed logins per account and per client address. An
// attempt is admitted only while both buckets hold a token beyond the
// attempts already in flight, so a burst of parallel guesses cannot slip
// past the limit while the first ones are still hashing.
type Throttle struct {
	limits ThrottleLimits
	now    func() time.Time

	mu       sync.Mutex
	accounts map[string]*bucket
	addrs    map[netip.Addr]*bucket
	swept    time.Time
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
	return &Throttle{limits: l, now: now, accounts: map[string]*bucket{}, addrs: map[netip.Addr]*bucket{}}
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
	t       *Throttle
	account string
	addr    netip.Addr
	done    bool
}

// Begin admits an attempt, or says how long to wait before the next one.
func (t *Throttle) Begin(addr netip.Addr, name string) (*Attempt, time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	t.sweep(now)
	key := accountKey(name)
	acct := t.accounts[key]
	if acct == nil {
		acct = &bucket{lim: rate.NewLimiter(t.limits.AccountRate, t.limits.AccountBurst)}
		t.accounts[key] = acct
	}
	ad := t.addrs[addr]
	if ad == nil {
		ad = &bucket{lim: rate.NewLimiter(t.limits.AddrRate, t.limits.AddrBurst)}
		t.addrs[addr] = ad
	}
	wait := max(acct.wait(now), ad.wait(now))
	if wait > 0 {
		return nil, wait
	}
	acct.pending++
	ad.pending++
	return &Attempt{t: t, account: key, addr: addr}, 0
}

// wait is how long until the bucket holds a token beyond those pending.
func (b *bucket) wait(now time.Time) time.Duration {
	missing := 1 + float64(b.pending) - b.lim.TokensAt(now)
	if missing <= 0 {
		return 0
	}
	if b.lim.Limit() <= 0 {
		return time.Hour
	}
	secs := math.Ceil(missing / float64(b.lim.Limit()))
	return time.Duration(max(secs, 1)) * time.Second
}

func (t *Throttle) finish(a *Attempt, fn func(now time.Time, acct, ad *bucket)) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if a == nil || a.done {
		return
	}
	a.done = true
	acct, ad := t.accounts[a.account], t.addrs[a.addr]
	// Entries with pending attempts are never swept, so both exist.
	acct.pending--
	ad.pending--
	fn(t.now(), acct, ad)
}

// Failed uses up a token of the account and of the address.
func (a *Attempt) Failed() {
	a.t.finish(a, func(now time.Time, acct, ad *bucket) {
		acct.lim.AllowN(now, 1)
		ad.lim.AllowN(now, 1)
	})
}

// Succeeded forgets the account's failures. The address keeps its own:
// one good login must not buy an address a fresh round of guesses on
// other accounts.
func (a *Attempt) Succeeded() {
	a.t.finish(a, func(now time.Time, acct, ad *bucket) {
		acct.lim = rate.NewLimiter(a.t.limits.AccountRate, a.t.limits.AccountBurst)
	})
}

// Abandon ends an attempt that was neither right nor wrong (the server was
// busy): nothing is counted.
func (a *Attempt) Abandon() {
	a.t.finish(a, func(time.Time, *bucket, *bucket) {})
}

// sweep forgets full, idle buckets once a minute: they hold no history.
func (t *Throttle) sweep(now time.Time) {
	if now.Sub(t.swept) < time.Minute {
		return
	}
	t.swept = now
	for k, b := range t.accounts {
		if b.pending == 0 && b.lim.TokensAt(now) >= float64(b.lim.Burst()) {
			delete(t.accounts, k)
		}
	}
	for k, b := range t.addrs {
		if b.pending == 0 && b.lim.TokensAt(now) >= float64(b.lim.Burst()) {
			delete(t.addrs, k)
		}
	}
}
