package admission

import (
	"net/http/httptest"
	"net/netip"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

func TestGuessesAreLimitedPerAddress(t *testing.T) {
	g := NewGate(Limits{ConnectRate: 1, ConnectBurst: 1, GuessRate: rate.Every(time.Minute), GuessBurst: 3})
	now := time.Unix(1000, 0)
	g.now = func() time.Time { return now }
	a := netip.MustParseAddr("203.0.113.7")
	b := netip.MustParseAddr("203.0.113.8")
	for i := 0; i < 3; i++ {
		if !g.MayGuess(a) {
			t.Fatalf("guess %d refused within the burst", i+1)
		}
		g.GuessFailed(a)
	}
	if g.MayGuess(a) {
		t.Fatal("fourth wrong guess allowed")
	}
	if !g.MayGuess(b) {
		t.Fatal("another address is limited too")
	}
	now = now.Add(time.Minute)
	if !g.MayGuess(a) {
		t.Fatal("no guess allowed again after the refill time")
	}
	if !g.AllowConnect(a) || g.AllowConnect(a) {
		t.Fatal("connect burst of 1 not enforced")
	}
	// Idle addresses are forgotten.
	now = now.Add(2 * idleAfter)
	g.AllowConnect(b)
	if _, ok := g.entries[a]; ok {
		t.Fatal("idle address kept")
	}
}

func TestClientAddress(t *testing.T) {
	trusted, err := ParseTrusted("10.0.0.1, 192.168.0.0/24")
	if err != nil {
		t.Fatal(err)
	}
	a := Addresses{Trusted: trusted}
	cases := []struct {
		remote, xff, want string
	}{
		{"198.51.100.4:5000", "", "198.51.100.4"},
		{"198.51.100.4:5000", "1.2.3.4", "198.51.100.4"},              // untrusted peer: header ignored
		{"10.0.0.1:443", "198.51.100.9", "198.51.100.9"},              // trusted proxy
		{"10.0.0.1:443", "6.6.6.6, 198.51.100.9", "198.51.100.9"},     // spoofed left part ignored
		{"10.0.0.1:443", "198.51.100.9, 192.168.0.5", "198.51.100.9"}, // chain of trusted proxies
		{"10.0.0.1:443", "garbage", "10.0.0.1"},
		{"[::ffff:198.51.100.4]:1", "", "198.51.100.4"},
	}
	for _, c := range cases {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = c.remote
		if c.xff != "" {
			r.Header.Set("X-Forwarded-For", c.xff)
		}
		if got := a.Client(r); got.String() != c.want {
			t.Errorf("remote %s xff %q: got %s, want %s", c.remote, c.xff, got, c.want)
		}
	}
	if _, err := ParseTrusted("10.0.0.300"); err == nil {
		t.Error("bad address accepted")
	}
}
