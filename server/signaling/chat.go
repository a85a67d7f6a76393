package signaling

import (
	"strconv"

	"golang.org/x/time/rate"

	"ersatzraum/app/protocol"
)

// The lesson chat: messages to the class, questions to the teacher and,
// during group work, messages within a group (groups.go), kept in the
// room's memory for the running lesson only. Nothing of it is
// written to storage or to the log; it is gone with the room when the
// lesson ends (or the server restarts). The server enforces the teacher's
// rules (mode, per-student mute, delete) and each student's rate and
// length limits; the page only shows them.

// chatSeenPerSender bounds the client ids remembered per sender for
// dropping repeats: a page resends at most what it could not send during
// an outage.
const chatSeenPerSender = 64

// chatRoom is a room's chat. It is guarded by the room's mu (it is a
// field of room, see chatOf).
type chatRoom struct {
	mode   string                   // "" means protocol.ChatModeOn
	msgs   []chatEntry              // oldest first, at most protocol.ChatRecent
	muted  map[string]bool          // participant ids the teacher took the chat from
	limits map[string]*rate.Limiter // per student
	seen   map[string]*seenIDs      // per sender ("teacher" or a participant id)
	next   int                      // for message ids
}

// chatEntry is a kept message, From and ClientID filled. run is the
// group work a message to a group was written in (groupRun.id): only the
// members of that group in that run see it.
type chatEntry struct {
	protocol.ChatMessage
	run int
}

// seenIDs remembers a sender's last client ids and what they became.
type seenIDs struct {
	ids   map[string]string // client id → server id
	order []string
}

func (s *seenIDs) add(clientID, id string) {
	if len(s.order) >= chatSeenPerSender {
		delete(s.ids, s.order[0])
		s.order = s.order[1:]
	}
	s.ids[clientID] = id
	s.order = append(s.order, clientID)
}

func (c *chatRoom) currentMode() string {
	if c.mode == "" {
		return protocol.ChatModeOn
	}
	return c.mode
}

// chatReceive dispatches the chat's messages.
func (s *Session) chatReceive(env protocol.Envelope) {
	switch env.Type {
	case protocol.TypeChat:
		decoded(s, env, s.chat)
	case protocol.TypeChatDelete:
		decoded(s, env, func(ref protocol.ChatRef) { s.asTeacher(func(r *room) { r.chatDelete(s, ref.ID) }) })
	case protocol.TypeChatMode:
		decoded(s, env, func(m protocol.ChatModeState) { s.asTeacher(func(r *room) { r.chatSetMode(s, m.Mode) }) })
	case protocol.TypeChatMute:
		decoded(s, env, func(m protocol.ChatMuteState) { s.asTeacher(func(r *room) { r.chatSetMuted(s, m) }) })
	}
}

// chat takes a message from the teacher or a student in the lesson.
func (s *Session) chat(m protocol.ChatSend) {
	if m.ID == "" || len(m.ID) > protocol.MaxChatIDBytes {
		s.sendError(protocol.ErrBadPayload, "chat needs an id of 1 to 64 bytes")
		return
	}
	s.inLesson(func(r *room) {
		code, id := r.chatTake(s, m)
		s.send(protocol.MustEncode(protocol.TypeChatAck, protocol.ChatAck{ClientID: m.ID, ID: id, Code: code}))
	})
}

