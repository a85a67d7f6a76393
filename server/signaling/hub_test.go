package signaling

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"ersatzraum/app/protocol"
	"ersatzraum/server/codes"
	"ersatzraum/server/roster"
)

// fakeConn records what the hub sends and how it closes the connection.
// Like the real transport, Close never calls back into the hub, the first
// Close wins, and messages sent after Close are dropped (the real wsConn
// flushes what was queued before the close frame and nothing after it).
type fakeConn struct {
	mu        sync.Mutex
	msgs      [][]byte
	full      bool // Send reports a full queue
	closed    bool
	code      int
	reason    string
	afterShut int // messages sent after Close
}

func (c *fakeConn) Send(msg []byte) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		c.afterShut++
		return true
	}
	if c.full {
		return false
	}
	c.msgs = append(c.msgs, bytes.Clone(msg))
	return true
}

func (c *fakeConn) Close(code int, reason string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return
	}
	c.closed, c.code, c.reason = true, code, reason
}

func (c *fakeConn) setFull(full bool) {
	c.mu.Lock()
	c.full = full
	c.mu.Unlock()
}

func (c *fakeConn) state() (closed bool, code int, reason string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed, c.code, c.reason
}

func (c *fakeConn) sent() [][]byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([][]byte(nil), c.msgs...)
}

// fakeRecorder keeps every roll-call change the hub reports.
type fakeRecorder struct {
	events []roster.Event
	locks  []recordedLock
	mu     sync.Mutex
	lines  []roster.Line
	ends   []recordedEnd
}

type recordedEnd struct {
	lessonID string
	at       time.Time
}

func (r *fakeRecorder) Record(l roster.Line) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lines = append(r.lines, l)
}

func (r *fakeRecorder) RecordEvent(e roster.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
}

func (r *fakeRecorder) RecordLock(id string, locked bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.locks = append(r.locks, recordedLock{id, locked})
}

type recordedLock struct {
	id     string
	locked bool
}

func (r *fakeRecorder) RecordEnd(id string, at time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ends = append(r.ends, recordedEnd{id, at})
}

func (r *fakeRecorder) snapshot() ([]roster.Line, []recordedEnd) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]roster.Line(nil), r.lines...), append([]recordedEnd(nil), r.ends...)
}

// clock is a settable time source for the hub.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	return c.t
}

type testHub struct {
	*Hub
	rec   *fakeRecorder
	clock *clock
}

func newTestHub(t *testing.T) *testHub {
	t.Helper()
	rec := &fakeRecorder{}
	h := NewHub(rec, slog.New(slog.DiscardHandler))
	c := &clock{t: time.Date(2025, 3, 10, 8, 0, 0, 0, time.UTC)}
	h.now = c.now
	return &testHub{Hub: h, rec: rec, clock: c}
}

const (
	codeA = "ABCD-EFGH"
	codeB = "JKMN-PQRS"
)

// addLesson hosts a lesson created in this process (its code is known).
func (h *testHub) addLesson(id, teacherID, title, code string) Lesson {
	l := Lesson{
		ID:        id,
		TeacherID: teacherID,
		Title:     title,
		CodeHash:  codes.HashCode(codes.NormalizeCode(code)),
		Code:      code,
	}
	h.AddLesson(l, nil)
	return l
}

// client drives one Session through a fakeConn.
type client struct {
	t    *testing.T
	conn *fakeConn
	s    *Session
	read int // messages already consumed by expect*
}

func (h *testHub) connect(t *testing.T, id Identity) *client {
	conn := &fakeConn{}
	return &client{t: t, conn: conn, s: h.Connect(conn, id)}
}

func (c *client) send(typ string, data any) {
	c.t.Helper()
	c.s.Receive(protocol.MustEncode(typ, data))
}

// gone is what the transport does once it noticed the connection ended.
func (c *client) gone() { c.s.Closed() }

func (c *client) next() (protocol.Envelope, bool) {
	c.t.Helper()
	msgs := c.conn.sent()
	if c.read >= len(msgs) {
		return protocol.Envelope{}, false
	}
	raw := msgs[c.read]
	c.read++
	env, perr := protocol.Decode(raw)
	if perr != nil {
		c.t.Fatalf("hub sent an invalid envelope %s: %v", raw, perr)
	}
	return env, true
}

// expect returns the next unread message, which must be of type typ, with
// its payload decoded into v (when v is not nil).
func (c *client) expect(typ string, v any) protocol.Envelope {
	c.t.Helper()
	env, ok := c.next()
	if !ok {
		c.t.Fatalf("expected a %q message, got none", typ)
	}
	if env.Type != typ {
		c.t.Fatalf("expected a %q message, got %q: %s", typ, env.Type, env.Data)
	}
	if v != nil {
		// Decode into a zero value: omitted fields must not keep old values.
		reflect.ValueOf(v).Elem().SetZero()
		if perr := protocol.DecodeData(env, v); perr != nil {
			c.t.Fatalf("decode %s: %v", typ, perr)
		}
	}
	return env
}

func (c *client) expectError(code string) protocol.Error {
	c.t.Helper()
	var e protocol.Error
	c.expect(protocol.TypeError, &e)
	if e.Code != code {
		c.t.Fatalf("expected error %q, got %q (%s)", code, e.Code, e.Message)
	}
	return e
}

func (c *client) expectNothing() {
	c.t.Helper()
	if env, ok := c.next(); ok {
		c.t.Fatalf("expected no message, got %q: %s", env.Type, env.Data)
	}
}

func (c *client) expectClosed(code int) {
	c.t.Helper()
	closed, got, reason := c.conn.state()
	if !closed {
		c.t.Fatalf("expected close %d, connection is open", code)
	}
	if got != code {
		c.t.Fatalf("expected close %d, got %d (%q)", code, got, reason)
	}
}

func (c *client) expectOpen() {
	c.t.Helper()
	if closed, code, reason := c.conn.state(); closed {
		c.t.Fatalf("connection was closed with %d (%q)", code, reason)
	}
}

// joinTeacher opens the teacher's connection to a lesson and returns its
// welcome.
func (h *testHub) joinTeacher(t *testing.T, teacherID, lessonID string) (*client, protocol.Welcome) {
	t.Helper()
	c := h.connect(t, Identity{TeacherID: teacherID})
	c.send(protocol.TypeHello, protocol.Hello{Role: protocol.RoleTeacher, Lesson: lessonID})
	var w protocol.Welcome
	c.expect(protocol.TypeWelcome, &w)
	c.expectOpen()
	return c, w
}

