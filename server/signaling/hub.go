// Package signaling owns the live side of a lesson: who is connected, the
// in-memory roll call, and the relay of WebRTC negotiation between each
// student and the teacher (a star), and during group work between the
// members of one group (groups.go). The hub is transport-free and can be
// driven in tests through the Conn interface; ws.go binds it to
// gorilla/websocket.
package signaling

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"log/slog"
	"net/netip"
	"sync"
	"time"

	"ersatzraum/app/protocol"
	"ersatzraum/server/codes"
	"ersatzraum/server/roster"
)

// Conn is the hub's view of one client connection.
type Conn interface {
	// Send queues a message without blocking; false means the client's
	// queue is full and it will be disconnected.
	Send(msg []byte) bool
	// Close sends a close frame with code and reason and drops the client.
	// It must not call back into the hub: the transport reports the end of
	// the connection later, through Session.Closed, from its own goroutine.
	Close(code int, reason string)
}

// Recorder receives every roll-call change for durable storage. It must
// not block.
type Recorder interface {
	Record(roster.Line)
	RecordEnd(lessonID string, at time.Time)
	RecordLock(lessonID string, locked bool)
	RecordEvent(e roster.Event)
}

// Identity is what the transport learned about a client before its first
// message: the teacher behind a valid session cookie, if any, and the
// client's address.
type Identity struct {
	TeacherID string
	Addr      netip.Addr
}

// Guard limits join-code guessing per address. TokenFailed counts a
// wrong personal link and reports whether the address was still within
// its own budget for those (see package admission).
type Guard interface {
	MayGuess(addr netip.Addr) bool
	GuessFailed(addr netip.Addr)
	TokenFailed(addr netip.Addr) bool
}

// Meter counts what the hub and its transport do, for /metrics.
type Meter interface {
	Connected(delta int)
	Joined(role, result string, took time.Duration)
	Relayed(kind string, took time.Duration)
	Disconnected(reason string)
}

type noGuard struct{}

func (noGuard) MayGuess(netip.Addr) bool    { return true }
func (noGuard) GuessFailed(netip.Addr)      {}
func (noGuard) TokenFailed(netip.Addr) bool { return true }

type noMeter struct{}

func (noMeter) Connected(int)                        {}
func (noMeter) Joined(string, string, time.Duration) {}
func (noMeter) Relayed(string, time.Duration)        {}
func (noMeter) Disconnected(string)                  {}

// Lesson is what the hub needs to host a lesson.
type Lesson struct {
	ID        string
	TeacherID string
	Title     string
	CodeHash  []byte
	// Code is the join code in clear while this process knows it (it was
	// created here); after a restart only the hash is known.
	Code string
	// ClassID is the class the lesson belongs to ("" for ad hoc): the
	// class code and personal links lead into it, and its roster decides
	// who may skip the lobby.
	ClassID string
	// Lobby makes students whose name is not on the roster wait until the
	// teacher admits them.
	Lobby bool
	// Locked admits nobody new (restored after a restart).
	Locked bool
	// Start is when the lesson began: the late rule counts from it.
	Start time.Time
}

// DefaultLateAfter applies to lessons without a class.
const DefaultLateAfter = 5 * time.Minute

// Hub routes messages between the clients of all live lessons.
type Hub struct {
	// Guard and Meter may be replaced before the hub is used; NewHub sets
	// ones that allow everything and count nothing.
	Guard Guard
	Meter Meter
	// ICE returns the ICE configuration for one participant (its TURN
	// credentials are per participant); nil means none.
	ICE func(participant string) *protocol.ICEConfig
	// Revoked, if set, is told each participant whose TURN credentials
	// must stop working: sent out, or their lesson ended (presence.go).
	// It must not block or call back into the hub.
	Revoked func(participant string)

	// Checks keeps the quick-check results a teacher saves; nil refuses
	// saving.
	Checks CheckStore
	// Groupings keeps each class's last grouping for its next lesson
	// (groupings.go); nil: a grouping lasts only for its lesson.
	Groupings GroupingStore

	rec Recorder
	log *slog.Logger
	now func() time.Time

	// mu guards the following fields: the indexes that lead from an id,
	// a code or a link to a room or class. Lock order: a room's mu, then
	// the hub's mu, never the other way round. Code holding a room's lock
	// may look things up here (classInfo, lateAfter); code holding mu
	// only copies what it needs and releases mu before it locks a room
	// (Shutdown).
	mu          sync.RWMutex
	byID        map[string]*room
	byCode      map[string]*room // key: hex of codes.HashCode
	classes     map[string]*classInfo
	classByCode map[string]*classInfo    // key: hex of the class code's hash
	personal    map[string]personalEntry // key: hex of the personal token's hash
	classLive   map[string]*room         // a class's running lesson
}

// NewHub returns an empty hub.
func NewHub(rec Recorder, log *slog.Logger) *Hub {
	return &Hub{
		Guard:       noGuard{},
		Meter:       noMeter{},
		rec:         rec,
		log:         log,
		now:         time.Now,
		byID:        make(map[string]*room),
		byCode:      make(map[string]*room),
		classes:     make(map[string]*classInfo),
		classByCode: make(map[string]*classInfo),
		personal:    make(map[string]personalEntry),
		classLive:   make(map[string]*room),
	}
}

