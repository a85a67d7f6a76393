package signaling

import (
	"testing"

	"ersatzraum/app/protocol"
)

// Group-work messages with payloads that do not fit their type, from the
// teacher and from a student in a group: each is refused with
// bad-payload, the connection stays open, the group work is unchanged
// and goes on.
func TestGroupsGarbageKeepsTheConnection(t *testing.T) {
	l := newGroupLesson(t, "a", "b", "c")
	before := l.startManual([]string{"a", "b"}, []string{"c"})
	garbage := []string{
		`{"v":1,"type":"groups-start"}`,
		`{"v":1,"type":"groups-start","data":"x"}`,
		`{"v":1,"type":"groups-start","data":{"mode":5}}`,
		`{"v":1,"type":"groups-start","data":{"mode":"manual","groups":[[1,2]]}}`,
		`{"v":1,"type":"groups-start","data":{"mode":"manual","groups":"r-a"}}`,
		`{"v":1,"type":"groups-start","data":{"mode":"random","size":1e99}}`,
		`{"v":1,"type":"groups-start","data":{"mode":"random","size":3,"minutes":"10"}}`,
		`{"v":1,"type":"groups-move","data":{"id":[],"group":"1"}}`,
		`{"v":1,"type":"groups-move","data":[1,2]}`,
		`{"v":1,"type":"groups-visit","data":{"group":99999999999999999999}}`,
		`{"v":1,"type":"groups-visit","data":{"group":1.5}}`,
		`{"v":1,"type":"groups-say","data":{"text":7}}`,
		`{"v":1,"type":"groups-say","data":{"text":{"a":1}}}`,
		`{"v":1,"type":"groups-help","data":{"on":"yes"}}`,
		`{"v":1,"type":"groups-help"}`,
		`{"v":1,"type":"chat","data":{"id":"x","to":"group","group":"1","text":"a"}}`,
	}
	for _, c := range []*client{l.teacher, l.c["a"]} {
		for _, raw := range garbage {
			c.s.Receive([]byte(raw))
			c.expectError(protocol.ErrBadPayload)
			c.expectOpen()
		}
	}
	for _, c := range l.c {
		c.expectNothing()
	}
	l.teacher.expectNothing()

	l.teacher.send(protocol.TypeGroupsVisit, protocol.GroupsVisit{Group: 0})
	after := l.teacher.lastGroups()
	before.Left, after.Left = 0, 0
	if !equalStates(before, after) {
		t.Fatalf("group work changed: %+v, was %+v", after, before)
	}
	l.c["a"].send(protocol.TypeSignal, offer(l.tag("b"), "v=0"))
	l.c["b"].expect(protocol.TypeSignal, nil)
}

func equalStates(a, b protocol.GroupsState) bool {
	return string(protocol.MustEncode(protocol.TypeGroups, a)) == string(protocol.MustEncode(protocol.TypeGroups, b))
}