func (h *testHub) joinStudent(t *testing.T, code, name string) (*client, protocol.Welcome) {
	t.Helper()
	c := h.connect(t, Identity{})
	c.send(protocol.TypeHello, protocol.Hello{Role: protocol.RoleStudent, Code: code, Name: name})
	var w protocol.Welcome
	c.expect(protocol.TypeWelcome, &w)
	c.expectOpen()
	return c, w
}

func offer(to, sdp string) protocol.Signal {
	return protocol.Signal{To: to, Kind: protocol.SignalOffer, SDP: sdp}
}

func TestTeacherHelloRefusals(t *testing.T) {
	h := newTestHub(t)
	h.addLesson("lesson-a", "t-alice", "Mathe", codeA)

	tests := []struct {
		name      string
		ident     Identity
		lesson    string
		errCode   string
		closeCode int
	}{
		{"no session", Identity{}, "lesson-a", protocol.ErrUnauthorized, protocol.CloseUnauthorized},
		{"no session, unknown lesson", Identity{}, "nope", protocol.ErrUnauthorized, protocol.CloseUnauthorized},
		{"other teacher", Identity{TeacherID: "t-bob"}, "lesson-a", protocol.ErrForbidden, protocol.CloseForbidden},
		{"unknown lesson", Identity{TeacherID: "t-alice"}, "nope", protocol.ErrUnknownLesson, protocol.CloseUnknownLesson},
		{"empty lesson", Identity{TeacherID: "t-alice"}, "", protocol.ErrUnknownLesson, protocol.CloseUnknownLesson},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := h.connect(t, tc.ident)
			c.send(protocol.TypeHello, protocol.Hello{Role: protocol.RoleTeacher, Lesson: tc.lesson})
			c.expectError(tc.errCode)
			c.expectNothing()
			c.expectClosed(tc.closeCode)
			c.gone()
		})
	}

	// None of the refused teachers took the lesson: a student still sees
	// no teacher, and the owner can still open it.
	_, w := h.joinStudent(t, codeA, "Ada")
	if w.TeacherOnline {
		t.Fatal("a refused teacher counts as online")
	}
	h.joinTeacher(t, "t-alice", "lesson-a")
}

func TestTeacherWelcome(t *testing.T) {
	h := newTestHub(t)
	h.addLesson("lesson-a", "t-alice", "Mathe 7b", codeA)
	joined := h.clock.now()
	stu, sw := h.joinStudent(t, codeA, "Ada")
	if sw.TeacherOnline {
		t.Fatal("teacher reported online before any teacher joined")
	}

	h.clock.advance(time.Minute)
	teacher, w := h.joinTeacher(t, "t-alice", "lesson-a")
	if w.Self != protocol.TeacherPeer || w.Role != protocol.RoleTeacher {
		t.Errorf("self/role = %q/%q", w.Self, w.Role)
	}
	if w.Lesson.ID != "lesson-a" || w.Lesson.Title != "Mathe 7b" || w.Lesson.Code != codeA {
		t.Errorf("lesson info = %+v", w.Lesson)
	}
	if w.Resume != "" {
		t.Errorf("teacher got a resume token %q", w.Resume)
	}
	if len(w.RollCall) != 1 {
		t.Fatalf("roll call = %+v, want Ada", w.RollCall)
	}
	e := w.RollCall[0]
	if e.ID != sw.Self || e.Name != "Ada" || e.Status != protocol.StatusPresent || !e.Online ||
		e.JoinedAt != joined.UnixMilli() || e.LeftAt != 0 {
		t.Errorf("roll-call entry = %+v", e)
	}
	teacher.expectNothing()

	// The waiting student learns that the teacher arrived.
	var st protocol.TeacherStatus
	stu.expect(protocol.TypeTeacherStatus, &st)
	if !st.Online {
		t.Error("teacher-status online = false after the teacher joined")
	}

	// A teacher leaving is announced too.
	teacher.gone()
	stu.expect(protocol.TypeTeacherStatus, &st)
	if st.Online {
		t.Error("teacher-status online = true after the teacher left")
	}
	_, sw2 := h.joinStudent(t, codeA, "Bea")
	if sw2.TeacherOnline {
		t.Error("teacherOnline after the teacher left")
	}
}

func TestTeacherSecondWindowReplacesFirst(t *testing.T) {
	h := newTestHub(t)
	h.addLesson("lesson-a", "t-alice", "Mathe", codeA)
	first, _ := h.joinTeacher(t, "t-alice", "lesson-a")
	stu, _ := h.joinStudent(t, codeA, "Ada")
	first.expect(protocol.TypeParticipant, nil)

	second, w := h.joinTeacher(t, "t-alice", "lesson-a")
	if len(w.RollCall) != 1 {
		t.Fatalf("roll call of the second window = %+v", w.RollCall)
	}
	first.expectError(protocol.ErrReplaced)
	first.expectClosed(protocol.CloseReplaced)
	stu.expect(protocol.TypeTeacherStatus, nil)

	// The old window's end must not mark the new one offline.
	first.gone()
	stu.expectNothing()
	stu.send(protocol.TypeSignal, offer(protocol.TeacherPeer, "v=0"))
	second.expect(protocol.TypeSignal, nil)
}

func TestStudentHelloCodes(t *testing.T) {
	h := newTestHub(t)
	h.addLesson("lesson-a", "t-alice", "Mathe", codeA)
	for _, code := range []string{"ABCD-EFGH", "ABCDEFGH", "abcd-efgh", "abcdefgh", " abcd efgh "} {
		t.Run(code, func(t *testing.T) {
			_, w := h.joinStudent(t, code, "Ada")
			if w.Lesson.ID != "lesson-a" {
				t.Fatalf("joined lesson %q", w.Lesson.ID)
			}
		})
	}
	for _, code := range []string{"", "ABCD-EFGJ", "ABCD-EFG0", "ABCD-EFGHJ", "ABC", "ABCD_EFGH"} {
		t.Run("bad "+code, func(t *testing.T) {
			c := h.connect(t, Identity{})
			c.send(protocol.TypeHello, protocol.Hello{Role: protocol.RoleStudent, Code: code, Name: "Ada"})
			c.expectError(protocol.ErrUnknownLesson)
			c.expectNothing()
			c.expectClosed(protocol.CloseUnknownLesson)
			c.gone()
		})
	}
}

