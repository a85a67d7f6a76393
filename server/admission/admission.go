// Package admission owns who may knock how often: the client address of a
// request (from the TCP peer, or from X-Forwarded-For only when the peer
// is a configured trusted proxy), and per-address limits on new
// connections and on wrong join codes, so that nobody can flood the server
// or guess a lesson's code.
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

// Limits configures a Gate.
type Limits struct {
	// ConnectRate and ConnectBurst bound new connections per address. A
	// whole school behind one NAT joins from one address at 08:00, so the
	// default allows hundreds within a minute.
	ConnectRate  rate.Limit
	ConnectBurst int
	// GuessRate and GuessBurst bound wrong join codes per address.
	GuessRate  rate.Limit
	GuessBurst int
}

// DefaultLimits are used when the admin sets none.
var DefaultLimits = Limits{
	ConnectRate:  50,
	ConnectBurst: 500,
	GuessRate:    rate.Every(6 * time.Second), // 10 per minute
	GuessBurst:   20,
}

// Gate keeps per-address limiters. Addresses unseen for idleAfter are
// forgotten, so the table stays small.
type Gate struct {
	limits Limits
	now    func() time.Time

	mu      sync.Mutex
	entries map[netip.Addr]*entry
	swept   time.Time
}

type entry struct {
	connect *rate.Limiter
	guess   *rate.Limiter
	seen    time.Time
}

const idleAfter = 10 * time.Minute

// NewGate returns a gate with the given limits.
func NewGate(l Limits) *Gate {
	return &Gate{limits: l, now: time.Now, entries: make(map[netip.Addr]*entry)}
}

func (g *Gate) entry(addr netip.Addr) *entry {
	now := g.now()
	if now.Sub(g.swept) > time.Minute {
		for a, e := range g.entries {
			if now.Sub(e.seen) > idleAfter {
				delete(g.entries, a)
			}
		}
		g.swept = now
	}
	e, ok := g.entries[addr]
	if !ok {
		e = &entry{
			connect: rate.NewLimiter(g.limits.ConnectRate, g.limits.ConnectBurst),
			guess:   rate.NewLimiter(g.limits.GuessRate, g.limits.GuessBurst),
		}
		g.entries[addr] = e
	}
	e.seen = now
	return e
}

// AllowConnect reports whether addr may open another connection now.
func (g *Gate) AllowConnect(addr netip.Addr) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.entry(addr).connect.AllowN(g.now(), 1)
}

// MayGuess reports whether addr still has wrong guesses left. Valid codes
// never use any up, so a class joining from one address is not slowed.
func (g *Gate) MayGuess(addr netip.Addr) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.entry(addr).guess.TokensAt(g.now()) >= 1
}

// GuessFailed uses up one wrong guess of addr.
func (g *Gate) GuessFailed(addr netip.Addr) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.entry(addr).guess.AllowN(g.now(), 1)
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
