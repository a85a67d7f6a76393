package protocol

import "time"

// The assignment board's part of the HTTP API (docs/protocol.md, "Board"):
// states, kinds of hand-in, limits, form fields and bodies. server/board
// enforces the limits with these values; the browser stays inside them
// and names the states.

// States of an assignment for one student.
const (
	BoardStateOpen     = "open"      // nothing yet, and still accepted
	BoardStateDone     = "done"      // marked done, nothing handed in
	BoardStateHandedIn = "handed-in" // handed in by the due time (or without one)
	BoardStateLate     = "late"      // handed in during the grace window ("überfällig")
	BoardStateMissing  = "missing"   // nothing handed in or marked, and no longer accepted
)

// Kinds of hand-in.
const (
	HandInKindDone   = "done"   // the student marked the assignment done
	HandInKindHandIn = "handin" // the student handed in text and/or files
)

// Limits of the board.
const (
	MaxAssignmentTitleRunes = 120
	MaxAssignmentBodyRunes  = 20_000
	MaxHandInTextRunes      = 20_000
	MaxGraceMinutes         = 14 * 24 * 60 // 14 days
	MaxAttachments          = 10           // files on one assignment
	MaxAttachmentBytes      = 10 << 20     // 10 MiB per attachment
	MaxHandInFileBytes      = 20 << 20     // 20 MiB per handed-in file
	MaxHandInFiles          = 5            // files in one hand-in
	MaxAssignments          = 500          // on one class's board, archived included
	MaxFileNameRunes        = 120
	MaxHandInsPerAssignment = 20 // by one student on one assignment (a quota, issue 16)
)

// AttachmentTypes may be attached to an assignment, HandInTypes handed
// in: the types server/files detects from the content. The browser offers
// them in its file pickers.
var (
	AttachmentTypes = []string{"application/pdf", "image/png", "image/jpeg", "image/webp"}
	HandInTypes     = []string{"application/pdf", "image/png", "image/jpeg", "image/webp", "text/plain"}
)

// Error codes of the board API (besides unauthorized, bad-payload,
// too-large and unknown-class).
const (
	ErrUnknownAssignment = "unknown-assignment" // not on this board (or another class's)
	ErrUnknownFile       = "unknown-file"       // no such file here
	ErrBadFileType       = "bad-file-type"      // content is none of the allowed types
	ErrTooManyFiles      = "too-many-files"     // above MaxAttachments or MaxHandInFiles
	ErrBoardFull         = "board-full"         // MaxAssignments reached
	ErrClosed            = "closed"             // a new hand-in after due plus grace
	ErrConflict          = "conflict"           // a hand-in id taken by other content
	ErrUnavailable       = "unavailable"        // this server has no board
)

// Multipart fields of the board's uploads.
const (
	// FieldFile carries the one file of POST …/board/{aid}/files.
	FieldFile = "file"
	// The fields of PUT /api/board/{aid}/handins/{hid}: the names of
	// HandInForm, and up to MaxHandInFiles parts FieldFiles.
	FieldKind     = "kind"
	FieldText     = "text"
	FieldClientAt = "clientAt"
	FieldFiles    = "files"
)

// AssignmentRequest is the body of POST …/board and PUT …/board/{aid}.
type AssignmentRequest struct {
	Title        string     `json:"title"`
	Body         string     `json:"body"`
	Due          *time.Time `json:"due"` // null or absent: no due time
	GraceMinutes int        `json:"graceMinutes"`
}

// BoardOrder is the body of POST …/board/order: these assignments first.
type BoardOrder struct {
	IDs []string `json:"ids"`
}

// ArchiveRequest is the body of POST …/board/{aid}/archive. A pointer, so
// that a missing value is refused rather than read as false.
type ArchiveRequest struct {
	Archived *bool `json:"archived"`
}

// HandInForm is what a student sends to PUT /api/board/{aid}/handins/{hid}:
// as multipart fields (with files) or as this JSON (without).
type HandInForm struct {
	Kind     string `json:"kind"`     // HandInKindDone or HandInKindHandIn
	Text     string `json:"text"`     // at most MaxHandInTextRunes
	ClientAt string `json:"clientAt"` // RFC 3339: when the student pressed the button
}

// HandInReceipt answers PUT /api/board/{aid}/handins/{hid}.
type HandInReceipt struct {
	HandIn BoardHandIn `json:"handIn"`
	State  string      `json:"state"` // the assignment's state for the student now
}

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
