package live

// The class hears the student who is called on, inside the star: the
// teacher's page mixes that student's sound into the teacher's own
// (Web Audio) and sends the mix, on the audio sender every connection
// already has, to every other student. The called-on student keeps the
// teacher's plain microphone, so nobody hears their own voice, and the
// teacher's upload does not grow: still one audio stream per student.
// The mix follows the roll call's Called flag, which the server confirms;
// after "Fertig" every connection gets the plain microphone again.

// callOnRelay is the mix of the moment. Its fields belong to the call's
// goroutine.
type callOnRelay struct {
	id   string // the student heard by the class, "" for none
	mix  Stream // the teacher's voice with that student's
	stop func() // ends the mix
}

// soundFor is what connection id sends: the mix, except to the student
// who is in it; nothing to a group the teacher does not visit.
func (c *TeacherCall) soundFor(id string) Stream {
	if !c.reaches(id) {
		return Stream{}
	}
	if c.relay.id != "" && id != c.relay.id {
		return c.relay.mix
	}
	return c.view.Local
}

// followCallOn makes the class hear the student who is called on now.
// rebuild mixes anew even when it is the same student (their connection,
// and so their sound, was replaced).
func (c *TeacherCall) followCallOn(rebuild bool) {
	want := ""
	for _, e := range c.view.Entries {
		if e.Called && e.Online {
			want = e.ID
		}
	}
	st, ok := c.view.Streams[want]
	if !ok || c.over {
		want = ""
	}
	if want == c.relay.id && !rebuild {
		return
	}
	old := c.relay
	c.relay = callOnRelay{}
	if want != "" {
		mix, stop, err := c.Mix(c.view.Local, st)
		if err != nil {
			logf("call-on mix: %v", err)
		} else {
			c.relay = callOnRelay{id: want, mix: mix, stop: stop}
		}
	}
	for id, p := range c.peers {
		if err := p.SendAudio(c.soundFor(id)); err != nil {
			logf("call-on sound: %v", err)
		}
	}
	// Ended only now that no connection sends it any more.
	if old.stop != nil {
		old.stop()
	}
}

// streamArrived follows a student's new media: the called-on student's
// sound is mixed anew.
func (c *TeacherCall) streamArrived(id string) {
	c.followCallOn(id == c.relay.id)
}

// endRelay ends the mix with the call.
func (c *TeacherCall) endRelay() {
	if c.relay.stop != nil {
		c.relay.stop()
	}
	c.relay = callOnRelay{}
}
