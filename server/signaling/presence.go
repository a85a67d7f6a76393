package signaling

import "strings"

// TURN credentials are issued per participant (iceFor) and live only as
// long as the participant is in: the TURN server asks Present before it
// honours an expired credential, and the hub calls Revoked when a
// participant is sent out or their lesson ends, so that relays stop at
// once rather than when the credential runs out.

// teacherICEPrefix starts the TURN user of a teacher ("teacher-" + id).
const teacherICEPrefix = "teacher-"

// Present reports whether participant (a TURN user as iceFor names it)
// is connected to a live lesson and not sent out of it.
func (h *Hub) Present(participant string) bool {
	h.mu.RLock()
	rooms := make([]*room, 0, len(h.byID))
	for _, r := range h.byID {
		rooms = append(rooms, r)
	}
	h.mu.RUnlock()
	teacherID, isTeacher := strings.CutPrefix(participant, teacherICEPrefix)
	for _, r := range rooms {
		r.mu.Lock()
		var in bool
		if isTeacher {
			in = !r.ended && r.teacher != nil && r.teacher.ident.TeacherID == teacherID
		} else if st, ok := r.students[participant]; ok {
			in = !r.ended && st.conn != nil && !st.removed
		}
		r.mu.Unlock()
		if in {
			return true
		}
	}
	return false
}

// revoke tells the TURN server that participants are out.
func (h *Hub) revoke(participants ...string) {
	if h.Revoked == nil {
		return
	}
	for _, p := range participants {
		h.Revoked(p)
	}
}

// studentIDs lists a room's participants. Call with r.mu held.
func (r *room) studentIDs() []string {
	out := make([]string, 0, len(r.students))
	for id := range r.students {
		out = append(out, id)
	}
	return out
}
