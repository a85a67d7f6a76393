package turn

import (
	"log/slog"
	"net"
	"net/netip"

	pionturn "github.com/pion/turn/v5"
)

// Address ranges that are no one's public address: a relay to them reaches
// into the network the TURN server stands in (or nowhere).
var privatePeerRanges = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),     // "this network"
	netip.MustParsePrefix("100.64.0.0/10"), // carrier-grade NAT
	netip.MustParsePrefix("192.0.0.0/24"),  // IETF protocol assignments
	netip.MustParsePrefix("198.18.0.0/15"), // benchmarking
}

// privatePeer reports whether ip is private, loopback, link-local (which
// includes cloud metadata at 169.254.169.254) or otherwise not a public
// unicast address.
func privatePeer(ip netip.Addr) bool {
	if ip.IsPrivate() || ip.IsLoopback() || ip.IsLinkLocalUnicast() {
		return true
	}
	for _, p := range privatePeerRanges {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// refusedAlways reports addresses no relay should ever send to.
func refusedAlways(ip netip.Addr) bool {
	return !ip.IsValid() || ip.IsUnspecified() || ip.IsMulticast() || ip == netip.AddrFrom4([4]byte{255, 255, 255, 255})
}

// peerFilter is pion's PermissionHandler, asked for every CreatePermission,
// ChannelBind and TCP Connect: without a permission a relay neither sends to
// nor accepts from a peer address.
func peerFilter(allowPrivate bool, log *slog.Logger) pionturn.PermissionHandler {
	return func(client net.Addr, peer net.IP) bool {
		ip, ok := netip.AddrFromSlice(peer)
		ip = ip.Unmap()
		if !ok || refusedAlways(ip) || (!allowPrivate && privatePeer(ip)) {
			log.Debug("turn: refused peer", "client", client.String(), "peer", peer.String())
			return false
		}
		return true
	}
}
