package cluster

import (
	"net/netip"
	"strconv"
	"sync"

	"github.com/nats-io/nats.go"

	"ersatzraum/app/protocol"
	"ersatzraum/server/signaling"
)

// The host's side: a client linked from another node gets a Session in
// this node's hub, like one of its own; its Conn is a remoteConn that
// publishes to the client's node.

// remote is one linked client of a lesson hosted here.
type remote struct {
	session *signaling.Session
	node    string
}

// fromClient takes the messages of linked clients to a lesson hosted
// here. NATS calls it on one goroutine per subscription, so a Session's
// Receive and Closed are never called at once, and the messages of one
// client arrive in the order its node sent them.
func (n *Node) fromClient(l *lease, m *nats.Msg) {
	node, conn := m.Header.Get(hNode), m.Header.Get(hConn)
	key := node + "/" + conn
	op := m.Header.Get(hOp)
	if !l.valid(n) {
		// Stepping down, or the deadline passed before the hold loop saw
		// it: the lesson is not served here any more.
		if op == opOpen {
			m.Respond(replyMoving)
		}
		return
	}
	switch op {
	case opOpen:
		n.saw(node) // its heartbeat may not have come yet
		id := signaling.Identity{TeacherID: m.Header.Get(hTeacher)}
		id.Addr, _ = netip.ParseAddr(m.Header.Get(hAddr))
		s := n.hub.Connect(n.held(&remoteConn{n: n, node: node, conn: conn}, l.id), id)
		l.mu.Lock()
		old := l.remotes[key]
		l.remotes[key] = &remote{session: s, node: node}
		l.mu.Unlock()
		if old != nil {
			old.session.Closed()
		}
		m.Respond(replyOK)
		s.Receive(m.Data)
	case opMsg:
		l.mu.Lock()
		r := l.remotes[key]
		l.mu.Unlock()
		if r == nil {
			// This host never knew the connection, or forgot it when its
			// node went silent: the client is to reconnect.
			n.nc.PublishMsg(msg(connSubject(node, conn), opClose, nil, hCode, strconv.Itoa(protocol.CloseGoingAway), hReason, "the lesson moved to another server"))
			return
		}
		r.session.Receive(m.Data)
	case opClosed:
		l.mu.Lock()
		r := l.remotes[key]
		delete(l.remotes, key)
		l.mu.Unlock()
		if r != nil {
			r.session.Closed()
		}
	}
}

// remoteConn is the hub's Conn for a client on another node.
type remoteConn struct {
	n          *Node
	node, conn string
	once       sync.Once
}

// Send publishes without waiting (NATS buffers); false only when the
// NATS connection cannot take it, and the hub then closes the client.
func (c *remoteConn) Send(b []byte) bool {
	return c.n.nc.PublishMsg(msg(connSubject(c.node, c.conn), opMsg, b)) == nil
}

// Close asks the client's node to close the connection; that node then
// reports opClosed, which calls the Session's Closed (never from here:
// see signaling.Conn).
func (c *remoteConn) Close(code int, reason string) {
	c.once.Do(func() {
		c.n.nc.PublishMsg(msg(connSubject(c.node, c.conn), opClose, nil, hCode, strconv.Itoa(code), hReason, reason))
	})
}

// SetQueueLimit passes the hub's longer queue for a teacher on to the
// client's own connection.
func (c *remoteConn) SetQueueLimit(limit int) {
	c.n.nc.PublishMsg(msg(connSubject(c.node, c.conn), opQueue, []byte(strconv.Itoa(limit))))
}
