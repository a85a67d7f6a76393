package signaling

import (
	"strconv"
	"strings"
	"testing"

	"ersatzraum/app/protocol"
)

// chatLesson is lesson-a with its teacher and two students in it.
type chatLesson struct {
	h                  *testHub
	teacher, lea, omer *client
	leaID, omerID      string
}

func newChatLesson(t *testing.T) *chatLesson {
	t.Helper()
	h := newTestHub(t)
	h.addLesson("lesson-a", "t-alice", "Mathe", codeA)
	teacher, _ := h.joinTeacher(t, "t-alice", "lesson-a")
	lea, wl := h.joinStudent(t, codeA, "Lea")
	teacher.expect(protocol.TypeParticipant, nil)
	omer, wo := h.joinStudent(t, codeA, "Ömer")
	teacher.expect(protocol.TypeParticipant, nil)
	return &chatLesson{h: h, teacher: teacher, lea: lea, omer: omer, leaID: wl.Self, omerID: wo.Self}
}

func chatSend(c *client, id, to, text string) {
	c.send(protocol.TypeChat, protocol.ChatSend{ID: id, To: to, Text: text})
}

// expectAck reads the sender's ack and checks its code ("" for taken).
func expectAck(t *testing.T, c *client, clientID, code string) protocol.ChatAck {
	t.Helper()
	var a protocol.ChatAck
	c.expect(protocol.TypeChatAck, &a)
	if a.ClientID != clientID || a.Code != code || (code == "") != (a.ID != "") {
		t.Fatalf("ack = %+v, want client id %q and code %q", a, clientID, code)
	}
	return a
}

func expectChat(t *testing.T, c *client) protocol.ChatMessage {
	t.Helper()
	var m protocol.ChatMessage
	c.expect(protocol.TypeChatMessage, &m)
	return m
}

// A class message reaches the class and the teacher; a question reaches
// only the teacher (and comes back to its sender); the teacher sees ids,
// students only names.
func TestChatClassMessagesAndQuestions(t *testing.T) {
	l := newChatLesson(t)
	chatSend(l.lea, "c1", protocol.ChatToClass, "Welche Seite?")
	got := expectChat(t, l.teacher)
	if got.From != l.leaID || got.Name != "Lea" || got.Text != "Welche Seite?" || got.To != protocol.ChatToClass || got.Mine || got.ID == "" || got.At == 0 {
		t.Fatalf("teacher got %+v", got)
	}
	own := expectChat(t, l.lea)
	if !own.Mine || own.ClientID != "c1" || own.From != "" || own.ID != got.ID {
		t.Fatalf("sender got %+v", own)
	}
	expectAck(t, l.lea, "c1", "")
	other := expectChat(t, l.omer)
	if other.Mine || other.From != "" || other.ClientID != "" || other.Name != "Lea" || other.Text != "Welche Seite?" {
		t.Fatalf("classmate got %+v", other)
	}

	chatSend(l.omer, "q1", protocol.ChatToTeacher, "Ich verstehe Aufgabe 3 nicht")
	q := expectChat(t, l.teacher)
	if q.To != protocol.ChatToTeacher || q.From != l.omerID {
		t.Fatalf("teacher got the question as %+v", q)
	}
	if m := expectChat(t, l.omer); !m.Mine || m.To != protocol.ChatToTeacher {
		t.Fatalf("asker got %+v", m)
	}
	expectAck(t, l.omer, "q1", "")
	l.lea.expectNothing() // the question is not Lea's business

	l.teacher.send(protocol.TypeChat, protocol.ChatSend{ID: "t1", To: protocol.ChatToClass, Text: "Seite 42"})
	if m := expectChat(t, l.teacher); !m.Mine || !m.Teacher {
		t.Fatalf("teacher's own message: %+v", m)
	}
	expectAck(t, l.teacher, "t1", "")
	for _, c := range []*client{l.lea, l.omer} {
		if m := expectChat(t, c); !m.Teacher || m.Name != "" || m.Text != "Seite 42" {
			t.Fatalf("student got the teacher's message as %+v", m)
		}
	}
	// The teacher writes to the class, not to itself.
	l.teacher.send(protocol.TypeChat, protocol.ChatSend{ID: "t2", To: protocol.ChatToTeacher, Text: "x"})
	expectAck(t, l.teacher, "t2", protocol.ErrBadPayload)
	chatSend(l.lea, "c2", "everyone", "x")
	expectAck(t, l.lea, "c2", protocol.ErrBadPayload)
	l.omer.expectNothing()
}

