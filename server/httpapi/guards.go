package httpapi

import (
	"errors"
	"net/http"
	"strings"

	"ersatzraum/app/protocol"
	"ersatzraum/server/board"
	"ersatzraum/server/codes"
	"ersatzraum/server/storage"
)

// Guards admit a request to a handler and hand it what they loaded.
// Another teacher's class or lesson answers exactly like a missing one,
// so that ids cannot be probed.

// withClass admits only the class's own teacher.
func (s *Server) withClass(h func(http.ResponseWriter, *http.Request, storage.Class)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		t, err := s.Accounts.TeacherFromRequest(r)
		if err != nil {
			writeError(w, http.StatusUnauthorized, protocol.ErrUnauthorized, "sign in as a teacher first")
			return
		}
		c, err := s.Classes.Class(r.Context(), r.PathValue("id"))
		if errors.Is(err, storage.ErrNotFound) || (err == nil && c.TeacherID != t.ID) {
			writeError(w, http.StatusNotFound, protocol.ErrUnknownClass, "no such class")
			return
		}
		if err != nil {
			s.internal(w, "load class", err)
			return
		}
		h(w, r, c)
	}
}

// withLesson admits only the lesson's own teacher.
func (s *Server) withLesson(h func(http.ResponseWriter, *http.Request, storage.Lesson)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		t, err := s.Accounts.TeacherFromRequest(r)
		if err != nil {
			writeError(w, http.StatusUnauthorized, protocol.ErrUnauthorized, "sign in as a teacher first")
			return
		}
		l, err := s.Lessons.Lesson(r.Context(), r.PathValue("id"))
		if errors.Is(err, storage.ErrNotFound) || (err == nil && l.TeacherID != t.ID) {
			writeError(w, http.StatusNotFound, protocol.ErrUnknownLesson, "no such lesson")
			return
		}
		if err != nil {
			s.internal(w, "load lesson", err)
			return
		}
		h(w, r, l)
	}
}

// boardReady answers 503 unless this server has a board: its rows and a
// file store for its files.
func (s *Server) boardReady(w http.ResponseWriter) bool {
	if s.Board == nil || s.Files == nil {
		writeError(w, http.StatusServiceUnavailable, protocol.ErrUnavailable, "the board is not available on this server")
		return false
	}
	return true
}

// withBoard admits the class's own teacher to its board, like withClass.
func (s *Server) withBoard(h func(http.ResponseWriter, *http.Request, storage.Class)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.boardReady(w) {
			s.withClass(h)(w, r)
		}
	}
}

// withAssignment admits the class's own teacher and loads an assignment
// of the class (archived ones included).
func (s *Server) withAssignment(h func(http.ResponseWriter, *http.Request, storage.Class, board.Assignment)) http.HandlerFunc {
	return s.withBoard(func(w http.ResponseWriter, r *http.Request, c storage.Class) {
		a, err := s.Board.Assignment(r.Context(), c.ID, r.PathValue("aid"))
		if errors.Is(err, storage.ErrNotFound) {
			writeError(w, http.StatusNotFound, protocol.ErrUnknownAssignment, "no such assignment in this class")
			return
		}
		if err != nil {
			s.internal(w, "load assignment", err)
			return
		}
		h(w, r, c, a)
	})
}

// StudentToken reads a student's personal-link token from a request:
// the header "Authorization: Bearer TOKEN".
func StudentToken(r *http.Request) string {
	auth := r.Header.Get("Authorization")
	if len(auth) > 7 && strings.EqualFold(auth[:7], "bearer ") {
		return strings.TrimSpace(auth[7:])
	}
	return ""
}

// withStudent admits a student on a class list by the personal-link token.
func (s *Server) withStudent(h func(http.ResponseWriter, *http.Request, storage.RosterStudent)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.boardReady(w) {
			return
		}
		token := StudentToken(r)
		if token == "" {
			writeError(w, http.StatusUnauthorized, protocol.ErrUnauthorized, "send the personal link as Authorization: Bearer TOKEN")
			return
		}
		// A right link is never refused (it cannot be guessed, and others
		// behind the same address must not lock it out); wrong links are
		// counted per address, apart from wrong join codes.
		st, err := s.Board.RosterStudentByTokenHash(r.Context(), codes.HashToken(token))
		if errors.Is(err, storage.ErrNotFound) {
			if s.Guard != nil && !s.Guard.TokenFailed(s.clientAddr(r)) {
				w.Header().Set("Retry-After", "60")
				writeError(w, http.StatusTooManyRequests, protocol.ErrRateLimited, "too many wrong links from your address; try again in a minute")
				return
			}
			writeError(w, http.StatusUnauthorized, protocol.ErrUnauthorized, "unknown or renewed personal link")
			return
		}
		if err != nil {
			s.internal(w, "load student", err)
			return
		}
		h(w, r, st)
	}
}
