package signaling

import (
	"time"

	"golang.org/x/time/rate"

	"ersatzraum/app/protocol"
	"ersatzraum/server/codes"
	"ersatzraum/server/roster"
)

// Message rate per connection: ICE gathering sends a burst of candidates,
// after that a student is nearly silent. A teacher answers every student of
// a class, each with an answer and its candidates, often within seconds,
// so a signed-in teacher gets a budget the size of a class.
const (
	messagesPerSecond        = 20
	messageBurst             = 60
	teacherMessagesPerSecond = 300
	teacherMessageBurst      = 1500
)

// queueLimiter is implemented by transports whose send queue can grow for
// a teacher.
type queueLimiter interface{ SetQueueLimit(n int) }

// Session is one client connection's state in the hub. The transport calls
// Receive for every message and Closed once, from a single goroutine.
type Session struct {
	hub     *Hub
	conn    Conn
	ident   Identity
	limiter *rate.Limiter

	// role and room are written once, by the session's own goroutine
	// during hello (under the room's lock). studentID and waitingID may be
	// changed by other sessions of the room (replace, admit, reject, end)
	// and are read and written only under the room's lock.
	lastError string // error code of the last refusal, for metrics
	role      string // "" until hello
	room      *room
	studentID string
	waitingID string // set while the student waits in the lobby
}

// Connect registers a new connection.
func (h *Hub) Connect(c Conn, id Identity) *Session {
	return &Session{hub: h, conn: c, ident: id, limiter: rate.NewLimiter(messagesPerSecond, messageBurst)}
}

// Send queues a message; a client whose queue is full is disconnected.
func (s *Session) send(msg []byte) {
	if !s.conn.Send(msg) {
		s.hub.Meter.Disconnected("slow-consumer")
		s.conn.Close(protocol.CloseSlowConsumer, "send queue full")
	}
}

func (s *Session) sendError(code, message string) {
	s.send(protocol.MustEncode(protocol.TypeError, protocol.Error{Code: code, Message: message}))
}

// fail reports an error and closes the connection.
func (s *Session) fail(closeCode int, errCode, message string) {
	s.lastError = errCode
	s.sendError(errCode, message)
	s.conn.Close(closeCode, errCode)
}

// Receive handles one message from the client.
func (s *Session) Receive(raw []byte) {
	if !s.limiter.Allow() {
		s.hub.Meter.Disconnected("rate-limited")
		s.fail(protocol.CloseRateLimited, protocol.ErrRateLimited, "more than 20 messages per second")
		return
	}
	env, perr := protocol.Decode(raw)
	if perr != nil {
		s.fail(protocol.CloseProtocolError, perr.Code, perr.Message)
		return
	}
	if s.role == "" && env.Type != protocol.TypeHello {
		s.fail(protocol.CloseBadHello, protocol.ErrNotHello, "the first message must be hello")
		return
	}
	switch env.Type {
	case protocol.TypeHello:
		var h protocol.Hello
		if perr := protocol.DecodeData(env, &h); perr != nil {
			s.fail(protocol.CloseBadHello, perr.Code, perr.Message)
			return
		}
		s.hello(h)
	case protocol.TypeSignal:
		decoded(s, env, s.signal)
	case protocol.TypeEnd:
		s.end()
	case protocol.TypeAdmit:
		decoded(s, env, s.admit)
	case protocol.TypeReject:
		decoded(s, env, s.reject)
	case protocol.TypeLock:
		decoded(s, env, s.lock)
	case protocol.TypeMark:
		decoded(s, env, s.mark)
	case protocol.TypeCall, protocol.TypeMute, protocol.TypeRemove:
		decoded(s, env, func(tg protocol.Target) { s.direct(env.Type, tg.ID) })
	case protocol.TypeHand:
		decoded(s, env, s.hand)
	case protocol.TypeMedia:
		decoded(s, env, s.media)
	case protocol.TypeChat, protocol.TypeChatDelete, protocol.TypeChatMode, protocol.TypeChatMute:
		s.chatReceive(env)
	case protocol.TypeCheckOpen, protocol.TypeCheckAnswer, protocol.TypeCheckClose, protocol.TypeCheckShow, protocol.TypeCheckSave:
		s.checkReceive(env)
	case protocol.TypeGroupsStart, protocol.TypeGroupsMove, protocol.TypeGroupsVisit, protocol.TypeGroupsSay,
		protocol.TypeGroupsHelp, protocol.TypeGroupsEnd:
		s.groupsReceive(env)
	default:
		// Unknown types are refused but not fatal, so that a newer client
		// can talk to an older server.
		s.sendError(protocol.ErrUnknownType, "unknown message type "+quote(env.Type))
	}
}

