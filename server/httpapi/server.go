// Package httpapi owns the HTTP surface of the server: the go-app page
// handler with its embedded resources, the login link, the JSON API for
// teachers, and the mount point of the signaling WebSocket.
package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"ersatzraum/app/protocol"
	"ersatzraum/server/accounts"
	"ersatzraum/server/codes"
	"ersatzraum/server/files"
	"ersatzraum/server/roster"
	"ersatzraum/server/signaling"
	"ersatzraum/server/storage"
)

// LessonStore is what the API needs from storage.
type LessonStore interface {
	CreateLesson(ctx context.Context, l storage.Lesson) error
	Lesson(ctx context.Context, id string) (storage.Lesson, error)
	LessonAttendance(ctx context.Context, lessonID string) ([]storage.Attendance, error)
	Ping(ctx context.Context) error
}

// LessonHost makes a lesson joinable (the signaling hub).
type LessonHost interface {
	AddLesson(l signaling.Lesson, lines []roster.Line)
}

// Server wires everything reachable over HTTP.
type Server struct {
	Accounts  *accounts.Service
	Lessons   LessonStore
	Host      LessonHost
	Signaling http.Handler
	Assets    *Assets
	Pages     *app.Handler
	// Metrics serves /metrics to clients that MetricsAllowed admits
	// (by default loopback only: operational data is not for everyone).
	Metrics        http.Handler
	MetricsAllowed func(*http.Request) bool
	// AllowedOrigins are other sites (https://host) whose pages may call
	// the API: the web server that hosts the exported static app.
	AllowedOrigins []string
	// ClientAddr returns the client address of a request (behind trusted
	// proxies); failed logins are counted against it. Nil: the TCP peer.
	ClientAddr func(*http.Request) netip.Addr
	// Classes, ClassHost and Sealer serve the class lists (classes.go).
	Classes   ClassStore
	ClassHost ClassHost
	Sealer    *codes.Sealer
	// Files holds the assignment board's files (board.go); nil: the board
	// answers 503.
	Files *files.Store
	// Guard limits wrong personal links per address (nil: no limit).
	Guard interface {
		MayGuess(netip.Addr) bool
		GuessFailed(netip.Addr)
	}
	Log *slog.Logger
}

// Handler returns the root handler.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /login", s.loginPage)
	mux.HandleFunc("POST /login", s.loginSubmit)
	mux.HandleFunc("POST /api/login", s.apiLogin)
	mux.HandleFunc("POST /api/password", s.apiPassword)
	mux.HandleFunc("POST /logout", s.logout)
	mux.HandleFunc("GET /api/me", s.me)
	mux.HandleFunc("POST /api/lessons", s.createLesson)
	mux.HandleFunc("GET /api/lessons/{id}/attendance", s.attendance)
	if s.Classes != nil {
		s.registerClassRoutes(mux)
		s.registerRecordRoutes(mux)
		s.registerBoardRoutes(mux)
	}
	mux.Handle("GET /ws", s.Signaling)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok\n")) })
	mux.HandleFunc("GET /readyz", s.ready)
	if s.Metrics != nil {
		mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, r *http.Request) {
			if s.MetricsAllowed != nil && !s.MetricsAllowed(r) {
				http.Error(w, "metrics are not available from your address", http.StatusForbidden)
				return
			}
			s.Metrics.ServeHTTP(w, r)
		})
	}
	mux.Handle("/", s.Pages)
	return securityHeaders(cors(s.AllowedOrigins, mux))
}

const contentSecurityPolicy = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; " +
	"style-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; " +
	"worker-src 'self'; manifest-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; " +
	"form-action 'self'; frame-ancestors 'none'"

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		// Camera and microphone for this origin only.
		h.Set("Permissions-Policy", "camera=(self), microphone=(self), geolocation=()")
		// Only this origin, for everything: no outside fonts, scripts,
		// STUN or analytics can sneak in. wasm needs wasm-unsafe-eval; the
		// print sheet's QR codes are data: images.
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		next.ServeHTTP(w, r)
	})
}

