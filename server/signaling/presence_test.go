package signaling

import (
	"slices"
	"sync"
	"testing"

	"ersatzraum/app/protocol"
)

// The TURN server asks Present before it honours an expired credential
// and is told through Revoked when a participant's relay must stop.
func TestPresenceAndRevocationForTURN(t *testing.T) {
	h := newTestHub(t)
	var mu sync.Mutex
	var revoked []string
	h.Revoked = func(p string) {
		mu.Lock()
		defer mu.Unlock()
		revoked = append(revoked, p)
	}
	wasRevoked := func(p string) bool {
		mu.Lock()
		defer mu.Unlock()
		return slices.Contains(revoked, p)
	}
	h.addLesson("lesson-a", "t-alice", "Mathe", codeA)
	teacher, _ := h.joinTeacher(t, "t-alice", "lesson-a")
	lea, leaW := h.joinStudent(t, codeA, "Lea")
	_, maxW := h.joinStudent(t, codeA, "Max")
	for _, p := range []string{"teacher-t-alice", leaW.Self, maxW.Self} {
		if !h.Present(p) {
			t.Errorf("%s is in the lesson but not present", p)
		}
	}
	for _, p := range []string{"teacher-t-bob", "nobody", ""} {
		if h.Present(p) {
			t.Errorf("%q is present", p)
		}
	}

	teacher.send(protocol.TypeRemove, protocol.Target{ID: leaW.Self})
	lea.expectClosed(protocol.CloseRemoved)
	if h.Present(leaW.Self) || !wasRevoked(leaW.Self) {
		t.Errorf("Lea sent out: present %v, revoked %v", h.Present(leaW.Self), wasRevoked(leaW.Self))
	}
	if wasRevoked(maxW.Self) || !h.Present(maxW.Self) {
		t.Error("sending Lea out revoked Max")
	}

	teacher.send(protocol.TypeEnd, nil)
	if h.Present(maxW.Self) || !wasRevoked(maxW.Self) {
		t.Errorf("lesson ended: Max present %v, revoked %v", h.Present(maxW.Self), wasRevoked(maxW.Self))
	}
	if h.Present("teacher-t-alice") {
		t.Error("the teacher is present in an ended lesson")
	}
}
