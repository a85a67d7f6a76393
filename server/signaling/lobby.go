package signaling

import (
	"slices"
	"time"

	"ersatzraum/app/protocol"
	"ersatzraum/server/roster"
)

// waiter is a student in a lesson's lobby: connected, not yet admitted,
// not on the roll call.
type waiter struct {
	id     string
	name   string
	camera bool
	at     time.Time
	conn   *Session
}

func (r *room) lobbyState() protocol.LobbyState {
	st := protocol.LobbyState{Waiting: make([]protocol.Knock, 0, len(r.waiting))}
	for _, w := range r.waiting {
		st.Waiting = append(st.Waiting, protocol.Knock{ID: w.id, Name: w.name, At: w.at.UnixMilli()})
	}
	return st
}

// notifyLobbyLeft tells the teacher who stopped waiting. The teacher's
// welcome carried the whole lobby; from then on only changes are sent,
// so that a knock costs one small message, not the list again.
func (r *room) notifyLobbyLeft(ids []string) {
	if r.teacher != nil && len(ids) > 0 {
		r.teacher.send(protocol.MustEncode(protocol.TypeLobbyRemove, protocol.LobbyRemoval{IDs: ids}))
	}
}

// wait puts a student into the lobby, unless MaxLobby wait already.
func (s *Session) wait(r *room, id, name string, camera bool) {
	if len(r.waiting) >= protocol.MaxLobby {
		s.hub.Meter.Disconnected("lobby-full")
		s.fail(protocol.CloseLobbyFull, protocol.ErrLobbyFull, "the lobby is full; try again later")
		return
	}
	w := &waiter{id: id, name: name, camera: camera, at: s.hub.now(), conn: s}
	r.waiting = append(r.waiting, w)
	s.role, s.room, s.waitingID = protocol.RoleStudent, r, id
	s.send(protocol.MustEncode(protocol.TypeWaiting, struct{}{}))
	if r.teacher != nil {
		r.teacher.send(protocol.MustEncode(protocol.TypeLobbyAdd, protocol.Knock{ID: w.id, Name: w.name, At: w.at.UnixMilli()}))
	}
}

func (r *room) removeWaiter(id string) *waiter {
	i := slices.IndexFunc(r.waiting, func(w *waiter) bool { return w.id == id })
	if i < 0 {
		return nil
	}
	w := r.waiting[i]
	r.waiting = slices.Delete(r.waiting, i, i+1)
	return w
}

// admit lets waiting students in (teacher only).
func (s *Session) admit(a protocol.Admission) {
	s.asTeacher(func(r *room) {
		var left []string
		for _, id := range a.IDs {
			w := r.removeWaiter(id)
			if w == nil {
				continue // already gone or admitted: admitting twice is harmless
			}
			left = append(left, w.id)
			st := r.students[w.id] // a class-list student the teacher had sent out
			if st == nil {
				st = &student{line: roster.Line{
					LessonID:      r.lesson.ID,
					ParticipantID: w.id,
					Name:          w.name,
				}}
			}
			st.line.Camera = w.camera
			w.conn.waitingID = ""
			w.conn.enter(r, st, true)
		}
		r.notifyLobbyLeft(left)
	})
}

// reject sends waiting students away (teacher only).
func (s *Session) reject(a protocol.Admission) {
	s.asTeacher(func(r *room) {
		var left []string
		for _, id := range a.IDs {
			if w := r.removeWaiter(id); w != nil {
				left = append(left, w.id)
				w.conn.waitingID = ""
				w.conn.fail(protocol.CloseRejected, protocol.ErrRejected, "the teacher did not let you in")
			}
		}
		r.notifyLobbyLeft(left)
	})
}

// lock stops or allows new joins (teacher only). Students who are in, and
// students resuming after a dropped connection, are not affected.
func (s *Session) lock(l protocol.LockState) {
	s.asTeacher(func(r *room) {
		if r.locked != l.Locked {
			r.locked = l.Locked
			s.hub.rec.RecordLock(r.lesson.ID, r.locked)
		}
		s.send(protocol.MustEncode(protocol.TypeLessonState, protocol.LockState{Locked: r.locked}))
	})
}

// asTeacher runs do with the room locked, for the lesson's current
// teacher only: anyone else gets forbidden, a window the teacher replaced
// gets nothing.
func (s *Session) asTeacher(do func(r *room)) {
	if !s.isTeacher() {
		return
	}
	r := s.room
	r.mu.Lock()
	defer r.mu.Unlock()
	if s.replaced() {
		return
	}
	do(r)
}

// inLesson runs do under the room's lock for a participant who is in the
// lesson: one still waiting in the lobby is refused, a replaced connection
// is ignored.
func (s *Session) inLesson(do func(r *room)) {
	r := s.room
	r.mu.Lock()
	defer r.mu.Unlock()
	if s.waitingID != "" {
		s.sendError(protocol.ErrForbidden, "wait until the teacher lets you in")
		return
	}
	if s.replaced() {
		return
	}
	do(r)
}

func (s *Session) isTeacher() bool {
	if s.role != protocol.RoleTeacher {
		s.sendError(protocol.ErrForbidden, "only the teacher can do that")
		return false
	}
	return true
}
