package cluster

import (
	"context"
	"errors"

	"ersatzraum/server/roster"
	"ersatzraum/server/signaling"
)

// Node is httpapi's LessonHost: a lesson started through this node's API
// is hosted here, if its lease can be had.

// AddLesson hosts a new lesson here. Without the lease (NATS unreachable)
// the lesson stays unhosted: it is in storage, and the first client that
// comes makes some node claim it (without the code in clear, which the
// teacher's page keeps).
func (n *Node) AddLesson(l signaling.Lesson, lines []roster.Line) {
	ctx, cancel := context.WithTimeout(context.Background(), n.ttl/2)
	defer cancel()
	if err := n.claim(ctx, l.ID, &hosted{lesson: l, lines: lines}); err != nil {
		n.log.Warn("new lesson not hosted here yet", "lesson", l.ID, "err", err)
	}
}

// Live says whether a lesson still runs, as far as this node knows: it
// is false for a lesson that ended while hosted here and whose end may
// not be in storage yet; for a lesson hosted elsewhere storage is the
// answer (the caller asks only for lessons storage says are running).
func (n *Node) Live(id string) bool {
	if n.hub.Live(id) {
		return true
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if _, ok := n.leases[id]; ok {
		return false // hosted here, and the hub has ended it
	}
	_, ended := n.ended[id]
	return !ended
}

// Hosts reports whether this node hosts the lesson now.
func (n *Node) Hosts(id string) bool { return n.hosts(id) }

// LessonsHosted returns how many lessons this node hosts.
func (n *Node) LessonsHosted() int {
	n.mu.Lock()
	defer n.mu.Unlock()
	return len(n.leases)
}

// Ready reports whether this node can route clients: it needs NATS.
func (n *Node) Ready() error {
	if !n.nc.IsConnected() {
		return errors.New("nats unreachable")
	}
	return nil
}

// HostUnhosted claims those of the given running lessons that no node
// hosts, restoring them from storage: a lesson whose host died and to
// which nobody came back would otherwise never end by itself (the hub's
// idle end, signaling.EndIdleLessons, only sees hosted lessons). It
// returns how many it took.
func (n *Node) HostUnhosted(ctx context.Context, ids []string) int {
	taken := 0
	for _, id := range ids {
		if n.hosts(id) {
			continue
		}
		if _, err := n.kv.Get(ctx, id); !isNotFound(err) {
			continue // hosted elsewhere, or NATS cannot tell now
		}
		if err := n.claim(ctx, id, nil); err == nil {
			taken++
		}
	}
	return taken
}