func TestStudentBadNames(t *testing.T) {
	h := newTestHub(t)
	h.addLesson("lesson-a", "t-alice", "Mathe", codeA)
	teacher, _ := h.joinTeacher(t, "t-alice", "lesson-a")
	for name, value := range map[string]string{
		"empty":          "",
		"blank":          "  \t ",
		"nul":            "Ada\x00",
		"newline":        "Ada\nBea",
		"escape":         "\x1b[31mAda",
		"bidi override":  "Ada\u202eaeB",
		"zero width":     "A\u200bda",
		"61 runes":       strings.Repeat("ä", protocol.MaxNameRunes+1),
		"61 runes ascii": strings.Repeat("a", protocol.MaxNameRunes+1),
	} {
		t.Run(name, func(t *testing.T) {
			c := h.connect(t, Identity{})
			c.send(protocol.TypeHello, protocol.Hello{Role: protocol.RoleStudent, Code: codeA, Name: value})
			c.expectError(protocol.ErrBadName)
			c.expectNothing()
			c.expectClosed(protocol.CloseBadHello)
			c.gone()
		})
	}
	teacher.expectNothing()
	if lines, _ := h.rec.snapshot(); len(lines) != 0 {
		t.Fatalf("refused students were recorded: %+v", lines)
	}

	// The limit itself is fine, and names are trimmed.
	long := strings.Repeat("ä", protocol.MaxNameRunes)
	_, w := h.joinStudent(t, codeA, long)
	var e protocol.Entry
	teacher.expect(protocol.TypeParticipant, &e)
	if e.Name != long || e.ID != w.Self {
		t.Errorf("entry for a 60-rune name = %+v", e)
	}
	h.joinStudent(t, codeA, "  Bea  ")
	teacher.expect(protocol.TypeParticipant, &e)
	if e.Name != "Bea" {
		t.Errorf("name not trimmed: %q", e.Name)
	}
}

func TestStudentWelcome(t *testing.T) {
	h := newTestHub(t)
	h.addLesson("lesson-a", "t-alice", "Mathe 7b", codeA)
	h.joinTeacher(t, "t-alice", "lesson-a")
	_, w := h.joinStudent(t, codeA, "Ada")
	if w.Role != protocol.RoleStudent || w.Self == "" || w.Self == protocol.TeacherPeer {
		t.Errorf("role/self = %q/%q", w.Role, w.Self)
	}
	if w.Lesson.ID != "lesson-a" || w.Lesson.Title != "Mathe 7b" {
		t.Errorf("lesson = %+v", w.Lesson)
	}
	if w.Lesson.Code != "" {
		t.Errorf("the join code was sent to a student: %q", w.Lesson.Code)
	}
	if w.Resume == "" {
		t.Error("no resume token")
	}
	if !w.TeacherOnline {
		t.Error("teacherOnline = false with the teacher connected")
	}
	if len(w.RollCall) != 0 {
		t.Errorf("a student got the roll call: %+v", w.RollCall)
	}

	// Two students get different ids and tokens.
	_, w2 := h.joinStudent(t, codeA, "Ada")
	if w2.Self == w.Self || w2.Resume == w.Resume {
		t.Errorf("two students share id or token: %+v %+v", w, w2)
	}
}

func TestTeacherSeesJoinAndLeave(t *testing.T) {
	h := newTestHub(t)
	h.addLesson("lesson-a", "t-alice", "Mathe", codeA)
	teacher, _ := h.joinTeacher(t, "t-alice", "lesson-a")

	joined := h.clock.advance(time.Second)
	stu := h.connect(t, Identity{})
	stu.send(protocol.TypeHello, protocol.Hello{Role: protocol.RoleStudent, Code: codeA, Name: "Ada", Camera: true})
	var w protocol.Welcome
	stu.expect(protocol.TypeWelcome, &w)

	var e protocol.Entry
	teacher.expect(protocol.TypeParticipant, &e)
	want := protocol.Entry{ID: w.Self, Name: "Ada", Status: protocol.StatusPresent, Online: true, Camera: true, JoinedAt: joined.UnixMilli()}
	if e != want {
		t.Fatalf("join entry = %+v, want %+v", e, want)
	}

	left := h.clock.advance(10 * time.Minute)
	stu.gone()
	teacher.expect(protocol.TypeParticipant, &e)
	want.Online, want.LeftAt = false, left.UnixMilli()
	if e != want {
		t.Fatalf("leave entry = %+v, want %+v", e, want)
	}
	teacher.expectNothing()

	lines, _ := h.rec.snapshot()
	if len(lines) != 2 {
		t.Fatalf("recorded %d lines, want join and leave: %+v", len(lines), lines)
	}
	if l := lines[0]; l.LessonID != "lesson-a" || l.ParticipantID != w.Self || l.Name != "Ada" ||
		!l.JoinedAt.Equal(joined) || !l.LeftAt.IsZero() || !l.Camera ||
		!bytes.Equal(l.ResumeHash, hashResume(w.Resume)) {
		t.Errorf("join line = %+v", l)
	}
	if l := lines[1]; l.ParticipantID != w.Self || !l.JoinedAt.Equal(joined) || !l.LeftAt.Equal(left) {
		t.Errorf("leave line = %+v", l)
	}

	// A session that never said hello leaves without a trace.
	anon := h.connect(t, Identity{})
	anon.gone()
	teacher.expectNothing()
}

