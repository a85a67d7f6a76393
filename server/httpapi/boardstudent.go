package httpapi

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"ersatzraum/app/protocol"
	"ersatzraum/server/board"
	"ersatzraum/server/storage"
)

// The student's board: the assignments of their class with their own
// state and hand-ins, and downloads of what they may see.

// studentBoard answers with the board of the student's class: assignments
// not archived, each with its state for the student and their hand-ins.
// The ETag lets an offline-capable client ask "changed?" cheaply.
func (s *Server) studentBoard(w http.ResponseWriter, r *http.Request, st storage.RosterStudent) {
	sb, err := s.boardOf(r.Context(), st)
	if err != nil {
		s.internal(w, "load board", err)
		return
	}
	body, err := json.Marshal(sb)
	if err != nil {
		s.internal(w, "encode board", err)
		return
	}
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:16]) + `"`
	w.Header().Set("ETag", etag)
	w.Header().Set("Cache-Control", "no-store")
	if match := r.Header.Get("If-None-Match"); match != "" && strings.Contains(match, etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write(append(body, '\n'))
}

// boardOf is a student's view of their class's board: the open
// assignments with the student's own hand-ins. GET /api/board sends it,
// and the board page carries it prerendered (boardpage.go).
func (s *Server) boardOf(ctx context.Context, st storage.RosterStudent) (protocol.StudentBoard, error) {
	c, err := s.Board.Class(ctx, st.ClassID)
	if err != nil {
		return protocol.StudentBoard{}, fmt.Errorf("load class: %w", err)
	}
	as, err := s.Board.ClassAssignments(ctx, st.ClassID)
	if err != nil {
		return protocol.StudentBoard{}, fmt.Errorf("load assignments: %w", err)
	}
	hs, err := s.Board.StudentHandIns(ctx, st.ID)
	if err != nil {
		return protocol.StudentBoard{}, fmt.Errorf("load hand-ins: %w", err)
	}
	groups := byStudent(hs)
	now := time.Now()
	sb := protocol.StudentBoard{ClassID: c.ID, ClassName: c.Name, Student: protocol.BoardStudent{ID: st.ID, Name: st.Name}, Assignments: []protocol.BoardAssignment{}}
	for _, a := range as {
		if !a.Archived.IsZero() {
			continue
		}
		v := assignmentView(a)
		mine := groups[[2]string{a.ID, st.ID}]
		v.State = board.State(a, mine, now)
		v.HandIns = []protocol.BoardHandIn{}
		for _, h := range mine {
			v.HandIns = append(v.HandIns, handInView(a, h))
			if h.Created.After(sb.UpdatedAt) {
				sb.UpdatedAt = h.Created
			}
		}
		if a.Updated.After(sb.UpdatedAt) {
			sb.UpdatedAt = a.Updated
		}
		sb.Assignments = append(sb.Assignments, v)
	}
	return sb, nil
}

func (s *Server) studentAttachment(w http.ResponseWriter, r *http.Request, st storage.RosterStudent) {
	f, err := s.Board.ClassAttachment(r.Context(), st.ClassID, r.PathValue("hash"))
	if errors.Is(err, storage.ErrNotFound) {
		writeError(w, http.StatusNotFound, protocol.ErrUnknownFile, "no such file on your class's board")
		return
	}
	if err != nil {
		s.internal(w, "load file", err)
		return
	}
	s.serveFile(w, r, f, true)
}

func (s *Server) studentHandInFile(w http.ResponseWriter, r *http.Request, st storage.RosterStudent) {
	h, err := s.Board.HandIn(r.Context(), r.PathValue("hid"))
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		s.internal(w, "load hand-in", err)
		return
	}
	f, ok := findFile(h.Files, r.PathValue("hash"))
	if err != nil || h.StudentID != st.ID || h.AssignmentID != r.PathValue("aid") || !ok {
		writeError(w, http.StatusNotFound, protocol.ErrUnknownFile, "no such file in your hand-ins")
		return
	}
	s.serveFile(w, r, f, false)
}
