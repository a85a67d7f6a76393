package cluster

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"ersatzraum/server/roster"
	"ersatzraum/server/signaling"
)

// A lease says which node hosts a live lesson. Why two nodes never host
// the same lesson (docs/architecture.md, "Several nodes"):
//
//   - Claiming is Create on the bucket: a write that JetStream takes only
//     if the key has no value (its expected last sequence is 0, or the
//     delete marker's), decided by the stream's leader (Raft on a NATS
//     cluster). Of any number of nodes that claim at once, one wins.
//   - Renewing is Update with the revision the holder last wrote: it
//     fails once anybody else has written the key.
//   - The bucket's TTL removes a value TTL after it was stored. A holder
//     that sent a claim or renewal at time s (its own clock, read before
//     sending) knows the value was stored at or after s, so it cannot
//     expire before s+TTL. The holder serves the lesson only until
//     s+TTL-margin: then it stops (drops the lesson from its hub, closing
//     its clients with CloseGoingAway) unless a later renewal succeeded.
//     Nobody can claim before the value is gone, so the old holder has
//     stopped at least margin before a new one can start.
//
// What this rests on: the NATS servers' clocks do not jump forward by
// more than the margin (NTP slews, it does not step, on a running
// machine), and a node is not paused (a stop-the-world pause, a frozen VM)
// for longer than the margin between checking its deadline and acting on
// a message. The margin is a fifth of the TTL: 2 s of the default 10 s.

// lease is one lesson hosted by this node.
type lease struct {
	id    string
	value []byte // node id and this claim's token
	// rev is the revision last written; only the hold goroutine touches
	// it after the claim.
	rev uint64
	// deadline: the node serves the lesson until this point of its
	// monotonic clock (Node.since).
	deadline atomic.Int64
	stopped  atomic.Bool
	sub      *nats.Subscription
	quit     chan struct{}
	done     chan struct{}
	once     sync.Once

	// mu guards remotes: the sessions of clients linked from other
	// nodes, by node and conn id.
	mu      sync.Mutex
	remotes map[string]*remote
}

func (l *lease) valid(n *Node) bool {
	return !l.stopped.Load() && n.since() < time.Duration(l.deadline.Load())
}

// halt stops serving the lesson: no more messages are taken and the hold
// loop ends. It does not touch the bucket.
func (l *lease) halt() {
	l.once.Do(func() {
		l.stopped.Store(true)
		if l.sub != nil {
			l.sub.Unsubscribe()
		}
		close(l.quit)
	})
}

func newToken() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// owner reads the node id from a lease's value.
func owner(value []byte) string {
	if i := bytes.IndexByte(value, ' '); i >= 0 {
		return string(value[:i])
	}
	return string(value)
}

// errTaken means another node holds the lease.
var errTaken = errors.New("lease held by another node")

// claim makes this node the host of a lesson that nobody hosts: the
// lease first, then the lesson from storage into the hub, then the
// lesson's subject. It answers errTaken when another node holds or just
// won the lease, ErrNotRunning when storage says the lesson is over (the
// lease is then given back), or another error.
func (n *Node) claim(ctx context.Context, id string, fresh *hosted) error {
	mu := n.claimLock(id)
	mu.Lock()
	defer mu.Unlock()
	if n.hosts(id) {
		return nil
	}
	n.mu.Lock()
	closing := n.closing
	n.mu.Unlock()
	if closing {
		return errTaken
	}
	l := &lease{id: id, value: []byte(n.id + " " + newToken()), quit: make(chan struct{}), done: make(chan struct{}), remotes: make(map[string]*remote)}
	sent := n.since()
	rev, err := n.kv.Create(ctx, id, l.value)
	if errors.Is(err, jetstream.ErrKeyExists) {
		return errTaken
	}
	if err != nil {
		return err
	}
	l.rev = rev
	l.deadline.Store(int64(sent + n.ttl - n.margin))
	if fresh != nil && fresh.lesson.ClassID != "" {
		// The class list from storage, not only as the last broadcast
		// left it in this hub (a node may have missed one while NATS was
		// away).
		_, _, class, err := n.cfg.Lessons.Load(ctx, id)
		if err != nil {
			n.deleteLease(l)
			return err
		}
		if class != nil {
			n.hub.SetClass(*class)
		}
	}
	if fresh == nil {
		lesson, lines, class, err := n.cfg.Lessons.Load(ctx, id)
		if err != nil {
			n.deleteLease(l)
			return err
		}
		if class != nil {
			n.hub.SetClass(*class)
		}
		fresh = &hosted{lesson: lesson, lines: lines, restored: true}
	}
	n.hub.AddLesson(fresh.lesson, fresh.lines)
	sub, err := n.nc.Subscribe(lessonSubject(id), func(m *nats.Msg) { n.fromClient(l, m) })
	if err != nil {
		n.hub.DropLesson(id, "server restarting")
		n.deleteLease(l)
		return err
	}
	l.sub = sub
	n.mu.Lock()
	n.leases[id] = l
	n.mu.Unlock()
	n.log.Info("hosting lesson", "lesson", id, "restored", fresh.restored)
	go n.hold(l)
	return nil
}