func TestSignalRouting(t *testing.T) {
	h := newTestHub(t)
	h.addLesson("lesson-a", "t-alice", "Mathe", codeA)
	teacher, _ := h.joinTeacher(t, "t-alice", "lesson-a")
	ada, wa := h.joinStudent(t, codeA, "Ada")
	bea, wb := h.joinStudent(t, codeA, "Bea")
	teacher.expect(protocol.TypeParticipant, nil)
	teacher.expect(protocol.TypeParticipant, nil)

	t.Run("student to teacher", func(t *testing.T) {
		// From is set by the server whatever the student claims.
		ada.send(protocol.TypeSignal, protocol.Signal{To: protocol.TeacherPeer, From: wb.Self, Kind: protocol.SignalOffer, SDP: "v=0 ada"})
		var sig protocol.Signal
		teacher.expect(protocol.TypeSignal, &sig)
		if sig.From != wa.Self || sig.To != "" || sig.Kind != protocol.SignalOffer || sig.SDP != "v=0 ada" {
			t.Fatalf("teacher got %+v", sig)
		}
		// To may be left out: a student's only peer is the teacher.
		mid := "0"
		idx := uint16(0)
		bea.send(protocol.TypeSignal, protocol.Signal{Kind: protocol.SignalCandidate, Candidate: &protocol.Candidate{Candidate: "candidate:1", SDPMid: &mid, SDPMLineIndex: &idx}})
		teacher.expect(protocol.TypeSignal, &sig)
		if sig.From != wb.Self || sig.Candidate == nil || sig.Candidate.Candidate != "candidate:1" ||
			sig.Candidate.SDPMid == nil || *sig.Candidate.SDPMid != "0" || sig.Candidate.SDPMLineIndex == nil {
			t.Fatalf("teacher got %+v", sig)
		}
		ada.expectNothing()
		bea.expectNothing()
	})

	t.Run("teacher to student", func(t *testing.T) {
		teacher.send(protocol.TypeSignal, protocol.Signal{To: wa.Self, From: wb.Self, Kind: protocol.SignalAnswer, SDP: "v=0 answer"})
		var sig protocol.Signal
		ada.expect(protocol.TypeSignal, &sig)
		if sig.From != protocol.TeacherPeer || sig.To != "" || sig.SDP != "v=0 answer" {
			t.Fatalf("student got %+v", sig)
		}
		bea.expectNothing()
		teacher.expectNothing()
	})

	t.Run("student to another student", func(t *testing.T) {
		ada.send(protocol.TypeSignal, offer(wb.Self, "v=0"))
		ada.expectError(protocol.ErrForbidden)
		ada.expectOpen()
		bea.expectNothing()
		teacher.expectNothing()
	})

	t.Run("teacher to unknown peer", func(t *testing.T) {
		for _, to := range []string{"nobody", "", protocol.TeacherPeer} {
			teacher.send(protocol.TypeSignal, offer(to, "v=0"))
			teacher.expectError(protocol.ErrUnknownPeer)
		}
		teacher.expectOpen()
	})

	t.Run("bad payloads", func(t *testing.T) {
		for _, sig := range []protocol.Signal{
			{To: wa.Self, Kind: protocol.SignalOffer},
			{To: wa.Self, Kind: protocol.SignalAnswer},
			{To: wa.Self, Kind: protocol.SignalCandidate},
			{To: wa.Self, Kind: "bye", SDP: "x"},
		} {
			teacher.send(protocol.TypeSignal, sig)
			teacher.expectError(protocol.ErrBadPayload)
		}
		teacher.s.Receive([]byte(`{"v":1,"type":"signal"}`))
		teacher.expectError(protocol.ErrBadPayload)
		teacher.s.Receive([]byte(`{"v":1,"type":"signal","data":"offer"}`))
		teacher.expectError(protocol.ErrBadPayload)
		teacher.expectOpen()
		ada.expectNothing()
	})

	t.Run("teacher to offline student", func(t *testing.T) {
		bea.gone()
		teacher.expect(protocol.TypeParticipant, nil)
		teacher.send(protocol.TypeSignal, offer(wb.Self, "v=0"))
		teacher.expectError(protocol.ErrPeerOffline)
		teacher.expectOpen()
	})

	t.Run("student to offline teacher", func(t *testing.T) {
		teacher.gone()
		ada.expect(protocol.TypeTeacherStatus, nil)
		ada.send(protocol.TypeSignal, offer(protocol.TeacherPeer, "v=0"))
		ada.expectError(protocol.ErrPeerOffline)
		ada.expectOpen()
	})
}

func TestLessonsAreIsolated(t *testing.T) {
	h := newTestHub(t)
	h.addLesson("lesson-a", "t-alice", "Mathe", codeA)
	h.addLesson("lesson-b", "t-bob", "Deutsch", codeB)
	alice, _ := h.joinTeacher(t, "t-alice", "lesson-a")
	bob, _ := h.joinTeacher(t, "t-bob", "lesson-b")
	ada, wa := h.joinStudent(t, codeA, "Ada")
	bea, wb := h.joinStudent(t, codeB, "Bea")
	if wa.Lesson.ID != "lesson-a" || wb.Lesson.ID != "lesson-b" {
		t.Fatalf("students landed in %q and %q", wa.Lesson.ID, wb.Lesson.ID)
	}
	alice.expect(protocol.TypeParticipant, nil)
	bob.expect(protocol.TypeParticipant, nil)

	// Ada's "teacher" is Alice, never Bob.
	ada.send(protocol.TypeSignal, offer(protocol.TeacherPeer, "v=0 ada"))
	var sig protocol.Signal
	alice.expect(protocol.TypeSignal, &sig)
	if sig.From != wa.Self {
		t.Fatalf("alice got %+v", sig)
	}
	bob.expectNothing()

	// Ada cannot address Bea, whatever id she tries.
	ada.send(protocol.TypeSignal, offer(wb.Self, "v=0"))
	ada.expectError(protocol.ErrForbidden)

	// Bob cannot address a student of Alice's lesson.
	bob.send(protocol.TypeSignal, offer(wa.Self, "v=0"))
	bob.expectError(protocol.ErrUnknownPeer)
	ada.expectNothing()

	// With Alice gone, Ada's offer still does not reach Bob.
	alice.gone()
	ada.expect(protocol.TypeTeacherStatus, nil)
	ada.send(protocol.TypeSignal, offer(protocol.TeacherPeer, "v=0"))
	ada.expectError(protocol.ErrPeerOffline)
	bob.expectNothing()
	bea.expectNothing()

	// Each teacher sees only their own roll call.
	_, w := h.joinTeacher(t, "t-alice", "lesson-a")
	if len(w.RollCall) != 1 || w.RollCall[0].ID != wa.Self {
		t.Fatalf("alice's roll call = %+v", w.RollCall)
	}
}

