package turn

import (
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"
)

// ICEServer is one entry of a participant's ICE configuration, in the shape
// of the browser's RTCIceServer.
type ICEServer struct {
	URLs       []string `json:"urls"`
	Username   string   `json:"username,omitempty"`
	Credential string   `json:"credential,omitempty"`
}

// Provider hands out ICE servers with fresh credentials per participant, for
// the embedded server (NewProvider) or an existing coturn (External).
// A nil *Provider hands out none.
type Provider struct {
	// URLs are stun: and turn: URLs; turn: URLs get the credentials.
	URLs        []string
	Credentials Credentials
}

// NewProvider returns the Provider for the school's own TURN server at
// host:port (host as clients reach it: the public IP or a name resolving to
// it), offering UDP and, if tcp, TCP.
func NewProvider(host string, port int, tcp bool, cred Credentials) *Provider {
	hp := net.JoinHostPort(host, strconv.Itoa(port))
	urls := []string{"stun:" + hp, "turn:" + hp + "?transport=udp"}
	if tcp {
		urls = append(urls, "turn:"+hp+"?transport=tcp")
	}
	return &Provider{URLs: urls, Credentials: cred}
}

// External describes an existing TURN server (coturn with
// use-auth-secret and static-auth-secret=Secret) that Ersatzraum hands
// out instead of its own.
type External struct {
	URLs   []string // e.g. turn:turn.schule.example:3478?transport=udp
	Secret []byte
}

// Provider returns the Provider for e, with credentials valid for ttl
// (DefaultTTL when zero). It fails on a URL that is not stun: or turn:.
func (e External) Provider(ttl time.Duration) (*Provider, error) {
	if len(e.Secret) == 0 {
		return nil, fmt.Errorf("turn: external server without a secret")
	}
	if len(e.URLs) == 0 {
		return nil, fmt.Errorf("turn: external server without URLs")
	}
	for _, u := range e.URLs {
		if _, err := ParseURL(u); err != nil {
			return nil, err
		}
	}
	return &Provider{URLs: e.URLs, Credentials: Credentials{Secret: e.Secret, TTL: ttl}}, nil
}

// For returns the ICE servers for one participant: the stun: URLs without
// and the turn: URLs with credentials issued for user (a participant id,
// without colons).
func (p *Provider) For(user string) []ICEServer {
	if p == nil {
		return nil
	}
	var stun, turn []string
	for _, u := range p.URLs {
		if strings.HasPrefix(u, "stun:") || strings.HasPrefix(u, "stuns:") {
			stun = append(stun, u)
		} else {
			turn = append(turn, u)
		}
	}
	var out []ICEServer
	if len(stun) > 0 {
		out = append(out, ICEServer{URLs: stun})
	}
	if len(turn) > 0 {
		name, pass, _ := p.Credentials.Issue(user)
		out = append(out, ICEServer{URLs: turn, Username: name, Credential: pass})
	}
	return out
}

// URL is a parsed stun: or turn: URL (RFC 7064, RFC 7065).
type URL struct {
	Scheme    string // stun, stuns, turn or turns
	Host      string
	Port      int
	Transport string // udp or tcp
}

// Addr is host:port.
func (u URL) Addr() string { return net.JoinHostPort(u.Host, strconv.Itoa(u.Port)) }

// ParseURL parses a stun:, stuns:, turn: or turns: URL.
func ParseURL(s string) (URL, error) {
	bad := func(why string) (URL, error) { return URL{}, fmt.Errorf("turn: URL %q: %s", s, why) }
	scheme, rest, ok := strings.Cut(s, ":")
	if !ok {
		return bad("no scheme")
	}
	u := URL{Scheme: scheme}
	switch scheme {
	case "stun", "turn":
		u.Port, u.Transport = 3478, "udp"
	case "stuns", "turns":
		u.Port, u.Transport = 5349, "tcp"
	default:
		return bad("scheme is not stun, stuns, turn or turns")
	}
	rest, query, _ := strings.Cut(rest, "?")
	if query != "" {
		if scheme == "stun" || scheme == "stuns" {
			return bad("stun URLs take no query")
		}
		t, ok := strings.CutPrefix(query, "transport=")
		if !ok || (t != "udp" && t != "tcp") {
			return bad("query must be transport=udp or transport=tcp")
		}
		u.Transport = t
	}
	host, port, err := net.SplitHostPort(rest)
	if err != nil {
		host = strings.TrimSuffix(strings.TrimPrefix(rest, "["), "]")
	} else {
		p, err := strconv.Atoi(port)
		if err != nil || p < 1 || p > 65535 {
			return bad("bad port")
		}
		u.Port = p
	}
	if host == "" || strings.ContainsAny(host, "/@ ") {
		return bad("bad host")
	}
	u.Host = host
	return u, nil
}
