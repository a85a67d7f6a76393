package signaling

import (
	"encoding/hex"
	"time"

	"ersatzraum/server/codes"
)

// Class is what the hub needs to let a class's students in: its code, and
// its roster with each student's personal-link hash.
type Class struct {
	ID        string
	TeacherID string
	Name      string
	CodeHash  []byte
	Roster    []RosterStudent
	// LateAfter: a first join later than this after the lesson's start
	// counts as late.
	LateAfter time.Duration
}

// RosterStudent is one student on a class list.
type RosterStudent struct {
	ID        string
	Name      string
	TokenHash []byte
}

// classInfo is an immutable snapshot; SetClass replaces it whole.
type classInfo struct {
	Class
	byName map[string]*RosterStudent
}

type personalEntry struct {
	class   *classInfo
	student *RosterStudent
}

// SetClass makes a class known (or updates its code and roster): its code
// and its students' personal links lead into the class's live lesson.
func (h *Hub) SetClass(c Class) {
	info := &classInfo{Class: c, byName: make(map[string]*RosterStudent, len(c.Roster))}
	for i := range info.Roster {
		st := &info.Roster[i]
		info.byName[codes.NameKey(st.Name)] = st
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.dropClassLocked(c.ID)
	h.classes[c.ID] = info
	h.classByCode[hex.EncodeToString(c.CodeHash)] = info
	for i := range info.Roster {
		st := &info.Roster[i]
		h.personal[hex.EncodeToString(st.TokenHash)] = personalEntry{class: info, student: st}
	}
}

// RemoveClass forgets a class; its code and personal links stop working.
func (h *Hub) RemoveClass(id string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.dropClassLocked(id)
}

func (h *Hub) dropClassLocked(id string) {
	old, ok := h.classes[id]
	if !ok {
		return
	}
	delete(h.classes, id)
	delete(h.classByCode, hex.EncodeToString(old.CodeHash))
	for _, st := range old.Roster {
		delete(h.personal, hex.EncodeToString(st.TokenHash))
	}
}

func (h *Hub) classByCodeHash(hash []byte) *classInfo {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.classByCode[hex.EncodeToString(hash)]
}

func (h *Hub) personalByHash(hash []byte) (personalEntry, bool) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	p, ok := h.personal[hex.EncodeToString(hash)]
	return p, ok
}

func (h *Hub) classInfo(id string) *classInfo {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.classes[id]
}

// liveRoomOfClass returns the class's running lesson, the newest if the
// teacher started more than one.
func (h *Hub) liveRoomOfClass(classID string) *room {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.classLive[classID]
}

// lateAfter is the late rule of a lesson: its class's setting, or the
// default for lessons without class.
func (h *Hub) lateAfter(r *room) time.Duration {
	if c := h.classInfo(r.lesson.ClassID); c != nil {
		return c.LateAfter
	}
	return DefaultLateAfter
}
