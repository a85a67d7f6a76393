package signaling

import (
	"unicode/utf8"

	"ersatzraum/app/protocol"
)

// What the teacher and the students send about group work: start, move,
// visit, say and end (teacher), help (students). State and views are in
// groups.go, forming the groups in groupsplit.go.

// groupsReceive dispatches the group-work messages.
func (s *Session) groupsReceive(env protocol.Envelope) {
	switch env.Type {
	case protocol.TypeGroupsStart:
		decoded(s, env, s.groupsStart)
	case protocol.TypeGroupsMove:
		decoded(s, env, func(m protocol.GroupsMove) { s.asTeacher(func(r *room) { r.groupsMove(s, m) }) })
	case protocol.TypeGroupsVisit:
		decoded(s, env, func(v protocol.GroupsVisit) { s.asTeacher(func(r *room) { r.groupsVisit(s, v.Group) }) })
	case protocol.TypeGroupsSay:
		decoded(s, env, func(m protocol.GroupsSay) { s.asTeacher(func(r *room) { r.groupsSay(s, m.Text) }) })
	case protocol.TypeGroupsHelp:
		decoded(s, env, s.groupsHelp)
	case protocol.TypeGroupsEnd:
		s.groupsEnd()
	}
}

// running returns the current run, or refuses with no-groups.
func (r *room) running(s *Session) *groupRun {
	if r.groups.cur == nil {
		s.sendError(protocol.ErrNoGroups, "no group work is running")
	}
	return r.groups.cur
}

// groupsStart forms the groups and starts group work (teacher). The
// class's stored grouping is read before the room is locked.
func (s *Session) groupsStart(m protocol.GroupsStart) {
	if !s.isTeacher() {
		return
	}
	var stored [][]string
	if m.Mode == protocol.GroupsLast {
		stored = s.hub.storedGrouping(s.room)
	}
	s.asTeacher(func(r *room) { r.groupsStart(s, m, stored) })
}

func (r *room) groupsStart(s *Session, m protocol.GroupsStart, stored [][]string) {
	if r.groups.cur != nil {
		s.sendError(protocol.ErrGroupsRunning, "group work is already running")
		return
	}
	task, ok := cleanGroupText(m.Task, protocol.MaxGroupTaskRune, true)
	if !ok {
		s.sendError(protocol.ErrBadPayload, "a task has at most 300 printable characters")
		return
	}
	if m.Minutes < 0 || m.Minutes > protocol.MaxGroupMinutes {
		s.sendError(protocol.ErrBadPayload, "minutes must be 0 to 90")
		return
	}
	groups, code, why := r.formGroups(m, stored)
	if code != "" {
		s.sendError(code, why)
		return
	}
	// Group work takes the class's turn: nobody stays called on.
	s.directIn(r, protocol.TypeCall, "")
	run := r.groups.newRun(groups, task, m.Cameras)
	now := s.hub.now()
	if m.Minutes > 0 {
		s.hub.startGroupsTimer(r, run, m.Minutes, now)
	}
	r.groupsToAll(now)
}

// formGroups returns the groups a groups-start asks for, or the error
// code and message that refuse it.
func (r *room) formGroups(m protocol.GroupsStart, stored [][]string) (groups [][]string, code, why string) {
	switch m.Mode {
	case protocol.GroupsRandom:
		if m.Size < protocol.MinGroupSize || m.Size > protocol.MaxGroupSize {
			return nil, protocol.ErrBadPayload, "size must be 2 to 5"
		}
		online := r.onlineStudents()
		if len(online) < 2 {
			return nil, protocol.ErrBadGroups, "group work needs at least two students in the lesson"
		}
		return splitRandom(online, m.Size), "", ""
	case protocol.GroupsManual:
		return r.manualGroups(m.Groups)
	case protocol.GroupsLast:
		last := r.groups.last
		if last == nil {
			last = stored
		}
		if len(last) == 0 {
			return nil, protocol.ErrBadGroups, "there is no earlier grouping of this class"
		}
		online := r.onlineStudents()
		if len(online) < 2 {
			return nil, protocol.ErrBadGroups, "group work needs at least two students in the lesson"
		}
		return reuseGrouping(last, online), "", ""
	}
	return nil, protocol.ErrBadPayload, "mode must be random, manual or last"
}

// manualGroups checks the teacher's own lists: students of the lesson
// (offline ones too: they join their group when they come), each once,
// 1 to 5 per group.
func (r *room) manualGroups(lists [][]string) (groups [][]string, code, why string) {
	if len(lists) == 0 {
		return nil, protocol.ErrBadGroups, "manual groups need at least one group"
	}
	seen := make(map[string]bool)
	for _, g := range lists {
		if len(g) < 1 || len(g) > protocol.MaxGroupSize {
			return nil, protocol.ErrBadGroups, "a group has 1 to 5 members"
		}
		for _, id := range g {
			if st, ok := r.students[id]; !ok || st.removed {
				return nil, protocol.ErrUnknownPeer, "no participant " + quote(id) + " in this lesson"
			}
			if seen[id] {
				return nil, protocol.ErrBadGroups, "a student is in two groups"
			}
			seen[id] = true
		}
	}
	return lists, "", ""
}

