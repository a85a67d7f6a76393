package turn

import (
	"context"
	"net"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"
)

// What a participant with a valid credential must not reach through the
// relay, whatever --turn-allow-private-peers says: the server itself (its
// HTTP port, /metrics), other services on its addresses, and TCP peers.

// TestTCPRelayingIsOff: RFC 6062 allocations (REQUESTED-TRANSPORT TCP)
// are refused, asked by coturn's client and by pion's. TURN over TCP to
// the server (the UDP relay reached over TCP) stays.
func TestTCPRelayingIsOff(t *testing.T) {
	s := startTest(t, Config{AllowPrivatePeers: true})
	u, p := testCreds("tcp-relay")
	args := []string{"-T"}
	sent, recv, out, err := uclientArgs(t, s.Port(), args, u, p, 5)
	if err == nil && recv > 0 {
		t.Fatalf("turnutils_uclient -T relayed over TCP: sent %d, received %d\n%s", sent, recv, out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, transport := range []string{"udp", "tcp"} {
		c, closeFn, err := dialClient(ctx, s.testURL(transport), u, p)
		if err != nil {
			t.Fatal(err)
		}
		if alloc, err := c.AllocateTCPWithContext(ctx); err == nil {
			alloc.Close()
			t.Errorf("over %s: a TCP allocation was granted", transport)
		}
		closeFn()
	}
	if _, err := allocate(t, s, "tcp", "udp-over-tcp"); err != nil {
		t.Fatalf("UDP relay over a TCP connection to the server: %v", err)
	}
}

// relayPair is two allocations on one server, a sender and a receiver.
type relayPair struct {
	send, recv net.PacketConn
}

func newRelayPair(t *testing.T, s *Server) relayPair {
	t.Helper()
	a, err := allocate(t, s, "udp", "pair-a")
	if err != nil {
		t.Fatal(err)
	}
	b, err := allocate(t, s, "udp", "pair-b")
	if err != nil {
		t.Fatal(err)
	}
	return relayPair{send: a, recv: b}
}

// listenUDP opens a plain UDP socket on ip at a port below the test relay
// range (40000-60000), standing in for a service on the server's machine.
func listenUDP(t *testing.T, ip string) *net.UDPConn {
	t.Helper()
	for port := 20000; port < 20100; port++ {
		c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.ParseIP(ip), Port: port})
		if err == nil {
			t.Cleanup(func() { c.Close() })
			return c
		}
	}
	t.Fatalf("no free UDP port on %s", ip)
	return nil
}

// received collects what a socket gets.
func received(c net.PacketConn) func() []string {
	var mu sync.Mutex
	var got []string
	go func() {
		buf := make([]byte, 1500)
		for {
			n, _, err := c.ReadFrom(buf)
			if err != nil {
				return
			}
			mu.Lock()
			got = append(got, string(buf[:n]))
			mu.Unlock()
		}
	}()
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), got...)
	}
}

// ownAddress is an address of this machine other than loopback, if any.
func ownAddress(t *testing.T) string {
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && n.IP.To4() != nil && !n.IP.IsLoopback() {
			return n.IP.String()
		}
	}
	return ""
}

func TestRelayNeverReachesTheServersOwnServices(t *testing.T) {
	s := startTest(t, Config{AllowPrivatePeers: true})
	pair := newRelayPair(t, s)
	relayed := received(pair.recv)
	targets := []*net.UDPConn{listenUDP(t, "127.0.0.1")}
	if own := ownAddress(t); own != "" {
		targets = append(targets, listenUDP(t, own))
	} else {
		t.Log("this machine has no address besides loopback; only loopback is checked")
	}
	var got []func() []string
	for _, target := range targets {
		got = append(got, received(target))
		// Refused silently: a relay drops what it may not send.
		pair.send.WriteTo([]byte("to-service"), target.LocalAddr())
	}
	// The TURN port itself is no peer either.
	pair.send.WriteTo([]byte("to-turn"), &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: s.Port()})
	// Relay to relay on the same server is what two relayed browsers do:
	// it works, and once it arrived the refused packets had their chance.
	waitFor(t, "relay to relay", func() bool {
		// Each side permits the other (TURN permissions are per side).
		pair.recv.WriteTo([]byte("hello"), pair.send.LocalAddr())
		pair.send.WriteTo([]byte("to-relay"), pair.recv.LocalAddr())
		return len(relayed()) > 0
	})
	time.Sleep(200 * time.Millisecond)
	for i, target := range targets {
		if g := got[i](); len(g) > 0 {
			t.Errorf("the relay delivered %q to %s, a service on the server's own address", g, target.LocalAddr())
		}
	}
	// Nor does a service on the server's address reach into a relay.
	targets[0].WriteTo([]byte("from-service"), pair.recv.LocalAddr())
	pair.send.WriteTo([]byte("marker"), pair.recv.LocalAddr())
	waitFor(t, "marker", func() bool {
		for _, m := range relayed() {
			if m == "marker" {
				return true
			}
		}
		return false
	})
	for _, m := range relayed() {
		if m == "from-service" {
			t.Error("a packet from a local service reached the relay's client")
		}
	}
}

