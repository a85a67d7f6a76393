// Package cluster runs several `ersatzraum serve` nodes as one service: on
// one PostgreSQL, with signaling routed between the nodes over NATS. It
// owns who hosts which live lesson and the routing of clients to it; the
// hub (package signaling) stays as it is on one node.
//
// Each live lesson is hosted by one node at a time, in that node's own
// Hub, exactly as on a single server. The node holds a lease on the
// lesson in a NATS JetStream key-value bucket (lease.go): created only if
// absent, renewed by compare-and-swap on its revision, and given up by
// the holder before it can expire, so that two nodes never host one
// lesson (docs/architecture.md, "Several nodes"). A client may reach any
// node: the node reads the client's hello, finds the lesson in storage
// (another node may have created it), and either hands the connection to
// its own hub or links it to the hosting node (link.go), which runs a
// Session for it whose Conn publishes back over NATS (host.go). Messages
// pass through raw, never decoded on the way, so every message type the
// hub knows, now or later, works across nodes. When a node dies, its
// leases expire, its clients reconnect (to any node), and the first node
// that reaches an unhosted lesson claims it and restores it from storage
// with Hub.AddLesson, as after a restart.
package cluster

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"regexp"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"ersatzraum/app/protocol"
	"ersatzraum/server/roster"
	"ersatzraum/server/signaling"
)

// Defaults for Config.
const (
	DefaultLeaseTTL  = 10 * time.Second
	DefaultHeartbeat = time.Second
	// Bucket is the JetStream key-value bucket of the leases: key the
	// lesson id, value the hosting node and its claim.
	Bucket = "ersatzraum-leases"
	// ConfigBucket keeps what all nodes must share (Config.Shared).
	ConfigBucket = "ersatzraum-config"
)

// ErrNotRunning is what Lessons.Load answers for a lesson that has ended
// or does not exist: nobody is to host it.
var ErrNotRunning = errors.New("lesson not running")

// Lessons is what a node reads from storage to route and to host lessons.
type Lessons interface {
	// Find returns the id of the running lesson a student's hello names
	// (by join code, class code or personal link); "" when none.
	Find(ctx context.Context, h protocol.Hello) (string, error)
	// Load returns a running lesson with its stored roll call and, for a
	// class lesson, its class: what Hub.AddLesson and SetClass need.
	Load(ctx context.Context, id string) (signaling.Lesson, []roster.Line, *signaling.Class, error)
}

// Config is one node's part in the cluster.
type Config struct {
	// NodeID names this node in subjects and leases: letters, digits, '-'
	// and '_', unique among the running nodes.
	NodeID string
	Conn   *nats.Conn
	Hub    *signaling.Hub
	// Lessons reads storage; RollCall is the roster writer: flushed
	// before a lease is given up, and no client is told of a change
	// before it is written (commit.go). Nil: neither (tests of leases).
	Lessons  Lessons
	RollCall RollCall
	// LeaseTTL is how long a lease lives without renewal; the bucket is
	// created with it and a node with another value refuses to start.
	LeaseTTL time.Duration
	// Replicas of the lease bucket, when this node creates it (3 on a
	// NATS cluster of three).
	Replicas int
	// Heartbeat is how often the node tells the others it is alive; a
	// node silent for DeadAfter (default 4 heartbeats) counts as gone.
	Heartbeat time.Duration
	DeadAfter time.Duration
	// Shared names what every node must have alike (the code key's
	// fingerprint): the first node records it in the config bucket, and
	// a node with something else refuses to start.
	Shared map[string]string
	Log    *slog.Logger
}

var nodeIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// ValidNodeID reports whether id can name a node.
func ValidNodeID(id string) bool { return nodeIDPattern.MatchString(id) }

// Node is this process's member of the cluster. It is the Endpoint's
// Router, httpapi's LessonHost and ClassHost.
type Node struct {
	cfg    Config
	id     string
	nc     *nats.Conn
	hub    *signaling.Hub
	kv     jetstream.KeyValue
	log    *slog.Logger
	ttl    time.Duration
	margin time.Duration
	epoch  time.Time // monotonic base of lease deadlines

	subs   []*nats.Subscription
	stop   chan struct{}
	loops  sync.WaitGroup
	claims [64]sync.Mutex // one claim at a time per lesson (by hash)

	// mu guards the following fields.
	mu       sync.Mutex
	leases   map[string]*lease    // lessons hosted here
	links    map[string]*link     // this node's clients linked to another node, by conn id
	seen     map[string]time.Time // last heartbeat of each node
	ended    map[string]time.Time // lessons that ended while hosted here
	closing  bool
	nextConn uint64
}

