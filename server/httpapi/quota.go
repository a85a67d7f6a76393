package httpapi

import (
	"errors"
	"fmt"
	"net/http"

	"ersatzraum/app/protocol"
	"ersatzraum/server/board"
	"ersatzraum/server/storage"
)

// Quotas on hand-ins, so that one student cannot fill the server's disk
// (issue 16). docs/admin.md states the defaults.

// Quota bounds what hand-ins may store: bytes of files and texts per
// student (all assignments) and per class (all students).
type Quota struct {
	Student int64
	Class   int64
}

// DefaultQuota: 200 MiB per student (ten hand-ins of 20 MiB), 3 GiB per
// class (a class of 30 with 100 MiB each).
var DefaultQuota = Quota{Student: 200 << 20, Class: 3 << 30}

// errQuota: the hand-in would go over a quota.
var errQuota = errors.New("quota")

func (s *Server) quota() Quota {
	q := s.Quota
	if q.Student <= 0 {
		q.Student = DefaultQuota.Student
	}
	if q.Class <= 0 {
		q.Class = DefaultQuota.Class
	}
	return q
}

// quotaRoom says how many bytes a new hand-in of st on assignment aid may
// still bring, before its body is read; it answers the refusal itself.
func (s *Server) quotaRoom(w http.ResponseWriter, r *http.Request, st storage.RosterStudent, aid string) (int64, bool) {
	mine, class, onAssignment, err := s.Board.HandInUsage(r.Context(), st.ID, st.ClassID, aid)
	if err != nil {
		s.internal(w, "count hand-ins", err)
		return 0, false
	}
	if onAssignment >= protocol.MaxHandInsPerAssignment {
		writeError(w, http.StatusRequestEntityTooLarge, protocol.ErrQuota, fmt.Sprintf("at most %d hand-ins per assignment", protocol.MaxHandInsPerAssignment))
		return 0, false
	}
	q := s.quota()
	room := min(q.Student-mine, q.Class-class)
	if room <= 0 {
		quotaError(w)
		return 0, false
	}
	return room, true
}

// commitHandIn stores a checked hand-in: under handInMu, so that two
// hand-ins at once cannot both fit a quota that holds only one, it counts
// again, commits the staged files and writes the row.
func (s *Server) commitHandIn(r *http.Request, st storage.RosterStudent, f *handInForm, h board.HandIn) error {
	s.handInMu.Lock()
	defer s.handInMu.Unlock()
	mine, class, onAssignment, err := s.Board.HandInUsage(r.Context(), st.ID, st.ClassID, h.AssignmentID)
	if err != nil {
		return err
	}
	size := int64(len(h.Text))
	for _, file := range h.Files {
		size += file.Size
	}
	q := s.quota()
	if onAssignment >= protocol.MaxHandInsPerAssignment || mine+size > q.Student || class+size > q.Class {
		return errQuota
	}
	// The same id stored meanwhile (the outbox sent it twice at once):
	// compare, store nothing. Every commit runs under handInMu, so this
	// look cannot race another commit.
	if _, err := s.Board.HandIn(r.Context(), h.ID); err == nil {
		return storage.ErrExists
	} else if !errors.Is(err, storage.ErrNotFound) {
		return err
	}
	for _, sf := range f.staged {
		if err := sf.Commit(); err != nil {
			return err
		}
	}
	f.staged = nil
	return s.Board.PutHandIn(r.Context(), h)
}
