package protocol

import "time"

// The JSON bodies of the HTTP API that the browser reads as the server
// writes them (docs/protocol.md, "HTTP API"): one definition for both
// sides.

// BoardFile describes a stored file.
type BoardFile struct {
	Hash string `json:"hash"`
	Name string `json:"name"`
	Type string `json:"type"`
	Size int64  `json:"size"`
}

// BoardCounts are the states of an assignment over the class list.
type BoardCounts struct {
	HandedIn int `json:"handedIn"`
	Late     int `json:"late"`
	Done     int `json:"done"`
	Missing  int `json:"missing"`
	Open     int `json:"open"`
}

// BoardHandIn is one hand-in (or "done" mark).
type BoardHandIn struct {
	ID         string      `json:"id"`
	Kind       string      `json:"kind"`
	Text       string      `json:"text"`
	ReceivedAt time.Time   `json:"receivedAt"`
	ClientAt   time.Time   `json:"clientAt,omitzero"`
	Late       bool        `json:"late"`
	Files      []BoardFile `json:"files"`
}

// BoardAssignment is an assignment as teachers (with Counts) and
// students (with State and HandIns) see it.
type BoardAssignment struct {
	ID           string      `json:"id"`
	Title        string      `json:"title"`
	Body         string      `json:"body"`
	Due          time.Time   `json:"due,omitzero"`
	GraceMinutes int         `json:"graceMinutes"`
	Closes       time.Time   `json:"closes,omitzero"`
	Position     int         `json:"position"`
	Archived     bool        `json:"archived"`
	CreatedAt    time.Time   `json:"createdAt"`
	UpdatedAt    time.Time   `json:"updatedAt"`
	Files        []BoardFile `json:"files"`
	// Teacher view.
	Counts *BoardCounts `json:"counts,omitempty"`
	// Student view.
	State   string        `json:"state,omitempty"`
	HandIns []BoardHandIn `json:"handIns,omitempty"`
}

// TeacherBoard answers GET /api/classes/{id}/board.
type TeacherBoard struct {
	ClassID     string            `json:"classId"`
	ClassName   string            `json:"className"`
	Students    int               `json:"students"`
	Assignments []BoardAssignment `json:"assignments"`
}

// StudentBoard answers GET /api/board.
type StudentBoard struct {
	ClassID     string            `json:"classId"`
	ClassName   string            `json:"className"`
	Student     BoardStudent      `json:"student"`
	UpdatedAt   time.Time         `json:"updatedAt,omitzero"`
	Assignments []BoardAssignment `json:"assignments"`
}

// BoardStudent names a student on the class list.
type BoardStudent struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// StudentHandIns is one student's line in GET …/handins.
type StudentHandIns struct {
	Student    BoardStudent  `json:"student"`
	State      string        `json:"state"`
	ReceivedAt time.Time     `json:"receivedAt,omitzero"` // the latest hand-in
	HandIns    []BoardHandIn `json:"handIns"`
}

// HandInsView answers GET /api/classes/{id}/board/{aid}/handins.
type HandInsView struct {
	Assignment BoardAssignment  `json:"assignment"`
	Students   []StudentHandIns `json:"students"`
}

// ClassSummary is one line of GET /api/classes.
type ClassSummary struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Students int    `json:"students"`
}

// ClassDetail describes one class to its teacher.
type ClassDetail struct {
	ID       string         `json:"id"`
	Name     string         `json:"name"`
	Code     string         `json:"code"`
	JoinURL  string         `json:"joinUrl"`
	Students []RosterDetail `json:"students"`
	// LateAfterMinutes: a first join later than this counts as late.
	LateAfterMinutes int `json:"lateAfterMinutes"`
}

// RosterDetail is a student on the class list with the personal link.
type RosterDetail struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Link string `json:"link"`
}

// CreatedLesson answers POST /api/lessons.
type CreatedLesson struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Code    string `json:"code"`
	JoinURL string `json:"joinUrl"`
}