func TestProtocolErrors(t *testing.T) {
	h := newTestHub(t)
	h.addLesson("lesson-a", "t-alice", "Mathe", codeA)

	fatal := []struct {
		name      string
		raw       string
		errCode   string
		closeCode int
	}{
		{"signal before hello", `{"v":1,"type":"signal","data":{"kind":"offer","sdp":"x"}}`, protocol.ErrNotHello, protocol.CloseBadHello},
		{"end before hello", `{"v":1,"type":"end"}`, protocol.ErrNotHello, protocol.CloseBadHello},
		{"unknown type before hello", `{"v":1,"type":"chat"}`, protocol.ErrNotHello, protocol.CloseBadHello},
		{"not json", `hello`, protocol.ErrMalformed, protocol.CloseProtocolError},
		{"truncated json", `{"v":1,"type":"hello"`, protocol.ErrMalformed, protocol.CloseProtocolError},
		{"json array", `[1,2]`, protocol.ErrMalformed, protocol.CloseProtocolError},
		{"no type", `{"v":1}`, protocol.ErrMalformed, protocol.CloseProtocolError},
		{"wrong version", `{"v":2,"type":"hello","data":{"role":"student","code":"ABCD-EFGH","name":"Ada"}}`, protocol.ErrUnsupportedVersion, protocol.CloseProtocolError},
		{"no version", `{"type":"hello","data":{"role":"student","code":"ABCD-EFGH","name":"Ada"}}`, protocol.ErrUnsupportedVersion, protocol.CloseProtocolError},
		{"hello without data", `{"v":1,"type":"hello"}`, protocol.ErrBadPayload, protocol.CloseBadHello},
		{"hello with wrong data", `{"v":1,"type":"hello","data":{"role":7}}`, protocol.ErrBadPayload, protocol.CloseBadHello},
		{"hello with unknown role", `{"v":1,"type":"hello","data":{"role":"admin"}}`, protocol.ErrBadPayload, protocol.CloseBadHello},
	}
	for _, tc := range fatal {
		t.Run(tc.name, func(t *testing.T) {
			c := h.connect(t, Identity{TeacherID: "t-alice"})
			c.s.Receive([]byte(tc.raw))
			c.expectError(tc.errCode)
			c.expectNothing()
			c.expectClosed(tc.closeCode)
			c.gone()
		})
	}

	t.Run("second hello", func(t *testing.T) {
		teacher, _ := h.joinTeacher(t, "t-alice", "lesson-a")
		c, w := h.joinStudent(t, codeA, "Ada")
		teacher.expect(protocol.TypeParticipant, nil)
		c.send(protocol.TypeHello, protocol.Hello{Role: protocol.RoleStudent, Code: codeA, Name: "Ada2"})
		c.expectError(protocol.ErrAlreadyJoined)
		c.expectClosed(protocol.CloseBadHello)
		// The refused hello created nobody.
		teacher.expectNothing()
		c.gone()
		var e protocol.Entry
		teacher.expect(protocol.TypeParticipant, &e)
		if e.ID != w.Self || e.Online {
			t.Fatalf("leave entry = %+v", e)
		}

		t2 := h.connect(t, Identity{TeacherID: "t-alice"})
		t2.send(protocol.TypeHello, protocol.Hello{Role: protocol.RoleTeacher, Lesson: "lesson-a"})
		t2.expect(protocol.TypeWelcome, nil)
		t2.send(protocol.TypeHello, protocol.Hello{Role: protocol.RoleTeacher, Lesson: "lesson-a"})
		t2.expectError(protocol.ErrAlreadyJoined)
		t2.expectClosed(protocol.CloseBadHello)
	})

	t.Run("unknown type after hello", func(t *testing.T) {
		teacher, _ := h.joinTeacher(t, "t-alice", "lesson-a")
		c, _ := h.joinStudent(t, codeA, "Ada")
		teacher.expect(protocol.TypeParticipant, nil)
		c.send("whiteboard", map[string]string{"text": "hi"})
		e := c.expectError(protocol.ErrUnknownType)
		if !strings.Contains(e.Message, `"whiteboard"`) {
			t.Errorf("message does not name the type: %q", e.Message)
		}
		// A very long type is cut in the message.
		c.send(strings.Repeat("x", 500), nil)
		e = c.expectError(protocol.ErrUnknownType)
		if len(e.Message) > 100 {
			t.Errorf("unknown type echoed in full: %d bytes", len(e.Message))
		}
		c.expectOpen()
		c.send(protocol.TypeSignal, offer(protocol.TeacherPeer, "v=0"))
		teacher.expect(protocol.TypeSignal, nil)
	})
}

func TestRateLimit(t *testing.T) {
	h := newTestHub(t)
	h.addLesson("lesson-a", "t-alice", "Mathe", codeA)
	teacher, _ := h.joinTeacher(t, "t-alice", "lesson-a")
	flood, _ := h.joinStudent(t, codeA, "Flood")
	calm, wc := h.joinStudent(t, codeA, "Calm")
	teacher.expect(protocol.TypeParticipant, nil)
	teacher.expect(protocol.TypeParticipant, nil)

	// The hello used one token of the burst; the rest of the burst is
	// accepted at once, then the limit bites. The loop is far faster than
	// the refill (20 per second), but allow some slack for a slow machine.
	sent := 0
	for sent < 10*messageBurst {
		if closed, _, _ := flood.conn.state(); closed {
			break
		}
		flood.send("noop", nil)
		sent++
	}
	flood.expectClosed(protocol.CloseRateLimited)
	if sent < messageBurst-1 {
		t.Fatalf("closed after %d messages, the burst allows %d", sent, messageBurst)
	}
	msgs := flood.conn.sent()
	var last protocol.Error
	env, _ := protocol.Decode(msgs[len(msgs)-1])
	if env.Type != protocol.TypeError || protocol.DecodeData(env, &last) != nil || last.Code != protocol.ErrRateLimited {
		t.Fatalf("last message before the close: %s", msgs[len(msgs)-1])
	}

	// The calm student in the same room has its own budget.
	for i := 0; i < 5; i++ {
		calm.send(protocol.TypeSignal, offer(protocol.TeacherPeer, "v=0"))
		var sig protocol.Signal
		teacher.expect(protocol.TypeSignal, &sig)
		if sig.From != wc.Self {
			t.Fatalf("teacher got %+v", sig)
		}
	}
	calm.expectNothing()
	calm.expectOpen()
	teacher.expectOpen()
}

