package signaling

import (
	"time"

	"ersatzraum/app/protocol"
	"ersatzraum/server/codes"
)

// Group work (docs/protocol.md, "Group work"): the teacher splits the
// class into groups of up to five; each group talks in a full mesh of its
// members' browsers while every student keeps its connection to the
// teacher. The server relays the group's signaling (groupsignal.go), only
// between members of one group, and keeps the groups here, in the room's
// memory. Inside a group students know each other by a peer tag made for
// this group work, never by participant id.
//
// Locks: groupsRoom is a field of room and, with every groupRun and
// workGroup in it, guarded by the room's mu, like the rest of the room.
// The timers' callbacks (groupstimer.go) take the room's mu and check that
// their run is still the current one. The hub's Groupings store
// (groupings.go) is called with no lock held.

// groupsRoom is a room's group work.
type groupsRoom struct {
	cur  *groupRun // nil: the class is together
	runs int       // runs so far in this lesson: numbers each run
	// last is the lesson's last grouping (participant ids per group), for
	// groups-start with mode last.
	last [][]string
}

// groupRun is one group work, from groups-start to its end.
type groupRun struct {
	id      int // 1-based; chat messages written in a group name their run
	task    string
	cameras bool
	ends    time.Time // zero: no timer
	groups  []*workGroup
	of      map[string]int    // participant id → index into groups
	tags    map[string]string // participant id → peer tag
	byTag   map[string]string // peer tag → participant id
	// visiting is the group the teacher is in (1-based); 0: none.
	visiting int
	timers   []*time.Timer
}

// workGroup is one group. Members keep their order; a group that the
// teacher's moves left empty stays (numbers do not shift under anyone).
type workGroup struct {
	members []string // participant ids
	help    bool
}

// newRun starts a run with the given groups; every member gets a tag.
func (g *groupsRoom) newRun(groups [][]string, task string, cameras bool) *groupRun {
	g.runs++
	run := &groupRun{id: g.runs, task: task, cameras: cameras,
		of: make(map[string]int), tags: make(map[string]string), byTag: make(map[string]string)}
	for i, members := range groups {
		run.groups = append(run.groups, &workGroup{members: append([]string(nil), members...)})
		for _, id := range members {
			run.of[id] = i
			run.tag(id)
		}
	}
	g.cur = run
	return run
}

// tag returns a student's peer tag, making one on first use. Tags are
// random (codes.NewID), unique in the run, and never a participant id.
func (run *groupRun) tag(id string) string {
	if t, ok := run.tags[id]; ok {
		return t
	}
	for {
		t := codes.NewID()
		if _, taken := run.byTag[t]; !taken {
			run.tags[id], run.byTag[t] = t, id
			return t
		}
	}
}

// groupOf returns the index of a student's group, or -1.
func (run *groupRun) groupOf(id string) int {
	if i, ok := run.of[id]; ok {
		return i
	}
	return -1
}

// leave takes a student out of its group; it returns the group's index,
// or -1 when the student was in none.
func (run *groupRun) leave(id string) int {
	i := run.groupOf(id)
	if i < 0 {
		return -1
	}
	g := run.groups[i]
	for j, m := range g.members {
		if m == id {
			g.members = append(g.members[:j:j], g.members[j+1:]...)
			break
		}
	}
	delete(run.of, id)
	return i
}

// join puts a student into group i (which exists).
func (run *groupRun) join(id string, i int) {
	run.groups[i].members = append(run.groups[i].members, id)
	run.of[id] = i
	run.tag(id)
}

// grouping is the run's groups as participant ids, without empty groups.
func (run *groupRun) grouping() [][]string {
	var out [][]string
	for _, g := range run.groups {
		if len(g.members) > 0 {
			out = append(out, append([]string(nil), g.members...))
		}
	}
	return out
}

// inGroup reports whether a student is in group n (1-based) of run id
// now: who may see a chat message written there.
func (g *groupsRoom) inGroup(runID, n int, studentID string) bool {
	run := g.cur
	return run != nil && run.id == runID && run.groupOf(studentID) == n-1
}

// online reports whether a student is in the lesson now.
func (st *student) online() bool { return st.conn != nil && !st.removed }

// onlineStudents lists the students in the lesson now, in roll-call
// order. The room is locked.
func (r *room) onlineStudents() []string {
	var out []string
	for _, id := range r.order {
		if r.students[id].online() {
			out = append(out, id)
		}
	}
	return out
}

