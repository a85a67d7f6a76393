package cluster

import (
	"strings"
	"time"

	"github.com/nats-io/nats.go"

	"ersatzraum/app/protocol"
)

// Every node says it is alive once a Heartbeat. A node that was not heard
// for DeadAfter counts as gone: a host closes the sessions of the
// clients it had linked from there (they are gone with their node), and
// a node closes its clients linked to a silent host with CloseGoingAway,
// so that they reconnect to the lesson's next host. Liveness only: who
// hosts a lesson is decided by the leases alone (lease.go).

func (n *Node) heartbeat() {
	defer n.loops.Done()
	t := time.NewTicker(n.cfg.Heartbeat)
	defer t.Stop()
	n.nc.Publish(aliveSubject, []byte(n.id))
	for {
		select {
		case <-n.stop:
			return
		case <-t.C:
			n.nc.Publish(aliveSubject, []byte(n.id))
			n.sweep()
		}
	}
}

// heard notes another node's heartbeat.
func (n *Node) heard(m *nats.Msg) { n.saw(string(m.Data)) }

func (n *Node) saw(node string) {
	n.mu.Lock()
	n.seen[node] = time.Now()
	n.mu.Unlock()
}

// sweep closes what was linked to or from nodes that went silent.
func (n *Node) sweep() {
	now := time.Now()
	n.mu.Lock()
	gone := func(node string) bool { return node != n.id && now.Sub(n.seen[node]) > n.cfg.DeadAfter }
	var orphans []*link
	for _, k := range n.links {
		if gone(k.owner) {
			orphans = append(orphans, k)
		}
	}
	leases := make([]*lease, 0, len(n.leases))
	for _, l := range n.leases {
		leases = append(leases, l)
	}
	seen := make(map[string]time.Time, len(n.seen))
	for node, at := range n.seen {
		seen[node] = at
	}
	n.mu.Unlock()
	for _, k := range orphans {
		k.c.Close(protocol.CloseGoingAway, "the lesson moves to another server")
	}
	for _, l := range leases {
		l.mu.Lock()
		var stale []string
		for key, r := range l.remotes {
			if r.node != n.id && now.Sub(seen[r.node]) > n.cfg.DeadAfter {
				stale = append(stale, key)
			}
		}
		l.mu.Unlock()
		for _, key := range stale {
			// Through the lesson's own subject, so that Closed runs on the
			// goroutine that runs the sessions' Receive.
			node, conn, _ := strings.Cut(key, "/")
			n.nc.PublishMsg(msg(lessonSubject(l.id), opClosed, nil, hNode, node, hConn, conn))
		}
	}
}
