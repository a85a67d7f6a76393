// Package admission owns who may knock how often: the client address of a
// request (from the TCP peer, or from X-Forwarded-For only when the peer
// is a configured trusted proxy), and per-address limits on new
// connections, open connections, wrong join codes and wrong personal
// links, so that nobody can flood the server or guess a lesson's code.
//
// "Per address" means per IPv4 address and per IPv6 network of
// Limits.IPv6PrefixBits (a /64 by default): one home or school gets a /64
// or more, so counting single IPv6 addresses would hand one attacker 2^64
// budgets. Every table is bounded (Limits.MaxAddresses).
package admission

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limits configures a Gate. Zero fields take DefaultLimits' values.
type Limits struct {
	// ConnectRate and ConnectBurst bound new connections per address. A
	// whole school behind one NAT joins from one address at 08:00, so the
	// default allows hundreds within a minute.
	ConnectRate  rate.Limit
	ConnectBurst int
	// GuessRate and GuessBurst bound wrong join codes per address. Join
	// codes can be guessed (31^8 of them), so an address without guesses
	// left is refused even a right code: otherwise the limit would tell a
	// guesser nothing less. The budget is sized for a school behind one
	// address, where children mistype codes at 08:00.
	GuessRate  rate.Limit
	GuessBurst int
	// TokenRate and TokenBurst bound wrong personal links per address.
	// A personal link has 128 random bits and cannot be guessed, so a
	// right link is always admitted; this budget only keeps one address
	// from making the server look up garbage without end, and it is not
	// shared with the join codes' (nobody's wrong codes refuse a link).
	TokenRate  rate.Limit
	TokenBurst int
	// MaxOpen bounds open WebSocket connections per address: sized for a
	// school of a thousand behind one NAT, far below the file descriptors
	// of the process.
	MaxOpen int
	// IPv6PrefixBits groups IPv6 addresses into networks of this length
	// (1–128; 64 by default). IPv4 addresses are never grouped.
	IPv6PrefixBits int
	// MaxAddresses bounds the table of addresses kept.
	MaxAddresses int
}

// DefaultLimits are used when the admin sets none. The guessing
// arithmetic is in docs/security.md: 300 wrong codes, then one every two
// seconds, is about 540 years per address for one hit among 100 live
// codes.
var DefaultLimits = Limits{
	ConnectRate:    50,
	ConnectBurst:   500,
	GuessRate:      rate.Every(2 * time.Second), // 30 per minute
	GuessBurst:     300,
	TokenRate:      rate.Every(time.Second),
	TokenBurst:     300,
	MaxOpen:        2000,
	IPv6PrefixBits: 64,
	MaxAddresses:   100_000,
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	if l.ConnectRate == 0 && l.ConnectBurst == 0 {
		l.ConnectRate, l.ConnectBurst = d.ConnectRate, d.ConnectBurst
	}
	if l.GuessRate == 0 && l.GuessBurst == 0 {
		l.GuessRate, l.GuessBurst = d.GuessRate, d.GuessBurst
	}
	if l.TokenRate == 0 && l.TokenBurst == 0 {
		l.TokenRate, l.TokenBurst = d.TokenRate, d.TokenBurst
	}
	if l.MaxOpen <= 0 {
		l.MaxOpen = d.MaxOpen
	}
	if l.IPv6PrefixBits <= 0 || l.IPv6PrefixBits > 128 {
		l.IPv6PrefixBits = d.IPv6PrefixBits
	}
	if l.MaxAddresses <= 0 {
		l.MaxAddresses = d.MaxAddresses
	}
	return l
}

// Group returns the key an address is counted under: the address itself
// for IPv4, its network of ipv6Bits for IPv6 (so 2001:db8:1:2::7 and
// 2001:db8:1:2::8 share a budget at 64).
func Group(addr netip.Addr, ipv6Bits int) netip.Addr {
	addr = addr.Unmap()
	if !addr.Is6() || ipv6Bits <= 0 || ipv6Bits >= 128 {
		return addr.WithZone("")
	}
	p, err := addr.WithZone("").Prefix(ipv6Bits)
	if err != nil {
		return addr
	}
	return p.Addr()
}

// Gate keeps per-address limiters. Addresses unseen for idleAfter are
// forgotten, so the table stays small; when it is full anyway (many
// addresses at once), an entry without open connections is dropped to
// make room.
type Gate struct {
	limits Limits
	now    func() time.Time

	// mu guards entries and swept.
	mu      sync.Mutex
	entries map[netip.Addr]*entry
	swept   time.Time
}

type entry struct {
	connect *rate.Limiter
	guess   *rate.Limiter
	token   *rate.Limiter
	open    int // WebSocket connections open now
	seen    time.Time
}

