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

// refusedPorts are UDP ports above 1023 that belong to services, not to
// browsers: amplifiers (SSDP, memcached), other STUN/TURN servers (a relay
// chained through another hides who sends), SIP, mDNS.
var refusedPorts = map[uint16]bool{
	1900: true, 3478: true, 3479: true, 5060: true, 5061: true, 5349: true, 5350: true, 5353: true, 11211: true,
}

// peerPolicy decides which peers a relay may exchange datagrams with. A
// WebRTC peer of a relayed browser is another browser: its public (or, on
// a school LAN, private) address at a port its operating system or NAT
// picked, never below 1024; or another allocation on this very server
// (both browsers relayed), at the public IP and a port of the relay range.
// Everything else the server's machine offers is out of reach: loopback,
// its other addresses, its TURN port, its HTTP port (/metrics), whatever
// --turn-allow-private-peers says.
type peerPolicy struct {
	allowPrivate       bool
	public             netip.Addr   // the relay address in candidates
	own                []netip.Addr // the machine's other addresses
	relayMin, relayMax int
	turnPort           int
}

// newPeerPolicy reads the machine's interface addresses once, at start.
func newPeerPolicy(cfg Config, public netip.Addr, turnPort int) *peerPolicy {
	p := &peerPolicy{allowPrivate: cfg.AllowPrivatePeers, public: public, relayMin: cfg.RelayMinPort, relayMax: cfg.RelayMaxPort, turnPort: turnPort}
	if addrs, err := net.InterfaceAddrs(); err == nil {
		for _, a := range addrs {
			if n, ok := a.(*net.IPNet); ok {
				if ip, ok := netip.AddrFromSlice(n.IP); ok {
					p.own = append(p.own, ip.Unmap())
				}
			}
		}
	}
	return p
}

// allowedIP is the part of the decision that needs no port: what pion asks
// on CreatePermission and ChannelBind (403 for a refused address).
func (p *peerPolicy) allowedIP(ip netip.Addr) bool {
	ip = ip.Unmap()
	if refusedAlways(ip) {
		return false
	}
	// The public IP is where the other allocations are (allowed checks the
	// port); any other address of the machine is not a peer.
	if ip != p.public && (ip.IsLoopback() || p.isOwn(ip)) {
		return false
	}
	return p.allowPrivate || !privatePeer(ip)
}

// allowed decides for one datagram's peer.
func (p *peerPolicy) allowed(ap netip.AddrPort) bool {
	ip, port := ap.Addr().Unmap(), int(ap.Port())
	if !p.allowedIP(ip) {
		return false
	}
	if ip == p.public {
		return port >= p.relayMin && port <= p.relayMax && port != p.turnPort
	}
	return port >= 1024 && !refusedPorts[uint16(port)]
}

func (p *peerPolicy) isOwn(ip netip.Addr) bool {
	for _, o := range p.own {
		if o == ip {
			return true
		}
	}
	return false
}

// peerFilter is pion's PermissionHandler, asked for every CreatePermission
// and ChannelBind: without a permission a relay neither sends to nor
// accepts from a peer address.
func peerFilter(p *peerPolicy, log *slog.Logger) pionturn.PermissionHandler {
	return func(client net.Addr, peer net.IP) bool {
		ip, ok := netip.AddrFromSlice(peer)
		if !ok || !p.allowedIP(ip) {
			log.Debug("turn: refused peer", "client", client.String(), "peer", peer.String())
			return false
		}
		return true
	}
}
