package protocol

// Group work (docs/protocol.md, "Group work"): the teacher splits the
// present students into small groups; each group talks in a full mesh of
// its members' browsers, with the server relaying only the signaling and
// allowing it only between members of the same group. Every student keeps
// the connection to the teacher: the teacher's page sends sound and picture
// only to the group it visits and plays only that group's sound, without
// renegotiating, so that "Alle zurückholen" is a change of tracks, not a
// new call.
//
// Inside a group a student knows the other members by a peer tag that the
// server made for this group work, never by their participant id.

// Group-work message types.
const (
	TypeGroupsStart = "groups-start" // teacher → server: split the class into groups
	TypeGroupsMove  = "groups-move"  // teacher → server: move a student to another group
	TypeGroupsVisit = "groups-visit" // teacher → server: visit a group (or leave it)
	TypeGroupsSay   = "groups-say"   // teacher → server: a short message to every group
	TypeGroupsEnd   = "groups-end"   // teacher → server: everyone back to the class
	TypeGroupsHelp  = "groups-help"  // student → server: call the teacher to the group (or not any more)
	TypeGroups      = "groups"       // server → client: the group work as this receiver sees it
	TypeGroupsNote  = "groups-note"  // server → client: a message from the teacher, or the last minute
)

// How groups-start forms the groups.
const (
	GroupsRandom = "random" // shuffle the present students
	GroupsManual = "manual" // the teacher's own lists
	GroupsLast   = "last"   // the class's last grouping, with newcomers added
)

// Limits of group work.
const (
	MinGroupSize     = 2
	MaxGroupSize     = 5 // a full mesh of 5 fits a home line (README, Group work)
	MaxGroupTaskRune = 300
	MaxGroupSayRunes = 200
	MaxGroupMinutes  = 90
)

// Kinds of groups-note.
const (
	NoteTeacher    = "teacher"     // the teacher's message to every group
	NoteLastMinute = "last-minute" // the timer runs out in a minute
)

// Group-work error codes.
const (
	ErrNoGroups      = "no-groups"      // no group work is running
	ErrGroupsRunning = "groups-running" // group work is already running
	ErrNotInGroup    = "not-in-group"   // the student is in no group (came late)
	ErrBadGroups     = "bad-groups"     // the groups asked for cannot be formed
)

// GroupsStart asks for group work. Size is the largest group (2–5) for
// random and last; Groups lists participant ids per group for manual.
// Minutes 0 means no timer. Cameras lets the students see each other in
// their group (sound only otherwise: student pictures are for the teacher
// by default).
type GroupsStart struct {
	Mode    string     `json:"mode"`
	Size    int        `json:"size,omitempty"`
	Groups  [][]string `json:"groups,omitempty"`
	Task    string     `json:"task,omitempty"`
	Minutes int        `json:"minutes,omitempty"`
	Cameras bool       `json:"cameras,omitempty"`
}

// GroupsMove puts a student into group N (1-based).
type GroupsMove struct {
	ID    string `json:"id"`
	Group int    `json:"group"`
}

// GroupsVisit visits group N (1-based); 0 leaves the group visited.
type GroupsVisit struct {
	Group int `json:"group"`
}

// GroupsSay is the teacher's message to every group.
type GroupsSay struct {
	Text string `json:"text"`
}

// GroupsHelp calls the teacher to the sender's group, or not any more.
type GroupsHelp struct {
	On bool `json:"on"`
}

// GroupsState is the group work as its receiver sees it. Active false
// means none (the class is together). The teacher gets every group with
// participant ids; a student gets only its own group, members named by
// peer tag, and Self is its own tag.
type GroupsState struct {
	Active bool   `json:"active"`
	Task   string `json:"task,omitempty"`
	// Left is the time left in milliseconds when this was sent; 0: no
	// timer. A duration, not a time, so that a wrong clock on the
	// student's device does not matter.
	Left    int64   `json:"left,omitempty"`
	Cameras bool    `json:"cameras,omitempty"`
	Groups  []Group `json:"groups,omitempty"`
	// Visiting is the group the teacher is in (1-based); 0: none.
	Visiting int    `json:"visiting,omitempty"`
	Self     string `json:"self,omitempty"`
	// Unassigned (teacher only): present students in no group, such as
	// one who joined after the start.
	Unassigned []GroupMember `json:"unassigned,omitempty"`
}

// Group is one group.
type Group struct {
	N       int           `json:"n"` // 1-based, shown as "Gruppe N"
	Members []GroupMember `json:"members"`
	// Help: a member called the teacher.
	Help bool `json:"help,omitempty"`
}

// GroupMember is one student in a group.
type GroupMember struct {
	ID     string `json:"id"` // participant id (teacher), peer tag (student)
	Name   string `json:"name"`
	Online bool   `json:"online"`
}

// GroupsNote is a message to every group.
type GroupsNote struct {
	Kind string `json:"kind"`
	Text string `json:"text,omitempty"`
	At   int64  `json:"at"` // Unix milliseconds, server time
}
