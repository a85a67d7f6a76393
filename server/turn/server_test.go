package turn

import (
	"context"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"strings"
	"testing"
	"time"
)

var testSecret = []byte("test-secret")

// startTest starts the embedded server on 127.0.0.1 on a free port.
func startTest(t *testing.T, cfg Config) *Server {
	t.Helper()
	cfg.ListenAddr = "127.0.0.1:0"
	cfg.Secret = testSecret
	if cfg.RelayMinPort == 0 {
		cfg.RelayMinPort, cfg.RelayMaxPort = 40000, 60000
	}
	if testing.Verbose() {
		cfg.Log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	s, err := Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func (s *Server) testURL(transport string) URL {
	return URL{Scheme: "turn", Host: "127.0.0.1", Port: s.Port(), Transport: transport}
}

func testCreds(user string) (string, string) {
	n, p, _ := Credentials{Secret: testSecret, TTL: time.Hour}.Issue(user)
	return n, p
}

// allocate opens one allocation as user over transport.
func allocate(t *testing.T, s *Server, transport, user string) (net.PacketConn, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	t.Cleanup(cancel)
	n, p := testCreds(user)
	c, closeFn, err := dialClient(ctx, s.testURL(transport), n, p)
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

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(3 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestStartConfig(t *testing.T) {
	for _, cfg := range []Config{
		{ListenAddr: ":0", Secret: testSecret},                             // public IP missing
		{ListenAddr: "127.0.0.1:0"},                                        // no secret
		{ListenAddr: "127.0.0.1:0", Secret: testSecret, PublicIP: "::1"},   // IPv6
		{ListenAddr: "127.0.0.1:0", Secret: testSecret, RelayMinPort: 500}, // range
		{ListenAddr: "localhost:0", Secret: testSecret},                    // not an IP
	} {
		if s, err := Start(cfg); err == nil {
			s.Close()
			t.Errorf("Start(%+v) succeeded", cfg)
		}
	}
	s := startTest(t, Config{})
	if s.Port() == 0 || s.PublicIP().String() != "127.0.0.1" {
		t.Fatalf("port %d public %v", s.Port(), s.PublicIP())
	}
	// The TCP listener shares the UDP port.
	c, err := net.Dial("tcp", s.testURL("tcp").Addr())
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
}

func TestQuotaRefusesBeyondLimit(t *testing.T) {
	s := startTest(t, Config{UserQuota: 2, AllowPrivatePeers: true})
	first, err := allocate(t, s, "udp", "p-1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := allocate(t, s, "tcp", "p-1"); err != nil { // quotas count across transports
		t.Fatal(err)
	}
	if _, err := allocate(t, s, "udp", "p-1"); err == nil || !strings.Contains(err.Error(), "486") {
		t.Fatalf("third allocation: %v, want 486 Allocation Quota Reached", err)
	}
	if _, err := allocate(t, s, "udp", "p-2"); err != nil { // another user is not affected
		t.Fatalf("other user: %v", err)
	}
	if got := s.Allocations(); got != 3 {
		t.Fatalf("Allocations() = %d, want 3", got)
	}
	first.Close() // deallocates (Refresh with lifetime 0)
	waitFor(t, "the first allocation to go", func() bool { return s.Allocations() == 2 })
	if _, err := allocate(t, s, "udp", "p-1"); err != nil {
		t.Fatalf("after freeing a slot: %v", err)
	}
}

func TestQuotaOverride(t *testing.T) {
	s := startTest(t, Config{UserQuota: 1, Quota: func(u string) int {
		if u == "teacher" {
			return 3
		}
		return 0
	}})
	for i := range 3 {
		if _, err := allocate(t, s, "udp", "teacher"); err != nil {
			t.Fatalf("teacher allocation %d: %v", i, err)
		}
	}
	if _, err := allocate(t, s, "udp", "student"); err != nil {
		t.Fatal(err)
	}
	if _, err := allocate(t, s, "udp", "student"); err == nil {
		t.Fatal("second student allocation accepted with quota 1")
	}
}

func TestQuotaReservationExpires(t *testing.T) {
	q := newQuota(1, nil)
	now := time.Unix(0, 0)
	q.now = func() time.Time { return now }
	a := &net.UDPAddr{IP: net.IPv4(10, 0, 0, 1), Port: 1}
	if !q.allow("u", "", a) || q.allow("u", "", a) {
		t.Fatal("reservation not counted")
	}
	now = now.Add(reservationTTL + time.Second) // the allocation never came
	if !q.allow("u", "", a) {
		t.Fatal("stale reservation still counted")
	}
	q.created(a, nil, "UDP", "u", "", nil, 0)
	if q.allow("u", "", a) {
		t.Fatal("allocation not counted")
	}
	q.deleted(a, nil, "UDP", "u", "")
	if !q.allow("u", "", a) {
		t.Fatal("deleted allocation still counted")
	}
}

func TestPrivatePeersRefusedByDefault(t *testing.T) {
	for _, allow := range []bool{false, true} {
		s := startTest(t, Config{AllowPrivatePeers: allow})
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		n, p := testCreds("p-1")
		c, closeFn, err := dialClient(ctx, s.testURL("udp"), n, p)
		if err != nil {
			t.Fatal(err)
		}
		defer closeFn()
		relay, err := c.AllocateWithContext(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer relay.Close()
		for _, peer := range []string{"127.0.0.1:9", "10.1.2.3:9", "192.168.0.10:9", "169.254.169.254:80"} {
			err := c.CreatePermission(net.UDPAddrFromAddrPort(netipMustAddrPort(peer)))
			if allow && err != nil {
				t.Errorf("AllowPrivatePeers: permission for %s: %v", peer, err)
			}
			if !allow && (err == nil || !strings.Contains(err.Error(), "403")) {
				t.Errorf("default: permission for %s: %v, want 403 Forbidden", peer, err)
			}
		}
		// Public peers are allowed either way; multicast never.
		if err := c.CreatePermission(&net.UDPAddr{IP: net.IPv4(192, 0, 2, 1), Port: 9}); err != nil {
			t.Errorf("public peer: %v", err)
		}
		if err := c.CreatePermission(&net.UDPAddr{IP: net.IPv4(224, 0, 0, 1), Port: 9}); err == nil {
			t.Error("multicast peer allowed")
		}
	}
}

func TestCheckAgainstEmbedded(t *testing.T) {
	s := startTest(t, Config{AllowPrivatePeers: true})
	p := NewProvider("127.0.0.1", s.Port(), true, Credentials{Secret: testSecret})
	rep, err := Check(context.Background(), p.For("turn-check"), CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK || len(rep.Results) != 3 {
		t.Fatalf("report: %+v", rep)
	}
	for _, r := range rep.Results {
		t.Logf("%s: ok=%v rtt=%v relayed=%s mapped=%s sent=%d received=%d", r.URL, r.OK, r.RTT, r.Relayed, r.Mapped, r.Sent, r.Received)
		if strings.HasPrefix(r.URL, "turn:") && (r.Received != r.Sent || r.Sent != 5 || !strings.HasPrefix(r.Relayed, "127.0.0.1:")) {
			t.Errorf("%s: %+v", r.URL, r)
		}
	}
	waitFor(t, "the check's allocations to go", func() bool { return s.Allocations() == 0 })

	// Expired credentials, a wrong secret and a refused relay peer all fail.
	expired := NewProvider("127.0.0.1", s.Port(), false, Credentials{Secret: testSecret, Now: fixedClock(time.Now().Add(-DefaultTTL - time.Minute))})
	wrong := NewProvider("127.0.0.1", s.Port(), false, Credentials{Secret: []byte("wrong")})
	strict := startTest(t, Config{})
	refused := NewProvider("127.0.0.1", strict.Port(), false, Credentials{Secret: testSecret})
	for name, c := range map[string]struct {
		p    *Provider
		want string
	}{"expired": {expired, "401"}, "wrong secret": {wrong, "401"}, "private relay": {refused, "403"}} {
		rep, err := Check(context.Background(), c.p.For("turn-check")[1:], CheckOptions{Timeout: 3 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		if rep.OK || !strings.Contains(rep.Results[0].Error, c.want) {
			t.Errorf("%s: %+v, want an error with %s", name, rep.Results[0], c.want)
		}
	}
}

func netipMustAddrPort(s string) netip.AddrPort { return netip.MustParseAddrPort(s) }
