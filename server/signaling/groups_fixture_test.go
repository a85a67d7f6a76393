package signaling

import (
	"reflect"
	"testing"
	"time"

	"ersatzraum/app/protocol"
	"ersatzraum/server/codes"
)

// groupNames is class 7b's list for group work: roster id → name. Their
// participant ids are "r-" + roster id.
var groupNames = map[string]string{
	"a": "Anna", "b": "Ben", "c": "Cem", "d": "Dana",
	"e": "Emil", "f": "Finn", "g": "Greta", "h": "Hanna",
}

// groupLesson is a lesson of class 7b (no lobby) with its teacher and
// some of the class online, each by personal link.
type groupLesson struct {
	t       *testing.T
	h       *testHub
	lesson  string
	teacher *client
	c       map[string]*client // online students by roster id (or ad-hoc name)
	ids     map[string]string  // ad-hoc name → participant id
}

func newGroupLesson(t *testing.T, online ...string) *groupLesson {
	t.Helper()
	h := newTestHub(t)
	addGroupClass(h)
	addGroupLesson(h, "lesson-a", codeA)
	return joinGroupLesson(t, h, "lesson-a", online...)
}

func addGroupClass(h *testHub) {
	var roster []RosterStudent
	for _, id := range []string{"a", "b", "c", "d", "e", "f", "g", "h"} {
		roster = append(roster, RosterStudent{ID: id, Name: groupNames[id], TokenHash: codes.HashToken(id + "-token")})
	}
	h.SetClass(Class{ID: "class-7b", TeacherID: "t-alice", Name: "7b Mathe",
		CodeHash: codes.HashCode(codes.NormalizeCode(classCode)), Roster: roster})
}

func addGroupLesson(h *testHub, id, code string) {
	h.AddLesson(Lesson{ID: id, TeacherID: "t-alice", Title: "7b Mathe",
		CodeHash: codes.HashCode(codes.NormalizeCode(code)), Code: code, ClassID: "class-7b"}, nil)
}

func joinGroupLesson(t *testing.T, h *testHub, lessonID string, online ...string) *groupLesson {
	t.Helper()
	teacher, _ := h.joinTeacher(t, "t-alice", lessonID)
	l := &groupLesson{t: t, h: h, lesson: lessonID, teacher: teacher, c: make(map[string]*client), ids: make(map[string]string)}
	for _, id := range online {
		l.join(id)
	}
	l.drain()
	return l
}

// join brings a class-list student in by personal link.
func (l *groupLesson) join(id string) protocol.Welcome {
	l.t.Helper()
	c := studentHello(l.h, l.t, protocol.Hello{Personal: id + "-token"})
	var w protocol.Welcome
	c.expect(protocol.TypeWelcome, &w)
	l.c[id] = c
	return w
}

// joinAdHoc brings a student who is not on the class list in by the
// lesson's code.
func (l *groupLesson) joinAdHoc(name string) protocol.Welcome {
	l.t.Helper()
	r := l.h.roomByID(l.lesson)
	c, w := l.h.joinStudent(l.t, r.lesson.Code, name)
	l.c[name], l.ids[name] = c, w.Self
	return w
}

// pid is the participant id of a roster id or ad-hoc name.
func (l *groupLesson) pid(id string) string {
	if p, ok := l.ids[id]; ok {
		return p
	}
	return codes.ListedParticipantID(id)
}

func (l *groupLesson) pids(ids ...string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = l.pid(id)
	}
	return out
}

// leave ends a student's connection as the transport would.
func (l *groupLesson) leave(id string) {
	l.c[id].gone()
	delete(l.c, id)
}

func (l *groupLesson) drain() {
	l.teacher.drain()
	for _, c := range l.c {
		c.drain()
	}
}

func (c *client) drain() { c.read = len(c.conn.sent()) }

// lastGroups returns the last unread groups message and reads all.
func (c *client) lastGroups() protocol.GroupsState {
	c.t.Helper()
	var st protocol.GroupsState
	found := false
	for {
		env, ok := c.next()
		if !ok {
			break
		}
		if env.Type == protocol.TypeGroups {
			st, found = protocol.GroupsState{}, true
			if perr := protocol.DecodeData(env, &st); perr != nil {
				c.t.Fatal(perr)
			}
		}
	}
	if !found {
		c.t.Fatal("no groups message")
	}
	return st
}

// noGroups checks that no groups message is unread, and reads all.
func (c *client) noGroups() {
	c.t.Helper()
	for {
		env, ok := c.next()
		if !ok {
			return
		}
		if env.Type == protocol.TypeGroups {
			c.t.Fatalf("unexpected groups message %s", env.Data)
		}
	}
}

// waitFor waits for a message of type typ from a timer's goroutine,
// skipping others; a deadline only for "it never came".
func (c *client) waitFor(typ string, v any) {
	c.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		for {
			env, ok := c.next()
			if !ok {
				break
			}
			if env.Type == typ {
				if v != nil {
					if perr := protocol.DecodeData(env, v); perr != nil {
						c.t.Fatal(perr)
					}
				}
				return
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	c.t.Fatalf("no %s message", typ)
}

// start starts group work and returns the teacher's state; every
// message sent on the way is read.
func (l *groupLesson) start(m protocol.GroupsStart) protocol.GroupsState {
	l.t.Helper()
	l.teacher.send(protocol.TypeGroupsStart, m)
	st := l.teacher.lastGroups()
	if !st.Active {
		l.t.Fatalf("group work did not start: %+v", st)
	}
	l.drain()
	return st
}

// startManual starts group work with the given groups (roster ids).
func (l *groupLesson) startManual(groups ...[]string) protocol.GroupsState {
	l.t.Helper()
	var lists [][]string
	for _, g := range groups {
		lists = append(lists, l.pids(g...))
	}
	return l.start(protocol.GroupsStart{Mode: protocol.GroupsManual, Groups: lists})
}

// tag is a student's peer tag in the running group work, as the hub
// keeps it (the students' own states are checked where it matters).
func (l *groupLesson) tag(id string) string {
	l.t.Helper()
	r := l.h.roomByID(l.lesson)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.groups.cur == nil || r.groups.cur.tags[l.pid(id)] == "" {
		l.t.Fatalf("%s has no tag", id)
	}
	return r.groups.cur.tags[l.pid(id)]
}

// members lists the teacher's groups as participant ids.
func members(st protocol.GroupsState) [][]string {
	out := [][]string{}
	for _, g := range st.Groups {
		ids := []string{}
		for _, m := range g.Members {
			ids = append(ids, m.ID)
		}
		out = append(out, ids)
	}
	return out
}

// expectMembers checks the teacher's groups (roster ids per group).
func (l *groupLesson) expectMembers(st protocol.GroupsState, want ...[]string) {
	l.t.Helper()
	w := [][]string{}
	for _, g := range want {
		w = append(w, l.pids(g...))
	}
	if got := members(st); !reflect.DeepEqual(got, w) {
		l.t.Fatalf("groups = %v, want %v", got, w)
	}
}