// The teacher's mode is enforced by the server: off refuses everything
// from students, "teacher" refuses class messages but takes questions.
// The teacher may still write, and students may not change the mode.
func TestChatModes(t *testing.T) {
	l := newChatLesson(t)
	l.lea.send(protocol.TypeChatMode, protocol.ChatModeState{Mode: protocol.ChatModeOff})
	l.lea.expectError(protocol.ErrForbidden)
	l.teacher.send(protocol.TypeChatMode, protocol.ChatModeState{Mode: "maybe"})
	l.teacher.expectError(protocol.ErrBadPayload)

	l.teacher.send(protocol.TypeChatMode, protocol.ChatModeState{Mode: protocol.ChatModeOff})
	for _, c := range []*client{l.teacher, l.lea, l.omer} {
		var st protocol.ChatState
		c.expect(protocol.TypeChatState, &st)
		if st.Mode != protocol.ChatModeOff {
			t.Fatalf("state %+v", st)
		}
	}
	chatSend(l.lea, "c1", protocol.ChatToClass, "hallo")
	expectAck(t, l.lea, "c1", protocol.ErrChatOff)
	chatSend(l.lea, "c2", protocol.ChatToTeacher, "hallo")
	expectAck(t, l.lea, "c2", protocol.ErrChatOff)
	l.teacher.expectNothing()
	l.omer.expectNothing()
	l.teacher.send(protocol.TypeChat, protocol.ChatSend{ID: "t1", To: protocol.ChatToClass, Text: "Ruhe bitte"})
	expectChat(t, l.teacher)
	expectAck(t, l.teacher, "t1", "")
	expectChat(t, l.lea)

	l.omer.expect(protocol.TypeChatMessage, nil) // the teacher's "Ruhe bitte"
	l.teacher.send(protocol.TypeChatMode, protocol.ChatModeState{Mode: protocol.ChatModeTeacherOnly})
	for _, c := range []*client{l.teacher, l.lea, l.omer} {
		c.expect(protocol.TypeChatState, nil)
	}
	chatSend(l.lea, "c3", protocol.ChatToClass, "hallo")
	expectAck(t, l.lea, "c3", protocol.ErrChatTeacherOnly)
	chatSend(l.lea, "c4", protocol.ChatToTeacher, "Frage")
	expectChat(t, l.teacher)
	expectChat(t, l.lea)
	expectAck(t, l.lea, "c4", "")
	l.omer.expectNothing()

	// A latecomer learns the mode in its welcome.
	ida, w := l.h.joinStudent(t, codeA, "Ida")
	if w.Chat == nil || w.Chat.Mode != protocol.ChatModeTeacherOnly {
		t.Fatalf("latecomer's chat: %+v", w.Chat)
	}
	ida.expectNothing()
}

