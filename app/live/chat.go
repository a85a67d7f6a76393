package live

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"ersatzraum/app/protocol"
)

// ChatView is the lesson chat as a page shows it. Its slices and map are
// replaced, never changed, so views handed out earlier keep theirs.
type ChatView struct {
	Mode     string          // protocol.ChatModeOn, …TeacherOnly, …Off
	Muted    bool            // a student: the teacher took the chat away
	MutedIDs map[string]bool // the teacher: students without chat
	Messages []protocol.ChatMessage
	// Pending is what was typed and not yet taken by the server: it is
	// sent (again) once the connection is back.
	Pending []PendingChat
	// Refused is the code of the last message the server refused;
	// RefusedSeq grows with each refusal, so that the same code twice is
	// still news.
	Refused    string
	RefusedSeq int
	// Seq grows with every message someone else wrote: the page counts
	// unread messages and tells screen readers from it.
	Seq int
}

// PendingChat is a message in the outbox.
type PendingChat struct {
	ID   string // the client id the server drops repeats by
	To   string
	Text string
}

// chatRetryAfter is how long a message refused for the rate limit waits
// before it is sent again.
const chatRetryAfter = time.Second

// chatBox is a call's chat: the view and the outbox. It belongs to the
// call's goroutine (the client's), like the rest of the call's state.
type chatBox struct {
	v       *ChatView // the call's view's chat
	client  *Client
	changed func()
	// joined: the server welcomed this connection, so chat may be sent
	// on it (before the welcome, anything but hello closes it).
	joined   bool
	inFlight map[string]bool // client ids sent on this connection, not yet answered
	retrying bool            // a retry is scheduled
}

func (b *chatBox) init(v *ChatView, client *Client, changed func()) {
	b.v, b.client, b.changed = v, client, changed
	b.v.Mode = protocol.ChatModeOn
	b.inFlight = make(map[string]bool)
}

// write puts a message into the outbox and sends it if it can.
func (b *chatBox) write(to, text string) {
	id := strconv.FormatUint(rand.Uint64(), 36) + strconv.FormatInt(time.Now().UnixMilli()%1e6, 36)
	b.v.Pending = append(slices.Clip(b.v.Pending), PendingChat{ID: id, To: to, Text: text})
	b.flush()
	b.changed()
}

// flush sends every pending message that is not on its way.
func (b *chatBox) flush() {
	if !b.joined {
		return
	}
	for _, p := range b.v.Pending {
		if b.inFlight[p.ID] {
			continue
		}
		if b.client.Send(protocol.TypeChat, protocol.ChatSend{ID: p.ID, To: p.To, Text: p.Text}) != nil {
			return // the connection went; the next welcome sends the rest
		}
		b.inFlight[p.ID] = true
	}
}

// connection follows the signaling state: nothing is sent between a
// loss and the next welcome, and what was on its way is sent again then
// (the server takes each id once).
func (b *chatBox) connection(st State) {
	if st != Connected {
		b.joined = false
		clear(b.inFlight)
	}
}

// welcome takes the chat a (re)connect brings: the rules, the recent
// messages (which replace what the page showed: a restarted server has
// none, a deleted message is gone), then sends the outbox.
func (b *chatBox) welcome(st *protocol.ChatState) {
	if st == nil {
		st = &protocol.ChatState{Mode: protocol.ChatModeOn}
	}
	b.state(*st)
	seen := make(map[string]bool, len(b.v.Messages))
	for _, m := range b.v.Messages {
		seen[m.ID] = true
	}
	for _, m := range st.Messages {
		if !seen[m.ID] && !m.Mine {
			b.v.Seq++ // written while this page was away
		}
	}
	b.v.Messages = slices.Clone(st.Messages)
	taken := map[string]bool{}
	for _, m := range st.Messages {
		if m.Mine && m.ClientID != "" {
			taken[m.ClientID] = true
		}
	}
	b.v.Pending = slices.DeleteFunc(slices.Clone(b.v.Pending), func(p PendingChat) bool { return taken[p.ID] })
	b.joined = true
	clear(b.inFlight)
	b.flush()
}

