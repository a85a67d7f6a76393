package httpapi

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"ersatzraum/app/protocol"
	"ersatzraum/server/codes"
	"ersatzraum/server/roster"
	"ersatzraum/server/signaling"
	"ersatzraum/server/storage"
)

// LessonStore is what the lesson endpoints (and /readyz) need from
// storage.
type LessonStore interface {
	CreateLesson(ctx context.Context, l storage.Lesson) error
	Lesson(ctx context.Context, id string) (storage.Lesson, error)
	LessonAttendance(ctx context.Context, lessonID string) ([]storage.Attendance, error)
	Ping(ctx context.Context) error
}

// LessonHost makes a lesson joinable (the signaling hub) and says whether
// it still runs.
type LessonHost interface {
	AddLesson(l signaling.Lesson, lines []roster.Line)
	Live(lessonID string) bool
}

// HubLesson is a stored lesson as a hub hosts it after a restart (or on
// another node: package cluster), its join code only as a hash.
func HubLesson(l storage.Lesson) signaling.Lesson {
	return signaling.Lesson{
		ID: l.ID, TeacherID: l.TeacherID, Title: l.Title, CodeHash: l.CodeHash,
		ClassID: l.ClassID, Lobby: true, Locked: l.Locked, Start: l.CreatedAt,
	}
}

func (s *Server) createLesson(w http.ResponseWriter, r *http.Request) {
	t, err := s.Accounts.TeacherFromRequest(r)
	if err != nil {
		writeError(w, http.StatusUnauthorized, protocol.ErrUnauthorized, "sign in as a teacher first")
		return
	}
	var req protocol.CreateLessonRequest
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, protocol.ErrBadPayload, "body must be JSON: {\"title\": \"...\"}")
		return
	}
	if req.ClassID != "" {
		c, err := s.classOf(r.Context(), t.ID, req.ClassID)
		if err != nil {
			writeError(w, http.StatusNotFound, protocol.ErrUnknownClass, "no such class")
			return
		}
		if strings.TrimSpace(req.Title) == "" {
			req.Title = c.Name
		}
	}
	title, ok := protocol.CleanName(req.Title, protocol.MaxTitleRunes)
	if !ok {
		writeError(w, http.StatusBadRequest, protocol.ErrBadName, "a title needs 1 to 80 printable characters")
		return
	}
	code := codes.NewCode()
	l := storage.Lesson{
		ID:        codes.NewID(),
		TeacherID: t.ID,
		Title:     title,
		CodeHash:  codes.HashCode(codes.NormalizeCode(code)),
		ClassID:   req.ClassID,
		CreatedAt: time.Now(),
	}
	if err := s.Lessons.CreateLesson(r.Context(), l); err != nil {
		s.Log.Error("create lesson", "err", err)
		writeError(w, http.StatusInternalServerError, protocol.ErrInternal, "the lesson could not be saved")
		return
	}
	// Students whose name is not on the class list (and everyone in an
	// ad-hoc lesson) wait in the lobby until the teacher admits them.
	s.Host.AddLesson(signaling.Lesson{ID: l.ID, TeacherID: t.ID, Title: title, CodeHash: l.CodeHash, Code: code, ClassID: req.ClassID, Lobby: true, Start: l.CreatedAt}, nil)
	writeJSON(w, http.StatusCreated, protocol.CreatedLesson{
		ID:      l.ID,
		Title:   title,
		Code:    code,
		JoinURL: baseURL(r) + "/join/" + code,
	})
}

// attendance is a lesson's stored roll call, for its own teacher
// (withLesson).
func (s *Server) attendance(w http.ResponseWriter, r *http.Request, l storage.Lesson) {
	rows, err := s.Lessons.LessonAttendance(r.Context(), l.ID)
	if err != nil {
		s.internal(w, "load attendance", err)
		return
	}
	out := make([]protocol.AttendanceLine, 0, len(rows))
	for _, a := range rows {
		out = append(out, protocol.AttendanceLine{Name: a.Name, Status: a.Status, JoinedAt: a.JoinedAt, LeftAt: a.LeftAt})
	}
	writeJSON(w, http.StatusOK, out)
}

// baseURL is this server as the request reached it: join links and
// personal links are built on it.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
