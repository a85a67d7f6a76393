package live

import (
	"maps"
	"time"

	"ersatzraum/app/protocol"
)

// The teacher's connection to each student: the student offers and the
// teacher answers; a break is healed by the student's ICE restart, and a
// connection that stays failed is hung up. A timer reads each connection's
// path and quality for the roll call's relay and quality marks.

func (c *TeacherCall) signal(sig protocol.Signal) {
	from := sig.From
	switch sig.Kind {
	case protocol.SignalOffer:
		if p := c.peers[from]; p != nil && sig.Restart {
			// ICE restart: same connection, new network path.
			answer, err := p.Renegotiate(sig.SDP)
			if err != nil {
				logf("ice restart: %v", err)
				return
			}
			c.client.Send(protocol.TypeSignal, protocol.Signal{To: from, Kind: protocol.SignalAnswer, SDP: answer})
			return
		}
		// A new offer means the student (re)connected: start afresh.
		c.closePeer(from)
		c.answer(from, sig.SDP)
	case protocol.SignalCandidate:
		if p := c.peers[from]; p != nil && sig.Candidate != nil {
			p.AddCandidate(*sig.Candidate)
		}
	}
}

// answer builds the connection to a student from its offer, on the one
// built ahead for the student if there is one.
func (c *TeacherCall) answer(from, offer string) {
	peer := c.takeWarm(from)
	if peer == nil {
		yieldToBrowser()
		var err error
		if peer, err = c.newPeer(from); err != nil {
			logf("peer: %v", err)
			return
		}
	}
	peer.SetCaps(c.caps())
	sdp, err := peer.Answer(offer, c.view.Local)
	if err != nil {
		logf("answer: %v", err)
		peer.Close()
		return
	}
	c.peers[from] = peer
	c.classChanged()
	c.client.Send(protocol.TypeSignal, protocol.Signal{To: from, Kind: protocol.SignalAnswer, SDP: sdp})
	switch {
	case !c.videoFor(from):
		// Sound only, or in a group the teacher does not visit.
		peer.SendVideo(c.view.Local, false)
	case c.view.Sharing:
		// A student who joins late gets the screen at once.
		peer.SendVideo(c.view.Screen, true)
	}
	switch {
	case !c.reaches(from):
		peer.SendAudio(Stream{})
	case c.relay.id != "" && from != c.relay.id:
		peer.SendAudio(c.relay.mix)
	}
}

// newPeer makes a connection to a student whose events reach the call
// only while it is that student's connection.
func (c *TeacherCall) newPeer(from string) (PeerConn, error) {
	var peer PeerConn
	peer, err := c.Peers(c.ice, PeerEvents{
		Candidate: func(cand protocol.Candidate) {
			c.client.Send(protocol.TypeSignal, protocol.Signal{To: from, Kind: protocol.SignalCandidate, Candidate: &cand})
		},
		Stream: func(st Stream) {
			c.client.Do(func() {
				if c.peers[from] == peer {
					c.view.Streams[from] = st
					c.streamArrived(from)
					c.changed()
				}
			})
		},
		State: func(state string) { c.client.Do(func() { c.peerState(from, peer, state) }) },
	})
	return peer, err
}

// peerState follows one student's connection: a break is shown at once
// (the picture froze) and healed by the student's ICE restart; a
// connection that stays failed is hung up.
func (c *TeacherCall) peerState(id string, peer PeerConn, state string) {
	if c.peers[id] != peer {
		return // an old connection
	}
	switch state {
	case peerConnected:
		c.linked[id] = true
		delete(c.view.Interrupted, id)
	case peerDisconnected:
		delete(c.linked, id)
		c.view.Interrupted[id] = true
	case peerFailed:
		delete(c.linked, id)
		c.view.Interrupted[id] = true
		// The student may still restart ICE on this connection (it does
		// when its signaling is back); hang up only if the connection
		// stays failed and nothing replaced it.
		time.AfterFunc(hangUpAfter, func() {
			c.client.Do(func() {
				if c.peers[id] == peer && peer.State() == peerFailed {
					c.hangUp(id)
				}
			})
		})
	case peerClosed:
		c.hangUp(id)
	default:
		return
	}
	c.changed()
}

// hangUp closes the connection to a student and removes its picture.
func (c *TeacherCall) hangUp(id string) {
	c.closePeer(id)
	c.dropWarm(id)
	c.classChanged()
	delete(c.view.Streams, id)
	delete(c.view.Interrupted, id)
	delete(c.view.Relayed, id)
	delete(c.view.Quality, id)
	c.followCallOn(false)
	c.changed()
}

func (c *TeacherCall) closePeer(id string) {
	if p := c.peers[id]; p != nil {
		p.Close()
		delete(c.peers, id)
	}
	delete(c.linked, id)
}

func (c *TeacherCall) closePeers() {
	for id := range c.peers {
		c.closePeer(id)
	}
	c.dropWarm("")
}

func (c *TeacherCall) scheduleLinkCheck() {
	time.AfterFunc(linkCheckEvery, func() { c.client.Do(c.checkLinks) })
}

// checkLinks reads how each student is connected: through the relay (a
// strict network on the student's side) and how well.
func (c *TeacherCall) checkLinks() {
	if c.over {
		return
	}
	defer c.scheduleLinkCheck()
	relayed := make(map[string]bool)
	quality := make(map[string]Quality)
	for id, p := range c.peers {
		link, err := p.Link()
		if err != nil {
			continue
		}
		if link.Relayed {
			relayed[id] = true
		}
		quality[id] = link.Quality()
	}
	if maps.Equal(relayed, c.view.Relayed) && maps.Equal(quality, c.view.Quality) {
		return
	}
	c.view.Relayed, c.view.Quality = relayed, quality
	c.changed()
}
