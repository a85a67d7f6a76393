package httpapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"ersatzraum/app/protocol"
	"ersatzraum/server/board"
	"ersatzraum/server/codes"
	"ersatzraum/server/storage"
)

// The teacher's board: the assignments of a class with counts, creating,
// editing, ordering and archiving them, and who handed in what.

func (s *Server) teacherBoard(w http.ResponseWriter, r *http.Request, c storage.Class) {
	tb, err := s.loadTeacherBoard(r.Context(), c)
	if err != nil {
		s.internal(w, "load board", err)
		return
	}
	writeJSON(w, http.StatusOK, tb)
}

func (s *Server) loadTeacherBoard(ctx context.Context, c storage.Class) (protocol.TeacherBoard, error) {
	as, err := s.Board.ClassAssignments(ctx, c.ID)
	if err != nil {
		return protocol.TeacherBoard{}, err
	}
	roster, err := s.Board.Roster(ctx, c.ID)
	if err != nil {
		return protocol.TeacherBoard{}, err
	}
	hs, err := s.Board.ClassHandInStates(ctx, c.ID) // counts need no texts or files
	if err != nil {
		return protocol.TeacherBoard{}, err
	}
	groups := byStudent(hs)
	now := time.Now()
	tb := protocol.TeacherBoard{ClassID: c.ID, ClassName: c.Name, Students: len(roster), Assignments: []protocol.BoardAssignment{}}
	for _, a := range as {
		v := assignmentView(a)
		v.Counts = &protocol.BoardCounts{}
		for _, st := range roster {
			countState(v.Counts, board.State(a, groups[[2]string{a.ID, st.ID}], now))
		}
		tb.Assignments = append(tb.Assignments, v)
	}
	return tb, nil
}

func readAssignment(w http.ResponseWriter, r *http.Request) (board.Edit, bool) {
	var req protocol.AssignmentRequest
	if !readBoardJSON(w, r, &req) {
		return board.Edit{}, false
	}
	e := board.Edit{Title: req.Title, Body: req.Body, GraceMinutes: req.GraceMinutes}
	if req.Due != nil {
		e.Due = req.Due.Truncate(time.Millisecond)
	}
	e, err := e.Clean()
	if err != nil {
		writeError(w, http.StatusBadRequest, protocol.ErrBadPayload, err.Error())
		return e, false
	}
	return e, true
}

func (s *Server) createAssignment(w http.ResponseWriter, r *http.Request, c storage.Class) {
	e, ok := readAssignment(w, r)
	if !ok {
		return
	}
	n, err := s.Board.CountAssignments(r.Context(), c.ID)
	if err != nil {
		s.internal(w, "count assignments", err)
		return
	}
	if n >= board.MaxAssignments {
		writeError(w, http.StatusBadRequest, protocol.ErrBoardFull, fmt.Sprintf("a board holds at most %d assignments; delete or reuse old ones", board.MaxAssignments))
		return
	}
	now := time.Now()
	a, err := s.Board.CreateAssignment(r.Context(), board.Assignment{
		ID: codes.NewID(), ClassID: c.ID, Title: e.Title, Body: e.Body, Due: e.Due,
		Grace: time.Duration(e.GraceMinutes) * time.Minute, Created: now, Updated: now,
	})
	if err != nil {
		s.internal(w, "create assignment", err)
		return
	}
	writeJSON(w, http.StatusCreated, assignmentView(a))
}

func (s *Server) editAssignment(w http.ResponseWriter, r *http.Request, c storage.Class, a board.Assignment) {
	e, ok := readAssignment(w, r)
	if !ok {
		return
	}
	a.Title, a.Body, a.Due, a.Grace, a.Updated = e.Title, e.Body, e.Due, time.Duration(e.GraceMinutes)*time.Minute, time.Now()
	if err := s.Board.UpdateAssignment(r.Context(), a); err != nil {
		s.internal(w, "save assignment", err)
		return
	}
	s.respondAssignment(w, r, c, a.ID, http.StatusOK)
}