// cleanGroupText cleans a task or a message like a chat message, within
// maxRunes; empty passes only if allowed.
func cleanGroupText(text string, maxRunes int, emptyOK bool) (string, bool) {
	clean, bad := protocol.CleanChat(text)
	switch {
	case bad == protocol.ErrChatEmpty:
		return "", emptyOK
	case bad != "":
		return "", false
	}
	return clean, utf8.RuneCountInString(clean) <= maxRunes
}

// groupsMove puts a student into group m.Group, a new group one past the
// last (teacher). A student in no group (one who came late) moves in the
// same way.
func (r *room) groupsMove(s *Session, m protocol.GroupsMove) {
	run := r.running(s)
	if run == nil {
		return
	}
	if st, ok := r.students[m.ID]; !ok || st.removed {
		s.sendError(protocol.ErrUnknownPeer, "no participant "+quote(m.ID)+" in this lesson")
		return
	}
	to := m.Group - 1
	if to < 0 || to > len(run.groups) {
		s.sendError(protocol.ErrBadPayload, "no group to move to")
		return
	}
	now := s.hub.now()
	from := run.groupOf(m.ID)
	if from == to {
		r.groupsToTeacher(now)
		return
	}
	switch {
	case to == len(run.groups) && len(run.groups) >= len(r.students):
		// Empty groups stay (moves must not renumber them); this bounds them.
		s.sendError(protocol.ErrBadGroups, "no more groups than students")
		return
	case to == len(run.groups):
		run.groups = append(run.groups, &workGroup{})
	case len(run.groups[to].members) >= protocol.MaxGroupSize:
		s.sendError(protocol.ErrBadGroups, "the group is full")
		return
	}
	run.leave(m.ID)
	run.join(m.ID, to)
	r.groupsToGroup(from, "", now)
	r.groupsToGroup(to, "", now) // the student included
	r.groupsToTeacher(now)
}

// groupsVisit makes the teacher visit group n, or none (0). The group's
// call for help is answered by the visit.
func (r *room) groupsVisit(s *Session, n int) {
	run := r.running(s)
	if run == nil {
		return
	}
	if n < 0 || n > len(run.groups) {
		s.sendError(protocol.ErrBadPayload, "no such group")
		return
	}
	before := run.visiting
	run.visiting = n
	if n > 0 {
		run.groups[n-1].help = false
	}
	now := s.hub.now()
	r.groupsToTeacher(now)
	r.groupsToGroup(before-1, "", now)
	if n != before {
		r.groupsToGroup(n-1, "", now)
	}
}

// groupsSay sends the teacher's short message to every group.
func (r *room) groupsSay(s *Session, text string) {
	if r.running(s) == nil {
		return
	}
	clean, ok := cleanGroupText(text, protocol.MaxGroupSayRunes, false)
	if !ok {
		s.sendError(protocol.ErrBadPayload, "a message has 1 to 200 printable characters")
		return
	}
	r.groupsNote(protocol.GroupsNote{Kind: protocol.NoteTeacher, Text: clean, At: s.hub.now().UnixMilli()})
}

// groupsNote goes to every student in the lesson and to the teacher.
func (r *room) groupsNote(note protocol.GroupsNote) {
	msg := protocol.MustEncode(protocol.TypeGroupsNote, note)
	for _, id := range r.onlineStudents() {
		r.students[id].conn.send(msg)
	}
	if r.teacher != nil {
		r.teacher.send(msg)
	}
}

// groupsHelp calls the teacher to the sender's group, or not any more
// (students).
func (s *Session) groupsHelp(h protocol.GroupsHelp) {
	if s.role != protocol.RoleStudent {
		s.sendError(protocol.ErrForbidden, "only students call the teacher to their group")
		return
	}
	s.inLesson(func(r *room) {
		run := r.running(s)
		if run == nil {
			return
		}
		i := run.groupOf(s.studentID)
		if i < 0 {
			s.sendError(protocol.ErrNotInGroup, "you are in no group")
			return
		}
		run.groups[i].help = h.On
		now := s.hub.now()
		r.groupsToTeacher(now)
		r.groupsToGroup(i, "", now)
	})
}

// groupsEnd brings everyone back to the class (teacher). The grouping is
// stored after the room's lock is released.
func (s *Session) groupsEnd() {
	var save func()
	s.asTeacher(func(r *room) {
		if r.running(s) == nil {
			return
		}
		now := s.hub.now()
		save = s.hub.finishGroups(r)
		r.groupsToAll(now)
	})
	if save != nil {
		save()
	}
}