// Taking the chat from one student refuses only that student, holds
// across a reconnect, and can be undone.
func TestChatMutePerStudent(t *testing.T) {
	l := newChatLesson(t)
	l.lea.send(protocol.TypeChatMute, protocol.ChatMuteState{ID: l.omerID, Muted: true})
	l.lea.expectError(protocol.ErrForbidden)
	l.teacher.send(protocol.TypeChatMute, protocol.ChatMuteState{ID: "nobody", Muted: true})
	l.teacher.expectError(protocol.ErrUnknownPeer)

	l.teacher.send(protocol.TypeChatMute, protocol.ChatMuteState{ID: l.leaID, Muted: true})
	var ts, ls protocol.ChatState
	l.teacher.expect(protocol.TypeChatState, &ts)
	l.lea.expect(protocol.TypeChatState, &ls)
	if len(ts.MutedIDs) != 1 || ts.MutedIDs[0] != l.leaID || !ls.Muted || ls.MutedIDs != nil {
		t.Fatalf("teacher's state %+v, Lea's %+v", ts, ls)
	}
	l.omer.expectNothing()
	chatSend(l.lea, "c1", protocol.ChatToClass, "hallo")
	expectAck(t, l.lea, "c1", protocol.ErrChatMuted)
	chatSend(l.lea, "c2", protocol.ChatToTeacher, "hallo")
	expectAck(t, l.lea, "c2", protocol.ErrChatMuted)
	l.teacher.expectNothing()
	chatSend(l.omer, "o1", protocol.ChatToClass, "ich darf")
	expectChat(t, l.teacher)

	// Lea reconnects (same roll-call line): still muted.
	l.lea.gone()
	l.teacher.expect(protocol.TypeParticipant, nil)
	var w protocol.Welcome
	for _, c := range l.lea.conn.sent() {
		if env, _ := protocol.Decode(c); env.Type == protocol.TypeWelcome {
			protocol.DecodeData(env, &w)
			break
		}
	}
	back := l.h.connect(t, Identity{})
	back.send(protocol.TypeHello, protocol.Hello{Role: protocol.RoleStudent, Code: codeA, Name: "Lea", Resume: w.Resume})
	var w2 protocol.Welcome
	back.expect(protocol.TypeWelcome, &w2)
	if w2.Self != l.leaID || w2.Chat == nil || !w2.Chat.Muted {
		t.Fatalf("after the reconnect Lea's chat is %+v", w2.Chat)
	}
	l.teacher.send(protocol.TypeChatMute, protocol.ChatMuteState{ID: l.leaID, Muted: false})
	back.expect(protocol.TypeChatState, &ls)
	if ls.Muted {
		t.Fatal("the chat was not given back")
	}
	chatSend(back, "c3", protocol.ChatToClass, "danke")
	expectChat(t, back)
	expectAck(t, back, "c3", "")
}

// The teacher deletes a message for everyone who saw it; latecomers do
// not get it; students cannot delete.
func TestChatDelete(t *testing.T) {
	l := newChatLesson(t)
	chatSend(l.lea, "c1", protocol.ChatToClass, "dummer Spruch")
	m := expectChat(t, l.teacher)
	expectChat(t, l.lea)
	expectAck(t, l.lea, "c1", "")
	expectChat(t, l.omer)
	chatSend(l.lea, "c2", protocol.ChatToClass, "Entschuldigung")
	expectChat(t, l.teacher)
	expectChat(t, l.lea)
	expectAck(t, l.lea, "c2", "")
	expectChat(t, l.omer)

	l.omer.send(protocol.TypeChatDelete, protocol.ChatRef{ID: m.ID})
	l.omer.expectError(protocol.ErrForbidden)
	l.teacher.send(protocol.TypeChatDelete, protocol.ChatRef{ID: m.ID})
	for _, c := range []*client{l.teacher, l.lea, l.omer} {
		var ref protocol.ChatRef
		c.expect(protocol.TypeChatDeleted, &ref)
		if ref.ID != m.ID {
			t.Fatalf("deleted %q, want %q", ref.ID, m.ID)
		}
	}
	l.teacher.send(protocol.TypeChatDelete, protocol.ChatRef{ID: m.ID})
	l.teacher.expectError(protocol.ErrBadPayload) // already gone
	_, w := l.h.joinStudent(t, codeA, "Ida")
	if w.Chat == nil || len(w.Chat.Messages) != 1 || w.Chat.Messages[0].Text != "Entschuldigung" {
		t.Fatalf("latecomer's chat after the delete: %+v", w.Chat)
	}
}

// A message sent again with the same client id (the page's outbox after a
// reconnect) is taken once and acknowledged with the same id.
func TestChatRepeatIsTakenOnce(t *testing.T) {
	l := newChatLesson(t)
	chatSend(l.lea, "c1", protocol.ChatToClass, "einmal")
	expectChat(t, l.lea)
	first := expectAck(t, l.lea, "c1", "")
	expectChat(t, l.omer)
	expectChat(t, l.teacher)
	chatSend(l.lea, "c1", protocol.ChatToClass, "einmal")
	if again := expectAck(t, l.lea, "c1", ""); again.ID != first.ID {
		t.Fatalf("repeat got id %q, first %q", again.ID, first.ID)
	}
	l.lea.expectNothing()
	l.omer.expectNothing()
	l.teacher.expectNothing()
	// Another student may use the same client id: ids are per sender.
	chatSend(l.omer, "c1", protocol.ChatToClass, "auch einmal")
	expectChat(t, l.teacher)
}