const idleAfter = 10 * time.Minute

// NewGate returns a gate with the given limits.
func NewGate(l Limits) *Gate {
	return &Gate{limits: l.withDefaults(), now: time.Now, entries: make(map[netip.Addr]*entry)}
}

// Limits returns the limits in effect.
func (g *Gate) Limits() Limits { return g.limits }

// Key is the key addr is counted under (see Group).
func (g *Gate) Key(addr netip.Addr) netip.Addr { return Group(addr, g.limits.IPv6PrefixBits) }

// Len is the number of addresses kept.
func (g *Gate) Len() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.entries)
}

func (g *Gate) sweep(now time.Time, idle time.Duration) {
	for a, e := range g.entries {
		if e.open == 0 && now.Sub(e.seen) > idle {
			delete(g.entries, a)
		}
	}
	g.swept = now
}

func (g *Gate) entry(addr netip.Addr) *entry {
	now := g.now()
	addr = g.Key(addr)
	if now.Sub(g.swept) > time.Minute {
		g.sweep(now, idleAfter)
	}
	e, ok := g.entries[addr]
	if !ok {
		if len(g.entries) >= g.limits.MaxAddresses {
			g.makeRoom(now)
		}
		e = &entry{
			connect: rate.NewLimiter(g.limits.ConnectRate, g.limits.ConnectBurst),
			guess:   rate.NewLimiter(g.limits.GuessRate, g.limits.GuessBurst),
			token:   rate.NewLimiter(g.limits.TokenRate, g.limits.TokenBurst),
		}
		g.entries[addr] = e
	}
	e.seen = now
	return e
}

// makeRoom drops entries when the table is full: first those idle for a
// minute, else any one without open connections (map order is random,
// so nobody can choose whom to push out). Entries with open connections
// stay: they are bounded by the connections themselves.
func (g *Gate) makeRoom(now time.Time) {
	g.sweep(now, time.Minute)
	if len(g.entries) < g.limits.MaxAddresses {
		return
	}
	for a, e := range g.entries {
		if e.open == 0 {
			delete(g.entries, a)
			return
		}
	}
}

// AllowConnect reports whether addr may open another connection now.
func (g *Gate) AllowConnect(addr netip.Addr) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.entry(addr).connect.AllowN(g.now(), 1)
}

// Open counts an open connection of addr, unless addr has MaxOpen open
// already; every true must be followed by one Closed.
func (g *Gate) Open(addr netip.Addr) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	e := g.entry(addr)
	if e.open >= g.limits.MaxOpen {
		return false
	}
	e.open++
	return true
}

// Closed ends a connection counted by Open.
func (g *Gate) Closed(addr netip.Addr) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if e := g.entries[g.Key(addr)]; e != nil && e.open > 0 {
		e.open--
		e.seen = g.now()
	}
}

// MayGuess reports whether addr still has wrong join codes left. Valid
// codes never use any up, so a class joining from one address is not
// slowed.
func (g *Gate) MayGuess(addr netip.Addr) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.entry(addr).guess.TokensAt(g.now()) >= 1
}

// GuessFailed uses up one wrong join code of addr.
func (g *Gate) GuessFailed(addr netip.Addr) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.entry(addr).guess.AllowN(g.now(), 1)
}

// TokenFailed counts one wrong personal link of addr and reports whether
// addr was still within its budget (false: answer "too many" instead of
// "unknown"). Right links are never counted nor refused.
func (g *Gate) TokenFailed(addr netip.Addr) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.entry(addr).token.AllowN(g.now(), 1)
}

// Addresses resolves the client address of requests.
type Addresses struct {
	// Trusted lists the reverse proxies whose X-Forwarded-For is believed.
	Trusted []netip.Prefix
}

// ParseTrusted parses a comma-separated list of addresses or CIDR prefixes.
func ParseTrusted(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(list, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if strings.Contains(f, "/") {
			p, err := netip.ParsePrefix(f)
			if err != nil {
				return nil, err
			}
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, err
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

func (a Addresses) trusted(addr netip.Addr) bool {
	for _, p := range a.Trusted {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// Client returns the address of the client behind r. X-Forwarded-For is
// read from the right, skipping trusted proxies, so that a client cannot
// pretend to be someone else by sending the header itself.
func (a Addresses) Client(r *http.Request) netip.Addr {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}
	}
	peer = peer.Unmap()
	if !a.trusted(peer) {
		return peer
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			return peer // a garbled header: trust only what we saw
		}
		hop = hop.Unmap()
		if !a.trusted(hop) {
			return hop
		}
		peer = hop
	}
	return peer
}