func TestPeerPolicy(t *testing.T) {
	p := peerPolicy{
		allowPrivate: false,
		public:       netip.MustParseAddr("203.0.113.7"),
		own:          []netip.Addr{netip.MustParseAddr("127.0.0.1"), netip.MustParseAddr("192.168.1.5")},
		relayMin:     49152, relayMax: 65535, turnPort: 3478,
	}
	priv := p
	priv.allowPrivate = true
	for _, c := range []struct {
		peer          string
		want, wantLAN bool
	}{
		{"198.51.100.20:50000", true, true},   // a browser's public address
		{"198.51.100.20:1024", true, true},    // the lowest port a browser sends from
		{"198.51.100.20:25", false, false},    // SMTP
		{"198.51.100.20:53", false, false},    // DNS
		{"198.51.100.20:443", false, false},   // no browser sends WebRTC from here
		{"198.51.100.20:0", false, false},     // no port
		{"198.51.100.20:11211", false, false}, // memcached: a UDP amplifier
		{"198.51.100.20:1900", false, false},  // SSDP
		{"198.51.100.20:3478", false, false},  // another TURN/STUN server: no chains
		{"203.0.113.7:50000", true, true},     // another allocation on this server
		{"203.0.113.7:8080", false, false},    // the server's own HTTP
		{"203.0.113.7:3478", false, false},    // its TURN port
		{"127.0.0.1:50000", false, false},     // loopback, even in the relay range: not our relay address
		{"127.0.0.1:8080", false, false},
		{"10.1.2.3:50000", false, true},     // the school LAN: only when allowed
		{"192.168.1.5:50000", false, false}, // the server's own LAN address
		{"169.254.169.254:80", false, false},
		{"224.0.0.1:50000", false, false},
	} {
		ap := netip.MustParseAddrPort(c.peer)
		if got := p.allowed(ap); got != c.want {
			t.Errorf("%s: allowed %v, want %v", c.peer, got, c.want)
		}
		if got := priv.allowed(ap); got != c.wantLAN {
			t.Errorf("%s with private peers: allowed %v, want %v", c.peer, got, c.wantLAN)
		}
	}
}

// TestCredentialsLiveWhileTheParticipantIsIn: credentials are short-lived,
// keep working (for refreshes and new allocations) while the hub says the
// participant is in, and stop at once, relays included, when the
// participant is revoked (sent out, lesson ended).
func TestCredentialsLiveWhileTheParticipantIsIn(t *testing.T) {
	var mu sync.Mutex
	in := map[string]bool{"p-in": true, "p-out": false, "p-sent-out": true}
	s := startTest(t, Config{AllowPrivatePeers: true, Present: func(user string) bool {
		mu.Lock()
		defer mu.Unlock()
		return in[user]
	}})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	expired := Credentials{Secret: testSecret, TTL: time.Minute, Now: fixedClock(time.Now().Add(-2 * time.Minute))}
	try := func(user string, cred Credentials) (net.PacketConn, error) {
		n, p, _ := cred.Issue(user)
		c, closeFn, err := dialClient(ctx, s.testURL("udp"), n, p)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(closeFn)
		relay, err := c.AllocateWithContext(ctx)
		if err == nil {
			t.Cleanup(func() { relay.Close() })
		}
		return relay, err
	}
	if _, err := try("p-in", expired); err != nil {
		t.Errorf("expired credential of a participant who is in: %v", err)
	}
	if _, err := try("p-out", expired); err == nil || !strings.Contains(err.Error(), "401") {
		t.Errorf("expired credential of a participant who left: %v, want 401", err)
	}
	fresh := Credentials{Secret: testSecret, TTL: time.Hour}
	relay, err := try("p-sent-out", fresh)
	if err != nil {
		t.Fatal(err)
	}
	other, err := try("p-in", fresh)
	if err != nil {
		t.Fatal(err)
	}
	got := received(other)
	waitFor(t, "relay works before", func() bool {
		other.WriteTo([]byte("hello"), relay.LocalAddr())
		relay.WriteTo([]byte("before"), other.LocalAddr())
		return len(got()) > 0
	})
	mu.Lock()
	in["p-sent-out"] = false
	mu.Unlock()
	s.Revoke("p-sent-out")
	if _, err := try("p-sent-out", fresh); err == nil || !strings.Contains(err.Error(), "401") {
		t.Errorf("unexpired credential after revocation: %v, want 401", err)
	}
	n := len(got())
	relay.WriteTo([]byte("after"), other.LocalAddr())
	// A marker from a participant still in shows the relay path is live.
	waitFor(t, "marker", func() bool {
		other.WriteTo([]byte("ping"), other.LocalAddr())
		return len(got()) > n
	})
	time.Sleep(200 * time.Millisecond)
	for _, m := range got() {
		if m == "after" {
			t.Error("the revoked participant's relay still forwards")
		}
	}
	// Back in (admitted again): a fresh credential works again.
	mu.Lock()
	in["p-sent-out"] = true
	mu.Unlock()
	s.Unrevoke("p-sent-out")
	if _, err := try("p-sent-out", fresh); err != nil {
		t.Errorf("readmitted participant: %v", err)
	}
}
