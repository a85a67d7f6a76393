package cli

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/nats-io/nats.go"

	"ersatzraum/server/cluster"
	"ersatzraum/server/codes"
	"ersatzraum/server/roster"
	"ersatzraum/server/signaling"
	"ersatzraum/server/storage"
)

// clusterConfig holds serve's settings for several nodes on one
// PostgreSQL, with signaling routed over NATS (package cluster).
type clusterConfig struct {
	nats     string
	nodeID   string
	lease    time.Duration
	replicas int
}

func (c *clusterConfig) flags(fs *flag.FlagSet) {
	fs.StringVar(&c.nats, "nats", "", "`URLS` of the NATS servers (nats://USER:PASSWORD@HOST:4222, comma-separated; JetStream on) through which several nodes on one --postgres database serve as one; default: this node alone")
	fs.StringVar(&c.nodeID, "node-id", "", "`NAME` of this node among the others (letters, digits, - and _; unique; default the host name and a random suffix, new on every start)")
	fs.DurationVar(&c.lease, "nats-lease", cluster.DefaultLeaseTTL, "how long a node's hold on a lesson lasts without renewal: after a node dies, its lessons move to another node within about this time; the same on every node")
	fs.IntVar(&c.replicas, "nats-replicas", 1, "copies of the lease bucket when the first node creates it: 3 on a NATS cluster of three")
}

func (c *clusterConfig) check(postgres string) error {
	if c.nats == "" {
		if c.nodeID != "" {
			return fmt.Errorf("--node-id needs --nats")
		}
		return nil
	}
	switch {
	case postgres == "":
		return fmt.Errorf("--nats needs --postgres: the nodes share their data in one PostgreSQL database")
	case c.nodeID != "" && !cluster.ValidNodeID(c.nodeID):
		return fmt.Errorf("--node-id %q: use 1 to 64 letters, digits, - or _", c.nodeID)
	case c.lease < 3*time.Second:
		return fmt.Errorf("--nats-lease %v: use at least 3s", c.lease)
	case c.replicas < 1 || c.replicas > 5:
		return fmt.Errorf("--nats-replicas %d: use 1 to 5", c.replicas)
	}
	return nil
}

// id is the node id to use: the flag's, or the host name with a random
// suffix (a node that restarts is a new node; its old leases run out).
func (c *clusterConfig) id() string {
	if c.nodeID != "" {
		return c.nodeID
	}
	host, _ := os.Hostname()
	host = strings.Map(func(r rune) rune {
		if r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			return r
		}
		return '-'
	}, host)
	if len(host) > 40 {
		host = host[:40]
	}
	if host == "" {
		host = "node"
	}
	return host + "-" + codes.NewID()[:8]
}

// joinCluster connects to NATS and starts this node's member of the
// cluster; stop leaves it (lessons handed back) and closes NATS.
func joinCluster(ctx context.Context, c *clusterConfig, dataDir string, db *storage.DB, hub *signaling.Hub, writer *roster.Writer, log *slog.Logger) (node *cluster.Node, stop func(), err error) {
	id := c.id()
	nc, err := nats.Connect(c.nats,
		nats.Name("ersatzraum "+id),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(500*time.Millisecond),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			if err != nil {
				log.Warn("nats disconnected", "err", err)
			}
		}),
		nats.ReconnectHandler(func(nc *nats.Conn) { log.Info("nats reconnected", "server", nc.ConnectedUrlRedacted()) }),
	)
	if err != nil {
		return nil, nil, fmt.Errorf("--nats: %w", err)
	}
	key, err := codeKeyFingerprint(dataDir)
	if err != nil {
		nc.Close()
		return nil, nil, err
	}
	node, err = cluster.Start(ctx, cluster.Config{
		NodeID:   id,
		Shared:   map[string]string{"code-key": key},
		Conn:     nc,
		Hub:      hub,
		Lessons:  cluster.StoredLessons(db),
		RollCall: writer,
		LeaseTTL: c.lease,
		Replicas: c.replicas,
		Log:      log,
	})
	if err != nil {
		nc.Close()
		return nil, nil, fmt.Errorf("--nats: %w", err)
	}
	log.Info("joined the cluster", "node", id, "nats", nc.ConnectedUrlRedacted(), "lease", c.lease)
	return node, func() { node.Close(); nc.Close() }, nil
}

// adoptUnhosted hosts here the running lessons that no node hosts, so
// that the idle end sees them (cluster.Node.HostUnhosted).
func adoptUnhosted(ctx context.Context, db *storage.DB, node *cluster.Node, log *slog.Logger) {
	active, err := db.ActiveLessons(ctx)
	if err != nil {
		log.Warn("running lessons not read for the idle end", "err", err)
		return
	}
	ids := make([]string, 0, len(active))
	for _, l := range active {
		ids = append(ids, l.ID)
	}
	if n := node.HostUnhosted(ctx, ids); n > 0 {
		log.Info("hosting lessons that no node hosted", "lessons", n)
	}
}

// codeKeyFingerprint identifies the data folder's code key without
// telling it: every node must have the same key (class codes, personal
// links and device cookies sealed on one node are opened on another).
func codeKeyFingerprint(dataDir string) (string, error) {
	raw, err := os.ReadFile(filepath.Join(dataDir, "code-key"))
	if err != nil {
		return "", fmt.Errorf("code key: %w", err)
	}
	sum := sha256.Sum256([]byte("ersatzraum code-key fingerprint:" + strings.TrimSpace(string(raw))))
	return hex.EncodeToString(sum[:8]), nil
}
