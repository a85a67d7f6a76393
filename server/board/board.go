// Package board owns assignments, attachments and hand-ins: the class
// board a teacher fills and students work from, also offline. It holds the
// types, the limits, the validation of what teachers and students send,
// and the rule that says which state an assignment is in for a student
// (open, done, handed in, late, missing). Storage (server/storage) keeps
// the rows, server/files the bytes, server/httpapi serves the API.
//
// Texts are stored as plain text. The server renders nothing: the client
// shows paragraphs and recognises links itself, always as text nodes and
// never as raw HTML.
package board

import (
	"errors"
	"fmt"
	"path"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"ersatzraum/app/protocol"
	"ersatzraum/server/files"
)

// Limits, kinds and states are part of the HTTP API, so they are defined
// in app/protocol (board.go) for the browser too; these names are the
// server's.

// Limits.
const (
	MaxTitleRunes      = protocol.MaxAssignmentTitleRunes
	MaxBodyRunes       = protocol.MaxAssignmentBodyRunes
	MaxHandInTextRunes = protocol.MaxHandInTextRunes
	MaxGraceMinutes    = protocol.MaxGraceMinutes
	MaxAttachments     = protocol.MaxAttachments
	MaxAttachmentBytes = protocol.MaxAttachmentBytes
	MaxHandInFileBytes = protocol.MaxHandInFileBytes
	MaxHandInFiles     = protocol.MaxHandInFiles
	MaxAssignments     = protocol.MaxAssignments
	MaxFileNameRunes   = protocol.MaxFileNameRunes
)

// AttachmentTypes may be attached to an assignment; HandInTypes handed
// in. They name server/files' types (types_test.go checks).
var (
	AttachmentTypes = protocol.AttachmentTypes
	HandInTypes     = protocol.HandInTypes
)

// Kinds of hand-in.
const (
	KindDone   = protocol.HandInKindDone
	KindHandIn = protocol.HandInKindHandIn
)

// States of an assignment for one student.
const (
	StateOpen     = protocol.BoardStateOpen
	StateDone     = protocol.BoardStateDone
	StateHandedIn = protocol.BoardStateHandedIn
	StateLate     = protocol.BoardStateLate
	StateMissing  = protocol.BoardStateMissing
)

// Assignment is one entry on a class's board.
type Assignment struct {
	ID       string
	ClassID  string
	Title    string
	Body     string
	Due      time.Time     // zero: no due time
	Grace    time.Duration // after Due, hand-ins are still accepted, as late
	Position int
	Archived time.Time // zero: on the board
	Created  time.Time
	Updated  time.Time
	Files    []File
}

// File is a stored file as an assignment or hand-in refers to it. Name is
// what the user called it (cleaned; never a path).
type File struct {
	Hash string
	Name string
	Type string
	Size int64
}

// HandIn is one submission of a student: a hand-in of text and files, or
// the mark "done". ID is chosen by the client, so that sending it again
// is harmless.
type HandIn struct {
	ID           string
	AssignmentID string
	StudentID    string // roster id
	Kind         string
	Text         string
	Created      time.Time // server time of receipt: decides late or not
	ClientAt     time.Time // when the student pressed the button (may be offline); zero if not sent
	Files        []File
}

// Closes is when hand-ins stop being accepted: due plus grace. Zero for
// an assignment without a due time (always accepted).
func (a Assignment) Closes() time.Time {
	if a.Due.IsZero() {
		return time.Time{}
	}
	return a.Due.Add(a.Grace)
}

// Accepts reports whether a hand-in received at t is accepted, and
// whether it counts as late.
func (a Assignment) Accepts(t time.Time) (ok, late bool) {
	if a.Due.IsZero() || !t.After(a.Due) {
		return true, false
	}
	return !t.After(a.Closes()), true
}

// Late reports whether a hand-in received at t counts as late.
func (a Assignment) Late(t time.Time) bool {
	return !a.Due.IsZero() && t.After(a.Due)
}

// State is the assignment's state for a student with these hand-ins (of
// this assignment and student), at now. A hand-in on time wins over a
// late one, any hand-in over "done".
func State(a Assignment, handIns []HandIn, now time.Time) string {
	handedIn, late, done := false, false, false
	for _, h := range handIns {
		switch h.Kind {
		case KindHandIn:
			if a.Late(h.Created) {
				late = true
			} else {
				handedIn = true
			}
		case KindDone:
			done = true
		}
	}
	switch {
	case handedIn:
		return StateHandedIn
	case late:
		return StateLate
	case done:
		return StateDone
	}
	if ok, _ := a.Accepts(now); !ok {
		return StateMissing
	}
	return StateOpen
}

// ErrInvalid wraps every validation failure; the message says what.
var ErrInvalid = errors.New("invalid")

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}