// left is the time left in milliseconds, 0 without a timer (at least 1
// while the timer runs, since 0 means none).
func (run *groupRun) left(now time.Time) int64 {
	if run.ends.IsZero() {
		return 0
	}
	return max(run.ends.Sub(now).Milliseconds(), 1)
}

// teacherGroupsState is the whole group work, with participant ids.
func (r *room) teacherGroupsState(now time.Time) protocol.GroupsState {
	run := r.groups.cur
	if run == nil {
		return protocol.GroupsState{}
	}
	st := protocol.GroupsState{Active: true, Task: run.task, Left: run.left(now), Cameras: run.cameras, Visiting: run.visiting}
	for i, g := range run.groups {
		grp := protocol.Group{N: i + 1, Help: g.help, Members: make([]protocol.GroupMember, 0, len(g.members))}
		for _, id := range g.members {
			m := r.students[id]
			grp.Members = append(grp.Members, protocol.GroupMember{ID: id, Name: m.line.Name, Online: m.online()})
		}
		st.Groups = append(st.Groups, grp)
	}
	for _, id := range r.onlineStudents() {
		if run.groupOf(id) < 0 {
			st.Unassigned = append(st.Unassigned, protocol.GroupMember{ID: id, Name: r.students[id].line.Name, Online: true})
		}
	}
	return st
}

// studentGroupsState is the group work as one student sees it: its own
// group only, members by peer tag, and the teacher's visit only when it
// is to this group. A student in no group sees that group work runs.
func (r *room) studentGroupsState(id string, now time.Time) protocol.GroupsState {
	run := r.groups.cur
	if run == nil {
		return protocol.GroupsState{}
	}
	st := protocol.GroupsState{Active: true, Task: run.task, Left: run.left(now), Cameras: run.cameras}
	i := run.groupOf(id)
	if i < 0 {
		return st
	}
	g := run.groups[i]
	grp := protocol.Group{N: i + 1, Help: g.help, Members: make([]protocol.GroupMember, 0, len(g.members))}
	for _, m := range g.members {
		grp.Members = append(grp.Members, protocol.GroupMember{ID: run.tags[m], Name: r.students[m].line.Name, Online: r.students[m].online()})
	}
	st.Groups = []protocol.Group{grp}
	st.Self = run.tags[id]
	if run.visiting == i+1 {
		st.Visiting = run.visiting
	}
	return st
}

// groupsWelcome is the running group work for a joining participant
// (TeacherPeer or a participant id); nil: none. The room is locked.
func (r *room) groupsWelcome(receiver string, now time.Time) *protocol.GroupsState {
	if r.groups.cur == nil {
		return nil
	}
	var st protocol.GroupsState
	if receiver == protocol.TeacherPeer {
		st = r.teacherGroupsState(now)
	} else {
		st = r.studentGroupsState(receiver, now)
	}
	return &st
}

func (r *room) groupsToTeacher(now time.Time) {
	if r.teacher != nil {
		r.teacher.send(protocol.MustEncode(protocol.TypeGroups, r.teacherGroupsState(now)))
	}
}

// groupsToStudent sends a student its state if it is online.
func (r *room) groupsToStudent(id string, now time.Time) {
	if st := r.students[id]; st != nil && st.online() {
		st.conn.send(protocol.MustEncode(protocol.TypeGroups, r.studentGroupsState(id, now)))
	}
}

// groupsToGroup sends its state to every online member of group i (an
// index; -1 sends nothing), except skip.
func (r *room) groupsToGroup(i int, skip string, now time.Time) {
	run := r.groups.cur
	if run == nil || i < 0 || i >= len(run.groups) {
		return
	}
	for _, id := range run.groups[i].members {
		if id != skip {
			r.groupsToStudent(id, now)
		}
	}
}

// groupsToAll sends every online student its state, and the teacher.
func (r *room) groupsToAll(now time.Time) {
	for _, id := range r.onlineStudents() {
		r.groupsToStudent(id, now)
	}
	r.groupsToTeacher(now)
}

// groupsPresence tells a student's group and the teacher that the
// student came or went (the student itself got its welcome). The room is
// locked.
func (r *room) groupsPresence(id string, now time.Time) {
	run := r.groups.cur
	if run == nil {
		return
	}
	r.groupsToGroup(run.groupOf(id), id, now)
	r.groupsToTeacher(now)
}

// groupsRemoved takes a student the teacher sent out out of its group.
// The room is locked.
func (r *room) groupsRemoved(id string, now time.Time) {
	run := r.groups.cur
	if run == nil {
		return
	}
	i := run.leave(id)
	r.groupsToGroup(i, id, now)
	r.groupsToTeacher(now)
}
