package cluster

import (
	"sync"

	"ersatzraum/app/protocol"
	"ersatzraum/server/signaling"
)

// Nothing acknowledged is lost when a host dies. The hub does not wait
// for the disk: it queues every roll-call change with the roster writer
// and sends at once the messages that tell of it (a student's welcome,
// the teacher's participant line). On a single server a crash then loses
// the few changes still queued, and what the clients were told with them.
// With several nodes every client of a lesson goes through heldConn: a
// message leaves only once every roll-call change queued before it is
// written, so whatever a client has been told survives the host, and the
// next host restores it from storage. While the writer has nothing
// queued (most of the time) a message passes at once; otherwise it waits
// for the writer's current batch (one transaction for all that queued
// up: roster.BatchStore), a few milliseconds. Only the changes of the
// client's own lesson count.

// RollCall is the roster writer as the cluster needs it (roster.Writer).
type RollCall interface {
	// Sync waits until everything queued so far is written.
	Sync()
	// QueuedFor numbers the latest change of a lesson still queued (0:
	// none; "": any lesson's); AfterWritten calls done once the changes
	// up to number n are written and reports true, or reports false when
	// they are written already.
	QueuedFor(lesson string) uint64
	AfterWritten(n uint64, done func()) bool
}

// heldConn delays a Conn's messages until the roll-call changes of its
// lesson queued before each are written. Only the lesson's own: a burst
// of joins in one lesson does not hold back the signals of another.
type heldConn struct {
	inner  signaling.Conn
	roll   RollCall
	lesson string // "": any lesson's changes

	// mu guards pending and orders delivery: a message is handed to inner
	// under mu, after every message before it.
	mu      sync.Mutex
	pending []heldMsg
	gone    bool // inner closed for a full queue: the rest is dropped
}

type heldMsg struct {
	after  uint64 // roll-call changes to be written first
	msg    []byte
	close  bool
	code   int
	reason string
}

// held wraps a client's Conn for this node's hub, for a client of
// lesson ("" when not known: then it waits for every lesson's changes);
// without a RollCall it is the Conn as it is.
func (n *Node) held(c signaling.Conn, lesson string) signaling.Conn {
	if n.cfg.RollCall == nil {
		return c
	}
	return &heldConn{inner: c, roll: n.cfg.RollCall, lesson: lesson}
}

func (c *heldConn) Send(msg []byte) bool {
	after := c.roll.QueuedFor(c.lesson)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gone {
		return true
	}
	if len(c.pending) == 0 && !c.roll.AfterWritten(after, c.release) {
		return c.deliver(msg)
	}
	c.pending = append(c.pending, heldMsg{after: after, msg: msg})
	return true
}

func (c *heldConn) Close(code int, reason string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.pending) == 0 {
		c.inner.Close(code, reason)
		return
	}
	c.pending = append(c.pending, heldMsg{close: true, code: code, reason: reason})
}

// SetQueueLimit passes the teacher's longer queue on at once.
func (c *heldConn) SetQueueLimit(limit int) {
	if q, ok := c.inner.(interface{ SetQueueLimit(int) }); ok {
		q.SetQueueLimit(limit)
	}
}

// release delivers what may go now, on the writer's goroutine, and waits
// again for the rest.
func (c *heldConn) release() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for len(c.pending) > 0 {
		m := c.pending[0]
		if !m.close && c.roll.AfterWritten(m.after, c.release) {
			return // not yet: called again when it is
		}
		c.pending = c.pending[1:]
		if m.close {
			c.inner.Close(m.code, m.reason)
			continue
		}
		if !c.deliver(m.msg) {
			c.pending = nil
			return
		}
	}
	c.pending = nil // let the slice go
}

// deliver hands a message to the connection; a full queue closes it, as
// the hub would (signaling.Session.send). Called with mu held.
func (c *heldConn) deliver(msg []byte) bool {
	if c.gone {
		return false
	}
	if !c.inner.Send(msg) {
		c.gone = true
		c.inner.Close(protocol.CloseSlowConsumer, "send queue full")
		return false
	}
	return true
}
