package live

import (
	"encoding/json"
	"testing"

	"ersatzraum/app/protocol"
)

func chatSends(conn *fakeConn) []protocol.ChatSend {
	var out []protocol.ChatSend
	for _, raw := range conn.sentOf(protocol.TypeChat) {
		var m protocol.ChatSend
		json.Unmarshal(raw, &m)
		out = append(out, m)
	}
	return out
}

// What a student types during a signaling outage, and what was on its
// way when the connection broke, is sent after the reconnect, once; a
// message the server already took (it is in the welcome's history) is
// not sent again.
func TestChatOutboxAcrossAnOutage(t *testing.T) {
	c, net, conn, _, seen := startStudent(t)
	// Nothing is sent before the welcome: the server would close the
	// connection for anything but hello.
	c.SendChat("vor dem Willkommen", false)
	eventually(t, "pending before the welcome", func() bool { return len(seen.get().Chat.Pending) == 1 })
	if n := len(chatSends(conn)); n != 0 {
		t.Fatalf("%d chat messages sent before the welcome", n)
	}
	welcomeStudent(conn, false)
	eventually(t, "sent after the welcome", func() bool { return len(chatSends(conn)) == 1 })
	first := chatSends(conn)[0]
	if first.Text != "vor dem Willkommen" || first.To != protocol.ChatToClass || first.ID == "" {
		t.Fatalf("sent %+v", first)
	}
	message(conn, protocol.TypeChatAck, protocol.ChatAck{ClientID: first.ID, ID: "m1"})
	eventually(t, "taken", func() bool { return len(seen.get().Chat.Pending) == 0 })

	c.SendChat("unterwegs", true) // sent, but the answer never comes
	eventually(t, "question sent", func() bool { return len(chatSends(conn)) == 2 })
	onItsWay := chatSends(conn)[1]
	if onItsWay.To != protocol.ChatToTeacher {
		t.Fatalf("question sent as %+v", onItsWay)
	}
	c.SendChat("schon angekommen", false)
	eventually(t, "third sent", func() bool { return len(chatSends(conn)) == 3 })
	arrived := chatSends(conn)[2]

	conn.deliver(Event{Kind: EventClosed, Code: 1006, Reason: "network"})
	eventually(t, "reconnecting", func() bool { return seen.get().Reconnecting })
	c.SendChat("im Funkloch", false)
	eventually(t, "typed offline is pending", func() bool { return len(seen.get().Chat.Pending) == 3 })

	conn = net.next(t)
	// The server had taken "schon angekommen": it is in the history.
	message(conn, protocol.TypeWelcome, protocol.Welcome{Self: "s1", Role: protocol.RoleStudent, TeacherOnline: true,
		Lesson: protocol.LessonInfo{ID: "L1"}, Chat: &protocol.ChatState{Mode: protocol.ChatModeOn, Messages: []protocol.ChatMessage{
			{ID: "m1", To: protocol.ChatToClass, Text: "vor dem Willkommen", Mine: true, ClientID: first.ID},
			{ID: "m2", To: protocol.ChatToClass, Text: "schon angekommen", Mine: true, ClientID: arrived.ID},
			{ID: "m3", To: protocol.ChatToClass, Text: "während du weg warst", Name: "Ömer"},
		}}})
	eventually(t, "outbox sent after the reconnect", func() bool { return len(chatSends(conn)) == 2 })
	again := chatSends(conn)
	if again[0].ID != onItsWay.ID || again[0].Text != "unterwegs" || again[1].Text != "im Funkloch" {
		t.Fatalf("sent after the reconnect: %+v", again)
	}
	// One message was written by someone else while the page was away.
	eventually(t, "history after the reconnect", func() bool { v := seen.get().Chat; return len(v.Messages) == 3 && v.Seq == 1 })
	for _, m := range again {
		message(conn, protocol.TypeChatAck, protocol.ChatAck{ClientID: m.ID, ID: "x" + m.ID})
	}
	eventually(t, "outbox empty", func() bool { return len(seen.get().Chat.Pending) == 0 })

	// Another outage: nothing is left to send.
	conn.deliver(Event{Kind: EventClosed, Code: 1006, Reason: "network"})
	conn = net.next(t)
	welcomeStudent(conn, false)
	eventually(t, "back in", func() bool { return !seen.get().Reconnecting && seen.get().Phase == PhaseIn })
	c.SendChat("Kontrolle", false)
	eventually(t, "only the new message", func() bool { return len(chatSends(conn)) == 1 })
	if s := chatSends(conn); s[0].Text != "Kontrolle" {
		t.Fatalf("sent %+v", s)
	}
}