func TestSlowConsumer(t *testing.T) {
	h := newTestHub(t)
	h.addLesson("lesson-a", "t-alice", "Mathe", codeA)
	teacher, _ := h.joinTeacher(t, "t-alice", "lesson-a")
	slow, ws := h.joinStudent(t, codeA, "Slow")
	fast, wf := h.joinStudent(t, codeA, "Fast")
	teacher.expect(protocol.TypeParticipant, nil)
	teacher.expect(protocol.TypeParticipant, nil)

	slow.conn.setFull(true)
	teacher.send(protocol.TypeSignal, offer(ws.Self, "v=0 slow"))
	slow.expectClosed(protocol.CloseSlowConsumer)
	teacher.expectNothing() // the sender is not blamed
	teacher.expectOpen()

	// Everyone else carries on.
	teacher.send(protocol.TypeSignal, offer(wf.Self, "v=0 fast"))
	var sig protocol.Signal
	fast.expect(protocol.TypeSignal, &sig)
	if sig.SDP != "v=0 fast" {
		t.Fatalf("fast got %+v", sig)
	}
	fast.send(protocol.TypeSignal, protocol.Signal{Kind: protocol.SignalAnswer, SDP: "v=0 answer"})
	teacher.expect(protocol.TypeSignal, nil)
	fast.expectOpen()

	// The transport notices the close later: then the teacher is told.
	slow.gone()
	var e protocol.Entry
	teacher.expect(protocol.TypeParticipant, &e)
	if e.ID != ws.Self || e.Online {
		t.Fatalf("entry after slow consumer left = %+v", e)
	}

	// A teacher whose queue is full is dropped when a student joins; the
	// student is admitted all the same.
	teacher.conn.setFull(true)
	_, w := h.joinStudent(t, codeA, "Late")
	if !w.TeacherOnline {
		t.Error("teacher not yet reported gone")
	}
	teacher.expectClosed(protocol.CloseSlowConsumer)
	teacher.gone()
	fast.expect(protocol.TypeTeacherStatus, nil)
}

func TestResume(t *testing.T) {
	h := newTestHub(t)
	h.addLesson("lesson-a", "t-alice", "Mathe", codeA)
	h.addLesson("lesson-b", "t-bob", "Deutsch", codeB)
	teacher, _ := h.joinTeacher(t, "t-alice", "lesson-a")
	joined := h.clock.now()
	old, w := h.joinStudent(t, codeA, "Ada")
	teacher.expect(protocol.TypeParticipant, nil)
	nLines := func() int { l, _ := h.rec.snapshot(); return len(l) }
	linesBefore := nLines()

	// A new window with the token (and no name) takes over the identity.
	h.clock.advance(time.Minute)
	cur := h.connect(t, Identity{})
	cur.send(protocol.TypeHello, protocol.Hello{Role: protocol.RoleStudent, Code: codeA, Resume: w.Resume, Camera: true})
	var w2 protocol.Welcome
	cur.expect(protocol.TypeWelcome, &w2)
	if w2.Self != w.Self {
		t.Fatalf("resumed as %q, was %q", w2.Self, w.Self)
	}
	if !w2.TeacherOnline {
		t.Error("teacherOnline = false on resume")
	}
	old.expectError(protocol.ErrReplaced)
	old.expectClosed(protocol.CloseReplaced)
	var e protocol.Entry
	teacher.expect(protocol.TypeParticipant, &e)
	if e.ID != w.Self || !e.Online || !e.Camera || e.Name != "Ada" || e.JoinedAt != joined.UnixMilli() {
		t.Fatalf("entry after resume = %+v", e)
	}

	// The old connection's end does not mark the student offline.
	old.gone()
	teacher.expectNothing()
	lines, _ := h.rec.snapshot()
	for _, l := range lines[linesBefore:] {
		if !l.LeftAt.IsZero() {
			t.Fatalf("old connection recorded a leave: %+v", l)
		}
	}
	teacher.send(protocol.TypeSignal, offer(w.Self, "v=0"))
	cur.expect(protocol.TypeSignal, nil)
	if _, tw := h.joinTeacher(t, "t-alice", "lesson-a"); len(tw.RollCall) != 1 || !tw.RollCall[0].Online {
		t.Fatalf("roll call after resume = %+v", tw.RollCall)
	}
	teacher.expectClosed(protocol.CloseReplaced)
	teacher.gone()
	teacher, _ = h.joinTeacher(t, "t-alice", "lesson-a")

	// Resuming after a real disconnect clears LeftAt.
	cur.gone()
	teacher.expect(protocol.TypeParticipant, &e)
	if e.Online || e.LeftAt == 0 {
		t.Fatalf("entry after leaving = %+v", e)
	}
	again := h.connect(t, Identity{})
	again.send(protocol.TypeHello, protocol.Hello{Role: protocol.RoleStudent, Code: codeA, Resume: w.Resume})
	var w3 protocol.Welcome
	again.expect(protocol.TypeWelcome, &w3)
	teacher.expect(protocol.TypeParticipant, &e)
	if w3.Self != w.Self || !e.Online || e.LeftAt != 0 {
		t.Fatalf("second resume: self %q, entry %+v", w3.Self, e)
	}
	lines, _ = h.rec.snapshot()
	if l := lines[len(lines)-1]; l.ParticipantID != w.Self || !l.LeftAt.IsZero() {
		t.Fatalf("recorded line after resume = %+v", l)
	}

	// A token is no key to another lesson, and a wrong token is no key at
	// all: both make a new participant (which needs a name).
	other := h.connect(t, Identity{})
	other.send(protocol.TypeHello, protocol.Hello{Role: protocol.RoleStudent, Code: codeB, Resume: w.Resume})
	other.expectError(protocol.ErrBadName)
	other.expectClosed(protocol.CloseBadHello)
	other2 := h.connect(t, Identity{})
	other2.send(protocol.TypeHello, protocol.Hello{Role: protocol.RoleStudent, Code: codeB, Resume: w.Resume, Name: "Ada"})
	var w4 protocol.Welcome
	other2.expect(protocol.TypeWelcome, &w4)
	if w4.Self == w.Self || w4.Lesson.ID != "lesson-b" {
		t.Fatalf("token of lesson A resumed in lesson B: %+v", w4)
	}
	forged := h.connect(t, Identity{})
	forged.send(protocol.TypeHello, protocol.Hello{Role: protocol.RoleStudent, Code: codeA, Resume: w.Resume + "x", Name: "Eve"})
	var w5 protocol.Welcome
	forged.expect(protocol.TypeWelcome, &w5)
	if w5.Self == w.Self || w5.Resume == "" {
		t.Fatalf("a wrong token resumed: %+v", w5)
	}
	again.expectOpen()
}