// decoded hands a message's payload to do, or refuses a payload that does
// not fit its type (the connection stays open).
func decoded[T any](s *Session, env protocol.Envelope, do func(T)) {
	var v T
	if perr := protocol.DecodeData(env, &v); perr != nil {
		s.sendError(perr.Code, perr.Message)
		return
	}
	do(v)
}

func quote(s string) string {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return "\"" + s + "\""
}

func (s *Session) hello(h protocol.Hello) {
	if s.role != "" {
		s.fail(protocol.CloseBadHello, protocol.ErrAlreadyJoined, "hello was already sent on this connection")
		return
	}
	start := time.Now()
	switch h.Role {
	case protocol.RoleTeacher:
		s.helloTeacher(h)
	case protocol.RoleStudent:
		s.helloStudent(h)
	default:
		s.fail(protocol.CloseBadHello, protocol.ErrBadPayload, "role must be teacher or student")
	}
	result := "ok"
	if s.role == "" {
		result = s.lastError
	}
	s.hub.Meter.Joined(h.Role, result, time.Since(start))
}

func (s *Session) helloTeacher(h protocol.Hello) {
	if s.ident.TeacherID == "" {
		s.fail(protocol.CloseUnauthorized, protocol.ErrUnauthorized, "sign in as a teacher first")
		return
	}
	r := s.hub.roomByID(h.Lesson)
	if r == nil {
		s.fail(protocol.CloseUnknownLesson, protocol.ErrUnknownLesson, "no live lesson with this id")
		return
	}
	if r.lesson.TeacherID != s.ident.TeacherID {
		s.fail(protocol.CloseForbidden, protocol.ErrForbidden, "this lesson belongs to another teacher")
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ended {
		s.fail(protocol.CloseLessonEnded, protocol.ErrLessonEnded, "the lesson has ended")
		return
	}
	if old := r.teacher; old != nil {
		old.fail(protocol.CloseReplaced, protocol.ErrReplaced, "the lesson was opened in another window")
	}
	r.teacher = s
	s.role, s.room = protocol.RoleTeacher, r
	s.limiter = rate.NewLimiter(teacherMessagesPerSecond, teacherMessageBurst)
	if q, ok := s.conn.(queueLimiter); ok {
		q.SetQueueLimit(teacherQueueLength)
	}
	s.send(protocol.MustEncode(protocol.TypeWelcome, protocol.Welcome{
		Self:     protocol.TeacherPeer,
		Role:     protocol.RoleTeacher,
		Lesson:   protocol.LessonInfo{ID: r.lesson.ID, Title: r.lesson.Title, Code: r.lesson.Code},
		RollCall: r.rollCall(),
		Lobby:    r.lobbyState().Waiting,
		Locked:   r.locked,
		ICE:      s.hub.iceFor(teacherICEPrefix + s.ident.TeacherID),
		Chat:     r.chatWelcome(protocol.TeacherPeer),
		Tally:    r.tallyWelcome(),
		Groups:   r.groupsWelcome(protocol.TeacherPeer, s.hub.now()),
	}))
	online := protocol.MustEncode(protocol.TypeTeacherStatus, protocol.TeacherStatus{Online: true, Fresh: h.Fresh})
	for _, st := range r.students {
		if st.conn != nil {
			st.conn.send(online)
		}
	}
}

func (s *Session) helloStudent(h protocol.Hello) {
	r, known, ok := s.findRoom(h)
	if !ok {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ended {
		s.fail(protocol.CloseLessonEnded, protocol.ErrLessonEnded, "the lesson has ended")
		return
	}
	// A student coming back with its resume token skips lock and lobby:
	// it was let in before.
	if h.Resume != "" {
		if st := r.findByResume(hashResume(h.Resume)); st != nil {
			st.line.Camera = h.Camera
			s.enter(r, st, false)
			return
		}
	}
	if r.locked {
		s.fail(protocol.CloseLocked, protocol.ErrLocked, "the teacher has locked the lesson")
		return
	}
	name := ""
	if known != nil {
		name = known.Name
	} else {
		var valid bool
		if name, valid = protocol.CleanName(h.Name, protocol.MaxNameRunes); !valid {
			s.fail(protocol.CloseBadHello, protocol.ErrBadName, "a name needs 1 to 60 printable characters")
			return
		}
		// A name on the class list counts as that student.
		if c := s.hub.classInfo(r.lesson.ClassID); c != nil {
			known = c.byName[codes.NameKey(name)]
			if known != nil {
				name = known.Name
			}
		}
	}
	if known == nil && r.lesson.Lobby {
		s.wait(r, codes.NewID(), name, h.Camera)
		return
	}
	var id string
	if known == nil {
		id = codes.NewID()
	} else {
		id = codes.ListedParticipantID(known.ID)
		if st := r.students[id]; st != nil && st.removed {
			// Sent out by the teacher: only the teacher lets them back.
			s.wait(r, id, name, h.Camera)
			return
		}
	}
	st := r.students[id]
	if st == nil {
		st = &student{line: roster.Line{
			LessonID:      r.lesson.ID,
			ParticipantID: id,
			Name:          name,
			Camera:        h.Camera,
			Listed:        known != nil,
		}}
	} else {
		st.line.Camera = h.Camera // a class-list student on another device
	}
	s.enter(r, st, true)
}

// findRoom resolves what a student's hello names: a personal link, a
// lesson code or a class code. known is the class-list student a personal
// link names. It reports false after refusing the hello.
func (s *Session) findRoom(h protocol.Hello) (r *room, known *RosterStudent, ok bool) {
	if h.Personal != "" {
		// A personal link cannot be guessed: a right one is always let
		// through, whatever others behind the same address sent.
		p, found := s.hub.personalByHash(codes.HashToken(h.Personal))
		if !found {
			if !s.hub.Guard.TokenFailed(s.ident.Addr) {
				s.hub.Meter.Disconnected("guessing")
				s.fail(protocol.CloseRateLimited, protocol.ErrRateLimited, "too many wrong personal links from your address; try again in a minute")
				return nil, nil, false
			}
			s.fail(protocol.CloseUnknownLesson, protocol.ErrUnknownLesson, "this personal link is not valid (any more)")
			return nil, nil, false
		}
		if r = s.hub.liveRoomOfClass(p.class.ID); r == nil {
			s.fail(protocol.CloseNotStarted, protocol.ErrNotStarted, "the lesson of "+p.class.Name+" has not started yet")
			return nil, nil, false
		}
		return r, p.student, true
	}
	// Wrong codes are limited per address; the limit is checked before
	// the lookup, so that a guesser learns nothing once it is reached. The
	// budget fits a school behind one address (package admission).
	if !s.hub.Guard.MayGuess(s.ident.Addr) {
		s.hub.Meter.Disconnected("guessing")
		s.fail(protocol.CloseRateLimited, protocol.ErrRateLimited, "too many wrong join codes from your address; try again in a minute, or use your personal link")
		return nil, nil, false
	}
	code := codes.NormalizeCode(h.Code)
	if code == "" {
		s.hub.Guard.GuessFailed(s.ident.Addr)
		s.fail(protocol.CloseUnknownLesson, protocol.ErrUnknownLesson, "this is not a join code")
		return nil, nil, false
	}
	hash := codes.HashCode(code)
	if r = s.hub.roomByCode(hash); r != nil {
		return r, nil, true
	}
	if c := s.hub.classByCodeHash(hash); c != nil {
		if r = s.hub.liveRoomOfClass(c.ID); r == nil {
			s.fail(protocol.CloseNotStarted, protocol.ErrNotStarted, "the lesson of "+c.Name+" has not started yet")
			return nil, nil, false
		}
		return r, nil, true
	}
	s.hub.Guard.GuessFailed(s.ident.Addr)
	s.fail(protocol.CloseUnknownLesson, protocol.ErrUnknownLesson, "no live lesson with this code")
	return nil, nil, false
}

// enter puts a student on the roll call and welcomes it. fresh issues a
// new resume token (a resume keeps the old one). The room is locked.
func (s *Session) enter(r *room, st *student, fresh bool) {
	if old := st.conn; old != nil && old != s {
		old.studentID = "" // its Closed must not mark the student offline
		old.fail(protocol.CloseReplaced, protocol.ErrReplaced, "you joined from another window")
	}
	var token string
	if fresh {
		token = newResumeToken()
		st.line.ResumeHash = hashResume(token)
	}
	if _, ok := r.students[st.line.ParticipantID]; !ok {
		r.students[st.line.ParticipantID] = st
		r.order = append(r.order, st.line.ParticipantID)
	}
	now := s.hub.now()
	if st.line.JoinedAt.IsZero() {
		// The first join decides the status, unless the teacher already
		// set one (excused, say): present, or late after the class's limit.
		st.line.JoinedAt = now
		if st.line.Status == "" || st.line.Status == protocol.StatusAbsent {
			st.line.Status = protocol.StatusPresent
			if start := r.lesson.Start; !start.IsZero() && now.Sub(start) > s.hub.lateAfter(r) {
				st.line.Status = protocol.StatusLate
			}
			s.hub.rec.RecordEvent(roster.Event{LessonID: r.lesson.ID, ParticipantID: st.line.ParticipantID, Kind: roster.EventStatus, Status: st.line.Status, At: now})
		}
	}
	s.hub.rec.RecordEvent(roster.Event{LessonID: r.lesson.ID, ParticipantID: st.line.ParticipantID, Kind: roster.EventJoin, At: now})
	st.removed = false
	st.line.LeftAt = time.Time{}
	st.conn = s
	// A student admitted from the lobby is entered by the teacher's
	// goroutine: its role and room were set when it knocked, and only the
	// fields guarded by the room's lock change here.
	if s.role == "" {
		s.role, s.room = protocol.RoleStudent, r
	}
	s.studentID = st.line.ParticipantID
	s.hub.rec.Record(st.line)
	s.send(protocol.MustEncode(protocol.TypeWelcome, protocol.Welcome{
		Self:          st.line.ParticipantID,
		Role:          protocol.RoleStudent,
		Lesson:        protocol.LessonInfo{ID: r.lesson.ID, Title: r.lesson.Title},
		Resume:        token,
		TeacherOnline: r.teacher != nil,
		ICE:           s.hub.iceFor(st.line.ParticipantID),
		Name:          st.line.Name,
		Called:        st.called,
		Chat:          r.chatWelcome(st.line.ParticipantID),
		Check:         r.checkWelcome(st.line.ParticipantID),
		Groups:        r.groupsWelcome(st.line.ParticipantID, now),
	}))
	r.notifyTeacher(st)
	r.groupsPresence(st.line.ParticipantID, now)
}

func (r *room) notifyTeacher(st *student) {
	if r.teacher != nil {
		r.teacher.send(protocol.MustEncode(protocol.TypeParticipant, st.entry()))
		r.checkParticipantChanged()
	}
}

func (s *Session) signal(sig protocol.Signal) {
	received := time.Now()
	switch sig.Kind {
	case protocol.SignalOffer, protocol.SignalAnswer:
		if sig.SDP == "" {
			s.sendError(protocol.ErrBadPayload, sig.Kind+" needs sdp")
			return
		}
	case protocol.SignalCandidate:
		if sig.Candidate == nil {
			s.sendError(protocol.ErrBadPayload, "candidate needs candidate")
			return
		}
	default:
		s.sendError(protocol.ErrBadPayload, "kind must be offer, answer or candidate")
		return
	}
	s.inLesson(func(r *room) {
		var target *Session
		if s.role == protocol.RoleStudent {
			// A student's peer is the teacher of its own lesson, and during
			// group work also the members of its group, by peer tag.
			if sig.To != "" && sig.To != protocol.TeacherPeer {
				s.groupSignal(r, sig, received)
				return
			}
			sig.From = s.studentID
			target = r.teacher
		} else {
			st, ok := r.students[sig.To]
			if !ok {
				s.sendError(protocol.ErrUnknownPeer, "no participant "+quote(sig.To)+" in this lesson")
				return
			}
			sig.From = protocol.TeacherPeer
			target = st.conn
		}
		if target == nil {
			s.sendError(protocol.ErrPeerOffline, "the peer is not connected")
			return
		}
		sig.To = ""
		target.send(protocol.MustEncode(protocol.TypeSignal, sig))
		s.hub.Meter.Relayed(sig.Kind, time.Since(received))
	})
}

func (s *Session) end() {
	if s.role != protocol.RoleTeacher {
		s.sendError(protocol.ErrForbidden, "only the teacher can end the lesson")
		return
	}
	r := s.room
	now := s.hub.now()
	r.mu.Lock()
	if r.ended || s.replaced() {
		r.mu.Unlock()
		return
	}
	r.ended = true
	var saveGroups func()
	if r.groups.cur != nil {
		saveGroups = s.hub.finishGroups(r)
	}
	ended := protocol.MustEncode(protocol.TypeLessonEnded, nil)
	for _, st := range r.students {
		if st.conn != nil {
			c := st.conn
			c.studentID = ""
			st.conn = nil
			st.line.LeftAt = now
			s.hub.rec.Record(st.line)
			c.send(ended)
			c.conn.Close(protocol.CloseLessonEnded, protocol.ErrLessonEnded)
		}
	}
	for _, w := range r.waiting {
		w.conn.waitingID = ""
		w.conn.send(ended)
		w.conn.conn.Close(protocol.CloseLessonEnded, protocol.ErrLessonEnded)
	}
	r.waiting = nil
	r.teacher = nil
	out := r.studentIDs()
	r.mu.Unlock()
	if saveGroups != nil {
		saveGroups()
	}
	s.hub.revoke(out...)
	s.hub.removeRoom(r)
	s.hub.rec.RecordEnd(r.lesson.ID, now)
	s.role = ""
	s.send(ended)
	s.conn.Close(protocol.CloseNormal, "lesson ended")
}

// replaced reports whether the hub already handed this session's identity
// to another connection (or ended its lesson) and closed it, while the
// transport may still deliver messages that were in flight. Call it with
// s.room.mu held.
func (s *Session) replaced() bool {
	switch s.role {
	case protocol.RoleTeacher:
		return s.room.teacher != s
	case protocol.RoleStudent:
		return s.studentID == ""
	}
	return false
}

// Closed is called once when the connection is gone.
func (s *Session) Closed() {
	r := s.room
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lastSeen = s.hub.now() // for EndIdleLessons (idle.go)
	switch s.role {
	case protocol.RoleTeacher:
		if r.teacher != s {
			return
		}
		r.teacher = nil
		offline := protocol.MustEncode(protocol.TypeTeacherStatus, protocol.TeacherStatus{Online: false})
		for _, st := range r.students {
			if st.conn != nil {
				st.conn.send(offline)
			}
		}
	case protocol.RoleStudent:
		if s.waitingID != "" {
			if w := r.removeWaiter(s.waitingID); w != nil {
				r.notifyLobbyLeft([]string{w.id})
			}
			return
		}
		st, ok := r.students[s.studentID]
		if !ok || st.conn != s {
			return
		}
		st.conn = nil
		st.hand = time.Time{}
		st.line.LeftAt = s.hub.now()
		s.hub.rec.Record(st.line)
		s.hub.rec.RecordEvent(roster.Event{LessonID: r.lesson.ID, ParticipantID: st.line.ParticipantID, Kind: roster.EventLeave, At: st.line.LeftAt})
		r.notifyTeacher(st)
		r.groupsPresence(st.line.ParticipantID, st.line.LeftAt)
	}
}

func (h *Hub) iceFor(participant string) *protocol.ICEConfig {
	if h.ICE == nil {
		return nil
	}
	return h.ICE(participant)
}
