package httpapi

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"ersatzraum/app/protocol"
	"ersatzraum/server/storage"
)

// Saved quick-check results (protocol.CheckRecord): the teacher saved them
// from a running lesson (server/signaling); here they are read, per
// lesson and per class, as JSON and as CSV for a German Excel.

// CheckStore reads saved quick-check results.
type CheckStore interface {
	LessonChecks(ctx context.Context, lessonID string) ([]protocol.CheckRecord, error)
	ClassChecks(ctx context.Context, classID string) ([]protocol.CheckRecord, error)
}

// checkRoutes: a lesson's and a class's saved results, for their own
// teacher.
func (s *Server) checkRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/lessons/{id}/checks", s.withLesson(s.lessonChecks))
	if s.Classes != nil {
		mux.HandleFunc("GET /api/classes/{id}/checks", s.withClass(s.classChecks))
		mux.HandleFunc("GET /api/classes/{id}/checks.csv", s.withClass(s.classChecksCSV))
	}
}

func (s *Server) lessonChecks(w http.ResponseWriter, r *http.Request, l storage.Lesson) {
	recs, err := s.Checks.LessonChecks(r.Context(), l.ID)
	if err != nil {
		s.internal(w, "quick checks", err)
		return
	}
	writeJSON(w, http.StatusOK, nonNil(recs))
}

func (s *Server) classChecks(w http.ResponseWriter, r *http.Request, c storage.Class) {
	recs, err := s.Checks.ClassChecks(r.Context(), c.ID)
	if err != nil {
		s.internal(w, "quick checks", err)
		return
	}
	writeJSON(w, http.StatusOK, nonNil(recs))
}

func nonNil(recs []protocol.CheckRecord) []protocol.CheckRecord {
	if recs == nil {
		return []protocol.CheckRecord{}
	}
	return recs
}

// checksCSVHeader: one row per answer of a saved question.
var checksCSVHeader = []string{"Datum", "Beginn", "Stunde", "Frage", "Antwort", "Stimmen", "Geantwortet", "Anwesend"}

// ChecksCSV is a class's saved results as CSV, oldest first.
func ChecksCSV(recs []protocol.CheckRecord, loc *time.Location) []byte {
	out := [][]string{checksCSVHeader}
	for _, rec := range recs {
		start := time.UnixMilli(rec.LessonStartedAt).In(loc)
		for i, opt := range rec.Options {
			n := 0
			if i < len(rec.Counts) {
				n = rec.Counts[i]
			}
			out = append(out, []string{start.Format(dateLayout), start.Format(clockLayout), rec.LessonTitle, rec.Question, opt,
				strconv.Itoa(n), strconv.Itoa(rec.Answered), strconv.Itoa(rec.Present)})
		}
	}
	return excelCSV(out)
}

func (s *Server) classChecksCSV(w http.ResponseWriter, r *http.Request, c storage.Class) {
	recs, err := s.Checks.ClassChecks(r.Context(), c.ID)
	if err != nil {
		s.internal(w, "quick checks CSV", err)
		return
	}
	loc := recordZone()
	writeCSV(w, exportName("Schnellabfragen", c.Name, time.Now().In(loc).Format("2006-01-02")), ChecksCSV(recs, loc))
}