// hosted is a lesson to host with its roll call.
type hosted struct {
	lesson   signaling.Lesson
	lines    []roster.Line
	restored bool // from storage, after its host was gone
}

// hosts reports whether this node hosts a lesson now.
func (n *Node) hosts(id string) bool {
	n.mu.Lock()
	l := n.leases[id]
	n.mu.Unlock()
	return l != nil && l.valid(n)
}

// hold renews a lease until the lesson ends, the lease is lost or runs
// out, or the node closes.
func (n *Node) hold(l *lease) {
	defer close(l.done)
	every := n.ttl / 4
	renew := time.NewTicker(every)
	defer renew.Stop()
	for {
		left := time.Duration(l.deadline.Load()) - n.since()
		expire := time.NewTimer(left)
		select {
		case <-l.quit:
			expire.Stop()
			return
		case <-expire.C:
			n.stepDown(l, "lease not renewed in time")
			return
		case <-renew.C:
			expire.Stop()
			if !n.hub.Live(l.id) {
				n.release(l)
				return
			}
			// The renewal may not outlast the deadline: the lease must be
			// given up in time even while NATS does not answer.
			wait := min(every, time.Duration(l.deadline.Load())-n.since())
			if !n.renew(l, wait) {
				n.stepDown(l, "lease taken by another node")
				return
			}
		}
	}
}

// renew extends the lease; false means it is lost for good. A renewal
// that fails for a passing reason (NATS unreachable) keeps the old
// deadline: hold steps down when it has passed.
func (n *Node) renew(l *lease, wait time.Duration) bool {
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	sent := n.since()
	rev, err := n.kv.Update(ctx, l.id, l.value, l.rev)
	if err == nil {
		l.rev = rev
		l.deadline.Store(int64(sent + n.ttl - n.margin))
		return true
	}
	if errors.Is(err, jetstream.ErrKeyRevisionMismatch) || errors.Is(err, jetstream.ErrKeyExists) {
		// An earlier renewal whose answer was lost may have been stored:
		// then the value is still this claim's, under a newer revision.
		// The deadline stays as it was (conservative); the next renewal
		// extends it.
		e, gerr := n.kv.Get(ctx, l.id)
		if gerr == nil && bytes.Equal(e.Value(), l.value) {
			l.rev = e.Revision()
			return true
		}
		if gerr == nil || errors.Is(gerr, jetstream.ErrKeyNotFound) {
			return false
		}
	}
	n.log.Warn("lease not renewed, retrying", "lesson", l.id, "err", err)
	return true
}

// stepDown stops hosting a lesson whose lease is lost or ran out: its
// clients are closed with CloseGoingAway and reconnect, through any node,
// to the lesson's next host. The bucket is not touched: the lease is not
// this node's any more, or it runs out by itself.
func (n *Node) stepDown(l *lease, why string) {
	l.halt()
	n.forget(l)
	n.hub.DropLesson(l.id, "the lesson moves to another server")
	n.log.Warn("stopped hosting lesson", "lesson", l.id, "why", why)
	// The next host reads the roll call from storage once the lease has
	// run out, at least the margin from now: what this node still has
	// queued must be written by then.
	start := time.Now()
	n.flush()
	if took := time.Since(start); took > n.margin {
		n.log.Error("roll-call writes of a lesson handed over took longer than the lease margin; the next host may have read the roll call without them", "lesson", l.id, "took", took, "margin", n.margin)
	}
}

// release gives back the lease of a lesson that ended here: its end is
// flushed to storage first, so that no node restores it after.
func (n *Node) release(l *lease) {
	l.halt()
	n.forget(l)
	n.mu.Lock()
	now := time.Now()
	for id, at := range n.ended {
		if now.Sub(at) > time.Minute {
			delete(n.ended, id)
		}
	}
	n.ended[l.id] = now
	n.mu.Unlock()
	n.flush()
	n.deleteLease(l)
	n.log.Info("lesson ended", "lesson", l.id)
}

func (n *Node) forget(l *lease) {
	n.mu.Lock()
	if n.leases[l.id] == l {
		delete(n.leases, l.id)
	}
	n.mu.Unlock()
}

// deleteLease removes a lease this node still holds (compare-and-swap on
// its revision, so that it never removes another node's).
func (n *Node) deleteLease(l *lease) {
	ctx, cancel := context.WithTimeout(context.Background(), n.ttl/4)
	defer cancel()
	err := n.kv.Delete(ctx, l.id, jetstream.LastRevision(l.rev))
	if errors.Is(err, jetstream.ErrKeyExists) || errors.Is(err, jetstream.ErrKeyRevisionMismatch) {
		// A renewal whose answer was lost was stored after all: still
		// this claim's value, under a newer revision.
		if e, gerr := n.kv.Get(ctx, l.id); gerr == nil && bytes.Equal(e.Value(), l.value) {
			err = n.kv.Delete(ctx, l.id, jetstream.LastRevision(e.Revision()))
		}
	}
	if err != nil {
		n.log.Warn("lease not given back; it runs out by itself", "lesson", l.id, "err", err)
	}
}