// Start joins the cluster: it opens (or creates) the lease bucket and
// starts listening for the other nodes.
func Start(ctx context.Context, cfg Config) (*Node, error) {
	if !ValidNodeID(cfg.NodeID) {
		return nil, fmt.Errorf("node id %q: use 1 to 64 letters, digits, - or _", cfg.NodeID)
	}
	if cfg.LeaseTTL <= 0 {
		cfg.LeaseTTL = DefaultLeaseTTL
	}
	if cfg.Heartbeat <= 0 {
		cfg.Heartbeat = DefaultHeartbeat
	}
	if cfg.DeadAfter <= 0 {
		cfg.DeadAfter = 4 * cfg.Heartbeat
	}
	if cfg.Replicas <= 0 {
		cfg.Replicas = 1
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	kv, err := openBucket(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if err := checkShared(ctx, cfg); err != nil {
		return nil, err
	}
	n := &Node{
		cfg: cfg, id: cfg.NodeID, nc: cfg.Conn, hub: cfg.Hub, kv: kv, log: cfg.Log.With("node", cfg.NodeID),
		ttl: cfg.LeaseTTL, margin: cfg.LeaseTTL / 5, epoch: time.Now(),
		stop:   make(chan struct{}),
		leases: make(map[string]*lease), links: make(map[string]*link),
		seen: make(map[string]time.Time), ended: make(map[string]time.Time),
	}
	for subject, handle := range map[string]nats.MsgHandler{
		nodeSubject(n.id): n.toClient,
		aliveSubject:      n.heard,
		classSubject:      n.classChanged,
	} {
		sub, err := n.nc.Subscribe(subject, handle)
		if err != nil {
			n.unsubscribe()
			return nil, fmt.Errorf("nats subscribe %s: %w", subject, err)
		}
		n.subs = append(n.subs, sub)
	}
	if err := n.nc.FlushTimeout(10 * time.Second); err != nil {
		n.unsubscribe()
		return nil, fmt.Errorf("nats: %w", err)
	}
	n.loops.Add(1)
	go n.heartbeat()
	return n, nil
}

func openBucket(ctx context.Context, cfg Config) (jetstream.KeyValue, error) {
	js, err := jetstream.New(cfg.Conn)
	if err != nil {
		return nil, fmt.Errorf("jetstream: %w", err)
	}
	kv, err := js.KeyValue(ctx, Bucket)
	if errors.Is(err, jetstream.ErrBucketNotFound) {
		kv, err = js.CreateKeyValue(ctx, jetstream.KeyValueConfig{
			Bucket:      Bucket,
			Description: "which node hosts which live lesson (ersatzraum serve --nats)",
			History:     1,
			TTL:         cfg.LeaseTTL,
			Storage:     jetstream.FileStorage,
			Replicas:    cfg.Replicas,
		})
		if errors.Is(err, jetstream.ErrBucketExists) {
			kv, err = js.KeyValue(ctx, Bucket) // another node was quicker
		}
	}
	if err != nil {
		return nil, fmt.Errorf("lease bucket %s: %w", Bucket, err)
	}
	st, err := kv.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("lease bucket %s: %w", Bucket, err)
	}
	// The safety of a lease rests on every node knowing how long it lives
	// (lease.go): a node that counted with another TTL than the bucket's
	// could host a lesson after its lease had expired.
	if st.TTL() != cfg.LeaseTTL {
		return nil, fmt.Errorf("lease bucket %s keeps leases for %s, this node was started with %s: start every node with the same lease time, or remove the bucket while no node runs", Bucket, st.TTL(), cfg.LeaseTTL)
	}
	return kv, nil
}

// checkShared compares what this node must share with the others with
// what the first node recorded (and records it, being the first).
func checkShared(ctx context.Context, cfg Config) error {
	if len(cfg.Shared) == 0 {
		return nil
	}
	js, err := jetstream.New(cfg.Conn)
	if err != nil {
		return fmt.Errorf("jetstream: %w", err)
	}
	kv, err := js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket: ConfigBucket, Description: "what every ersatzraum node must have alike", History: 1,
		Storage: jetstream.FileStorage, Replicas: cfg.Replicas,
	})
	if err != nil {
		return fmt.Errorf("config bucket %s: %w", ConfigBucket, err)
	}
	for name, want := range cfg.Shared {
		_, err := kv.Create(ctx, name, []byte(want))
		if err == nil {
			continue
		}
		if !errors.Is(err, jetstream.ErrKeyExists) {
			return fmt.Errorf("config bucket %s: %w", ConfigBucket, err)
		}
		e, err := kv.Get(ctx, name)
		if err != nil {
			return fmt.Errorf("config bucket %s: %w", ConfigBucket, err)
		}
		if string(e.Value()) != want {
			return fmt.Errorf("this node's %s differs from the other nodes' (fingerprint %s, theirs %s): copy it from the first node's data folder before starting", name, want, e.Value())
		}
	}
	return nil
}

// ID is this node's id.
func (n *Node) ID() string { return n.id }

// Close leaves the cluster cleanly: every lesson hosted here is handed
// back (its clients are closed with CloseGoingAway and reconnect, its roll
// call is flushed to storage, then its lease is deleted, so another node
// takes it at once rather than after the lease time).
func (n *Node) Close() {
	n.mu.Lock()
	if n.closing {
		n.mu.Unlock()
		return
	}
	n.closing = true
	leases := make([]*lease, 0, len(n.leases))
	for _, l := range n.leases {
		leases = append(leases, l)
	}
	n.mu.Unlock()
	for _, l := range leases {
		l.halt()
		<-l.done // the hold loop no longer writes the lease
		n.forget(l)
		n.hub.DropLesson(l.id, "server restarting")
	}
	n.flush()
	for _, l := range leases {
		n.deleteLease(l)
	}
	close(n.stop)
	n.loops.Wait()
	n.unsubscribe()
	n.nc.Flush()
}

func (n *Node) unsubscribe() {
	for _, s := range n.subs {
		s.Unsubscribe()
	}
}

// flush waits until the roll call queued so far is written.
func (n *Node) flush() {
	if n.cfg.RollCall != nil {
		n.cfg.RollCall.Sync()
	}
}

// since is now on the node's monotonic clock.
func (n *Node) since() time.Duration { return time.Since(n.epoch) }

// claimLock serialises claims of one lesson on this node.
func (n *Node) claimLock(id string) *sync.Mutex {
	h := fnv.New32a()
	h.Write([]byte(id))
	return &n.claims[h.Sum32()%uint32(len(n.claims))]
}