func TestEnd(t *testing.T) {
	h := newTestHub(t)
	h.addLesson("lesson-a", "t-alice", "Mathe", codeA)
	h.addLesson("lesson-b", "t-bob", "Deutsch", codeB)
	teacher, _ := h.joinTeacher(t, "t-alice", "lesson-a")
	ada, wa := h.joinStudent(t, codeA, "Ada")
	bea, wb := h.joinStudent(t, codeA, "Bea")
	gone, _ := h.joinStudent(t, codeA, "Cem")
	other, _ := h.joinStudent(t, codeB, "Dan")
	gone.gone()

	// Students may not end the lesson.
	ada.send(protocol.TypeEnd, nil)
	ada.expectError(protocol.ErrForbidden)
	ada.expectOpen()
	bea.expectNothing()

	linesBefore, _ := h.rec.snapshot()
	endedAt := h.clock.advance(45 * time.Minute)
	teacher.send(protocol.TypeEnd, nil)

	for _, s := range []*client{ada, bea} {
		s.expect(protocol.TypeLessonEnded, nil)
		s.expectNothing()
		s.expectClosed(protocol.CloseLessonEnded)
	}
	teacher.expect(protocol.TypeParticipant, nil) // Ada
	teacher.expect(protocol.TypeParticipant, nil) // Bea
	teacher.expect(protocol.TypeParticipant, nil) // Cem
	teacher.expect(protocol.TypeParticipant, nil) // Cem left
	teacher.expect(protocol.TypeLessonEnded, nil)
	teacher.expectNothing()
	teacher.expectClosed(protocol.CloseNormal)

	lines, ends := h.rec.snapshot()
	if len(ends) != 1 || ends[0].lessonID != "lesson-a" || !ends[0].at.Equal(endedAt) {
		t.Fatalf("recorded ends = %+v", ends)
	}
	left := map[string]bool{}
	for _, l := range lines[len(linesBefore):] {
		if !l.LeftAt.Equal(endedAt) {
			t.Errorf("end recorded line %+v with LeftAt %v", l, l.LeftAt)
		}
		left[l.ParticipantID] = true
	}
	if len(left) != 2 || !left[wa.Self] || !left[wb.Self] {
		t.Errorf("end recorded leaves for %v, want Ada and Bea", left)
	}

	// The transport reports the ends later: nothing more is recorded or sent.
	ada.gone()
	bea.gone()
	teacher.gone()
	if after, ends := h.rec.snapshot(); len(after) != len(lines) || len(ends) != 1 {
		t.Errorf("closing ended connections recorded more: %+v", after[len(lines):])
	}

	// The lesson is gone; the other lesson is not.
	if n := h.LessonCount(); n != 1 {
		t.Errorf("LessonCount = %d after ending one of two", n)
	}
	late := h.connect(t, Identity{})
	late.send(protocol.TypeHello, protocol.Hello{Role: protocol.RoleStudent, Code: codeA, Name: "Late"})
	late.expectError(protocol.ErrUnknownLesson)
	late.expectClosed(protocol.CloseUnknownLesson)
	t2 := h.connect(t, Identity{TeacherID: "t-alice"})
	t2.send(protocol.TypeHello, protocol.Hello{Role: protocol.RoleTeacher, Lesson: "lesson-a"})
	t2.expectError(protocol.ErrUnknownLesson)
	other.expectNothing()
	other.expectOpen()
	h.joinStudent(t, codeB, "Eva")
}

func TestEndWithoutStudents(t *testing.T) {
	h := newTestHub(t)
	h.addLesson("lesson-a", "t-alice", "Mathe", codeA)
	teacher, _ := h.joinTeacher(t, "t-alice", "lesson-a")
	teacher.send(protocol.TypeEnd, nil)
	teacher.expect(protocol.TypeLessonEnded, nil)
	teacher.expectClosed(protocol.CloseNormal)
	if _, ends := h.rec.snapshot(); len(ends) != 1 {
		t.Fatalf("ends = %+v", ends)
	}
	if h.LessonCount() != 0 {
		t.Fatal("lesson still live")
	}
}

func TestAddLessonRestoresRollCall(t *testing.T) {
	h := newTestHub(t)
	start := h.clock.now()
	restart := h.clock.advance(5 * time.Minute)
	lines := []roster.Line{
		{
			LessonID: "lesson-a", ParticipantID: "p-ada", Name: "Ada", Status: protocol.StatusPresent,
			Camera: true, JoinedAt: start, ResumeHash: hashResume("ada-token"), // connected when the server died
		},
		{
			LessonID: "lesson-a", ParticipantID: "p-bea", Name: "Bea", Status: protocol.StatusPresent,
			JoinedAt: start.Add(time.Second), LeftAt: start.Add(time.Minute), ResumeHash: hashResume("bea-token"),
		},
	}
	// After a restart only the hash of the code is known.
	h.AddLesson(Lesson{ID: "lesson-a", TeacherID: "t-alice", Title: "Mathe", CodeHash: codes.HashCode(codes.NormalizeCode(codeA))}, lines)
	if h.LessonCount() != 1 {
		t.Fatalf("LessonCount = %d", h.LessonCount())
	}

	teacher, w := h.joinTeacher(t, "t-alice", "lesson-a")
	if w.Lesson.Code != "" {
		t.Errorf("restored lesson reports code %q", w.Lesson.Code)
	}
	want := []protocol.Entry{
		{ID: "p-ada", Name: "Ada", Status: protocol.StatusPresent, Camera: true, JoinedAt: start.UnixMilli(), LeftAt: restart.UnixMilli()},
		{ID: "p-bea", Name: "Bea", Status: protocol.StatusPresent, JoinedAt: start.Add(time.Second).UnixMilli(), LeftAt: start.Add(time.Minute).UnixMilli()},
	}
	if len(w.RollCall) != len(want) {
		t.Fatalf("roll call = %+v", w.RollCall)
	}
	for i := range want {
		if w.RollCall[i] != want[i] {
			t.Errorf("roll call[%d] = %+v, want %+v", i, w.RollCall[i], want[i])
		}
	}
	// The caller's slice is not changed.
	if !lines[0].LeftAt.IsZero() {
		t.Error("AddLesson modified the caller's lines")
	}
	// The leave time set at the restart is stored too; Bea's is stored already.
	recorded, _ := h.rec.snapshot()
	if len(recorded) != 1 || recorded[0].ParticipantID != "p-ada" || !recorded[0].LeftAt.Equal(restart) {
		t.Errorf("restored lines recorded: %+v", recorded)
	}

	// A restored student resumes with the token from before the restart.
	stu := h.connect(t, Identity{})
	stu.send(protocol.TypeHello, protocol.Hello{Role: protocol.RoleStudent, Code: "abcdefgh", Resume: "bea-token"})
	var sw protocol.Welcome
	stu.expect(protocol.TypeWelcome, &sw)
	if sw.Self != "p-bea" {
		t.Fatalf("resumed as %q", sw.Self)
	}
	var e protocol.Entry
	teacher.expect(protocol.TypeParticipant, &e)
	if e.ID != "p-bea" || !e.Online || e.LeftAt != 0 {
		t.Fatalf("entry = %+v", e)
	}
}

