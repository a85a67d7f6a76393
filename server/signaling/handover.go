package signaling

import "ersatzraum/app/protocol"

// DropLesson stops hosting a lesson without ending it: every client of
// the lesson (teacher, students, lobby) is closed with CloseGoingAway, so
// that it reconnects, and the room leaves the hub. Nothing is recorded:
// the lesson goes on, hosted elsewhere (package cluster hands it to
// another node, which restores it from storage with AddLesson). Sessions
// of the dropped room are detached first, like at the end of a lesson, so
// that their Closed, which the transport reports later, writes nothing
// either: after this call the hub never records anything for the lesson
// again. It reports whether the lesson was live here.
func (h *Hub) DropLesson(lessonID, reason string) bool {
	r := h.roomByID(lessonID)
	if r == nil {
		return false
	}
	r.mu.Lock()
	r.ended = true // no hello enters any more
	var closing []*Session
	for _, st := range r.students {
		if c := st.conn; c != nil {
			c.studentID = ""
			st.conn = nil
			closing = append(closing, c)
		}
	}
	for _, w := range r.waiting {
		w.conn.waitingID = ""
		closing = append(closing, w.conn)
	}
	r.waiting = nil
	if r.teacher != nil {
		closing = append(closing, r.teacher)
		r.teacher = nil
	}
	r.mu.Unlock()
	h.removeRoom(r)
	for _, s := range closing {
		s.conn.Close(protocol.CloseGoingAway, reason)
	}
	return true
}
