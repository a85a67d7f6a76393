package signaling

import (
	"time"

	"ersatzraum/app/protocol"
	"ersatzraum/server/roster"
)

// What a teacher does with the students of a running lesson: set their
// roll-call status, call on one, ask one to mute, send one out; and what a
// student reports about itself (hand, camera, microphone).

// mark sets a student's roll-call status (teacher only).
func (s *Session) mark(m protocol.Mark) {
	s.asTeacher(func(r *room) {
		if !protocol.ValidStatus(m.Status) {
			s.sendError(protocol.ErrBadPayload, "status must be present, late, absent or excused")
			return
		}
		st, ok := r.students[m.ID]
		if !ok {
			s.sendError(protocol.ErrUnknownPeer, "no participant "+quote(m.ID)+" in this lesson")
			return
		}
		if st.line.Status != m.Status {
			st.line.Status = m.Status
			s.hub.rec.Record(st.line)
			s.hub.rec.RecordEvent(roster.Event{LessonID: r.lesson.ID, ParticipantID: m.ID, Kind: roster.EventStatus, Status: m.Status, At: s.hub.now()})
		}
		r.notifyTeacher(st)
	})
}

// direct carries out call, mute and remove (teacher only).
func (s *Session) direct(kind, id string) {
	s.asTeacher(func(r *room) { s.directIn(r, kind, id) })
}

// directIn carries it out with the room locked.
func (s *Session) directIn(r *room, kind, id string) {
	st, ok := r.students[id]
	if !ok && !(kind == protocol.TypeCall && id == "") {
		s.sendError(protocol.ErrUnknownPeer, "no participant "+quote(id)+" in this lesson")
		return
	}
	switch kind {
	case protocol.TypeCall:
		// One student at a time is called on; calling on someone lowers
		// their hand.
		for _, other := range r.students {
			if other.called && other != st {
				other.called = false
				if other.conn != nil {
					other.conn.send(protocol.MustEncode(protocol.TypeCalled, protocol.Called{On: false}))
				}
				r.notifyTeacher(other)
			}
		}
		if st != nil {
			st.called, st.hand = true, time.Time{}
			if st.conn != nil {
				st.conn.send(protocol.MustEncode(protocol.TypeCalled, protocol.Called{On: true}))
			}
			r.notifyTeacher(st)
		}
	case protocol.TypeMute:
		if st.conn == nil {
			s.sendError(protocol.ErrPeerOffline, "the student is not connected")
			return
		}
		st.conn.send(protocol.MustEncode(protocol.TypeMuted, struct{}{}))
	case protocol.TypeRemove:
		st.removed, st.called, st.hand = true, false, time.Time{}
		st.line.ResumeHash = nil // no way back but through the lobby
		if c := st.conn; c != nil {
			c.studentID = ""
			c.fail(protocol.CloseRemoved, protocol.ErrRemoved, "the teacher sent you out of the lesson")
			st.conn = nil
			st.line.LeftAt = s.hub.now()
			s.hub.rec.RecordEvent(roster.Event{LessonID: r.lesson.ID, ParticipantID: id, Kind: roster.EventLeave, At: st.line.LeftAt})
		}
		s.hub.rec.Record(st.line)
		r.notifyTeacher(st)
		r.groupsRemoved(id, s.hub.now())
		s.hub.revoke(id) // no relay for the student sent out (presence.go)
	}
}

// hand raises or lowers the sending student's hand; raising again keeps
// the place in the queue.
func (s *Session) hand(h protocol.Hand) {
	s.studentUpdate(func(st *student) {
		switch {
		case !h.Raised:
			st.hand = time.Time{}
		case st.hand.IsZero():
			st.hand = s.hub.now()
		}
	})
}

// media records what the sending student's page sends and wants.
func (s *Session) media(m protocol.Media) {
	s.studentUpdate(func(st *student) {
		changed := st.line.Camera != m.Camera
		st.line.Camera, st.mic, st.audioOnly = m.Camera, m.Mic, m.AudioOnly
		if changed {
			s.hub.rec.Record(st.line)
		}
	})
}

// studentUpdate changes the sending student's state and tells the teacher.
func (s *Session) studentUpdate(change func(*student)) {
	if s.role != protocol.RoleStudent {
		s.sendError(protocol.ErrForbidden, "only students report that")
		return
	}
	r := s.room
	r.mu.Lock()
	defer r.mu.Unlock()
	if s.waitingID != "" || s.replaced() {
		return
	}
	st, ok := r.students[s.studentID]
	if !ok {
		return
	}
	change(st)
	r.notifyTeacher(st)
}