// apiError is the JSON body of every API refusal.
type apiError struct {
	Error protocol.Error `json:"error"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, code, message string) {
	writeJSON(w, status, apiError{Error: protocol.Error{Code: code, Message: message}})
}

var loginFailedPage = template.Must(template.New("").Parse(`<!doctype html>
<html lang="de"><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Anmeldung fehlgeschlagen – Ersatzraum</title>
<link rel="stylesheet" href="/web/app.css">
<main class="page"><h1>Anmeldung fehlgeschlagen</h1>
<p>Dieser Anmeldelink ist unbekannt, abgelaufen oder wurde schon benutzt.
Bitte lassen Sie sich von der Schul-IT einen neuen Link geben.</p>
<p lang="en">This login link is unknown, expired or already used.</p>
<p><a href="/">Zur Startseite</a></p></main></html>`))

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	cookie, err := s.Accounts.Logout(r)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "internal", "logout failed")
		return
	}
	http.SetCookie(w, cookie)
	writeJSON(w, http.StatusOK, struct{}{})
}

// Me describes the signed-in teacher.
type Me struct {
	Teacher struct {
		ID          string `json:"id"`
		Name        string `json:"name"`
		HasPassword bool   `json:"hasPassword"`
	} `json:"teacher"`
}

func (s *Server) me(w http.ResponseWriter, r *http.Request) {
	t, err := s.Accounts.TeacherFromRequest(r)
	if err != nil {
		writeError(w, http.StatusUnauthorized, protocol.ErrUnauthorized, "not signed in")
		return
	}
	var m Me
	m.Teacher.ID, m.Teacher.Name, m.Teacher.HasPassword = t.ID, t.Name, t.HasPassword
	writeJSON(w, http.StatusOK, m)
}

// CreateLessonRequest is the body of POST /api/lessons. A lesson of a
// class takes the class's name when it has no title of its own.
type CreateLessonRequest struct {
	Title   string `json:"title"`
	ClassID string `json:"classId,omitempty"`
}

func (s *Server) createLesson(w http.ResponseWriter, r *http.Request) {
	t, err := s.Accounts.TeacherFromRequest(r)
	if err != nil {
		writeError(w, http.StatusUnauthorized, protocol.ErrUnauthorized, "sign in as a teacher first")
		return
	}
	var req CreateLessonRequest
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, protocol.ErrBadPayload, "body must be JSON: {\"title\": \"...\"}")
		return
	}
	if req.ClassID != "" {
		c, err := s.classOf(r.Context(), t.ID, req.ClassID)
		if err != nil {
			writeError(w, http.StatusNotFound, "unknown-class", "no such class")
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
		CreatedAt: time.Now(),
	}
	err = s.Lessons.CreateLesson(r.Context(), l)
	if err == nil && req.ClassID != "" {
		err = s.Classes.SetLessonClass(r.Context(), l.ID, req.ClassID)
	}
	if err != nil {
		s.Log.Error("create lesson", "err", err)
		writeError(w, http.StatusInternalServerError, "internal", "the lesson could not be saved")
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

// AttendanceLine is one line of GET /api/lessons/{id}/attendance.
type AttendanceLine struct {
	Name     string    `json:"name"`
	Status   string    `json:"status"`
	JoinedAt time.Time `json:"joinedAt,omitzero"` // absent: never joined
	LeftAt   time.Time `json:"leftAt,omitzero"`
}

func (s *Server) attendance(w http.ResponseWriter, r *http.Request) {
	t, err := s.Accounts.TeacherFromRequest(r)
	if err != nil {
		writeError(w, http.StatusUnauthorized, protocol.ErrUnauthorized, "sign in as a teacher first")
		return
	}
	l, err := s.Lessons.Lesson(r.Context(), r.PathValue("id"))
	if errors.Is(err, storage.ErrNotFound) || (err == nil && l.TeacherID != t.ID) {
		// Another teacher's lesson looks exactly like a missing one.
		writeError(w, http.StatusNotFound, protocol.ErrUnknownLesson, "no such lesson")
		return
	}
	if err != nil {
		writeError(w, http.StatusInternalServerError, "internal", "storage error")
		return
	}
	rows, err := s.Lessons.LessonAttendance(r.Context(), l.ID)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "internal", "storage error")
		return
	}
	out := make([]AttendanceLine, 0, len(rows))
	for _, a := range rows {
		out = append(out, AttendanceLine{Name: a.Name, Status: a.Status, JoinedAt: a.JoinedAt, LeftAt: a.LeftAt})
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) ready(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.Lessons.Ping(ctx); err != nil {
		http.Error(w, "storage unreachable", http.StatusServiceUnavailable)
		return
	}
	w.Write([]byte("ready\n"))
}

func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
