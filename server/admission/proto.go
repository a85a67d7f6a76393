package admission

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// ForwardedHTTPS reports whether a trusted reverse proxy says that the
// client reached it over HTTPS (X-Forwarded-Proto: https). The header is
// ignored unless the request's direct peer is a trusted proxy, like
// X-Forwarded-For.
func (a Addresses) ForwardedHTTPS(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil || !a.trusted(peer.Unmap()) {
		return false
	}
	// With several proxies in a row, the first one saw the client.
	proto, _, _ := strings.Cut(r.Header.Get("X-Forwarded-Proto"), ",")
	return strings.EqualFold(strings.TrimSpace(proto), "https")
}
