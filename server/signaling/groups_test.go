package signaling

import (
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"ersatzraum/app/protocol"
)

// Random groups: ceil(n/size) groups, sizes as even as possible, larger
// first, every student exactly once.
func TestSplitRandomSizes(t *testing.T) {
	tests := []struct {
		n, size int
		want    []int
	}{
		{2, 2, []int{2}},
		{3, 2, []int{2, 1}},
		{4, 2, []int{2, 2}},
		{5, 2, []int{2, 2, 1}},
		{7, 3, []int{3, 2, 2}},
		{6, 4, []int{3, 3}},
		{10, 5, []int{5, 5}},
		{11, 5, []int{4, 4, 3}},
		{25, 3, []int{3, 3, 3, 3, 3, 3, 3, 2, 2}},
		{30, 4, []int{4, 4, 4, 4, 4, 4, 3, 3}},
	}
	for _, tc := range tests {
		t.Run(strconv.Itoa(tc.n)+"/"+strconv.Itoa(tc.size), func(t *testing.T) {
			ids := make([]string, tc.n)
			for i := range ids {
				ids[i] = "s" + strconv.Itoa(i)
			}
			groups := splitRandom(ids, tc.size)
			var sizes []int
			var all []string
			for _, g := range groups {
				sizes = append(sizes, len(g))
				all = append(all, g...)
			}
			if !reflect.DeepEqual(sizes, tc.want) {
				t.Fatalf("sizes %v, want %v", sizes, tc.want)
			}
			slices.Sort(all)
			want := slices.Clone(ids)
			slices.Sort(want)
			if !reflect.DeepEqual(all, want) {
				t.Fatalf("students %v, want each of %v once", all, want)
			}
		})
	}
}