// Edit is what a teacher sets on an assignment.
type Edit struct {
	Title        string
	Body         string
	Due          time.Time
	GraceMinutes int
}

// Clean validates an edit and returns it cleaned: title trimmed, one line,
// 1–120 characters; body at most 20,000 characters, line ends \n; grace
// 0–14 days (and none without a due time).
func (e Edit) Clean() (Edit, error) {
	title := strings.Join(strings.Fields(e.Title), " ")
	if n := utf8.RuneCountInString(title); n == 0 || n > MaxTitleRunes {
		return e, invalid("a title needs 1 to %d characters", MaxTitleRunes)
	}
	if !printable(title, false) {
		return e, invalid("the title has control characters")
	}
	body, err := cleanText(e.Body, MaxBodyRunes, "text")
	if err != nil {
		return e, err
	}
	if e.GraceMinutes < 0 || e.GraceMinutes > MaxGraceMinutes {
		return e, invalid("graceMinutes must be 0 to %d (14 days)", MaxGraceMinutes)
	}
	if e.Due.IsZero() && e.GraceMinutes != 0 {
		return e, invalid("a grace window needs a due time")
	}
	return Edit{Title: title, Body: body, Due: e.Due, GraceMinutes: e.GraceMinutes}, nil
}

// CleanHandInText validates a student's text.
func CleanHandInText(s string) (string, error) {
	return cleanText(s, MaxHandInTextRunes, "text")
}

// cleanText normalises line ends, trims trailing space and refuses
// invalid UTF-8, control and bidi-override characters.
func cleanText(s string, max int, what string) (string, error) {
	if !utf8.ValidString(s) {
		return "", invalid("the %s is not valid UTF-8", what)
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	s = strings.TrimRightFunc(s, unicode.IsSpace)
	if utf8.RuneCountInString(s) > max {
		return "", invalid("the %s may have at most %d characters", what, max)
	}
	if !printable(s, true) {
		return "", invalid("the %s has control characters", what)
	}
	return s, nil
}

func printable(s string, multiline bool) bool {
	for _, r := range s {
		if multiline && (r == '\n' || r == '\t') {
			continue
		}
		if unicode.IsControl(r) || isBidiControl(r) {
			return false
		}
	}
	return true
}

func isBidiControl(r rune) bool {
	return r >= 0x202A && r <= 0x202E || r >= 0x2066 && r <= 0x2069
}

// ValidID reports whether a client-generated hand-in id is acceptable:
// 8 to 64 characters from A–Z, a–z, 0–9, '-' and '_' (a UUID or ULID).
func ValidID(id string) bool {
	if len(id) < 8 || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// CleanFileName turns a name sent by a browser into one fit for the
// database, a Content-Disposition header and a zip entry: the last path
// element only, no control, bidi or path characters, at most 120
// characters (the extension kept), never empty or a dot name. It is
// never used as a path on the server.
func CleanFileName(name, fallback string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	name = path.Base(name)
	var b strings.Builder
	for _, r := range strings.ToValidUTF8(name, "") {
		switch {
		case unicode.IsControl(r) || isBidiControl(r) || r == 0xFEFF:
		case strings.ContainsRune(`/\:*?"<>|`, r):
			b.WriteRune('_')
		default:
			b.WriteRune(r)
		}
	}
	name = strings.Join(strings.Fields(b.String()), " ")
	name = strings.TrimLeft(name, ".")
	if name == "" {
		name = fallback
	}
	if r := []rune(name); len(r) > MaxFileNameRunes {
		ext := []rune(path.Ext(name))
		if len(ext) > 10 {
			ext = nil
		}
		name = string(r[:MaxFileNameRunes-len(ext)]) + string(ext)
	}
	return name
}

// ExtFor is the usual extension of a stored type.
func ExtFor(typ string) string {
	switch typ {
	case files.PDF:
		return ".pdf"
	case files.PNG:
		return ".png"
	case files.JPEG:
		return ".jpg"
	case files.WebP:
		return ".webp"
	case files.Text:
		return ".txt"
	}
	return ""
}

// Same reports whether two hand-ins carry the same content (a replay)
// rather than two different submissions under one id.
func Same(a, b HandIn) bool {
	if a.ID != b.ID || a.AssignmentID != b.AssignmentID || a.StudentID != b.StudentID ||
		a.Kind != b.Kind || a.Text != b.Text || !a.ClientAt.Equal(b.ClientAt) || len(a.Files) != len(b.Files) {
		return false
	}
	for i := range a.Files {
		if a.Files[i].Hash != b.Files[i].Hash || a.Files[i].Name != b.Files[i].Name {
			return false
		}
	}
	return true
}
