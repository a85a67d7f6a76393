package cluster

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"ersatzraum/app/protocol"
	"ersatzraum/server/signaling"
)

// The client's side: every connection to this node starts as a link that
// waits for the hello, finds the lesson it names and where it is hosted,
// and from then on hands the connection to this node's hub or forwards
// it to the hosting node.

// Connect is the Endpoint's Router: it takes a new connection.
func (n *Node) Connect(c signaling.Conn, id signaling.Identity) signaling.Receiver {
	return &link{n: n, c: c, id: id}
}

// link is one client connection of this node. The transport calls its
// methods from one goroutine. lessonID, owner and connID are set before
// the link is registered in Node.links and cleared only after it left
// them; other goroutines (the sweep) read them under Node.mu.
type link struct {
	n  *Node
	c  signaling.Conn
	id signaling.Identity

	local    *signaling.Session // hosted here
	lessonID string             // hosted elsewhere: by owner
	owner    string
	connID   string
	refused  bool // closed while looking for the lesson
}

func (k *link) Receive(b []byte) {
	switch {
	case k.local != nil:
		k.local.Receive(b)
	case k.owner != "":
		k.n.nc.PublishMsg(msg(lessonSubject(k.lessonID), opMsg, b, hNode, k.n.id, hConn, k.connID))
	case k.refused:
	default:
		k.hello(b)
	}
}

func (k *link) Closed() {
	switch {
	case k.local != nil:
		k.local.Closed()
	case k.owner != "":
		k.n.unlink(k)
		k.n.nc.PublishMsg(msg(lessonSubject(k.lessonID), opClosed, nil, hNode, k.n.id, hConn, k.connID))
	}
}

func (k *link) Joined() bool {
	if k.local != nil {
		return k.local.Joined()
	}
	return k.owner != "" || k.refused
}

// hello routes the connection by its first message. Everything that is
// not a hello for a lesson hosted elsewhere goes to this node's hub,
// which also gives every refusal (not a hello, no such lesson, guessing)
// its usual answer.
func (k *link) hello(b []byte) {
	id := k.n.lessonOf(b, k.id)
	if id != "" {
		ctx, cancel := context.WithTimeout(context.Background(), k.n.ttl+2*k.n.cfg.DeadAfter)
		err := k.place(ctx, id, b)
		cancel()
		if err == nil && k.owner != "" {
			return
		}
		if err != nil && !errors.Is(err, ErrNotRunning) {
			k.n.log.Warn("lesson not reachable; the client is to come back", "lesson", id, "err", err)
			k.refused = true
			k.c.Close(protocol.CloseGoingAway, "the lesson is moving to another server; try again")
			return
		}
	}
	k.local = k.n.hub.Connect(k.n.held(k.c, id), k.id)
	k.local.Receive(b)
}

// lessonOf is the id of the running lesson a hello names, or "" for
// anything this node's hub is to answer itself.
func (n *Node) lessonOf(b []byte, id signaling.Identity) string {
	env, perr := protocol.Decode(b)
	if perr != nil || env.Type != protocol.TypeHello {
		return ""
	}
	var h protocol.Hello
	if protocol.DecodeData(env, &h) != nil {
		return ""
	}
	switch h.Role {
	case protocol.RoleTeacher:
		if id.TeacherID == "" || !ValidNodeID(h.Lesson) { // lesson ids are such tokens too
			return ""
		}
		return h.Lesson
	case protocol.RoleStudent:
		// A wrong code costs a lookup in storage: only within the
		// address's guessing budget, which the hub then counts.
		if h.Personal == "" && !n.hub.Guard.MayGuess(id.Addr) {
			return ""
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		lesson, err := n.cfg.Lessons.Find(ctx, h)
		if err != nil {
			n.log.Warn("find lesson", "err", err)
			return ""
		}
		return lesson
	}
	return ""
}

// place finds or makes the lesson's host. On return either the lesson is
// hosted here (k.owner == ""), or the link is open to its host, or err
// says why neither.
func (k *link) place(ctx context.Context, id string, hello []byte) error {
	n := k.n
	for {
		if n.hosts(id) {
			return nil
		}
		e, err := n.kv.Get(ctx, id)
		switch {
		case err == nil && owner(e.Value()) != n.id:
			if k.open(ctx, id, owner(e.Value()), hello) {
				return nil
			}
		case err == nil:
			// This node's own lease, from a claim it is just giving up
			// or a former run with the same node id: wait for it to go.
		case isNotFound(err):
			switch err := n.claim(ctx, id, nil); {
			case err == nil:
				return nil
			case !errors.Is(err, errTaken):
				return err
			}
			continue // taken by another node in the meantime: ask it
		default:
			return err
		}
		// The host did not answer (it died and its lease has not run out
		// yet, or it is stepping down): try again shortly.
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(n.cfg.Heartbeat / 4):
		}
	}
}

func isNotFound(err error) bool { return errors.Is(err, jetstream.ErrKeyNotFound) }

// open links the client to the lesson's host: the hello goes as a
// request, and only a host that serves the lesson answers it.
func (k *link) open(ctx context.Context, id, owner string, hello []byte) bool {
	n := k.n
	// Registered before the hello goes out, for the host's first answers;
	// the fields are set before, and the sweep reads them under n.mu.
	k.lessonID, k.connID, k.owner = id, n.newConnID(), owner
	n.mu.Lock()
	n.links[k.connID] = k
	n.mu.Unlock()
	m := msg(lessonSubject(id), opOpen, hello, hNode, n.id, hConn, k.connID, hTeacher, k.id.TeacherID)
	if k.id.Addr.IsValid() {
		m.Header.Set(hAddr, k.id.Addr.String())
	}
	rctx, cancel := context.WithTimeout(ctx, 2*n.cfg.Heartbeat+time.Second)
	reply, err := n.nc.RequestMsgWithContext(rctx, m)
	cancel()
	if err == nil && string(reply.Data) == string(replyOK) {
		n.saw(owner)
		return true
	}
	n.unlink(k)
	if err == nil || errors.Is(err, nats.ErrNoResponders) || errors.Is(err, context.DeadlineExceeded) {
		// A session may have been opened all the same (a late answer):
		// it is closed on the host when this node says so.
		n.nc.PublishMsg(msg(lessonSubject(id), opClosed, nil, hNode, n.id, hConn, k.connID))
	}
	k.owner, k.lessonID, k.connID = "", "", ""
	return false
}

func (n *Node) newConnID() string {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.nextConn++
	return strconv.FormatUint(n.nextConn, 36)
}

func (n *Node) unlink(k *link) {
	n.mu.Lock()
	if n.links[k.connID] == k {
		delete(n.links, k.connID)
	}
	n.mu.Unlock()
}

// toClient takes what hosts send to this node's linked clients.
func (n *Node) toClient(m *nats.Msg) {
	n.mu.Lock()
	k := n.links[connOf(m.Subject)]
	n.mu.Unlock()
	if k == nil {
		return // the client is gone; the host hears it from opClosed
	}
	switch m.Header.Get(hOp) {
	case opMsg:
		if !k.c.Send(m.Data) {
			k.c.Close(protocol.CloseSlowConsumer, "send queue full")
		}
	case opClose:
		code, err := strconv.Atoi(m.Header.Get(hCode))
		if err != nil {
			code = protocol.CloseGoingAway
		}
		k.c.Close(code, m.Header.Get(hReason))
	case opQueue:
		if q, ok := k.c.(interface{ SetQueueLimit(int) }); ok {
			if limit, err := strconv.Atoi(string(m.Data)); err == nil {
				q.SetQueueLimit(limit)
			}
		}
	}
}