// 100 messages a second from one student: a few are taken, the rest are
// refused to that student (and its connection is closed once it keeps
// going past the connection's limit); the classmate's messages go
// through and nothing of the flood beyond the budget reaches anyone.
func TestChatFloodFromOneStudent(t *testing.T) {
	l := newChatLesson(t)
	taken, refused := 0, 0
	for i := 0; i < 100; i++ {
		chatSend(l.lea, "f"+strconv.Itoa(i), protocol.ChatToClass, "spam")
		if i == 50 {
			// In the middle of the flood the classmate writes.
			chatSend(l.omer, "o1", protocol.ChatToClass, "meine Frage")
		}
	}
	for {
		env, ok := l.lea.next()
		if !ok {
			break
		}
		if env.Type != protocol.TypeChatAck {
			continue
		}
		var a protocol.ChatAck
		protocol.DecodeData(env, &a)
		switch a.Code {
		case "":
			taken++
		case protocol.ErrRateLimited:
			refused++
		default:
			t.Fatalf("flood ack %+v", a)
		}
	}
	if taken != protocol.ChatBurst || refused < 40 {
		t.Fatalf("taken %d, refused %d; the budget is a burst of %d", taken, refused, protocol.ChatBurst)
	}
	fromLea, omers := 0, 0
	for {
		env, ok := l.omer.next()
		if !ok {
			break
		}
		if env.Type == protocol.TypeChatMessage {
			var m protocol.ChatMessage
			protocol.DecodeData(env, &m)
			if m.Mine {
				omers++
			} else {
				fromLea++
			}
		}
		if env.Type == protocol.TypeChatAck {
			var a protocol.ChatAck
			protocol.DecodeData(env, &a)
			if a.Code != "" {
				t.Fatalf("the classmate was refused: %+v", a)
			}
		}
	}
	if fromLea != protocol.ChatBurst || omers != 1 {
		t.Fatalf("classmate saw %d of the flood and %d own messages", fromLea, omers)
	}
	l.omer.expectOpen()
	l.teacher.expectOpen()
	chatSend(l.omer, "o2", protocol.ChatToClass, "noch eine")
	expectChat(t, l.omer)
	expectAck(t, l.omer, "o2", "")
}

// Names and messages with HTML reach everyone as the very characters
// typed: the server neither interprets nor mangles them (the page shows
// them as text, e2e/chat_test.go).
func TestChatHTMLNamesAreText(t *testing.T) {
	l := newChatLesson(t)
	name := `<img src=x onerror=alert(1)>`
	eve, _ := l.h.joinStudent(t, codeA, name)
	l.teacher.expect(protocol.TypeParticipant, nil)
	chatSend(eve, "e1", protocol.ChatToClass, "<script>alert(2)</script>")
	if m := expectChat(t, l.teacher); m.Name != name || m.Text != "<script>alert(2)</script>" {
		t.Fatalf("teacher got %+v", m)
	}
	if m := expectChat(t, l.lea); m.Name != name {
		t.Fatalf("classmate got %+v", m)
	}
}

// Students waiting in the lobby cannot write, and another lesson never
// sees this lesson's chat.
func TestChatStaysInTheLesson(t *testing.T) {
	l := newChatLesson(t)
	l.h.addLesson("lesson-b", "t-bob", "Bio", codeB)
	bob, _ := l.h.joinTeacher(t, "t-bob", "lesson-b")
	ben, _ := l.h.joinStudent(t, codeB, "Ben")
	bob.expect(protocol.TypeParticipant, nil)
	chatSend(l.lea, "c1", protocol.ChatToClass, "nur 7b")
	expectChat(t, l.teacher)
	bob.expectNothing()
	ben.expectNothing()
	chatSend(ben, "b1", protocol.ChatToClass, "nur Bio")
	expectChat(t, bob)
	l.omer.expect(protocol.TypeChatMessage, nil) // Lea's
	l.omer.expectNothing()
}