// chatTake applies the rules to a message and relays it. It returns the
// refusal's error code, or the message's id. The room is locked.
func (r *room) chatTake(s *Session, m protocol.ChatSend) (code, id string) {
	c := &r.chat
	sender := protocol.TeacherPeer
	if s.role == protocol.RoleStudent {
		sender = s.studentID
	}
	if seen := c.seen[sender]; seen != nil {
		if id, ok := seen.ids[m.ID]; ok {
			return "", id // sent again after a reconnect: taken once
		}
	}
	msg := protocol.ChatMessage{To: m.To, At: s.hub.now().UnixMilli(), From: sender, ClientID: m.ID}
	if s.role == protocol.RoleTeacher {
		switch m.To {
		case protocol.ChatToClass:
		case protocol.ChatToGroup:
			if r.groups.cur == nil {
				return protocol.ErrNoGroups, ""
			}
			if m.Group < 1 || m.Group > len(r.groups.cur.groups) {
				return protocol.ErrBadPayload, ""
			}
			msg.Group = m.Group
		default:
			return protocol.ErrBadPayload, ""
		}
		msg.Teacher = true
	} else {
		st := r.students[sender]
		if st == nil {
			return protocol.ErrForbidden, ""
		}
		msg.Name = st.line.Name
		switch m.To {
		case protocol.ChatToClass, protocol.ChatToTeacher:
		case protocol.ChatToGroup:
			if r.groups.cur == nil {
				return protocol.ErrNoGroups, ""
			}
			i := r.groups.cur.groupOf(sender)
			if i < 0 {
				return protocol.ErrNotInGroup, ""
			}
			msg.Group = i + 1
		default:
			return protocol.ErrBadPayload, ""
		}
		// The budget is spent by every attempt, so that refused messages
		// cannot be used to flood either.
		if !c.limiter(sender).Allow() {
			return protocol.ErrRateLimited, ""
		}
		switch mode := c.currentMode(); {
		case c.muted[sender]:
			return protocol.ErrChatMuted, ""
		case mode == protocol.ChatModeOff:
			return protocol.ErrChatOff, ""
		case mode == protocol.ChatModeTeacherOnly && m.To != protocol.ChatToTeacher:
			// A group's chat counts as class chat.
			return protocol.ErrChatTeacherOnly, ""
		}
	}
	text, bad := protocol.CleanChat(m.Text)
	if bad != "" {
		return bad, ""
	}
	msg.Text = text
	c.next++
	msg.ID = "m" + strconv.Itoa(c.next)
	if len(c.msgs) >= protocol.ChatRecent {
		c.msgs = c.msgs[1:]
	}
	e := chatEntry{ChatMessage: msg}
	if msg.To == protocol.ChatToGroup {
		e.run = r.groups.cur.id
	}
	c.msgs = append(c.msgs, e)
	if c.seen == nil {
		c.seen = make(map[string]*seenIDs)
	}
	if c.seen[sender] == nil {
		c.seen[sender] = &seenIDs{ids: make(map[string]string)}
	}
	c.seen[sender].add(m.ID, msg.ID)
	r.chatRelay(e)
	return "", msg.ID
}

func (c *chatRoom) limiter(id string) *rate.Limiter {
	if c.limits == nil {
		c.limits = make(map[string]*rate.Limiter)
	}
	l := c.limits[id]
	if l == nil {
		l = rate.NewLimiter(protocol.ChatPerSecond, protocol.ChatBurst)
		c.limits[id] = l
	}
	return l
}

// chatRelay sends a message to everyone who may see it: the teacher, and
// the class, the group or only the sender of a question. The room is
// locked.
//
// Classmates get one encoding of the message (only the sender's own copy
// differs), so a busy class costs one encoding per message, not one per
// receiver. A classmate whose send queue is full misses the message
// rather than losing the connection: chat must never cost a student the
// lesson's picture and sound (the queue is also the signaling's). The
// teacher's and the sender's copies go the normal way.
func (r *room) chatRelay(e chatEntry) {
	msg := e.ChatMessage
	if r.teacher != nil {
		r.teacher.send(protocol.MustEncode(protocol.TypeChatMessage, forTeacher(msg)))
	}
	var others []byte
	for id, st := range r.students {
		if st.conn == nil || !r.visibleTo(e, id) {
			continue
		}
		if id == msg.From {
			st.conn.send(protocol.MustEncode(protocol.TypeChatMessage, forStudent(msg, id)))
			continue
		}
		if others == nil {
			others = protocol.MustEncode(protocol.TypeChatMessage, forStudent(msg, ""))
		}
		st.conn.conn.Send(others) // full: this one message is missed
	}
}

// visibleTo reports whether a student may see a message: the class's,
// its own questions, and its group's while it is in that group (not
// after the group work ended). The room is locked.
func (r *room) visibleTo(e chatEntry, studentID string) bool {
	switch e.To {
	case protocol.ChatToClass:
		return true
	case protocol.ChatToGroup:
		return r.groups.inGroup(e.run, e.Group, studentID)
	}
	return e.From == studentID
}