func (b *chatBox) state(st protocol.ChatState) {
	b.v.Mode, b.v.Muted = st.Mode, st.Muted
	b.v.MutedIDs = make(map[string]bool, len(st.MutedIDs))
	for _, id := range st.MutedIDs {
		b.v.MutedIDs[id] = true
	}
}

// handle takes the chat's messages; it reports whether env was one.
func (b *chatBox) handle(env protocol.Envelope) bool {
	switch env.Type {
	case protocol.TypeChatMessage:
		var m protocol.ChatMessage
		if protocol.DecodeData(env, &m) != nil {
			return true
		}
		b.v.Messages = append(slices.Clip(b.v.Messages), m)
		if len(b.v.Messages) > protocol.ChatRecent*2 {
			// A long lesson: the page keeps what the server would send a
			// latecomer, and some more.
			b.v.Messages = slices.Clone(b.v.Messages[len(b.v.Messages)-protocol.ChatRecent:])
		}
		if !m.Mine {
			b.v.Seq++
		}
	case protocol.TypeChatAck:
		var a protocol.ChatAck
		if protocol.DecodeData(env, &a) != nil {
			return true
		}
		b.ack(a)
	case protocol.TypeChatDeleted:
		var ref protocol.ChatRef
		if protocol.DecodeData(env, &ref) != nil {
			return true
		}
		b.v.Messages = slices.DeleteFunc(slices.Clone(b.v.Messages), func(m protocol.ChatMessage) bool { return m.ID == ref.ID })
	case protocol.TypeChatState:
		var st protocol.ChatState
		if protocol.DecodeData(env, &st) != nil {
			return true
		}
		b.state(st)
	default:
		return false
	}
	b.changed()
	return true
}

// ack settles a pending message: taken, refused for good, or refused
// for the rate limit (sent again in a moment).
func (b *chatBox) ack(a protocol.ChatAck) {
	delete(b.inFlight, a.ClientID)
	if a.Code == protocol.ErrRateLimited {
		b.retryLater()
		return
	}
	b.v.Pending = slices.DeleteFunc(slices.Clone(b.v.Pending), func(p PendingChat) bool { return p.ID == a.ClientID })
	if a.Code != "" {
		b.v.Refused = a.Code
		b.v.RefusedSeq++
	}
}

func (b *chatBox) retryLater() {
	if b.retrying {
		return
	}
	b.retrying = true
	time.AfterFunc(chatRetryAfter, func() {
		b.client.Do(func() {
			b.retrying = false
			b.flush()
		})
	})
}

// Intents of the chat, on both calls. Each queues its work and returns
// at once.

// SendChat writes to the class: the teacher's message to everyone.
func (c *TeacherCall) SendChat(text string) {
	if c.client != nil {
		c.client.Do(func() { c.chat.write(protocol.ChatToClass, text) })
	}
}

// DeleteChat deletes a message for everyone.
func (c *TeacherCall) DeleteChat(id string) {
	c.send(protocol.TypeChatDelete, protocol.ChatRef{ID: id})
}

// SetChatMode switches the class chat on, off or to questions only.
func (c *TeacherCall) SetChatMode(mode string) {
	c.send(protocol.TypeChatMode, protocol.ChatModeState{Mode: mode})
}

// MuteChat takes the chat away from a student, or gives it back.
func (c *TeacherCall) MuteChat(id string, muted bool) {
	c.send(protocol.TypeChatMute, protocol.ChatMuteState{ID: id, Muted: muted})
}

// SendChat writes to the class (to the own group during group work), or
// asks the teacher only.
func (c *StudentCall) SendChat(text string, toTeacher bool) {
	c.do(func() {
		to := protocol.ChatToClass
		switch {
		case toTeacher:
			to = protocol.ChatToTeacher
		case c.view.Group.Active && !c.view.Group.Unassigned:
			to = protocol.ChatToGroup
		}
		c.chat.write(to, text)
	})
}