// An earlier grouping: online members stay together, groups with nobody
// online go, newcomers join the smallest group, or a new one when all
// are full.
func TestReuseGrouping(t *testing.T) {
	tests := []struct {
		name   string
		last   [][]string
		online []string
		want   [][]string
	}{
		{"same", [][]string{{"a", "b"}, {"c", "d"}}, []string{"a", "b", "c", "d"}, [][]string{{"a", "b"}, {"c", "d"}}},
		{"newcomer to the smallest", [][]string{{"a", "b"}, {"c", "d", "e"}}, []string{"a", "b", "c", "d", "e", "f"}, [][]string{{"a", "b", "f"}, {"c", "d", "e"}}},
		{"offline dropped", [][]string{{"a", "b"}, {"c", "d"}}, []string{"a", "b", "c", "f"}, [][]string{{"a", "b"}, {"c", "f"}}},
		{"empty group dropped", [][]string{{"a", "b"}, {"c"}}, []string{"a", "b", "f"}, [][]string{{"a", "b", "f"}}},
		{"all full", [][]string{{"a", "b", "c", "d", "e"}}, []string{"a", "b", "c", "d", "e", "f", "g"}, [][]string{{"a", "b", "c", "d", "e"}, {"f", "g"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := reuseGrouping(tc.last, tc.online); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// groups-start at random: every member gets its own group only, with
// peer tags (never participant ids) and Self; the teacher gets every
// group by participant id; nobody stays called on; a second start is
// refused.
func TestGroupsStartRandom(t *testing.T) {
	l := newGroupLesson(t, "a", "b", "c", "d", "e", "f", "g")
	l.teacher.send(protocol.TypeCall, protocol.Target{ID: l.pid("a")})
	l.drain()

	l.teacher.send(protocol.TypeGroupsStart, protocol.GroupsStart{Mode: protocol.GroupsRandom, Size: 3, Task: " Aufgabe\t3\x00 ", Minutes: 10, Cameras: true})
	t.Cleanup(func() { l.teacher.send(protocol.TypeGroupsEnd, nil) }) // stops the timer
	var called protocol.Called
	l.c["a"].expect(protocol.TypeCalled, &called)
	if called.On {
		t.Fatal("the student called on stays called on")
	}
	var e protocol.Entry
	l.teacher.expect(protocol.TypeParticipant, &e)
	if e.Called {
		t.Fatalf("teacher's entry %+v", e)
	}
	st := l.teacher.lastGroups()
	if !st.Active || st.Task != "Aufgabe 3" || st.Left != (10*time.Minute).Milliseconds() || !st.Cameras || st.Visiting != 0 || st.Self != "" || len(st.Unassigned) != 0 {
		t.Fatalf("teacher's state %+v", st)
	}
	var sizes []int
	inGroup := map[string]int{}
	for _, g := range st.Groups {
		sizes = append(sizes, len(g.Members))
		for _, m := range g.Members {
			inGroup[m.ID] = g.N
			if !m.Online || m.Name == "" {
				t.Fatalf("member %+v", m)
			}
		}
	}
	if !reflect.DeepEqual(sizes, []int{3, 2, 2}) || len(inGroup) != 7 {
		t.Fatalf("sizes %v, members %v", sizes, inGroup)
	}

	tags := map[string]string{} // tag → roster id
	for id, c := range l.c {
		s := c.lastGroups()
		if !s.Active || s.Task != "Aufgabe 3" || !s.Cameras || len(s.Groups) != 1 || s.Unassigned != nil {
			t.Fatalf("%s's state %+v", id, s)
		}
		g := s.Groups[0]
		if g.N != inGroup[l.pid(id)] || len(g.Members) != sizes[g.N-1] {
			t.Fatalf("%s sees group %+v, is in %d", id, g, inGroup[l.pid(id)])
		}
		if s.Self == "" || s.Self == l.pid(id) || tags[s.Self] != "" {
			t.Fatalf("%s's tag %q (taken by %q)", id, s.Self, tags[s.Self])
		}
		tags[s.Self] = id
		self := false
		for _, m := range g.Members {
			if strings.HasPrefix(m.ID, "r-") {
				t.Fatalf("%s sees a participant id: %+v", id, m)
			}
			self = self || (m.ID == s.Self && m.Name == groupNames[id])
		}
		if !self {
			t.Fatalf("%s is not in its own group %+v", id, g)
		}
	}

	l.teacher.send(protocol.TypeGroupsStart, protocol.GroupsStart{Mode: protocol.GroupsRandom, Size: 3})
	l.teacher.expectError(protocol.ErrGroupsRunning)
	l.c["a"].send(protocol.TypeGroupsStart, protocol.GroupsStart{Mode: protocol.GroupsRandom, Size: 3})
	l.c["a"].expectError(protocol.ErrForbidden)
}

// What groups-start refuses, and that a manual group may have members
// who are offline: they join it when they come.
func TestGroupsStartRefusals(t *testing.T) {
	l := newGroupLesson(t, "a", "b", "c")
	six := l.pids("a", "b", "c", "d", "e", "f")
	tests := []struct {
		name string
		m    protocol.GroupsStart
		code string
	}{
		{"size 1", protocol.GroupsStart{Mode: protocol.GroupsRandom, Size: 1}, protocol.ErrBadPayload},
		{"size 6", protocol.GroupsStart{Mode: protocol.GroupsRandom, Size: 6}, protocol.ErrBadPayload},
		{"no mode", protocol.GroupsStart{Size: 3}, protocol.ErrBadPayload},
		{"unknown mode", protocol.GroupsStart{Mode: "alphabetic", Size: 3}, protocol.ErrBadPayload},
		{"minutes -1", protocol.GroupsStart{Mode: protocol.GroupsRandom, Size: 3, Minutes: -1}, protocol.ErrBadPayload},
		{"minutes 91", protocol.GroupsStart{Mode: protocol.GroupsRandom, Size: 3, Minutes: 91}, protocol.ErrBadPayload},
		{"task too long", protocol.GroupsStart{Mode: protocol.GroupsRandom, Size: 3, Task: strings.Repeat("ä", 301)}, protocol.ErrBadPayload},
		{"manual without groups", protocol.GroupsStart{Mode: protocol.GroupsManual}, protocol.ErrBadGroups},
		{"manual unknown student", protocol.GroupsStart{Mode: protocol.GroupsManual, Groups: [][]string{{l.pid("a"), "r-zz"}}}, protocol.ErrUnknownPeer},
		{"manual teacher", protocol.GroupsStart{Mode: protocol.GroupsManual, Groups: [][]string{{l.pid("a"), protocol.TeacherPeer}}}, protocol.ErrUnknownPeer},
		{"manual twice", protocol.GroupsStart{Mode: protocol.GroupsManual, Groups: [][]string{{l.pid("a"), l.pid("b")}, {l.pid("a")}}}, protocol.ErrBadGroups},
		{"manual six", protocol.GroupsStart{Mode: protocol.GroupsManual, Groups: [][]string{six}}, protocol.ErrBadGroups},
		{"manual empty group", protocol.GroupsStart{Mode: protocol.GroupsManual, Groups: [][]string{{l.pid("a")}, {}}}, protocol.ErrBadGroups},
		{"last without any", protocol.GroupsStart{Mode: protocol.GroupsLast, Size: 3}, protocol.ErrBadGroups},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l.teacher.send(protocol.TypeGroupsStart, tc.m)
			l.teacher.expectError(tc.code)
			l.teacher.expectNothing()
			for _, c := range l.c {
				c.expectNothing()
			}
		})
	}

	// Only one student: no random groups.
	one := newGroupLesson(t, "a")
	one.teacher.send(protocol.TypeGroupsStart, protocol.GroupsStart{Mode: protocol.GroupsRandom, Size: 2})
	one.teacher.expectError(protocol.ErrBadGroups)

	// A manual group with d, who is not here yet; d gets it in the welcome.
	st := l.startManual([]string{"a", "d"}, []string{"b", "c"})
	if st.Groups[0].Members[1].Online || !st.Groups[0].Members[0].Online {
		t.Fatalf("online flags %+v", st.Groups[0])
	}
	w := l.join("d")
	if w.Groups == nil || !w.Groups.Active || len(w.Groups.Groups) != 1 || w.Groups.Groups[0].N != 1 || w.Groups.Self != l.tag("d") {
		t.Fatalf("d's welcome groups %+v", w.Groups)
	}
	if a := l.c["a"].lastGroups(); !a.Groups[0].Members[1].Online {
		t.Fatalf("a does not see d come: %+v", a)
	}
	if tst := l.teacher.lastGroups(); !tst.Groups[0].Members[1].Online {
		t.Fatalf("teacher does not see d come: %+v", tst)
	}
	l.c["b"].noGroups()
}

// groups-move: into another group, into a new one, an unassigned student
// in (with a new tag); tags stay across moves; full groups, wrong
// numbers and unknown students are refused.
func TestGroupsMove(t *testing.T) {
	l := newGroupLesson(t, "a", "b", "c", "d")
	l.startManual([]string{"a", "b"}, []string{"c", "d"})
	w := l.join("e")
	if w.Groups == nil || !w.Groups.Active || w.Groups.Groups != nil || w.Groups.Self != "" {
		t.Fatalf("a latecomer's welcome groups %+v", w.Groups)
	}
	if st := l.teacher.lastGroups(); len(st.Unassigned) != 1 || st.Unassigned[0].ID != l.pid("e") || st.Unassigned[0].Name != "Emil" {
		t.Fatalf("teacher's unassigned %+v", st.Unassigned)
	}
	tagA := l.tag("a")

	l.teacher.send(protocol.TypeGroupsMove, protocol.GroupsMove{ID: l.pid("e"), Group: 1})
	e := l.c["e"].lastGroups()
	if len(e.Groups) != 1 || e.Groups[0].N != 1 || len(e.Groups[0].Members) != 3 || e.Self == "" {
		t.Fatalf("e after the move: %+v", e)
	}
	for _, id := range []string{"a", "b"} {
		if s := l.c[id].lastGroups(); len(s.Groups[0].Members) != 3 {
			t.Fatalf("%s after e's move: %+v", id, s)
		}
	}
	l.c["c"].noGroups()
	l.c["d"].noGroups()
	st := l.teacher.lastGroups()
	l.expectMembers(st, []string{"a", "b", "e"}, []string{"c", "d"})
	if len(st.Unassigned) != 0 {
		t.Fatalf("unassigned %+v", st.Unassigned)
	}

	l.teacher.send(protocol.TypeGroupsMove, protocol.GroupsMove{ID: l.pid("a"), Group: 2})
	for _, id := range []string{"a", "b", "c", "d", "e"} {
		l.c[id].lastGroups() // the old group, the new group, a itself
	}
	l.expectMembers(l.teacher.lastGroups(), []string{"b", "e"}, []string{"c", "d", "a"})
	if l.tag("a") != tagA {
		t.Fatal("a moved and got a new tag")
	}

	// One past the last makes a new group.
	l.teacher.send(protocol.TypeGroupsMove, protocol.GroupsMove{ID: l.pid("b"), Group: 3})
	if s := l.c["b"].lastGroups(); s.Groups[0].N != 3 || len(s.Groups[0].Members) != 1 {
		t.Fatalf("b in a new group: %+v", s)
	}
	l.expectMembers(l.teacher.lastGroups(), []string{"e"}, []string{"c", "d", "a"}, []string{"b"})
	l.drain()

	for _, tc := range []struct {
		m    protocol.GroupsMove
		code string
	}{
		{protocol.GroupsMove{ID: l.pid("b"), Group: 5}, protocol.ErrBadPayload},
		{protocol.GroupsMove{ID: l.pid("b"), Group: 0}, protocol.ErrBadPayload},
		{protocol.GroupsMove{ID: "r-zz", Group: 1}, protocol.ErrUnknownPeer},
	} {
		l.teacher.send(protocol.TypeGroupsMove, tc.m)
		l.teacher.expectError(tc.code)
	}
	l.c["b"].send(protocol.TypeGroupsMove, protocol.GroupsMove{ID: l.pid("b"), Group: 1})
	l.c["b"].expectError(protocol.ErrForbidden)

	// A full group takes nobody.
	full := newGroupLesson(t, "a", "b", "c", "d", "e", "f")
	full.startManual([]string{"a", "b", "c", "d", "e"}, []string{"f"})
	full.teacher.send(protocol.TypeGroupsMove, protocol.GroupsMove{ID: full.pid("f"), Group: 1})
	full.teacher.expectError(protocol.ErrBadGroups)
	full.c["f"].expectNothing()
}

// groups-visit: the teacher's visit shows only in the visited group, it
// answers the group's call for help, and the group left hears it too.
func TestGroupsVisitAndHelp(t *testing.T) {
	l := newGroupLesson(t, "a", "b", "c", "d")
	l.startManual([]string{"a", "b"}, []string{"c", "d"})

	l.c["b"].send(protocol.TypeGroupsHelp, protocol.GroupsHelp{On: true})
	if st := l.teacher.lastGroups(); !st.Groups[0].Help || st.Groups[1].Help {
		t.Fatalf("teacher does not see group 1's call: %+v", st.Groups)
	}
	for _, id := range []string{"a", "b"} {
		if s := l.c[id].lastGroups(); !s.Groups[0].Help {
			t.Fatalf("%s: %+v", id, s)
		}
	}
	l.c["c"].noGroups()

	l.teacher.send(protocol.TypeGroupsVisit, protocol.GroupsVisit{Group: 1})
	if st := l.teacher.lastGroups(); st.Visiting != 1 || st.Groups[0].Help {
		t.Fatalf("teacher after visiting: %+v", st)
	}
	for _, id := range []string{"a", "b"} {
		if s := l.c[id].lastGroups(); s.Visiting != 1 || s.Groups[0].Help {
			t.Fatalf("%s during the visit: %+v", id, s)
		}
	}
	l.c["c"].noGroups()
	l.c["d"].noGroups()

	l.teacher.send(protocol.TypeGroupsVisit, protocol.GroupsVisit{Group: 2})
	for _, id := range []string{"a", "b"} {
		if s := l.c[id].lastGroups(); s.Visiting != 0 {
			t.Fatalf("%s after the teacher left: %+v", id, s)
		}
	}
	for _, id := range []string{"c", "d"} {
		if s := l.c[id].lastGroups(); s.Visiting != 2 {
			t.Fatalf("%s visited: %+v", id, s)
		}
	}
	if st := l.teacher.lastGroups(); st.Visiting != 2 {
		t.Fatalf("teacher: %+v", st)
	}
	// A newcomer to group 2 sees the visit in its welcome; group 1 does not.
	l.leave("a")
	if w := l.join("a"); w.Groups.Visiting != 0 {
		t.Fatalf("a sees another group's visit: %+v", w.Groups)
	}
	l.leave("c")
	if w := l.join("c"); w.Groups.Visiting != 2 {
		t.Fatalf("c does not see its group's visit: %+v", w.Groups)
	}

	l.drain()
	l.teacher.send(protocol.TypeGroupsVisit, protocol.GroupsVisit{Group: 3})
	l.teacher.expectError(protocol.ErrBadPayload)
	l.teacher.send(protocol.TypeGroupsVisit, protocol.GroupsVisit{Group: -1})
	l.teacher.expectError(protocol.ErrBadPayload)
	l.drain()
	l.teacher.send(protocol.TypeGroupsVisit, protocol.GroupsVisit{Group: 0})
	if s := l.c["d"].lastGroups(); s.Visiting != 0 {
		t.Fatalf("d after the visit: %+v", s)
	}
	l.c["a"].noGroups()

	l.c["a"].send(protocol.TypeGroupsHelp, protocol.GroupsHelp{On: true})
	l.c["b"].send(protocol.TypeGroupsHelp, protocol.GroupsHelp{On: false})
	if st := l.teacher.lastGroups(); st.Groups[0].Help {
		t.Fatalf("help is still on: %+v", st.Groups[0])
	}
	l.c["c"].drain()
	l.c["c"].send(protocol.TypeGroupsVisit, protocol.GroupsVisit{Group: 1})
	l.c["c"].expectError(protocol.ErrForbidden)
}

// groups-say reaches every student in the lesson (in a group or not)
// and the teacher; its text is cleaned and bounded.
func TestGroupsSay(t *testing.T) {
	l := newGroupLesson(t, "a", "b", "c")
	l.teacher.send(protocol.TypeGroupsSay, protocol.GroupsSay{Text: "Noch 5 Minuten"})
	l.teacher.expectError(protocol.ErrNoGroups)

	l.startManual([]string{"a", "b"})
	now := l.h.clock.now().UnixMilli()
	l.teacher.send(protocol.TypeGroupsSay, protocol.GroupsSay{Text: "  Noch\r\n5 Minuten\u202e "})
	for _, c := range []*client{l.teacher, l.c["a"], l.c["b"], l.c["c"]} {
		var n protocol.GroupsNote
		c.expect(protocol.TypeGroupsNote, &n)
		if n.Kind != protocol.NoteTeacher || n.Text != "Noch\n5 Minuten" || n.At != now {
			t.Fatalf("note %+v", n)
		}
	}
	for _, text := range []string{"", " \x00 ", strings.Repeat("x", 201)} {
		l.teacher.send(protocol.TypeGroupsSay, protocol.GroupsSay{Text: text})
		l.teacher.expectError(protocol.ErrBadPayload)
	}
	l.c["a"].send(protocol.TypeGroupsSay, protocol.GroupsSay{Text: "hallo"})
	l.c["a"].expectError(protocol.ErrForbidden)
	l.c["b"].expectNothing()
}

// groups-end: everyone gets the inactive state, group signals stop, and
// the grouping is the lesson's last (mode last reuses it, a newcomer
// added, a member gone dropped).
func TestGroupsEndRemembersTheGrouping(t *testing.T) {
	l := newGroupLesson(t, "a", "b", "c", "d", "e")
	l.startManual([]string{"a", "b"}, []string{"c", "d"})
	tagB := l.tag("b")
	l.teacher.send(protocol.TypeGroupsEnd, nil)
	for _, c := range []*client{l.teacher, l.c["a"], l.c["b"], l.c["c"], l.c["d"], l.c["e"]} {
		if st := c.lastGroups(); !reflect.DeepEqual(st, protocol.GroupsState{}) {
			t.Fatalf("state after the end %+v", st)
		}
	}
	l.c["a"].send(protocol.TypeSignal, offer(tagB, "v=0"))
	l.c["a"].expectError(protocol.ErrForbidden)
	l.c["b"].expectNothing()
	for _, typ := range []string{protocol.TypeGroupsEnd, protocol.TypeGroupsMove, protocol.TypeGroupsVisit} {
		l.teacher.send(typ, protocol.GroupsMove{ID: l.pid("a"), Group: 1})
		l.teacher.expectError(protocol.ErrNoGroups)
	}
	l.c["a"].send(protocol.TypeGroupsHelp, protocol.GroupsHelp{On: true})
	l.c["a"].expectError(protocol.ErrNoGroups)
	if w := l.join("h"); w.Groups != nil {
		t.Fatalf("welcome after the end has groups %+v", w.Groups)
	}

	l.leave("d")
	l.drain()
	st := l.start(protocol.GroupsStart{Mode: protocol.GroupsLast})
	// e and h (in roll-call order) to the smallest group each time.
	l.expectMembers(st, []string{"a", "b", "h"}, []string{"c", "e"})
}

// The timer: a note a minute before the end, then the end as by
// groups-end; a one-minute run has no note; the lesson's end stops it.
// Messages from the timers' goroutines are read in order with waitFor.
func TestGroupsTimer(t *testing.T) {
	defer func(m time.Duration) { groupsMinute = m }(groupsMinute)
	groupsMinute = 30 * time.Millisecond

	l := newGroupLesson(t, "a", "b", "c")
	all := []*client{l.teacher, l.c["a"], l.c["b"], l.c["c"]}
	l.teacher.send(protocol.TypeGroupsStart, protocol.GroupsStart{Mode: protocol.GroupsRandom, Size: 2, Minutes: 2})
	for _, c := range all {
		var st protocol.GroupsState
		c.waitFor(protocol.TypeGroups, &st)
		if !st.Active || st.Left != 60 {
			t.Fatalf("state at the start %+v, want 60 ms left", st)
		}
		var n protocol.GroupsNote
		c.waitFor(protocol.TypeGroupsNote, &n)
		if n.Kind != protocol.NoteLastMinute || n.At == 0 || n.Text != "" {
			t.Fatalf("note %+v", n)
		}
		var end protocol.GroupsState
		c.waitFor(protocol.TypeGroups, &end)
		if end.Active {
			t.Fatalf("state at the end %+v", end)
		}
	}
	r := l.h.roomByID("lesson-a")
	r.mu.Lock()
	last := r.groups.last
	r.mu.Unlock()
	if len(last) != 2 {
		t.Fatalf("the timer's end did not remember the grouping: %v", last)
	}

	a := l.c["a"]
	from := len(a.conn.sent())
	l.teacher.send(protocol.TypeGroupsStart, protocol.GroupsStart{Mode: protocol.GroupsRandom, Size: 3, Minutes: 1})
	var st protocol.GroupsState
	a.waitFor(protocol.TypeGroups, &st)
	a.waitFor(protocol.TypeGroups, &st)
	if st.Active {
		t.Fatalf("state at the end %+v", st)
	}
	for _, msg := range a.conn.sent()[from:] {
		if env, _ := protocol.Decode(msg); env.Type == protocol.TypeGroupsNote {
			t.Fatalf("a one-minute run sent %s", msg)
		}
	}

	// The lesson ends during group work: nothing comes afterwards.
	l.teacher.send(protocol.TypeGroupsStart, protocol.GroupsStart{Mode: protocol.GroupsRandom, Size: 3, Minutes: 2})
	l.teacher.send(protocol.TypeEnd, nil)
	time.Sleep(3 * 2 * groupsMinute)
	for _, c := range all {
		c.conn.mu.Lock()
		n := c.conn.afterShut
		c.conn.mu.Unlock()
		if n != 0 {
			t.Fatalf("%d messages after the lesson ended", n)
		}
	}
}

// A member who drops out and comes back (personal link, or resume for a
// student not on the list) is in its group again with its tag; the
// group and the teacher see it go and come; the teacher's own welcome
// has the whole state.
func TestGroupsMemberComesBack(t *testing.T) {
	l := newGroupLesson(t, "a", "b", "c")
	w := l.joinAdHoc("Zoe")
	l.drain()
	l.startManual([]string{"a", "Zoe"}, []string{"b", "c"})
	tagA, tagZ := l.tag("a"), l.tag("Zoe")

	l.leave("a")
	if s := l.c["Zoe"].lastGroups(); s.Groups[0].Members[0].Online || s.Groups[0].Members[0].ID != tagA {
		t.Fatalf("Zoe does not see a go: %+v", s)
	}
	if st := l.teacher.lastGroups(); st.Groups[0].Members[0].Online {
		t.Fatalf("teacher does not see a go: %+v", st)
	}
	l.c["b"].noGroups()
	back := l.join("a")
	if back.Groups == nil || back.Groups.Self != tagA || back.Groups.Groups[0].N != 1 {
		t.Fatalf("a came back to %+v", back.Groups)
	}
	if s := l.c["Zoe"].lastGroups(); !s.Groups[0].Members[0].Online {
		t.Fatalf("Zoe does not see a come back: %+v", s)
	}

	l.leave("Zoe")
	c := l.h.connect(t, Identity{})
	c.send(protocol.TypeHello, protocol.Hello{Role: protocol.RoleStudent, Code: codeA, Resume: w.Resume})
	var again protocol.Welcome
	c.expect(protocol.TypeWelcome, &again)
	if again.Self != w.Self || again.Groups == nil || again.Groups.Self != tagZ || again.Groups.Groups[0].N != 1 {
		t.Fatalf("Zoe resumed into %+v", again.Groups)
	}
	l.c["Zoe"] = c

	teacher, tw := l.h.joinTeacher(t, "t-alice", "lesson-a")
	if tw.Groups == nil || !tw.Groups.Active {
		t.Fatalf("teacher's welcome %+v", tw.Groups)
	}
	l.teacher = teacher
	l.expectMembers(*tw.Groups, []string{"a", "Zoe"}, []string{"b", "c"})
}

// A student the teacher sends out leaves its group.
func TestGroupsRemovedStudentLeavesTheGroup(t *testing.T) {
	l := newGroupLesson(t, "a", "b", "c")
	l.startManual([]string{"a", "b", "c"})
	tagB := l.tag("b")
	l.teacher.send(protocol.TypeRemove, protocol.Target{ID: l.pid("b")})
	l.c["b"].expectError(protocol.ErrRemoved)
	delete(l.c, "b")
	for _, id := range []string{"a", "c"} {
		if s := l.c[id].lastGroups(); len(s.Groups[0].Members) != 2 {
			t.Fatalf("%s still sees b: %+v", id, s)
		}
	}
	l.expectMembers(l.teacher.lastGroups(), []string{"a", "c"})
	l.c["a"].send(protocol.TypeSignal, offer(tagB, "v=0"))
	l.c["a"].expectError(protocol.ErrForbidden)
}
