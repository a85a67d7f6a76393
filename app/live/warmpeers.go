package live

// Connections built ahead of the offer. In Chromium, creating an
// RTCPeerConnection and adding a track to it are synchronous calls that
// wait for the browser's WebRTC threads, and once a class's media flows
// those threads are busy: a main-thread profile of six students admitted
// at once measured 7.5 s in RTCPeerConnection and one addTrack that held
// the teacher's page for 4.4 s. So the teacher builds a student's
// connection, tracks and caps included, as soon as the student is in the
// lesson, one per task while the threads are still quiet; the student's
// offer then needs only the asynchronous calls (descriptions). The
// browser reuses the added tracks' transceivers for the offered media.

// warmUp schedules a connection for a student who is in the lesson and
// has none. Each runs as its own task, so the page gets turns between.
func (c *TeacherCall) warmUp(id string) {
	if c.peers[id] == nil && c.warm[id] == nil {
		c.client.Do(func() { c.buildWarm(id) })
	}
}

func (c *TeacherCall) buildWarm(id string) {
	if c.over || !c.online[id] || c.peers[id] != nil || c.warm[id] != nil {
		return
	}
	peer, err := c.newPeer(id)
	if err != nil {
		logf("peer: %v", err)
		return
	}
	peer.SetCaps(c.caps())
	peer.AddStream(c.view.Local) // none yet: the answer adds them
	c.warm[id] = peer
}

// takeWarm hands out the connection built for a student, if any.
func (c *TeacherCall) takeWarm(id string) PeerConn {
	p := c.warm[id]
	delete(c.warm, id)
	return p
}

// dropWarm closes connections that were built but never negotiated: the
// student left, or new credentials came (id "" drops all).
func (c *TeacherCall) dropWarm(id string) {
	for wid, p := range c.warm {
		if id == "" || wid == id {
			p.Close()
			delete(c.warm, wid)
		}
	}
}