func (s *Server) respondAssignment(w http.ResponseWriter, r *http.Request, c storage.Class, id string, status int) {
	a, err := s.Board.Assignment(r.Context(), c.ID, id)
	if err != nil {
		s.internal(w, "load assignment", err)
		return
	}
	writeJSON(w, status, assignmentView(a))
}

func (s *Server) orderBoard(w http.ResponseWriter, r *http.Request, c storage.Class) {
	var req protocol.BoardOrder
	if !readBoardJSON(w, r, &req) {
		return
	}
	err := s.Board.ReorderAssignments(r.Context(), c.ID, req.IDs, time.Now())
	if errors.Is(err, storage.ErrNotFound) {
		writeError(w, http.StatusNotFound, protocol.ErrUnknownAssignment, "an id is not an assignment of this class")
		return
	}
	if err != nil {
		s.internal(w, "reorder board", err)
		return
	}
	s.teacherBoard(w, r, c)
}

func (s *Server) archiveAssignment(w http.ResponseWriter, r *http.Request, c storage.Class, a board.Assignment) {
	var req protocol.ArchiveRequest
	if !readBoardJSON(w, r, &req) {
		return
	}
	if req.Archived == nil {
		writeError(w, http.StatusBadRequest, protocol.ErrBadPayload, `send {"archived": true} or {"archived": false}`)
		return
	}
	var at time.Time
	if *req.Archived {
		at = time.Now()
	}
	if err := s.Board.SetAssignmentArchived(r.Context(), c.ID, a.ID, at); err != nil {
		s.internal(w, "archive assignment", err)
		return
	}
	s.respondAssignment(w, r, c, a.ID, http.StatusOK)
}

func (s *Server) handInsView(w http.ResponseWriter, r *http.Request, c storage.Class, a board.Assignment) {
	roster, groups, err := s.assignmentHandIns(r.Context(), c, a)
	if err != nil {
		s.internal(w, "load hand-ins", err)
		return
	}
	now := time.Now()
	v := protocol.HandInsView{Assignment: assignmentView(a), Students: []protocol.StudentHandIns{}}
	v.Assignment.Counts = &protocol.BoardCounts{}
	for _, st := range roster {
		hs := groups[st.ID]
		line := protocol.StudentHandIns{Student: protocol.BoardStudent{ID: st.ID, Name: st.Name}, State: board.State(a, hs, now), HandIns: []protocol.BoardHandIn{}}
		countState(v.Assignment.Counts, line.State)
		for _, h := range hs {
			line.HandIns = append(line.HandIns, handInView(a, h))
			line.ReceivedAt = h.Created
		}
		v.Students = append(v.Students, line)
	}
	writeJSON(w, http.StatusOK, v)
}

func (s *Server) assignmentHandIns(ctx context.Context, c storage.Class, a board.Assignment) ([]storage.RosterStudent, map[string][]board.HandIn, error) {
	roster, err := s.Board.Roster(ctx, c.ID)
	if err != nil {
		return nil, nil, err
	}
	hs, err := s.Board.AssignmentHandIns(ctx, a.ID)
	if err != nil {
		return nil, nil, err
	}
	groups := map[string][]board.HandIn{}
	for _, h := range hs {
		groups[h.StudentID] = append(groups[h.StudentID], h)
	}
	return roster, groups, nil
}

func (s *Server) teacherHandInFile(w http.ResponseWriter, r *http.Request, c storage.Class, a board.Assignment) {
	h, err := s.Board.HandIn(r.Context(), r.PathValue("hid"))
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		s.internal(w, "load hand-in", err)
		return
	}
	f, ok := findFile(h.Files, r.PathValue("hash"))
	if err != nil || h.AssignmentID != a.ID || !ok {
		writeError(w, http.StatusNotFound, protocol.ErrUnknownFile, "no such file in this hand-in")
		return
	}
	s.serveFile(w, r, f, false)
}
