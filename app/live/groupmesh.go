package live

import (
	"slices"
	"time"

	"ersatzraum/app/protocol"
)

// A student's side of group work: one peer connection to each other
// member of the group, a full mesh (at most 4 connections), beside the
// connection to the teacher, which stays as it is. The server says who is
// in the group and who is online (groups messages); the member whose peer
// tag sorts first offers, so that two members never offer to each other at
// once. A member who goes offline is hung up; when they come back the
// offerer offers again. The group's sound (and pictures, if the teacher
// allowed cameras) is what the page plays; nothing of it goes through the
// server.

// GroupCaps is what a student sends to each member of the group. Five
// members on a home line: 4 connections up and 4 down, beside the one to
// the teacher (README, Group work).
var GroupCaps = Caps{
	VideoMaxBitrate:   200_000,
	VideoMaxFramerate: 15,
	ScaleDown:         1,
	AudioMaxBitrate:   32_000,
}

// groupRebuildAfter is how long a failed connection to a member waits
// before the offerer builds a new one (a member's network may come back
// by itself).
const groupRebuildAfter = 2 * time.Second

// GroupView is what a student's page shows of group work. Active false:
// the class is together.
type GroupView struct {
	Active bool
	// Unassigned: group work runs, but the teacher has not put this
	// student in a group yet (a latecomer).
	Unassigned bool
	N          int    // the group's number, "Gruppe N"
	Task       string // the teacher's task for the groups
	// EndsAt is when the timer runs out, on this device's clock; zero:
	// no timer.
	EndsAt  time.Time
	Cameras bool // the members see each other
	Visited bool // the teacher is in the group now
	Help    bool // someone in the group called the teacher
	Members []GroupPeer
	// Note is the teacher's last message to the groups, NoteSeq counts
	// them (the page shows each new one).
	Note    string
	NoteSeq int
	// LastMinute: the timer runs out in a minute.
	LastMinute bool
}

// GroupPeer is another member of the student's group.
type GroupPeer struct {
	Tag    string
	Name   string
	Online bool
	Stream Stream // their sound (and picture); invalid until it arrives
}

// groupMesh is the student's connections to its group. Its fields belong
// to the call's goroutine.
type groupMesh struct {
	self    string              // own peer tag
	peers   map[string]PeerConn // by member's tag
	streams map[string]Stream
}

// groupsChanged applies the server's word on the group work.
func (c *StudentCall) groupsChanged(st *protocol.GroupsState) {
	if st == nil || !st.Active {
		c.endGroups()
		return
	}
	g := &c.view.Group
	wasActive := g.Active
	g.Active, g.Task, g.Cameras = true, st.Task, st.Cameras
	g.EndsAt = time.Time{}
	if st.Left > 0 {
		g.EndsAt = time.Now().Add(time.Duration(st.Left) * time.Millisecond)
	}
	if !wasActive {
		g.LastMinute, g.Note = false, ""
	}
	if len(st.Groups) == 0 {
		// A latecomer, or moved out: no group yet.
		c.closeMesh("")
		g.Unassigned, g.N, g.Members, g.Visited, g.Help = true, 0, nil, false, false
		return
	}
	own := st.Groups[0]
	if c.mesh.self != st.Self || g.N != own.N {
		// Another group (moved), or a new tag: the old connections
		// belong to the old group.
		c.closeMesh("")
	}
	c.mesh.self = st.Self
	g.Unassigned, g.N, g.Visited, g.Help = false, own.N, st.Visiting == own.N && own.N != 0, own.Help
	online := make(map[string]bool)
	members := make([]GroupPeer, 0, len(own.Members))
	for _, m := range own.Members {
		if m.ID == st.Self {
			continue
		}
		if m.Online {
			online[m.ID] = true
		}
		members = append(members, GroupPeer{Tag: m.ID, Name: m.Name, Online: m.Online})
	}
	for tag := range c.mesh.peers {
		if !online[tag] {
			c.closeMesh(tag)
		}
	}
	for tag := range online {
		if c.mesh.peers[tag] == nil && c.mesh.self < tag {
			c.offerTo(tag)
		}
	}
	g.Members = members
	c.fillGroupStreams()
}

// fillGroupStreams puts each member's stream into the view: a new slice,
// so that a view handed out earlier keeps its own.
func (c *StudentCall) fillGroupStreams() {
	members := slices.Clone(c.view.Group.Members)
	for i := range members {
		members[i].Stream = c.mesh.streams[members[i].Tag]
	}
	c.view.Group.Members = members
}

// endGroups brings the student back to the class: the group's
// connections close; the teacher's connection was never touched.
func (c *StudentCall) endGroups() {
	c.closeMesh("")
	c.mesh.self = ""
	c.view.Group = GroupView{}
}

