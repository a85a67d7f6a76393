package cli

import (
	"flag"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"ersatzraum/app/protocol"
	"ersatzraum/server/turn"
)

// turnConfig holds the TURN settings of serve.
type turnConfig struct {
	addr         string
	publicIP     string
	host         string
	relayPorts   string
	allowPrivate bool
	userQuota    int
	tcp          bool
	ttl          time.Duration
	secretFile   string
	external     string
	relayOnly    bool
	teacherQuota int
}

func (c *turnConfig) flags(fs *flag.FlagSet) {
	fs.StringVar(&c.addr, "turn-addr", "", "`HOST:PORT` for the embedded TURN server on UDP and TCP, e.g. :3478 (default off)")
	fs.StringVar(&c.publicIP, "turn-public-ip", "", "`IP` put into relayed candidates: the address clients reach the relay at (default the --turn-addr host)")
	fs.StringVar(&c.host, "turn-host", "", "`HOST` written into the TURN URLs handed to browsers (default the public IP)")
	fs.StringVar(&c.relayPorts, "turn-relay-ports", fmt.Sprintf("%d-%d", turn.DefaultRelayMinPort, turn.DefaultRelayMaxPort), "UDP port `RANGE` for relayed media; open it in the firewall")
	fs.BoolVar(&c.allowPrivate, "turn-allow-private-peers", false, "let the relay send to private and loopback addresses (needed when the server and its users share the school LAN)")
	fs.IntVar(&c.userQuota, "turn-user-quota", turn.DefaultUserQuota, "most relay allocations a student may hold at once")
	fs.IntVar(&c.teacherQuota, "turn-teacher-quota", 125, "most relay allocations a teacher may hold at once (two per student of a class)")
	fs.BoolVar(&c.tcp, "turn-tcp", true, "also offer TURN over TCP, for networks that block UDP")
	fs.DurationVar(&c.ttl, "turn-ttl", 0, "lifetime of the TURN credentials handed to each participant; 0: 15m for the embedded server (which renews them while the participant is in), 8h for --turn-external")
	fs.StringVar(&c.secretFile, "turn-secret-file", "", "`FILE` with the shared TURN secret (default DATA/turn-secret, created on first start)")
	fs.StringVar(&c.external, "turn-external", "", "comma-separated TURN `URLS` of an existing server (coturn with use-auth-secret) instead of the embedded one")
	fs.BoolVar(&c.relayOnly, "turn-relay-only", false, "make browsers connect only through the relay (hides participants' addresses from each other)")
}

// check reports a wrong combination of settings, naming the flag.
func (c *turnConfig) check() error {
	if c.addr != "" && c.external != "" {
		return fmt.Errorf("--turn-addr and --turn-external exclude each other: use the embedded server or an existing one")
	}
	if c.relayOnly && c.addr == "" && c.external == "" {
		return fmt.Errorf("--turn-relay-only needs a TURN server: set --turn-addr or --turn-external")
	}
	if _, _, err := c.ports(); err != nil {
		return err
	}
	if c.ttl != 0 && c.ttl < time.Minute {
		return fmt.Errorf("--turn-ttl %v is too short; browsers refresh credentials only on reload", c.ttl)
	}
	return nil
}

func (c *turnConfig) ports() (int, int, error) {
	var lo, hi int
	if _, err := fmt.Sscanf(c.relayPorts, "%d-%d", &lo, &hi); err != nil || lo < 1024 || hi > 65535 || lo > hi {
		return 0, 0, fmt.Errorf("--turn-relay-ports %q: use a range like 49152-65535", c.relayPorts)
	}
	return lo, hi, nil
}

// turnService is what serve runs for TURN: the embedded server (if any)
// and the provider of per-participant ICE configuration.
type turnService struct {
	server   *turn.Server
	provider *turn.Provider
	policy   string
}

// embeddedTTL is the credentials' lifetime for the embedded server: it
// honours them past that for as long as the participant is in (present),
// so a participant who left loses the relay within this time, one who was
// sent out or whose lesson ended at once.
const embeddedTTL = 15 * time.Minute

// startTURN starts what the configuration asks for; a nil service means
// TURN is off. present tells the embedded server who is in a lesson.
func startTURN(c *turnConfig, dataDir string, present func(string) bool, log *slog.Logger) (*turnService, error) {
	if c.addr == "" && c.external == "" {
		return nil, nil
	}
	path := c.secretFile
	if path == "" {
		path = filepath.Join(dataDir, "turn-secret")
	}
	svc := &turnService{}
	if c.relayOnly {
		svc.policy = "relay"
	}
	if c.external != "" {
		secret, err := turn.LoadSecret(path)
		if err != nil {
			return nil, fmt.Errorf("--turn-secret-file %s: %w (put coturn's static-auth-secret there)", path, err)
		}
		// An external server cannot ask who is in: its credentials must
		// last the school day.
		prov, err := turn.External{URLs: splitList(c.external), Secret: secret}.Provider(c.ttl)
		if err != nil {
			return nil, fmt.Errorf("--turn-external: %w", err)
		}
		svc.provider = prov
		log.Info("using an external TURN server", "urls", c.external)
		return svc, nil
	}
	secret, created, err := turn.LoadOrCreateSecret(path)
	if err != nil {
		return nil, fmt.Errorf("--turn-secret-file %s: %w", path, err)
	}
	if created {
		log.Info("created a TURN secret; use it for turn-check --secret-file", "file", path)
	}
	lo, hi, _ := c.ports()
	ttl := c.ttl
	if ttl == 0 {
		ttl = embeddedTTL
	}
	srv, err := turn.Start(turn.Config{
		Present:           present,
		RevokeFor:         ttl,
		ListenAddr:        c.addr,
		PublicIP:          c.publicIP,
		RelayMinPort:      lo,
		RelayMaxPort:      hi,
		AllowPrivatePeers: c.allowPrivate,
		UserQuota:         c.userQuota,
		Quota: func(user string) int {
			if strings.HasPrefix(user, "teacher-") {
				return c.teacherQuota
			}
			return c.userQuota
		},
		Secret: secret,
		Log:    log,
	})
	if err != nil {
		return nil, fmt.Errorf("--turn-addr %s: %w", c.addr, err)
	}
	host := c.host
	if host == "" {
		host = srv.PublicIP().String()
	}
	svc.server = srv
	svc.provider = turn.NewProvider(host, srv.Port(), c.tcp, turn.Credentials{Secret: secret, TTL: ttl})
	log.Info("embedded TURN server", "addr", c.addr, "port", srv.Port(), "public", srv.PublicIP().String(), "private-peers", c.allowPrivate)
	return svc, nil
}

// ICE returns the configuration for one participant.
func (s *turnService) ICE(participant string) *protocol.ICEConfig {
	if s.server != nil {
		// Admitted (again): a participant sent out earlier may relay again.
		s.server.Unrevoke(participant)
	}
	servers := s.provider.For(participant)
	cfg := &protocol.ICEConfig{Policy: s.policy}
	for _, srv := range servers {
		cfg.Servers = append(cfg.Servers, protocol.ICEServer{URLs: srv.URLs, Username: srv.Username, Credential: srv.Credential})
	}
	return cfg
}

// Close stops the embedded server.
func (s *turnService) Close() {
	if s != nil && s.server != nil {
		s.server.Close()
	}
}
