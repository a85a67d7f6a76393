package live

import (
	"slices"
	"time"

	"ersatzraum/app/protocol"
)

// The teacher's side of group work. Every student keeps the one
// connection to the teacher; while the groups work, the teacher's page
// sends its sound and picture only to the group it visits (the tracks are
// replaced, nothing is renegotiated) and plays only that group's sound.
// "Alle zurückholen" puts the tracks back on every connection: the class
// hears the teacher again without a new call.

// groupOf returns the group (1-based) a student is in, 0 for none.
func groupOf(st *protocol.GroupsState, id string) int {
	if st == nil {
		return 0
	}
	for _, g := range st.Groups {
		if slices.ContainsFunc(g.Members, func(m protocol.GroupMember) bool { return m.ID == id }) {
			return g.N
		}
	}
	return 0
}

// Hears reports whether the teacher's page plays student id's sound
// because of group work: the student is in the group the teacher visits.
// (Outside group work the teacher hears the student called on; the page
// decides that from the roll call.)
func (v TeacherView) Hears(id string) bool {
	g := v.Groups
	return g != nil && g.Visiting != 0 && groupOf(g, id) == g.Visiting
}

// GroupOf returns the group student id is in, 0 for none.
func (v TeacherView) GroupOf(id string) int { return groupOf(v.Groups, id) }

// reaches reports whether the teacher's sound and picture go to student
// id: always, except during group work, when only the visited group gets
// them.
func (c *TeacherCall) reaches(id string) bool {
	return c.view.Groups == nil || c.view.Hears(id)
}

// groupsChanged applies the server's word on the group work and puts the
// right tracks on every connection whose share changed.
func (c *TeacherCall) groupsChanged(st *protocol.GroupsState) {
	before := make(map[string]bool, len(c.peers))
	for id := range c.peers {
		before[id] = c.reaches(id)
	}
	if st == nil || !st.Active {
		c.view.Groups, c.view.GroupsEndsAt, c.view.GroupsLastMinute = nil, time.Time{}, false
	} else {
		if c.view.Groups == nil {
			c.view.GroupsLastMinute = false
		}
		copied := *st
		c.view.Groups = &copied
		c.view.GroupsEndsAt = time.Time{}
		if st.Left > 0 {
			c.view.GroupsEndsAt = time.Now().Add(time.Duration(st.Left) * time.Millisecond)
		}
	}
	for id, p := range c.peers {
		if before[id] != c.reaches(id) {
			c.sendTo(id, p)
		}
	}
}

// sendTo puts on connection id the picture and sound it should carry now.
func (c *TeacherCall) sendTo(id string, p PeerConn) {
	if err := p.SendVideo(c.picture(), c.videoFor(id)); err != nil {
		logf("group picture: %v", err)
	}
	if err := p.SendAudio(c.soundFor(id)); err != nil {
		logf("group sound: %v", err)
	}
}

// videoFor reports whether connection id carries the teacher's picture.
func (c *TeacherCall) videoFor(id string) bool { return !c.audioOnly[id] && c.reaches(id) }

// groupsNote follows the last minute of the timer.
func (c *TeacherCall) groupsNote(n protocol.GroupsNote) {
	if n.Kind == protocol.NoteLastMinute && c.view.Groups != nil {
		c.view.GroupsLastMinute = true
	}
}

// Intents of group work. Each only queues a message; the server's
// groups message brings the result.

// StartGroups splits the class into groups.
func (c *TeacherCall) StartGroups(start protocol.GroupsStart) {
	c.send(protocol.TypeGroupsStart, start)
}

// MoveToGroup puts a student into group n.
func (c *TeacherCall) MoveToGroup(id string, n int) {
	c.send(protocol.TypeGroupsMove, protocol.GroupsMove{ID: id, Group: n})
}

// VisitGroup joins group n; 0 leaves the group visited.
func (c *TeacherCall) VisitGroup(n int) {
	c.send(protocol.TypeGroupsVisit, protocol.GroupsVisit{Group: n})
}

// SayToGroups sends a short message to every group.
func (c *TeacherCall) SayToGroups(text string) {
	c.send(protocol.TypeGroupsSay, protocol.GroupsSay{Text: text})
}

// EndGroups brings everyone back to the class.
func (c *TeacherCall) EndGroups() { c.send(protocol.TypeGroupsEnd, nil) }