// closeMesh hangs up on one member, or on every member for "".
func (c *StudentCall) closeMesh(tag string) {
	for t, p := range c.mesh.peers {
		if tag == "" || t == tag {
			p.Close()
			delete(c.mesh.peers, t)
			delete(c.mesh.streams, t)
		}
	}
}

// groupStream is what this student sends to the group: the microphone,
// and the camera only if the teacher allowed pictures in groups.
func (c *StudentCall) groupStream() Stream {
	if c.view.Group.Cameras {
		return c.view.Local
	}
	return c.view.Local.Sound()
}

// newMeshPeer makes a connection to a member whose events reach the call
// only while it is that member's connection.
func (c *StudentCall) newMeshPeer(tag string) (PeerConn, error) {
	var peer PeerConn
	peer, err := c.Peers(c.ice, PeerEvents{
		Candidate: func(cand protocol.Candidate) {
			c.client.Send(protocol.TypeSignal, protocol.Signal{To: tag, Kind: protocol.SignalCandidate, Candidate: &cand})
		},
		Stream: func(st Stream) {
			c.client.Do(func() {
				if c.mesh.peers[tag] == peer {
					c.mesh.streams[tag] = st
					c.fillGroupStreams()
					c.changed()
				}
			})
		},
		State: func(state string) { c.client.Do(func() { c.meshState(tag, peer, state) }) },
	})
	if err == nil {
		if c.mesh.peers == nil {
			c.mesh.peers, c.mesh.streams = make(map[string]PeerConn), make(map[string]Stream)
		}
		c.mesh.peers[tag] = peer
		peer.SetCaps(GroupCaps)
	}
	return peer, err
}

// offerTo builds the connection to a member and offers it.
func (c *StudentCall) offerTo(tag string) {
	yieldToBrowser()
	peer, err := c.newMeshPeer(tag)
	if err != nil {
		logf("group peer: %v", err)
		return
	}
	local := c.groupStream()
	peer.AddStream(local)
	peer.Receive("audio", local)
	if c.view.Group.Cameras {
		peer.Receive("video", local)
	}
	offer, err := peer.Offer()
	if err != nil {
		logf("group offer: %v", err)
		c.closeMesh(tag)
		return
	}
	c.client.Send(protocol.TypeSignal, protocol.Signal{To: tag, Kind: protocol.SignalOffer, SDP: offer})
}

// groupSignal handles a member's negotiation. An offer always starts
// afresh: the member (re)built its side.
func (c *StudentCall) groupSignal(sig protocol.Signal) {
	if !c.view.Group.Active || c.view.Group.Unassigned {
		return
	}
	from := sig.From
	switch sig.Kind {
	case protocol.SignalOffer:
		c.closeMesh(from)
		yieldToBrowser()
		peer, err := c.newMeshPeer(from)
		if err != nil {
			logf("group peer: %v", err)
			return
		}
		answer, err := peer.Answer(sig.SDP, c.groupStream())
		if err != nil {
			logf("group answer: %v", err)
			c.closeMesh(from)
			return
		}
		c.client.Send(protocol.TypeSignal, protocol.Signal{To: from, Kind: protocol.SignalAnswer, SDP: answer})
	case protocol.SignalAnswer:
		if p := c.mesh.peers[from]; p != nil {
			if err := p.Accept(sig.SDP); err != nil {
				logf("group accept: %v", err)
			}
		}
	case protocol.SignalCandidate:
		if p := c.mesh.peers[from]; p != nil && sig.Candidate != nil {
			p.AddCandidate(*sig.Candidate)
		}
	}
}

// meshState rebuilds a member's connection that failed, from the side
// that offers; the other side waits for the new offer.
func (c *StudentCall) meshState(tag string, peer PeerConn, state string) {
	if c.mesh.peers[tag] != peer || state != peerFailed || c.mesh.self >= tag {
		return
	}
	time.AfterFunc(groupRebuildAfter, func() {
		c.client.Do(func() {
			if c.mesh.peers[tag] == peer && !peer.Healthy() && c.memberOnline(tag) {
				c.closeMesh(tag)
				c.offerTo(tag)
			}
		})
	})
}

func (c *StudentCall) memberOnline(tag string) bool {
	return slices.ContainsFunc(c.view.Group.Members, func(m GroupPeer) bool { return m.Tag == tag && m.Online })
}

// groupsNote shows the teacher's message, or the last minute.
func (c *StudentCall) groupsNote(n protocol.GroupsNote) {
	if !c.view.Group.Active {
		return
	}
	switch n.Kind {
	case protocol.NoteTeacher:
		c.view.Group.Note = n.Text
		c.view.Group.NoteSeq++
	case protocol.NoteLastMinute:
		c.view.Group.LastMinute = true
	}
}

// CallTeacher calls the teacher to the group ("Lehrkraft rufen"), or
// takes the call back.
func (c *StudentCall) CallTeacher(on bool) {
	c.do(func() {
		c.client.Send(protocol.TypeGroupsHelp, protocol.GroupsHelp{On: on})
	})
}
