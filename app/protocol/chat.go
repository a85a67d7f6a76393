package protocol

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// The lesson chat's part of the WebSocket protocol (docs/protocol.md,
// "Chat"): messages to the whole class and questions to the teacher only,
// with the teacher's rules. The server keeps the chat in memory for the
// running lesson only and enforces every rule; the browser stays inside
// the limits and names the refusals.

// Chat message types.
const (
	TypeChat        = "chat"         // client → server: send a chat message
	TypeChatDelete  = "chat-delete"  // teacher → server: delete a message for everyone
	TypeChatMode    = "chat-mode"    // teacher → server: class chat on, off, or to the teacher only
	TypeChatMute    = "chat-mute"    // teacher → server: take the chat away from a student (or give it back)
	TypeChatMessage = "chat-message" // server → client: a new message
	TypeChatAck     = "chat-ack"     // server → sender: a chat message was taken or refused
	TypeChatDeleted = "chat-deleted" // server → client: a message was deleted
	TypeChatState   = "chat-state"   // server → client: the chat's rules, and on join the recent messages
)

// Audiences of a chat message.
const (
	ChatToClass   = "class"   // everyone in the lesson
	ChatToTeacher = "teacher" // a question: the teacher and the sender only
	ChatToGroup   = "group"   // during group work: the sender's group and the teacher
)

// Chat modes the teacher chooses.
const (
	ChatModeOn          = "on"      // class chat and questions
	ChatModeTeacherOnly = "teacher" // questions to the teacher only
	ChatModeOff         = "off"     // students cannot write
)

// ValidChatMode reports whether m is a chat mode.
func ValidChatMode(m string) bool {
	return m == ChatModeOn || m == ChatModeTeacherOnly || m == ChatModeOff
}

// Limits of the chat.
const (
	// MaxChatRunes bounds one message: a question or a short answer, not
	// an essay.
	MaxChatRunes = 1000
	// MaxChatIDBytes bounds a client's message id.
	MaxChatIDBytes = 64
	// ChatPerSecond and ChatBurst are each student's chat budget; more is
	// refused with rate-limited (the connection stays open).
	ChatPerSecond = 1
	ChatBurst     = 5
	// ChatRecent is how many messages a latecomer (or a reconnecting page)
	// is sent with chat-state.
	ChatRecent = 100
)

// Chat error codes (in chat-ack).
const (
	ErrChatOff         = "chat-off"          // the teacher switched the chat off
	ErrChatTeacherOnly = "chat-teacher-only" // only questions to the teacher are allowed now
	ErrChatMuted       = "chat-muted"        // the teacher took the chat away from this student
	ErrChatTooLong     = "chat-too-long"     // more than MaxChatRunes
	ErrChatEmpty       = "chat-empty"        // nothing printable in the message
)

// ChatSend is what a client sends. ID is the client's own id for the
// message: a message sent again after a reconnect with the same id is
// taken once.
type ChatSend struct {
	ID   string `json:"id"`
	To   string `json:"to"` // ChatToClass, ChatToTeacher or ChatToGroup; a teacher writes to the class or a group
	Text string `json:"text"`
	// Group names the group (1-based) a teacher writes to with
	// ChatToGroup; a student writes to its own.
	Group int `json:"group,omitempty"`
}

// ChatMessage is a message as the server relays it.
type ChatMessage struct {
	ID   string `json:"id"` // the server's id (for chat-delete)
	To   string `json:"to"`
	Text string `json:"text"`
	At   int64  `json:"at"` // Unix milliseconds, server time
	// Group is the group (1-based) a ChatToGroup message was written in.
	Group int `json:"group,omitempty"`
	// From is the sender's participant id, or TeacherPeer; sent to the
	// teacher only (students see names, not ids).
	From string `json:"from,omitempty"`
	Name string `json:"name"` // the sender's display name ("" for the teacher)
	// Teacher: the teacher wrote it.
	Teacher bool `json:"teacher,omitempty"`
	// Mine: the receiver wrote it; ClientID is then the sender's own id.
	Mine     bool   `json:"mine,omitempty"`
	ClientID string `json:"clientId,omitempty"`
}

// ChatAck answers every chat: ID is the server's id when the message was
// taken (also for a repeat), Code the error code when it was refused.
type ChatAck struct {
	ClientID string `json:"clientId"`
	ID       string `json:"id,omitempty"`
	Code     string `json:"code,omitempty"`
}

// ChatRef names a message (chat-delete, chat-deleted).
type ChatRef struct {
	ID string `json:"id"`
}

// ChatModeState sets the chat mode (chat-mode).
type ChatModeState struct {
	Mode string `json:"mode"`
}

// ChatMuteState takes the chat away from a student or gives it back.
type ChatMuteState struct {
	ID    string `json:"id"`
	Muted bool   `json:"muted"`
}

// ChatState is the chat's rules as the receiver needs them: a student
// learns whether it may write; the teacher also who may not. Messages is
// set in the welcome only (the recent messages this receiver may see).
type ChatState struct {
	Mode     string        `json:"mode"`
	Muted    bool          `json:"muted,omitempty"`    // for a student: the teacher took the chat away
	MutedIDs []string      `json:"mutedIds,omitempty"` // for the teacher
	Messages []ChatMessage `json:"messages,omitempty"`
}

// CleanChat prepares a chat message's text: line breaks become "\n",
// other control characters and the bidirectional overrides (which could
// make a message look like someone else's) are dropped, surrounding space
// is trimmed. It returns the text and "" or the error code that refuses
// it: ErrChatEmpty, ErrChatTooLong, or ErrBadPayload for invalid UTF-8.
func CleanChat(s string) (string, string) {
	if !utf8.ValidString(s) {
		return "", ErrBadPayload
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\n':
			b.WriteRune(r)
		case r == '\r' || r == '\t':
			b.WriteRune(' ')
		case unicode.IsControl(r), bidiControl(r):
			// dropped
		default:
			b.WriteRune(r)
		}
	}
	s = strings.TrimSpace(b.String())
	switch n := utf8.RuneCountInString(s); {
	case n == 0:
		return "", ErrChatEmpty
	case n > MaxChatRunes:
		return "", ErrChatTooLong
	}
	return s, ""
}

// bidiControl reports the embedding, override and isolate characters.
func bidiControl(r rune) bool {
	return (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) || r == 0x200E || r == 0x200F || r == 0x061C
}
