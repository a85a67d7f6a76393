package signaling

import (
	"time"

	"ersatzraum/server/roster"
)

// DefaultIdleLessonEnd is how long a lesson may stay without anybody
// connected (teacher, students, lobby) before the hub ends it: long enough
// for a break, a lost connection or a lesson in two parts across lunch,
// short enough that a lesson forgotten in the evening is over the next
// morning. Its join code stops working with it; a class's code then leads
// to the class's next lesson. docs/admin.md states it.
const DefaultIdleLessonEnd = 12 * time.Hour

// EndIdleLessons ends every lesson nobody has been connected to for at
// least idle, as the teacher's "end" would (recorded, code gone), and
// returns how many it ended. idle <= 0 ends none.
func (h *Hub) EndIdleLessons(idle time.Duration) int {
	if idle <= 0 {
		return 0
	}
	h.mu.RLock()
	rooms := make([]*room, 0, len(h.byID))
	for _, r := range h.byID {
		rooms = append(rooms, r)
	}
	h.mu.RUnlock()
	now := h.now()
	n := 0
	for _, r := range rooms {
		r.mu.Lock()
		expired := !r.ended && len(r.conns()) == 0 && now.Sub(r.lastSeen) >= idle
		var out []string
		var saveGroups func()
		if expired {
			r.ended = true
			out = r.studentIDs()
			if r.groups.cur != nil {
				saveGroups = h.finishGroups(r)
			}
		}
		r.mu.Unlock()
		if !expired {
			continue
		}
		if saveGroups != nil {
			saveGroups()
		}
		h.revoke(out...)
		h.removeRoom(r)
		h.rec.RecordEnd(r.lesson.ID, now)
		h.log.Info("lesson ended after being idle", "lesson", r.lesson.ID, "idle", now.Sub(r.lastSeen).Round(time.Minute))
		n++
	}
	return n
}

// lastActivity is when anybody was last seen in a restored lesson: its
// start, or the latest join or leave of its roll call.
func lastActivity(l Lesson, lines []roster.Line) time.Time {
	t := l.Start
	for _, ln := range lines {
		for _, at := range []time.Time{ln.JoinedAt, ln.LeftAt} {
			if at.After(t) {
				t = at
			}
		}
	}
	return t
}
