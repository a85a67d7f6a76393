package turn

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"strconv"
	"time"

	"github.com/pion/logging"
	pionturn "github.com/pion/turn/v5"
)

// Defaults for Config.
const (
	DefaultListenAddr   = ":3478"
	DefaultRealm        = "ersatzraum"
	DefaultRelayMinPort = 49152
	DefaultRelayMaxPort = 65535
	DefaultUserQuota    = 5
)

// Config configures the embedded TURN server. The server is IPv4 only.
type Config struct {
	// ListenAddr is HOST:PORT for both the UDP and the TCP listener
	// (DefaultListenAddr when empty). Port 0 picks a free port that is free
	// for both. On a host with several addresses, name one: replies over
	// UDP leave from the address the host routes by.
	ListenAddr string
	// PublicIP is the address put into relayed candidates, the one clients
	// reach the relay ports at. Required unless ListenAddr's host is a
	// concrete IP, which is then used.
	PublicIP string
	// Realm is the TURN realm (DefaultRealm when empty).
	Realm string
	// RelayMinPort and RelayMaxPort bound the UDP ports of relayed
	// candidates (DefaultRelayMinPort and DefaultRelayMaxPort when zero);
	// the firewall must let them in.
	RelayMinPort, RelayMaxPort int
	// AllowPrivatePeers lets clients relay to private, loopback, link-local
	// and carrier-grade NAT addresses. Off by default: a TURN server that
	// relays anywhere is a door from the internet into the network it stands
	// in. A server inside a school LAN, whose participants are on that LAN,
	// needs it on.
	AllowPrivatePeers bool
	// UserQuota is the most allocations one user (the user part of the
	// username) may hold at once (DefaultUserQuota when zero). A browser
	// holds one per peer connection and TURN URL.
	UserQuota int
	// Quota, if set, overrides UserQuota per user, e.g. for a teacher who
	// holds a peer connection to every student.
	Quota func(user string) int
	// Secret is the shared secret credentials are derived from (required).
	Secret []byte
	// Present, if set, reports whether a user (a participant id) is in a
	// lesson right now. Its credentials then keep working after they
	// expired: browsers keep the credentials of an allocation for its
	// whole life, so short-lived credentials are renewed here, on the
	// server, for exactly as long as the participant is in.
	Present func(user string) bool
	// RevokeFor is how long a revocation (Server.Revoke) is remembered:
	// at least the credentials' lifetime (DefaultTTL when zero).
	RevokeFor time.Duration
	// Log receives the server's messages (discarded when nil).
	Log *slog.Logger
}

// Server is a running embedded TURN server.
type Server struct {
	turn   *pionturn.Server
	udp    net.PacketConn
	tcp    net.Listener
	quota  *quota
	users  *relayUsers
	public net.IP
	port   int
}

// Start listens on cfg.ListenAddr over UDP and TCP and serves TURN there.
func Start(cfg Config) (*Server, error) {
	if len(cfg.Secret) == 0 {
		return nil, errors.New("turn: no secret")
	}
	if cfg.ListenAddr == "" {
		cfg.ListenAddr = DefaultListenAddr
	}
	if cfg.Realm == "" {
		cfg.Realm = DefaultRealm
	}
	if cfg.RelayMinPort == 0 && cfg.RelayMaxPort == 0 {
		cfg.RelayMinPort, cfg.RelayMaxPort = DefaultRelayMinPort, DefaultRelayMaxPort
	}
	if cfg.RelayMinPort < 1 || cfg.RelayMaxPort > 65535 || cfg.RelayMinPort > cfg.RelayMaxPort {
		return nil, fmt.Errorf("turn: relay port range %d-%d is not within 1-65535", cfg.RelayMinPort, cfg.RelayMaxPort)
	}
	if cfg.UserQuota <= 0 {
		cfg.UserQuota = DefaultUserQuota
	}
	if cfg.Log == nil {
		cfg.Log = discard
	}
	host, portStr, err := net.SplitHostPort(cfg.ListenAddr)
	if err != nil {
		return nil, fmt.Errorf("turn: listen address %q: %w", cfg.ListenAddr, err)
	}
	port, err := strconv.Atoi(portStr)
	if err != nil || port < 0 || port > 65535 {
		return nil, fmt.Errorf("turn: listen address %q: bad port", cfg.ListenAddr)
	}
	bind := "0.0.0.0"
	if host != "" {
		ip, err := netip.ParseAddr(host)
		if err != nil || !ip.Unmap().Is4() {
			return nil, fmt.Errorf("turn: listen address %q: host must be empty or an IPv4 address", cfg.ListenAddr)
		}
		bind = ip.Unmap().String()
	}
	publicStr := cfg.PublicIP
	if publicStr == "" {
		if bind == "0.0.0.0" {
			return nil, errors.New("turn: the public IP is required when listening on all addresses")
		}
		publicStr = bind
	}
	public, err := netip.ParseAddr(publicStr)
	if err != nil || !public.Unmap().Is4() || public.IsUnspecified() {
		return nil, fmt.Errorf("turn: public IP %q is not an IPv4 address", publicStr)
	}

	udp, tcp, err := listenBoth(bind, port)
	if err != nil {
		return nil, err
	}
	q := newQuota(cfg.UserQuota, cfg.Quota)
	if cfg.RevokeFor <= 0 {
		cfg.RevokeFor = DefaultTTL
	}
	users := newRelayUsers(cfg.RevokeFor)
	policy := newPeerPolicy(cfg, public.Unmap(), udp.LocalAddr().(*net.UDPAddr).Port)
	relay := func() pionturn.RelayAddressGenerator {
		return &relayGenerator{
			inner: &pionturn.RelayAddressGeneratorPortRange{
				RelayAddress: net.IP(public.Unmap().AsSlice()),
				Address:      bind,
				MinPort:      uint16(cfg.RelayMinPort),
				MaxPort:      uint16(cfg.RelayMaxPort),
			},
			policy: policy,
			users:  users,
			log:    cfg.Log,
		}
	}
	perm := peerFilter(policy, cfg.Log)
	ts, err := pionturn.NewServer(pionturn.ServerConfig{
		Realm:         cfg.Realm,
		AuthHandler:   authHandler(Credentials{Secret: cfg.Secret}, cfg.Present, users, cfg.Log),
		QuotaHandler:  q.allow,
		EventHandler:  pionturn.EventHandler{OnAllocationCreated: q.created, OnAllocationDeleted: q.deleted},
		LoggerFactory: slogFactory{cfg.Log},
		PacketConnConfigs: []pionturn.PacketConnConfig{{
			PacketConn: udp, RelayAddressGenerator: relay(), PermissionHandler: perm,
		}},
		ListenerConfigs: []pionturn.ListenerConfig{{
			Listener: tcp, RelayAddressGenerator: relay(), PermissionHandler: perm,
		}},
	})
	if err != nil {
		udp.Close()
		tcp.Close()
		return nil, fmt.Errorf("turn: %w", err)
	}
	s := &Server{turn: ts, udp: udp, tcp: tcp, quota: q, users: users, public: net.IP(public.Unmap().AsSlice()), port: udp.LocalAddr().(*net.UDPAddr).Port}
	cfg.Log.Info("turn server listening", "udp", udp.LocalAddr().String(), "tcp", tcp.Addr().String(),
		"public_ip", s.public.String(), "relay_ports", fmt.Sprintf("%d-%d", cfg.RelayMinPort, cfg.RelayMaxPort),
		"allow_private_peers", cfg.AllowPrivatePeers)
	return s, nil
}

