package cluster

import (
	"strings"

	"github.com/nats-io/nats.go"
)

// Subjects. A lesson's hosting node subscribes to its lesson subject
// while it holds the lease, every node to its own node subject (the
// messages for its clients that are linked elsewhere), and all to the
// heartbeat and class subjects.
const (
	lessonPrefix = "ersatzraum.lesson." // + lesson id + ".in": clients' messages to the host
	nodePrefix   = "ersatzraum.node."   // + node id + ".conn." + conn id: the host's messages to a client
	aliveSubject = "ersatzraum.alive"   // data: node id, every Heartbeat
	classSubject = "ersatzraum.class"   // a class list changed on some node
)

func lessonSubject(id string) string { return lessonPrefix + id + ".in" }

func nodeSubject(node string) string { return nodePrefix + node + ".conn.*" }

func connSubject(node, conn string) string { return nodePrefix + node + ".conn." + conn }

// connOf is the conn id at the end of a node subject.
func connOf(subject string) string { return subject[strings.LastIndexByte(subject, '.')+1:] }

// Header fields; the message's data is the client's or the hub's message
// as it is, except where said.
const (
	hOp      = "Op"      // one of the op* values
	hNode    = "Node"    // the client's node (towards the host)
	hConn    = "Conn"    // the client's conn id on its node (towards the host)
	hTeacher = "Teacher" // Identity.TeacherID, with opOpen
	hAddr    = "Addr"    // Identity.Addr, with opOpen
	hCode    = "Code"    // close code, with opClose
	hReason  = "Reason"  // close reason, with opClose
)

// Operations.
const (
	opOpen   = "open"   // client → host (request): a new client; data: its hello
	opMsg    = "msg"    // both ways: one message
	opClosed = "closed" // client → host: the connection has ended
	opClose  = "close"  // host → client: close the connection (hCode, hReason)
	opQueue  = "queue"  // host → client: the send queue may hold this many messages (data)
	opSet    = "set"    // class subject: a class as JSON
	opRemove = "remove" // class subject: data is the class id
)

// Reply to opOpen.
var (
	replyOK     = []byte("ok")
	replyMoving = []byte("moving") // the lesson is not (any more) hosted here
)

func msg(subject, op string, data []byte, kv ...string) *nats.Msg {
	m := &nats.Msg{Subject: subject, Data: data, Header: nats.Header{}}
	m.Header.Set(hOp, op)
	for i := 0; i+1 < len(kv); i += 2 {
		m.Header.Set(kv[i], kv[i+1])
	}
	return m
}