// Latecomers and reconnecting pages get the recent messages they may
// see: class messages and their own questions; the teacher everything.
func TestChatLatecomerGetsRecentMessages(t *testing.T) {
	l := newChatLesson(t)
	chatSend(l.lea, "c1", protocol.ChatToClass, "eins")
	chatSend(l.lea, "q1", protocol.ChatToTeacher, "geheime Frage")
	ida, w := l.h.joinStudent(t, codeA, "Ida")
	if w.Chat == nil || len(w.Chat.Messages) != 1 || w.Chat.Messages[0].Text != "eins" || w.Chat.Messages[0].From != "" || w.Chat.Messages[0].Mine {
		t.Fatalf("latecomer's chat: %+v", w.Chat)
	}
	ida.expectNothing()
	t2, tw := l.h.joinTeacher(t, "t-alice", "lesson-a")
	if tw.Chat == nil || len(tw.Chat.Messages) != 2 || tw.Chat.Messages[1].Text != "geheime Frage" || tw.Chat.Messages[1].From != l.leaID {
		t.Fatalf("teacher's chat after reopening: %+v", tw.Chat)
	}
	t2.expectOpen()

	// The history keeps only the recent messages.
	for i := 0; i < protocol.ChatRecent+10; i++ {
		t2.send(protocol.TypeChat, protocol.ChatSend{ID: "t" + strconv.Itoa(i), To: protocol.ChatToClass, Text: "Nachricht " + strconv.Itoa(i)})
	}
	_, w = l.h.joinStudent(t, codeA, "Max")
	if n := len(w.Chat.Messages); n != protocol.ChatRecent || w.Chat.Messages[n-1].Text != "Nachricht "+strconv.Itoa(protocol.ChatRecent+9) {
		t.Fatalf("latecomer got %d messages", n)
	}
}

// Limits: at most MaxChatRunes, nothing empty, control and bidi
// characters dropped; HTML is text (the page shows it as text).
func TestChatTextLimits(t *testing.T) {
	l := newChatLesson(t)
	chatSend(l.lea, "long", protocol.ChatToClass, strings.Repeat("a", 10_000))
	expectAck(t, l.lea, "long", protocol.ErrChatTooLong)
	chatSend(l.lea, "empty", protocol.ChatToClass, " \n\t\u202e ")
	expectAck(t, l.lea, "empty", protocol.ErrChatEmpty)
	l.omer.expectNothing()
	l.teacher.expectNothing()

	chatSend(l.lea, "max", protocol.ChatToClass, strings.Repeat("ä", protocol.MaxChatRunes))
	if m := expectChat(t, l.teacher); len([]rune(m.Text)) != protocol.MaxChatRunes {
		t.Fatalf("a message of exactly the limit came out with %d runes", len([]rune(m.Text)))
	}
	expectChat(t, l.lea)
	expectAck(t, l.lea, "max", "")
	expectChat(t, l.omer)

	html := `<img src=x onerror="alert(1)"><b>fett</b>`
	chatSend(l.lea, "html", protocol.ChatToClass, "\u202e"+html+"\x00\r\nzweite Zeile ")
	if m := expectChat(t, l.omer); m.Text != html+"\nzweite Zeile" {
		t.Fatalf("relayed text %q", m.Text)
	}
	chatSend(l.lea, "", protocol.ChatToClass, "ohne id")
	l.lea.skipToError(protocol.ErrBadPayload)
}

// skipToError reads up to the next error, which must have code.
func (c *client) skipToError(code string) {
	c.t.Helper()
	for {
		env, ok := c.next()
		if !ok {
			c.t.Fatalf("no error %q", code)
		}
		if env.Type == protocol.TypeError {
			var e protocol.Error
			protocol.DecodeData(env, &e)
			if e.Code != code {
				c.t.Fatalf("error %q, want %q", e.Code, code)
			}
			return
		}
	}
}

// A classmate whose send queue is full misses a chat message but keeps
// the connection (and with it the lesson's signaling); the others get it.
func TestChatNeverDisconnectsASlowClassmate(t *testing.T) {
	l := newChatLesson(t)
	l.omer.conn.setFull(true)
	chatSend(l.lea, "c1", protocol.ChatToClass, "für alle")
	expectChat(t, l.teacher)
	expectChat(t, l.lea)
	expectAck(t, l.lea, "c1", "")
	l.omer.expectOpen()
	l.omer.conn.setFull(false)
	l.omer.expectNothing()
	chatSend(l.lea, "c2", protocol.ChatToClass, "wieder da?")
	if m := expectChat(t, l.omer); m.Text != "wieder da?" {
		t.Fatalf("got %+v", m)
	}
}
