package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"ersatzraum/app/protocol"
	"ersatzraum/server/board"
	"ersatzraum/server/storage"
)

// The assignment board (issue #6): teachers manage a board per class
// (boardteacher.go, boardfiles.go); students, identified by their personal
// link, see it and hand in (boardstudent.go, handin.go). See "Board" in
// docs/protocol.md. Rows are in s.Board, bytes in s.Files; the bodies are
// app/protocol's, made from server/board's types here.

// BoardStore is what the board needs from storage.
type BoardStore interface {
	Class(ctx context.Context, id string) (storage.Class, error)
	Roster(ctx context.Context, classID string) ([]storage.RosterStudent, error)
	RosterStudentByTokenHash(ctx context.Context, hash []byte) (storage.RosterStudent, error)
	CreateAssignment(ctx context.Context, a board.Assignment) (board.Assignment, error)
	CountAssignments(ctx context.Context, classID string) (int, error)
	UpdateAssignment(ctx context.Context, a board.Assignment) error
	SetAssignmentArchived(ctx context.Context, classID, id string, at time.Time) error
	ReorderAssignments(ctx context.Context, classID string, ids []string, at time.Time) error
	Assignment(ctx context.Context, classID, id string) (board.Assignment, error)
	ClassAssignments(ctx context.Context, classID string) ([]board.Assignment, error)
	AddAssignmentFile(ctx context.Context, classID, assignmentID string, f board.File, at time.Time) error
	RemoveAssignmentFile(ctx context.Context, classID, assignmentID, hash string, at time.Time) error
	ClassAttachment(ctx context.Context, classID, hash string) (board.File, error)
	PutHandIn(ctx context.Context, h board.HandIn) error
	HandIn(ctx context.Context, id string) (board.HandIn, error)
	AssignmentHandIns(ctx context.Context, assignmentID string) ([]board.HandIn, error)
	ClassHandIns(ctx context.Context, classID string) ([]board.HandIn, error)
	StudentHandIns(ctx context.Context, studentID string) ([]board.HandIn, error)
	// Without texts and files, for counts and states; and sums for quotas.
	ClassHandInStates(ctx context.Context, classID string) ([]board.HandIn, error)
	StudentAssignmentStates(ctx context.Context, studentID, assignmentID string) ([]board.HandIn, error)
	HandInUsage(ctx context.Context, studentID, classID, assignmentID string) (student, class int64, onAssignment int, err error)
}

func boardFiles(fs []board.File) []protocol.BoardFile {
	out := make([]protocol.BoardFile, 0, len(fs))
	for _, f := range fs {
		out = append(out, protocol.BoardFile(f))
	}
	return out
}

func assignmentView(a board.Assignment) protocol.BoardAssignment {
	return protocol.BoardAssignment{
		ID: a.ID, Title: a.Title, Body: a.Body, Due: a.Due, GraceMinutes: int(a.Grace / time.Minute),
		Closes: a.Closes(), Position: a.Position, Archived: !a.Archived.IsZero(),
		CreatedAt: a.Created, UpdatedAt: a.Updated, Files: boardFiles(a.Files),
	}
}

func handInView(a board.Assignment, h board.HandIn) protocol.BoardHandIn {
	return protocol.BoardHandIn{ID: h.ID, Kind: h.Kind, Text: h.Text, ReceivedAt: h.Created, ClientAt: h.ClientAt,
		Late: h.Kind == board.KindHandIn && a.Late(h.Created), Files: boardFiles(h.Files)}
}

func countState(c *protocol.BoardCounts, state string) {
	switch state {
	case board.StateHandedIn:
		c.HandedIn++
	case board.StateLate:
		c.Late++
	case board.StateDone:
		c.Done++
	case board.StateMissing:
		c.Missing++
	default:
		c.Open++
	}
}

// byStudent groups hand-ins by assignment and student.
func byStudent(hs []board.HandIn) map[[2]string][]board.HandIn {
	out := map[[2]string][]board.HandIn{}
	for _, h := range hs {
		k := [2]string{h.AssignmentID, h.StudentID}
		out[k] = append(out[k], h)
	}
	return out
}

// readBoardJSON decodes a JSON body of at most 256 KiB (an assignment's
// text may have 20,000 characters).
func readBoardJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	r.Body = http.MaxBytesReader(w, r.Body, 256<<10)
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			writeError(w, http.StatusRequestEntityTooLarge, protocol.ErrTooLarge, "the body may have at most 256 KiB")
			return false
		}
		writeError(w, http.StatusBadRequest, protocol.ErrBadPayload, "the body must be JSON: "+err.Error())
		return false
	}
	return true
}

func findFile(fs []board.File, hash string) (board.File, bool) {
	for _, f := range fs {
		if f.Hash == hash {
			return f, true
		}
	}
	return board.File{}, false
}