// listenBoth opens UDP and TCP on the same port; for port 0 it tries a few
// ports the system picks for UDP until TCP gets the same one.
func listenBoth(host string, port int) (net.PacketConn, net.Listener, error) {
	var lastErr error
	for range 10 {
		udp, err := net.ListenPacket("udp4", net.JoinHostPort(host, strconv.Itoa(port)))
		if err != nil {
			return nil, nil, fmt.Errorf("turn: listen udp: %w", err)
		}
		p := udp.LocalAddr().(*net.UDPAddr).Port
		tcp, err := net.Listen("tcp4", net.JoinHostPort(host, strconv.Itoa(p)))
		if err == nil {
			return udp, tcp, nil
		}
		udp.Close()
		lastErr = err
		if port != 0 {
			break
		}
	}
	return nil, nil, fmt.Errorf("turn: listen tcp: %w", lastErr)
}

// Revoke refuses user's credentials from now on, expired or not, and
// closes its relays: for a participant sent out of a lesson, or all of a
// lesson's when it ends.
func (s *Server) Revoke(user string) { s.users.revoke(user) }

// Unrevoke lets user in again (admitted back into a lesson).
func (s *Server) Unrevoke(user string) { s.users.unrevoke(user) }

// authHandler checks TURN REST credentials like Credentials.AuthHandler,
// and also refuses revoked users and accepts expired credentials of users
// who are present (Config.Present).
func authHandler(c Credentials, present func(string) bool, users *relayUsers, log *slog.Logger) pionturn.AuthHandler {
	return func(ra *pionturn.RequestAttributes) (string, []byte, bool) {
		user, expired, ok := c.split(ra.Username)
		if ok && expired && present != nil && present(user) {
			expired = false
		}
		if !ok || expired || users.revoked(user) || len(c.Secret) == 0 {
			log.Debug("turn: refused credentials", "username", ra.Username, "src", ra.SrcAddr)
			return "", nil, false
		}
		return user, pionturn.GenerateAuthKey(ra.Username, ra.Realm, c.password(ra.Username)), true
	}
}

// Port is the port the server listens on (UDP and TCP).
func (s *Server) Port() int { return s.port }

// PublicIP is the address in relayed candidates.
func (s *Server) PublicIP() net.IP { return s.public }

// Allocations is the number of relay allocations currently held.
func (s *Server) Allocations() int { return s.turn.AllocationCount() }

// Close stops the server and releases all allocations.
func (s *Server) Close() error { return s.turn.Close() }

var discard = slog.New(slog.DiscardHandler)

// slogFactory routes pion's log lines to slog. pion's info lines are per
// request (every refused peer), so they go to debug; warnings and errors
// stay.
type slogFactory struct{ log *slog.Logger }

func (f slogFactory) NewLogger(scope string) logging.LeveledLogger {
	return slogLogger{f.log.With("pion", scope)}
}

type slogLogger struct{ l *slog.Logger }

func (l slogLogger) Trace(msg string)          {}
func (l slogLogger) Tracef(string, ...any)     {}
func (l slogLogger) Debug(msg string)          { l.l.Debug(msg) }
func (l slogLogger) Debugf(f string, a ...any) { l.l.Debug(fmt.Sprintf(f, a...)) }
func (l slogLogger) Info(msg string)           { l.l.Info(msg) }
func (l slogLogger) Infof(f string, a ...any)  { l.l.Info(fmt.Sprintf(f, a...)) }
func (l slogLogger) Warn(msg string)           { l.l.Warn(msg) }
func (l slogLogger) Warnf(f string, a ...any)  { l.l.Warn(fmt.Sprintf(f, a...)) }
func (l slogLogger) Error(msg string)          { l.l.Error(msg) }
func (l slogLogger) Errorf(f string, a ...any) { l.l.Error(fmt.Sprintf(f, a...)) }
