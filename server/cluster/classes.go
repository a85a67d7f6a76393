package cluster

import (
	"encoding/json"

	"github.com/nats-io/nats.go"

	"ersatzraum/server/signaling"
)

// Class lists change through the HTTP API of whichever node the teacher
// reached; every node's hub needs the change (the class code and personal
// links of a class lead to its lesson, and the class list decides who
// skips the lobby). Node is httpapi's ClassHost: it changes its own hub
// and tells the others, whose hubs take the same class. A node that
// starts loads every class from storage after it has subscribed, so it
// misses none; a node that comes to host a lesson loads its class again
// with the lesson (Lessons.Load).

// SetClass makes a class known on every node.
func (n *Node) SetClass(c signaling.Class) {
	n.hub.SetClass(c)
	b, err := json.Marshal(c)
	if err != nil {
		n.log.Error("class not sent to the other nodes", "class", c.ID, "err", err)
		return
	}
	n.nc.PublishMsg(msg(classSubject, opSet, b, hNode, n.id))
}

// RemoveClass forgets a class on every node.
func (n *Node) RemoveClass(id string) {
	n.hub.RemoveClass(id)
	n.nc.PublishMsg(msg(classSubject, opRemove, []byte(id), hNode, n.id))
}

func (n *Node) classChanged(m *nats.Msg) {
	if m.Header.Get(hNode) == n.id {
		return
	}
	switch m.Header.Get(hOp) {
	case opSet:
		var c signaling.Class
		if err := json.Unmarshal(m.Data, &c); err != nil {
			n.log.Error("class from another node", "err", err)
			return
		}
		n.hub.SetClass(c)
	case opRemove:
		n.hub.RemoveClass(string(m.Data))
	}
}