func TestShutdown(t *testing.T) {
	h := newTestHub(t)
	h.addLesson("lesson-a", "t-alice", "Mathe", codeA)
	h.addLesson("lesson-b", "t-bob", "Deutsch", codeB)
	var all []*client
	ta, _ := h.joinTeacher(t, "t-alice", "lesson-a")
	tb, _ := h.joinTeacher(t, "t-bob", "lesson-b")
	all = append(all, ta, tb)
	for _, code := range []string{codeA, codeA, codeB} {
		c, _ := h.joinStudent(t, code, "Kid")
		all = append(all, c)
	}
	// A student of a lesson without its teacher is closed too.
	h.addLesson("lesson-c", "t-cem", "Kunst", "TUVW-XYZ2")
	c, _ := h.joinStudent(t, "TUVW-XYZ2", "Kid")
	all = append(all, c)
	// An offline student is no connection.
	gone, _ := h.joinStudent(t, codeB, "Gone")
	gone.gone()

	h.Shutdown()
	for i, c := range all {
		if closed, code, _ := c.conn.state(); !closed || code != protocol.CloseGoingAway {
			t.Errorf("client %d: closed %v with %d, want %d", i, closed, code, protocol.CloseGoingAway)
		}
	}
	if closed, _, _ := gone.conn.state(); closed {
		t.Error("the connection of an offline student was closed again")
	}
	// Shutdown keeps the lessons: clients reconnect and resume.
	if h.LessonCount() != 3 {
		t.Errorf("LessonCount = %d after Shutdown", h.LessonCount())
	}
}

// TestHubConcurrent runs several rooms at once under the race detector.
func TestHubConcurrent(t *testing.T) {
	h := newTestHub(t)
	h.addLesson("lesson-a", "t-alice", "Mathe", codeA)
	teacher, _ := h.joinTeacher(t, "t-alice", "lesson-a")
	var wg sync.WaitGroup
	ids := make(chan string, 8)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := h.connect(t, Identity{})
			c.s.Receive(protocol.MustEncode(protocol.TypeHello, protocol.Hello{Role: protocol.RoleStudent, Code: codeA, Name: "Kid"}))
			var w protocol.Welcome
			msgs := c.conn.sent()
			if len(msgs) == 0 {
				t.Error("no welcome")
				return
			}
			env, _ := protocol.Decode(msgs[0])
			if protocol.DecodeData(env, &w) != nil {
				t.Error("bad welcome")
				return
			}
			for j := 0; j < 5; j++ {
				c.s.Receive(protocol.MustEncode(protocol.TypeSignal, offer(protocol.TeacherPeer, "v=0")))
			}
			c.s.Closed()
			ids <- w.Self
		}()
	}
	wg.Wait()
	close(ids)
	counts := map[string]int{}
	for _, raw := range teacher.conn.sent()[teacher.read:] {
		env, _ := protocol.Decode(raw)
		if env.Type == protocol.TypeSignal {
			var sig protocol.Signal
			json.Unmarshal(env.Data, &sig)
			counts[sig.From]++
		}
	}
	for id := range ids {
		if counts[id] != 5 {
			t.Errorf("teacher got %d signals from %s, want 5", counts[id], id)
		}
	}
}

// TestReplacedConnectionIsIgnored covers the time between the hub closing a
// replaced connection and the transport noticing: messages still arriving
// on the old connection must not act for the identity it lost.
func TestReplacedConnectionIsIgnored(t *testing.T) {
	h := newTestHub(t)
	h.addLesson("lesson-a", "t-alice", "Mathe", codeA)
	oldTeacher, _ := h.joinTeacher(t, "t-alice", "lesson-a")
	oldStudent, w := h.joinStudent(t, codeA, "Ada")
	oldTeacher.expect(protocol.TypeParticipant, nil)

	teacher, _ := h.joinTeacher(t, "t-alice", "lesson-a")
	oldTeacher.expectClosed(protocol.CloseReplaced)
	student := h.connect(t, Identity{})
	student.send(protocol.TypeHello, protocol.Hello{Role: protocol.RoleStudent, Code: codeA, Resume: w.Resume})
	student.expect(protocol.TypeWelcome, nil)
	oldStudent.expectClosed(protocol.CloseReplaced)
	teacher.expect(protocol.TypeParticipant, nil)
	oldStudent.expect(protocol.TypeTeacherStatus, nil) // sent before it was replaced
	oldStudent.expectError(protocol.ErrReplaced)

	// The replaced student's late offer reaches nobody.
	oldStudent.send(protocol.TypeSignal, offer(protocol.TeacherPeer, "v=0 stale"))
	teacher.expectNothing()

	// The replaced teacher window can neither signal nor end the lesson.
	oldTeacher.send(protocol.TypeSignal, offer(w.Self, "v=0 stale"))
	student.expectNothing()
	oldTeacher.send(protocol.TypeEnd, nil)
	student.expectNothing()
	student.expectOpen()
	teacher.expectNothing()
	teacher.expectOpen()
	if _, ends := h.rec.snapshot(); len(ends) != 0 || h.LessonCount() != 1 {
		t.Fatalf("a replaced window ended the lesson: %+v", ends)
	}

	// The current connections still work.
	oldTeacher.gone()
	oldStudent.gone()
	student.send(protocol.TypeSignal, offer(protocol.TeacherPeer, "v=0"))
	var sig protocol.Signal
	teacher.expect(protocol.TypeSignal, &sig)
	if sig.From != w.Self {
		t.Fatalf("teacher got %+v", sig)
	}
	teacher.send(protocol.TypeEnd, nil)
	student.expect(protocol.TypeLessonEnded, nil)
	student.expectClosed(protocol.CloseLessonEnded)
}
