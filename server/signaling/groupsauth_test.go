package signaling

import (
	"testing"

	"ersatzraum/app/protocol"
)

// Who may send what to whom during group work (and without it). Each row
// runs in a fresh lesson: Anna, Ben and Greta (offline) in group 1, Cem
// and Dana in group 2, Emil in no group. A row names the sender, the
// message, and either the one receiver (with the From it must see) or
// the refusal; nobody else may receive anything.
func TestGroupsAuthorization(t *testing.T) {
	sig := func(to func(l *groupLesson) string) func(l *groupLesson) (string, any) {
		return func(l *groupLesson) (string, any) { return protocol.TypeSignal, offer(to(l), "v=0") }
	}
	tagOf := func(id string) func(l *groupLesson) string { return func(l *groupLesson) string { return l.tag(id) } }
	pidOf := func(id string) func(l *groupLesson) string { return func(l *groupLesson) string { return l.pid(id) } }
	fixed := func(s string) func(l *groupLesson) string { return func(*groupLesson) string { return s } }
	msg := func(typ string, data any) func(l *groupLesson) (string, any) {
		return func(*groupLesson) (string, any) { return typ, data }
	}
	groupChat := func(n int) func(l *groupLesson) (string, any) {
		return msg(protocol.TypeChat, protocol.ChatSend{ID: "x", To: protocol.ChatToGroup, Text: "hallo", Group: n})
	}
	chatMode := func(mode string) func(l *groupLesson) {
		return func(l *groupLesson) { l.teacher.send(protocol.TypeChatMode, protocol.ChatModeState{Mode: mode}) }
	}

	rows := []struct {
		name   string
		groups bool // group work runs
		setup  func(l *groupLesson)
		from   string
		msg    func(l *groupLesson) (string, any)
		to     string                      // the one receiver of a relayed signal
		seenAs func(l *groupLesson) string // the From it sees
		err    string                      // error to the sender
		ack    string                      // refusal in chat-ack
	}{
		{name: "signal to an own group's member by tag", groups: true, from: "a", msg: sig(tagOf("b")), to: "b", seenAs: tagOf("a")},
		{name: "signal to the teacher during group work", groups: true, from: "a", msg: sig(fixed(protocol.TeacherPeer)), to: "teacher", seenAs: pidOf("a")},
		{name: "signal with no to during group work", groups: true, from: "c", msg: sig(fixed("")), to: "teacher", seenAs: pidOf("c")},
		{name: "signal across groups", groups: true, from: "a", msg: sig(tagOf("c")), err: protocol.ErrForbidden},
		{name: "signal to an unknown tag", groups: true, from: "a", msg: sig(fixed("nobody")), err: protocol.ErrForbidden},
		{name: "signal to a groupmate's participant id", groups: true, from: "a", msg: sig(pidOf("b")), err: protocol.ErrForbidden},
		{name: "signal to oneself", groups: true, from: "a", msg: sig(tagOf("a")), err: protocol.ErrForbidden},
		{name: "signal to an offline member", groups: true, from: "a", msg: sig(tagOf("g")), err: protocol.ErrPeerOffline},
		{name: "signal from a student in no group", groups: true, from: "e", msg: sig(tagOf("a")), err: protocol.ErrForbidden},
		{name: "student to student without group work", from: "a", msg: sig(pidOf("b")), err: protocol.ErrForbidden},
		{name: "teacher to a student by id during group work", groups: true, from: "teacher", msg: sig(pidOf("a")), to: "a", seenAs: fixed(protocol.TeacherPeer)},
		{name: "teacher to a tag", groups: true, from: "teacher", msg: sig(tagOf("a")), err: protocol.ErrUnknownPeer},
		{name: "group chat while only questions are allowed", groups: true, setup: chatMode(protocol.ChatModeTeacherOnly), from: "a", msg: groupChat(0), ack: protocol.ErrChatTeacherOnly},
		{name: "group chat while the chat is off", groups: true, setup: chatMode(protocol.ChatModeOff), from: "a", msg: groupChat(0), ack: protocol.ErrChatOff},
		{name: "group chat without group work", from: "a", msg: groupChat(0), ack: protocol.ErrNoGroups},
		{name: "group chat from a student in no group", groups: true, from: "e", msg: groupChat(1), ack: protocol.ErrNotInGroup},
		{name: "teacher's group chat to no such group", groups: true, from: "teacher", msg: groupChat(3), ack: protocol.ErrBadPayload},
		{name: "teacher's group chat without group work", from: "teacher", msg: groupChat(1), ack: protocol.ErrNoGroups},
		{name: "groups-help from the teacher", groups: true, from: "teacher", msg: msg(protocol.TypeGroupsHelp, protocol.GroupsHelp{On: true}), err: protocol.ErrForbidden},
		{name: "groups-help from a student in no group", groups: true, from: "e", msg: msg(protocol.TypeGroupsHelp, protocol.GroupsHelp{On: true}), err: protocol.ErrNotInGroup},
		{name: "groups-start from a student", from: "a", msg: msg(protocol.TypeGroupsStart, protocol.GroupsStart{Mode: protocol.GroupsRandom, Size: 2}), err: protocol.ErrForbidden},
		{name: "groups-move from a student", groups: true, from: "a", msg: msg(protocol.TypeGroupsMove, protocol.GroupsMove{ID: "r-c", Group: 1}), err: protocol.ErrForbidden},
		{name: "groups-visit from a student", groups: true, from: "a", msg: msg(protocol.TypeGroupsVisit, protocol.GroupsVisit{Group: 1}), err: protocol.ErrForbidden},
		{name: "groups-say from a student", groups: true, from: "a", msg: msg(protocol.TypeGroupsSay, protocol.GroupsSay{Text: "hallo"}), err: protocol.ErrForbidden},
		{name: "groups-end from a student", groups: true, from: "a", msg: msg(protocol.TypeGroupsEnd, nil), err: protocol.ErrForbidden},
	}
	for _, tc := range rows {
		t.Run(tc.name, func(t *testing.T) {
			l := newGroupLesson(t, "a", "b", "c", "d", "e")
			if tc.groups {
				l.startManual([]string{"a", "b", "g"}, []string{"c", "d"})
			}
			if tc.setup != nil {
				tc.setup(l)
				l.drain()
			}
			who := func(id string) *client {
				if id == "teacher" {
					return l.teacher
				}
				return l.c[id]
			}
			sender := who(tc.from)
			typ, data := tc.msg(l)
			sender.send(typ, data)
			switch {
			case tc.err != "":
				e := sender.expectError(tc.err)
				// One answer for every refused signal: no probing of other groups.
				if typ == protocol.TypeSignal && tc.err == protocol.ErrForbidden && e.Message != signalRefused {
					t.Fatalf("message %q", e.Message)
				}
			case tc.ack != "":
				expectAck(t, sender, "x", tc.ack)
			}
			if tc.to != "" {
				var got protocol.Signal
				who(tc.to).expect(protocol.TypeSignal, &got)
				if want := tc.seenAs(l); got.From != want || got.To != "" || got.SDP != "v=0" {
					t.Fatalf("relayed as %+v, want from %q", got, want)
				}
			}
			l.teacher.expectNothing()
			for _, c := range l.c {
				c.expectNothing()
			}
			sender.expectOpen()
		})
	}
}