// A refusal ends a message and is shown; the rate limit only delays it.
func TestChatRefusalsAndRateLimit(t *testing.T) {
	c, _, conn, _, seen := startStudent(t)
	welcomeStudent(conn, false)
	c.SendChat("hallo", false)
	eventually(t, "sent", func() bool { return len(chatSends(conn)) == 1 })
	m := chatSends(conn)[0]
	message(conn, protocol.TypeChatAck, protocol.ChatAck{ClientID: m.ID, Code: protocol.ErrChatOff})
	eventually(t, "refusal shown", func() bool {
		v := seen.get().Chat
		return v.Refused == protocol.ErrChatOff && v.RefusedSeq == 1 && len(v.Pending) == 0
	})

	c.SendChat("zu schnell", false)
	eventually(t, "sent", func() bool { return len(chatSends(conn)) == 2 })
	m = chatSends(conn)[1]
	message(conn, protocol.TypeChatAck, protocol.ChatAck{ClientID: m.ID, Code: protocol.ErrRateLimited})
	eventually(t, "sent again after the limit", func() bool { return len(chatSends(conn)) == 3 })
	if s := chatSends(conn)[2]; s.ID != m.ID {
		t.Fatalf("retry is another message: %+v", s)
	}
	if v := seen.get().Chat; len(v.Pending) != 1 || v.RefusedSeq != 1 {
		t.Fatalf("while retrying: %+v", v)
	}
}

// Messages, deletes and rules reach the teacher's view; unread counting
// counts only others' messages.
func TestTeacherChatView(t *testing.T) {
	c, conn, _, seen := startTeacher(t, student(1))
	message(conn, protocol.TypeChatMessage, protocol.ChatMessage{ID: "m1", To: protocol.ChatToTeacher, Text: "Frage", From: "s1", Name: "Kind 1"})
	c.SendChat("Antwort")
	eventually(t, "teacher's message sent", func() bool { return len(chatSends(conn)) == 1 })
	message(conn, protocol.TypeChatMessage, protocol.ChatMessage{ID: "m2", To: protocol.ChatToClass, Text: "Antwort", Teacher: true, Mine: true})
	message(conn, protocol.TypeChatState, protocol.ChatState{Mode: protocol.ChatModeOff, MutedIDs: []string{"s1"}})
	eventually(t, "state shown", func() bool {
		v := seen.get().Chat
		return v.Mode == protocol.ChatModeOff && v.MutedIDs["s1"] && len(v.Messages) == 2 && v.Seq == 1
	})
	message(conn, protocol.TypeChatDeleted, protocol.ChatRef{ID: "m1"})
	eventually(t, "deleted", func() bool { v := seen.get().Chat; return len(v.Messages) == 1 && v.Messages[0].ID == "m2" })
	c.MuteChat("s1", false)
	c.SetChatMode(protocol.ChatModeTeacherOnly)
	c.DeleteChat("m2")
	eventually(t, "intents sent", func() bool {
		return len(conn.sentOf(protocol.TypeChatMute)) == 1 && len(conn.sentOf(protocol.TypeChatMode)) == 1 && len(conn.sentOf(protocol.TypeChatDelete)) == 1
	})
}

// The student's question and answer, and the teacher's tally, follow
// the server.
func TestQuickCheckViews(t *testing.T) {
	c, _, conn, _, seen := startStudent(t)
	welcomeStudent(conn, false)
	message(conn, protocol.TypeCheck, protocol.StudentCheck{ID: "q1", Question: "Verstanden?", Options: []string{"Ja", "Nein"}, Open: true, Mine: -1})
	eventually(t, "question shown", func() bool { q := seen.get().Check; return q != nil && q.Mine == -1 })
	c.AnswerCheck("q1", 1)
	eventually(t, "tap shown at once", func() bool { q := seen.get().Check; return q != nil && q.Mine == 1 })
	eventually(t, "answer sent", func() bool { return len(conn.sentOf(protocol.TypeCheckAnswer)) == 1 })
	var a protocol.CheckAnswer
	json.Unmarshal(conn.sentOf(protocol.TypeCheckAnswer)[0], &a)
	if a != (protocol.CheckAnswer{ID: "q1", Option: 1}) {
		t.Fatalf("sent %+v", a)
	}
	message(conn, protocol.TypeCheck, protocol.StudentCheck{Mine: -1})
	eventually(t, "question gone", func() bool { return seen.get().Check == nil })

	tc, tconn, _, tseen := startTeacher(t)
	message(tconn, protocol.TypeCheckTally, protocol.CheckTally{ID: "q1", Question: "Verstanden?", Options: []string{"Ja", "Nein"}, Open: true, Counts: []int{2, 1}, Answered: 3, Waiting: []string{"Ida"}})
	eventually(t, "tally shown", func() bool { t := tseen.get().Tally; return t != nil && t.Answered == 3 && t.Waiting[0] == "Ida" })
	tc.OpenCheck("Noch eine?", []string{"Ja", "Nein"}, true)
	tc.CloseCheck("q1")
	tc.ShowCheck("q1", true)
	tc.SaveCheck("q1")
	eventually(t, "teacher's intents sent", func() bool {
		return len(tconn.sentOf(protocol.TypeCheckOpen)) == 1 && len(tconn.sentOf(protocol.TypeCheckClose)) == 1 &&
			len(tconn.sentOf(protocol.TypeCheckShow)) == 1 && len(tconn.sentOf(protocol.TypeCheckSave)) == 1
	})
}