// AddLesson makes a lesson joinable. lines restore its roll call after a
// restart; every restored student starts offline.
func (h *Hub) AddLesson(l Lesson, lines []roster.Line) {
	r := &room{lesson: l, students: make(map[string]*student), locked: l.Locked}
	// Idle time counts from the last activity on record (idle.go), not
	// from this restart: a lesson left open must not live for ever by
	// restarting the server now and then.
	r.lastSeen = lastActivity(l, lines)
	if r.lastSeen.IsZero() {
		r.lastSeen = h.now()
	}
	for _, ln := range lines {
		if ln.LeftAt.IsZero() && !ln.JoinedAt.IsZero() {
			// The server went down while the student was connected: as far
			// as anyone can tell, the student left when the server did.
			// Store that, so the record does not claim they never left.
			ln.LeftAt = h.now()
			h.rec.Record(ln)
		}
		r.students[ln.ParticipantID] = &student{line: ln}
		r.order = append(r.order, ln.ParticipantID)
	}
	// Everyone on the class list has a line from the start: absent until
	// they join, so that the record also says who did not come.
	if c := h.classInfo(l.ClassID); c != nil {
		for _, st := range c.Roster {
			id := codes.ListedParticipantID(st.ID)
			if _, ok := r.students[id]; ok {
				continue
			}
			ln := roster.Line{LessonID: l.ID, ParticipantID: id, Name: st.Name, Status: protocol.StatusAbsent, Listed: true}
			r.students[id] = &student{line: ln}
			r.order = append(r.order, id)
			h.rec.Record(ln)
		}
	}
	h.mu.Lock()
	h.byID[l.ID] = r
	h.byCode[hex.EncodeToString(l.CodeHash)] = r
	if l.ClassID != "" {
		h.classLive[l.ClassID] = r
	}
	h.mu.Unlock()
}

// Live reports whether a lesson is running in this hub. Storage learns of
// an end a moment later (through the Recorder), so this is the fresher
// answer.
func (h *Hub) Live(lessonID string) bool { return h.roomByID(lessonID) != nil }

// LessonCount returns the number of live lessons.
func (h *Hub) LessonCount() int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.byID)
}

// Shutdown tells every client that the server is going away; clients
// reconnect on their own and resume.
func (h *Hub) Shutdown() {
	h.mu.RLock()
	rooms := make([]*room, 0, len(h.byID))
	for _, r := range h.byID {
		rooms = append(rooms, r)
	}
	h.mu.RUnlock()
	for _, r := range rooms {
		r.mu.Lock()
		conns := r.conns()
		r.mu.Unlock()
		for _, c := range conns {
			c.conn.Close(protocol.CloseGoingAway, "server restarting")
		}
	}
}

func (h *Hub) roomByID(id string) *room {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.byID[id]
}

func (h *Hub) roomByCode(hash []byte) *room {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.byCode[hex.EncodeToString(hash)]
}

func (h *Hub) removeRoom(r *room) {
	h.mu.Lock()
	delete(h.byID, r.lesson.ID)
	delete(h.byCode, hex.EncodeToString(r.lesson.CodeHash))
	if r.lesson.ClassID != "" && h.classLive[r.lesson.ClassID] == r {
		delete(h.classLive, r.lesson.ClassID)
	}
	h.mu.Unlock()
}

// room is one live lesson.
type room struct {
	lesson Lesson // set before the room is published, then read-only

	// mu guards the following fields, the students' state in them and
	// the studentID and waitingID of the room's sessions. Taken before the
	// hub's mu (see Hub.mu). One lock per room keeps lessons from waiting
	// on each other.
	mu       sync.Mutex
	teacher  *Session
	students map[string]*student
	order    []string // participant ids in first-join order
	ended    bool
	locked   bool
	waiting  []*waiter // the lobby, oldest first
	// lastSeen is when the last connection of the room ended (or its
	// restored activity); with no connection left, EndIdleLessons
	// counts from it.
	lastSeen time.Time
	chat     chatRoom   // the lesson chat (chat.go)
	check    checkRoom  // the running quick check (quickcheck.go)
	groups   groupsRoom // group work (groups.go)
}

type student struct {
	line      roster.Line
	conn      *Session  // nil while offline
	hand      time.Time // when the hand went up; zero: down
	called    bool
	mic       bool
	audioOnly bool
	// removed: the teacher sent the student out; coming back means the
	// lobby, even for a class-list student.
	removed bool
}

func (r *room) conns() []*Session {
	var out []*Session
	if r.teacher != nil {
		out = append(out, r.teacher)
	}
	for _, s := range r.students {
		if s.conn != nil {
			out = append(out, s.conn)
		}
	}
	for _, w := range r.waiting {
		out = append(out, w.conn)
	}
	return out
}

func (r *room) rollCall() []protocol.Entry {
	out := make([]protocol.Entry, 0, len(r.order))
	for _, id := range r.order {
		out = append(out, r.students[id].entry())
	}
	return out
}

func (s *student) entry() protocol.Entry {
	e := protocol.Entry{
		ID:        s.line.ParticipantID,
		Name:      s.line.Name,
		Status:    s.line.Status,
		Online:    s.conn != nil,
		Camera:    s.line.Camera,
		Listed:    s.line.Listed,
		Mic:       s.mic,
		AudioOnly: s.audioOnly,
		Called:    s.called,
	}
	if !s.line.JoinedAt.IsZero() {
		e.JoinedAt = s.line.JoinedAt.UnixMilli()
	}
	if !s.line.LeftAt.IsZero() {
		e.LeftAt = s.line.LeftAt.UnixMilli()
	}
	if !s.hand.IsZero() {
		e.Hand = s.hand.UnixMilli()
	}
	return e
}

// findByResume returns the student whose resume token hashes to hash.
func (r *room) findByResume(hash []byte) *student {
	for _, s := range r.students {
		if subtle.ConstantTimeCompare(s.line.ResumeHash, hash) == 1 {
			return s
		}
	}
	return nil
}

func hashResume(token string) []byte {
	sum := sha256.Sum256([]byte("ersatzraum-resume:" + token))
	return sum[:]
}

func newResumeToken() string { return codes.NewID() + codes.NewID() }
