package signaling

import (
	"testing"

	"ersatzraum/app/protocol"
)

func chatTexts(w protocol.Welcome) []string {
	var out []string
	if w.Chat != nil {
		for _, m := range w.Chat.Messages {
			out = append(out, m.Text)
		}
	}
	return out
}

// A group's chat reaches its members and the teacher only; the teacher
// writes to one group; recent messages on rejoining show a student only
// its own group's, and none after the group work ended; a deleted group
// message is deleted for those who saw it.
func TestGroupChatVisibility(t *testing.T) {
	l := newGroupLesson(t, "a", "b", "c", "d", "e")
	l.startManual([]string{"a", "b"}, []string{"c", "d"})

	chatSend(l.c["a"], "g1", protocol.ChatToGroup, "Wir nehmen Aufgabe 2")
	if m := expectChat(t, l.teacher); m.Group != 1 || m.From != l.pid("a") || m.To != protocol.ChatToGroup || m.Name != "Anna" {
		t.Fatalf("teacher got %+v", m)
	}
	if m := expectChat(t, l.c["a"]); !m.Mine || m.Group != 1 {
		t.Fatalf("sender got %+v", m)
	}
	ack := expectAck(t, l.c["a"], "g1", "")
	if m := expectChat(t, l.c["b"]); m.Group != 1 || m.From != "" || m.Name != "Anna" || m.Mine {
		t.Fatalf("groupmate got %+v", m)
	}
	for _, id := range []string{"c", "d", "e"} {
		l.c[id].expectNothing()
	}

	l.teacher.send(protocol.TypeChat, protocol.ChatSend{ID: "t1", To: protocol.ChatToGroup, Group: 2, Text: "Gut so"})
	if m := expectChat(t, l.teacher); !m.Mine || !m.Teacher || m.Group != 2 {
		t.Fatalf("teacher's own copy %+v", m)
	}
	expectAck(t, l.teacher, "t1", "")
	for _, id := range []string{"c", "d"} {
		if m := expectChat(t, l.c[id]); !m.Teacher || m.Group != 2 || m.Text != "Gut so" {
			t.Fatalf("%s got %+v", id, m)
		}
	}
	for _, id := range []string{"a", "b", "e"} {
		l.c[id].expectNothing()
	}

	for _, tc := range []struct {
		id   string
		want []string
	}{
		{"b", []string{"Wir nehmen Aufgabe 2"}},
		{"c", []string{"Gut so"}},
		{"e", nil},
	} {
		l.leave(tc.id)
		if got := chatTexts(l.join(tc.id)); !equalStrings(got, tc.want) {
			t.Fatalf("%s's recent messages %q, want %q", tc.id, got, tc.want)
		}
	}
	_, tw := l.h.joinTeacher(t, "t-alice", "lesson-a")
	if got := chatTexts(tw); !equalStrings(got, []string{"Wir nehmen Aufgabe 2", "Gut so"}) {
		t.Fatalf("teacher's recent messages %q", got)
	}
	l.teacher.expectClosed(protocol.CloseReplaced)
	l.teacher, _ = l.h.joinTeacher(t, "t-alice", "lesson-a")
	l.drain()

	l.teacher.send(protocol.TypeChatDelete, protocol.ChatRef{ID: ack.ID})
	for _, c := range []*client{l.teacher, l.c["a"], l.c["b"]} {
		c.expect(protocol.TypeChatDeleted, nil)
	}
	for _, id := range []string{"c", "d", "e"} {
		l.c[id].expectNothing()
	}

	l.teacher.send(protocol.TypeGroupsEnd, nil)
	l.leave("c")
	if got := chatTexts(l.join("c")); got != nil {
		t.Fatalf("after the group work c still sees %q", got)
	}
	_, tw = l.h.joinTeacher(t, "t-alice", "lesson-a")
	if got := chatTexts(tw); !equalStrings(got, []string{"Gut so"}) {
		t.Fatalf("teacher's recent messages after the group work %q", got)
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
