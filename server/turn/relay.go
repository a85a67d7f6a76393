package turn

import (
	"errors"
	"log/slog"
	"net"
	"net/netip"
	"sync"
	"time"

	pionturn "github.com/pion/turn/v5"
)

// relayGenerator hands pion the relay sockets of allocations. It wraps
// pion's port-range generator to
//
//   - refuse TCP allocations (RFC 6062): WebRTC relays media over UDP
//     only (browsers reach the server over TCP when UDP is blocked, which
//     stays), and a TCP relay would let a credential open connections to
//     any TCP service the server can reach (its own /metrics, say);
//   - filter every datagram, both ways, through peerPolicy: permissions
//     in TURN are per IP address, the port is only seen here;
//   - keep the sockets by user, so that Revoke can close a participant's
//     relays at once.
type relayGenerator struct {
	inner  *pionturn.RelayAddressGeneratorPortRange
	policy *peerPolicy
	users  *relayUsers
	log    *slog.Logger
}

var errTCPRelay = errors.New("turn: TCP relaying (RFC 6062) is off; WebRTC relays over UDP")

func (g *relayGenerator) Validate() error { return g.inner.Validate() }

func (g *relayGenerator) AllocatePacketConn(conf pionturn.AllocateListenerConfig) (net.PacketConn, net.Addr, error) {
	if conf.RequestedPort != 0 && (conf.RequestedPort < g.policy.relayMin || conf.RequestedPort > g.policy.relayMax) {
		return nil, nil, errors.New("turn: requested relay port outside the relay range")
	}
	if g.users.revoked(conf.UserID) {
		return nil, nil, errors.New("turn: credentials revoked")
	}
	conn, addr, err := g.inner.AllocatePacketConn(conf)
	if err != nil {
		return nil, nil, err
	}
	fc := &filteredConn{PacketConn: conn, policy: g.policy, log: g.log}
	g.users.add(conf.UserID, fc)
	fc.onClose = func() { g.users.remove(conf.UserID, fc) }
	return fc, addr, nil
}

func (g *relayGenerator) AllocateListener(pionturn.AllocateListenerConfig) (net.Listener, net.Addr, error) {
	return nil, nil, errTCPRelay
}

func (g *relayGenerator) AllocateConn(pionturn.AllocateConnConfig) (net.Conn, error) {
	return nil, errTCPRelay
}

// filteredConn is one allocation's relay socket. Datagrams to a refused
// peer are dropped as if sent (an error would end the allocation), and
// datagrams from one are never handed to the client.
type filteredConn struct {
	net.PacketConn
	policy  *peerPolicy
	log     *slog.Logger
	once    sync.Once
	onClose func()
}

func (c *filteredConn) WriteTo(p []byte, addr net.Addr) (int, error) {
	if !c.policy.allowedAddr(addr) {
		c.log.Debug("turn: dropped datagram to refused peer", "peer", addr.String())
		return len(p), nil
	}
	return c.PacketConn.WriteTo(p, addr)
}

func (c *filteredConn) ReadFrom(p []byte) (int, net.Addr, error) {
	for {
		n, addr, err := c.PacketConn.ReadFrom(p)
		if err != nil || c.policy.allowedAddr(addr) {
			return n, addr, err
		}
	}
}

func (c *filteredConn) Close() error {
	c.once.Do(func() {
		if c.onClose != nil {
			c.onClose()
		}
	})
	return c.PacketConn.Close()
}

// relayUsers are the relay sockets by user and the users whose credentials
// are revoked. mu guards both maps. A revocation is kept for revokeFor
// (at least the credentials' lifetime), then forgotten, so the map stays
// as small as the set of recently sent-out participants.
type relayUsers struct {
	revokeFor time.Duration
	now       func() time.Time

	mu    sync.Mutex
	conns map[string]map[*filteredConn]bool
	out   map[string]time.Time // user -> revoked until
}

func newRelayUsers(revokeFor time.Duration) *relayUsers {
	return &relayUsers{revokeFor: revokeFor, now: time.Now, conns: map[string]map[*filteredConn]bool{}, out: map[string]time.Time{}}
}

func (u *relayUsers) add(user string, c *filteredConn) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.conns[user] == nil {
		u.conns[user] = map[*filteredConn]bool{}
	}
	u.conns[user][c] = true
}

func (u *relayUsers) remove(user string, c *filteredConn) {
	u.mu.Lock()
	defer u.mu.Unlock()
	delete(u.conns[user], c)
	if len(u.conns[user]) == 0 {
		delete(u.conns, user)
	}
}

func (u *relayUsers) revoked(user string) bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	until, ok := u.out[user]
	if ok && u.now().After(until) {
		delete(u.out, user)
		return false
	}
	return ok
}

// revoke refuses user's credentials from now on and closes its relays.
func (u *relayUsers) revoke(user string) {
	u.mu.Lock()
	now := u.now()
	for k, until := range u.out {
		if now.After(until) {
			delete(u.out, k)
		}
	}
	u.out[user] = now.Add(u.revokeFor)
	var conns []*filteredConn
	for c := range u.conns[user] {
		conns = append(conns, c)
	}
	u.mu.Unlock()
	for _, c := range conns {
		c.Close() // calls remove, which takes mu
	}
}

func (u *relayUsers) unrevoke(user string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	delete(u.out, user)
}

// allowedAddr is peerPolicy.allowed for a net.Addr from a socket.
func (p *peerPolicy) allowedAddr(a net.Addr) bool {
	ua, ok := a.(*net.UDPAddr)
	if !ok {
		return false
	}
	ip, ok := netip.AddrFromSlice(ua.IP)
	if !ok || ua.Port < 0 || ua.Port > 65535 {
		return false
	}
	return p.allowed(netip.AddrPortFrom(ip.Unmap(), uint16(ua.Port)))
}