// forTeacher is the teacher's copy: with the sender's id.
func forTeacher(msg protocol.ChatMessage) protocol.ChatMessage {
	msg.Mine = msg.From == protocol.TeacherPeer
	if !msg.Mine {
		msg.ClientID = ""
	}
	return msg
}

// forStudent is a student's copy: names, no ids, and its own client id
// on its own messages.
func forStudent(msg protocol.ChatMessage, studentID string) protocol.ChatMessage {
	msg.Mine = msg.From == studentID
	if !msg.Mine {
		msg.ClientID = ""
	}
	msg.From = ""
	return msg
}

// chatDelete deletes a message for everyone (teacher; room locked).
func (r *room) chatDelete(s *Session, id string) {
	c := &r.chat
	for i, msg := range c.msgs {
		if msg.ID != id {
			continue
		}
		c.msgs = append(c.msgs[:i:i], c.msgs[i+1:]...)
		deleted := protocol.MustEncode(protocol.TypeChatDeleted, protocol.ChatRef{ID: id})
		s.send(deleted)
		for sid, st := range r.students {
			if st.conn != nil && r.visibleTo(msg, sid) {
				st.conn.send(deleted)
			}
		}
		return
	}
	s.sendError(protocol.ErrBadPayload, "no chat message "+quote(id)+" (any more)")
}

// chatSetMode switches the class chat (teacher; room locked).
func (r *room) chatSetMode(s *Session, mode string) {
	if !protocol.ValidChatMode(mode) {
		s.sendError(protocol.ErrBadPayload, "mode must be on, teacher or off")
		return
	}
	r.chat.mode = mode
	r.chatStateToAll()
}

// chatSetMuted takes the chat from a student or gives it back (teacher;
// room locked). It holds across the student's reconnects.
func (r *room) chatSetMuted(s *Session, m protocol.ChatMuteState) {
	st, ok := r.students[m.ID]
	if !ok {
		s.sendError(protocol.ErrUnknownPeer, "no participant "+quote(m.ID)+" in this lesson")
		return
	}
	c := &r.chat
	if c.muted == nil {
		c.muted = make(map[string]bool)
	}
	if m.Muted {
		c.muted[m.ID] = true
	} else {
		delete(c.muted, m.ID)
	}
	s.send(protocol.MustEncode(protocol.TypeChatState, r.chatStateFor(protocol.TeacherPeer)))
	if st.conn != nil {
		st.conn.send(protocol.MustEncode(protocol.TypeChatState, r.chatStateFor(m.ID)))
	}
}

func (r *room) chatStateToAll() {
	if r.teacher != nil {
		r.teacher.send(protocol.MustEncode(protocol.TypeChatState, r.chatStateFor(protocol.TeacherPeer)))
	}
	for id, st := range r.students {
		if st.conn != nil {
			st.conn.send(protocol.MustEncode(protocol.TypeChatState, r.chatStateFor(id)))
		}
	}
}

// chatStateFor is the chat's rules for one receiver ("teacher" or a
// participant id).
func (r *room) chatStateFor(receiver string) protocol.ChatState {
	c := &r.chat
	st := protocol.ChatState{Mode: c.currentMode()}
	if receiver == protocol.TeacherPeer {
		for _, id := range r.order {
			if c.muted[id] {
				st.MutedIDs = append(st.MutedIDs, id)
			}
		}
	} else {
		st.Muted = c.muted[receiver]
	}
	return st
}

// chatWelcome is the chat for a joining receiver: its rules and the
// recent messages it may see; nil when there is nothing to say (chat on,
// nothing written, not muted). The room is locked.
func (r *room) chatWelcome(receiver string) *protocol.ChatState {
	st := r.chatStateFor(receiver)
	for _, e := range r.chat.msgs {
		switch {
		case receiver == protocol.TeacherPeer:
			st.Messages = append(st.Messages, forTeacher(e.ChatMessage))
		case r.visibleTo(e, receiver):
			st.Messages = append(st.Messages, forStudent(e.ChatMessage, receiver))
		}
	}
	if st.Mode == protocol.ChatModeOn && !st.Muted && len(st.MutedIDs) == 0 && len(st.Messages) == 0 {
		return nil
	}
	return &st
}
