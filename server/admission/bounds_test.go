package admission

import (
	"fmt"
	"net/netip"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

// Every address of one IPv6 /64 shares one budget (a home or a school gets
// a /64 or more, so one attacker would otherwise have 2^64 budgets); the
// next /64 has its own. The prefix length is configurable.
func TestIPv6IsCountedPerNetwork(t *testing.T) {
	g := NewGate(Limits{GuessRate: rate.Every(time.Hour), GuessBurst: 2})
	for i := 1; i <= 2; i++ {
		g.GuessFailed(netip.MustParseAddr(fmt.Sprintf("2001:db8:1:2::%x", i)))
	}
	if g.MayGuess(netip.MustParseAddr("2001:db8:1:2:ffff::1")) {
		t.Fatal("another address of the same /64 has guesses left")
	}
	if !g.MayGuess(netip.MustParseAddr("2001:db8:1:3::1")) {
		t.Fatal("the next /64 is limited too")
	}
	wide := NewGate(Limits{GuessRate: rate.Every(time.Hour), GuessBurst: 1, IPv6PrefixBits: 48})
	wide.GuessFailed(netip.MustParseAddr("2001:db8:1:2::1"))
	if wide.MayGuess(netip.MustParseAddr("2001:db8:1:ffff::1")) {
		t.Fatal("--ipv6-prefix 48 does not group a /48")
	}
	exact := NewGate(Limits{GuessRate: rate.Every(time.Hour), GuessBurst: 1, IPv6PrefixBits: 128})
	exact.GuessFailed(netip.MustParseAddr("2001:db8:1:2::1"))
	if !exact.MayGuess(netip.MustParseAddr("2001:db8:1:2::2")) {
		t.Fatal("--ipv6-prefix 128 groups addresses")
	}
	// IPv4 is never grouped.
	g.GuessFailed(netip.MustParseAddr("198.51.100.1"))
	g.GuessFailed(netip.MustParseAddr("198.51.100.1"))
	if !g.MayGuess(netip.MustParseAddr("198.51.100.2")) {
		t.Fatal("IPv4 neighbours share a budget")
	}
}

// The table of addresses is bounded: a flood of fresh addresses (an IPv6
// attacker's /48 holds 65 536 /64s) never grows it past MaxAddresses, and
// an address with open connections keeps its count.
func TestAddressTableIsBounded(t *testing.T) {
	g := NewGate(Limits{MaxAddresses: 50, MaxOpen: 1})
	holder := netip.MustParseAddr("198.51.100.1")
	if !g.Open(holder) {
		t.Fatal("first connection refused")
	}
	for i := 0; i < 5000; i++ {
		g.AllowConnect(netip.MustParseAddr(fmt.Sprintf("2001:db8:%x:%x::1", i>>8, i&0xff)))
		if n := g.Len(); n > 50 {
			t.Fatalf("%d addresses kept, bound is 50", n)
		}
	}
	if g.Open(holder) {
		t.Fatal("the holder's open connection was forgotten: a second one got in")
	}
	g.Closed(holder)
	if !g.Open(holder) {
		t.Fatal("closed connection not given back")
	}
}
