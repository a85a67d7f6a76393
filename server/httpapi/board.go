package httpapi

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"

	"ersatzraum/app/protocol"
	"ersatzraum/server/board"
	"ersatzraum/server/codes"
	"ersatzraum/server/files"
	"ersatzraum/server/storage"
)

// The assignment board (issue #6): teachers manage a board per class;
// students, identified by their personal link, see it and hand in. See
// "Board" in docs/protocol.md. Rows are in storage, bytes in s.Files.

// BoardStore is what the board needs from storage. The server finds it on
// its class store (the database in production).
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
}

// Error codes of the board API (besides unauthorized, bad-payload,
// too-large and unknown-class).
const (
	errUnknownAssignment = "unknown-assignment"
	errUnknownFile       = "unknown-file"
	errBadFileType       = "bad-file-type"
	errTooManyFiles      = "too-many-files"
	errClosed            = "closed"
	errConflict          = "conflict"
	errUnavailable       = "unavailable"
)

// HandInReceipt answers PUT /api/board/{aid}/handins/{hid}.
type HandInReceipt struct {
	HandIn protocol.BoardHandIn `json:"handIn"`
	State  string               `json:"state"` // the assignment's state for the student now
}

// AssignmentRequest is the body of POST …/board and PUT …/board/{aid}.
type AssignmentRequest struct {
	Title        string     `json:"title"`
	Body         string     `json:"body"`
	Due          *time.Time `json:"due"` // null or absent: no due time
	GraceMinutes int        `json:"graceMinutes"`
}

func (s *Server) registerBoardRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/classes/{id}/board", s.withBoard(s.teacherBoard))
	mux.HandleFunc("POST /api/classes/{id}/board", s.withBoard(s.createAssignment))
	mux.HandleFunc("POST /api/classes/{id}/board/order", s.withBoard(s.orderBoard))
	mux.HandleFunc("PUT /api/classes/{id}/board/{aid}", s.withAssignment(s.editAssignment))
	mux.HandleFunc("POST /api/classes/{id}/board/{aid}/archive", s.withAssignment(s.archiveAssignment))
	mux.HandleFunc("POST /api/classes/{id}/board/{aid}/files", s.withAssignment(s.attachFile))
	mux.HandleFunc("GET /api/classes/{id}/board/{aid}/files/{hash}", s.withAssignment(s.teacherAttachment))
	mux.HandleFunc("DELETE /api/classes/{id}/board/{aid}/files/{hash}", s.withAssignment(s.detachFile))
	mux.HandleFunc("GET /api/classes/{id}/board/{aid}/handins", s.withAssignment(s.handInsView))
	mux.HandleFunc("GET /api/classes/{id}/board/{aid}/handins.zip", s.withAssignment(s.handInsZip))
	mux.HandleFunc("GET /api/classes/{id}/board/{aid}/handins/{hid}/files/{hash}", s.withAssignment(s.teacherHandInFile))
	mux.HandleFunc("GET /api/board", s.withStudent(s.studentBoard))
	mux.HandleFunc("GET /api/board/files/{hash}", s.withStudent(s.studentAttachment))
	mux.HandleFunc("PUT /api/board/{aid}/handins/{hid}", s.withStudent(s.putHandIn))
	mux.HandleFunc("GET /api/board/{aid}/handins/{hid}/files/{hash}", s.withStudent(s.studentHandInFile))
}

func (s *Server) boardStore(w http.ResponseWriter) (BoardStore, bool) {
	bs, ok := s.Classes.(BoardStore)
	if !ok || s.Files == nil {
		writeError(w, http.StatusServiceUnavailable, errUnavailable, "the board is not available on this server")
		return nil, false
	}
	return bs, true
}

// withBoard admits the class's own teacher, like withClass.
func (s *Server) withBoard(h func(http.ResponseWriter, *http.Request, storage.Class, BoardStore)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		bs, ok := s.boardStore(w)
		if !ok {
			return
		}
		s.withClass(func(w http.ResponseWriter, r *http.Request, c storage.Class) { h(w, r, c, bs) })(w, r)
	}
}

// withAssignment admits the class's own teacher and loads an assignment
// of the class (archived ones included).
func (s *Server) withAssignment(h func(http.ResponseWriter, *http.Request, storage.Class, board.Assignment, BoardStore)) http.HandlerFunc {
	return s.withBoard(func(w http.ResponseWriter, r *http.Request, c storage.Class, bs BoardStore) {
		a, err := bs.Assignment(r.Context(), c.ID, r.PathValue("aid"))
		if errors.Is(err, storage.ErrNotFound) {
			writeError(w, http.StatusNotFound, errUnknownAssignment, "no such assignment in this class")
			return
		}
		if err != nil {
			s.internal(w, "load assignment", err)
			return
		}
		h(w, r, c, a, bs)
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
func (s *Server) withStudent(h func(http.ResponseWriter, *http.Request, storage.RosterStudent, BoardStore)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		bs, ok := s.boardStore(w)
		if !ok {
			return
		}
		token := StudentToken(r)
		if token == "" {
			writeError(w, http.StatusUnauthorized, protocol.ErrUnauthorized, "send the personal link as Authorization: Bearer TOKEN")
			return
		}
		// Wrong links count against the same per-address budget as wrong
		// join codes on the WebSocket.
		addr := s.clientAddr(r)
		if s.Guard != nil && !s.Guard.MayGuess(addr) {
			w.Header().Set("Retry-After", "60")
			writeError(w, http.StatusTooManyRequests, protocol.ErrRateLimited, "too many wrong links from your address; try again in a minute")
			return
		}
		st, err := bs.RosterStudentByTokenHash(r.Context(), codes.HashToken(strings.ToLower(token)))
		if errors.Is(err, storage.ErrNotFound) {
			if s.Guard != nil {
				s.Guard.GuessFailed(addr)
			}
			writeError(w, http.StatusUnauthorized, protocol.ErrUnauthorized, "unknown or renewed personal link")
			return
		}
		if err != nil {
			s.internal(w, "load student", err)
			return
		}
		h(w, r, st, bs)
	}
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

func (s *Server) teacherBoard(w http.ResponseWriter, r *http.Request, c storage.Class, bs BoardStore) {
	tb, err := s.loadTeacherBoard(r.Context(), c, bs)
	if err != nil {
		s.internal(w, "load board", err)
		return
	}
	writeJSON(w, http.StatusOK, tb)
}

func (s *Server) loadTeacherBoard(ctx context.Context, c storage.Class, bs BoardStore) (protocol.TeacherBoard, error) {
	as, err := bs.ClassAssignments(ctx, c.ID)
	if err != nil {
		return protocol.TeacherBoard{}, err
	}
	roster, err := bs.Roster(ctx, c.ID)
	if err != nil {
		return protocol.TeacherBoard{}, err
	}
	hs, err := bs.ClassHandIns(ctx, c.ID)
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

func readAssignment(w http.ResponseWriter, r *http.Request) (board.Edit, bool) {
	var req AssignmentRequest
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

func (s *Server) createAssignment(w http.ResponseWriter, r *http.Request, c storage.Class, bs BoardStore) {
	e, ok := readAssignment(w, r)
	if !ok {
		return
	}
	n, err := bs.CountAssignments(r.Context(), c.ID)
	if err != nil {
		s.internal(w, "count assignments", err)
		return
	}
	if n >= board.MaxAssignments {
		writeError(w, http.StatusBadRequest, "board-full", fmt.Sprintf("a board holds at most %d assignments; delete or reuse old ones", board.MaxAssignments))
		return
	}
	now := time.Now()
	a, err := bs.CreateAssignment(r.Context(), board.Assignment{
		ID: codes.NewID(), ClassID: c.ID, Title: e.Title, Body: e.Body, Due: e.Due,
		Grace: time.Duration(e.GraceMinutes) * time.Minute, Created: now, Updated: now,
	})
	if err != nil {
		s.internal(w, "create assignment", err)
		return
	}
	writeJSON(w, http.StatusCreated, assignmentView(a))
}

func (s *Server) editAssignment(w http.ResponseWriter, r *http.Request, c storage.Class, a board.Assignment, bs BoardStore) {
	e, ok := readAssignment(w, r)
	if !ok {
		return
	}
	a.Title, a.Body, a.Due, a.Grace, a.Updated = e.Title, e.Body, e.Due, time.Duration(e.GraceMinutes)*time.Minute, time.Now()
	if err := bs.UpdateAssignment(r.Context(), a); err != nil {
		s.internal(w, "save assignment", err)
		return
	}
	s.respondAssignment(w, r, c, a.ID, bs, http.StatusOK)
}

func (s *Server) respondAssignment(w http.ResponseWriter, r *http.Request, c storage.Class, id string, bs BoardStore, status int) {
	a, err := bs.Assignment(r.Context(), c.ID, id)
	if err != nil {
		s.internal(w, "load assignment", err)
		return
	}
	writeJSON(w, status, assignmentView(a))
}

func (s *Server) orderBoard(w http.ResponseWriter, r *http.Request, c storage.Class, bs BoardStore) {
	var req struct {
		IDs []string `json:"ids"`
	}
	if !readBoardJSON(w, r, &req) {
		return
	}
	err := bs.ReorderAssignments(r.Context(), c.ID, req.IDs, time.Now())
	if errors.Is(err, storage.ErrNotFound) {
		writeError(w, http.StatusNotFound, errUnknownAssignment, "an id is not an assignment of this class")
		return
	}
	if err != nil {
		s.internal(w, "reorder board", err)
		return
	}
	s.teacherBoard(w, r, c, bs)
}

func (s *Server) archiveAssignment(w http.ResponseWriter, r *http.Request, c storage.Class, a board.Assignment, bs BoardStore) {
	var req struct {
		Archived *bool `json:"archived"`
	}
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
	if err := bs.SetAssignmentArchived(r.Context(), c.ID, a.ID, at); err != nil {
		s.internal(w, "archive assignment", err)
		return
	}
	s.respondAssignment(w, r, c, a.ID, bs, http.StatusOK)
}

// fileError answers a refused upload; false if err is not a refusal.
func fileError(w http.ResponseWriter, err error, limit int64) bool {
	var tooLarge *http.MaxBytesError
	switch {
	case errors.Is(err, files.ErrTooLarge), errors.As(err, &tooLarge):
		writeError(w, http.StatusRequestEntityTooLarge, protocol.ErrTooLarge, fmt.Sprintf("a file may have at most %d MiB", limit>>20))
	case errors.Is(err, files.ErrBadType):
		writeError(w, http.StatusUnsupportedMediaType, errBadFileType, "allowed are PDF, PNG, JPEG and WebP (and plain text for hand-ins); "+err.Error())
	case errors.Is(err, files.ErrEmpty):
		writeError(w, http.StatusBadRequest, protocol.ErrBadPayload, "the file is empty")
	default:
		return false
	}
	return true
}

// storePart stores one uploaded file part.
func (s *Server) storePart(part io.Reader, fileName string, limit int64, types []string) (board.File, error) {
	m, err := s.Files.Put(part, limit, types)
	if err != nil {
		return board.File{}, err
	}
	return board.File{Hash: m.Hash, Type: m.Type, Size: m.Size,
		Name: board.CleanFileName(fileName, "Datei"+board.ExtFor(m.Type))}, nil
}

// attachFile takes one file (multipart field "file") and attaches it.
func (s *Server) attachFile(w http.ResponseWriter, r *http.Request, c storage.Class, a board.Assignment, bs BoardStore) {
	if len(a.Files) >= board.MaxAttachments {
		writeError(w, http.StatusBadRequest, errTooManyFiles, fmt.Sprintf("an assignment has at most %d files", board.MaxAttachments))
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, board.MaxAttachmentBytes+64<<10)
	mr, err := r.MultipartReader()
	if err != nil {
		writeError(w, http.StatusBadRequest, protocol.ErrBadPayload, "send multipart/form-data with one field \"file\"")
		return
	}
	var f board.File
	found := false
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			if !fileError(w, err, board.MaxAttachmentBytes) {
				writeError(w, http.StatusBadRequest, protocol.ErrBadPayload, "bad multipart body: "+err.Error())
			}
			return
		}
		if part.FormName() != "file" || part.FileName() == "" {
			continue
		}
		if found {
			writeError(w, http.StatusBadRequest, errTooManyFiles, "send one file per request")
			return
		}
		f, err = s.storePart(part, part.FileName(), board.MaxAttachmentBytes, board.AttachmentTypes)
		if err != nil {
			if !fileError(w, err, board.MaxAttachmentBytes) {
				s.internal(w, "store file", err)
			}
			return
		}
		found = true
	}
	if !found {
		writeError(w, http.StatusBadRequest, protocol.ErrBadPayload, "no file in field \"file\"")
		return
	}
	if err := bs.AddAssignmentFile(r.Context(), c.ID, a.ID, f, time.Now()); err != nil {
		s.internal(w, "attach file", err)
		return
	}
	s.respondAssignment(w, r, c, a.ID, bs, http.StatusCreated)
}

func (s *Server) detachFile(w http.ResponseWriter, r *http.Request, c storage.Class, a board.Assignment, bs BoardStore) {
	err := bs.RemoveAssignmentFile(r.Context(), c.ID, a.ID, r.PathValue("hash"), time.Now())
	if errors.Is(err, storage.ErrNotFound) {
		writeError(w, http.StatusNotFound, errUnknownFile, "no such file on this assignment")
		return
	}
	if err != nil {
		s.internal(w, "detach file", err)
		return
	}
	s.respondAssignment(w, r, c, a.ID, bs, http.StatusOK)
}

func findFile(fs []board.File, hash string) (board.File, bool) {
	for _, f := range fs {
		if f.Hash == hash {
			return f, true
		}
	}
	return board.File{}, false
}

func (s *Server) teacherAttachment(w http.ResponseWriter, r *http.Request, c storage.Class, a board.Assignment, bs BoardStore) {
	f, ok := findFile(a.Files, r.PathValue("hash"))
	if !ok {
		writeError(w, http.StatusNotFound, errUnknownFile, "no such file on this assignment")
		return
	}
	s.serveFile(w, r, f, true)
}

// serveFile sends a stored file as a download. Attachments may be cached
// (their URL names their content); hand-ins may not.
func (s *Server) serveFile(w http.ResponseWriter, r *http.Request, f board.File, cacheable bool) {
	file, err := s.Files.Open(f.Hash)
	if err != nil {
		s.internal(w, "open file", err)
		return
	}
	defer file.Close()
	h := w.Header()
	typ := f.Type
	if typ == files.Text {
		typ += "; charset=utf-8"
	}
	h.Set("Content-Type", typ)
	h.Set("Content-Disposition", fileDisposition(f.Name))
	if cacheable {
		h.Set("Cache-Control", "private, max-age=31536000, immutable")
		h.Set("ETag", `"`+f.Hash+`"`)
	} else {
		h.Set("Cache-Control", "no-store")
	}
	// No scripts, even if a browser were to render it inline.
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	http.ServeContent(w, r, "", time.Time{}, file)
}

// fileDisposition names a download: an ASCII name for every browser and
// the real one per RFC 5987.
func fileDisposition(name string) string {
	ext := path.Ext(name)
	stem := strings.TrimSuffix(name, ext)
	ascii := "Datei"
	if strings.IndexFunc(transliterations.Replace(stem), func(r rune) bool {
		return r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	}) >= 0 {
		ascii = asciiSlug(stem)
	}
	return `attachment; filename="` + ascii + asciiSlugExt(ext) + `"; filename*=UTF-8''` + rfc5987(name)
}

func asciiSlugExt(ext string) string {
	var b strings.Builder
	for _, r := range ext {
		if r < 128 && (r == '.' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func (s *Server) handInsView(w http.ResponseWriter, r *http.Request, c storage.Class, a board.Assignment, bs BoardStore) {
	roster, groups, err := s.assignmentHandIns(r.Context(), c, a, bs)
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

func (s *Server) assignmentHandIns(ctx context.Context, c storage.Class, a board.Assignment, bs BoardStore) ([]storage.RosterStudent, map[string][]board.HandIn, error) {
	roster, err := bs.Roster(ctx, c.ID)
	if err != nil {
		return nil, nil, err
	}
	hs, err := bs.AssignmentHandIns(ctx, a.ID)
	if err != nil {
		return nil, nil, err
	}
	groups := map[string][]board.HandIn{}
	for _, h := range hs {
		groups[h.StudentID] = append(groups[h.StudentID], h)
	}
	return roster, groups, nil
}

func (s *Server) teacherHandInFile(w http.ResponseWriter, r *http.Request, c storage.Class, a board.Assignment, bs BoardStore) {
	h, err := bs.HandIn(r.Context(), r.PathValue("hid"))
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		s.internal(w, "load hand-in", err)
		return
	}
	f, ok := findFile(h.Files, r.PathValue("hash"))
	if err != nil || h.AssignmentID != a.ID || !ok {
		writeError(w, http.StatusNotFound, errUnknownFile, "no such file in this hand-in")
		return
	}
	s.serveFile(w, r, f, false)
}

// handInsZip streams all hand-ins of an assignment: a folder per student
// (by name, made unique), the text of each hand-in as a .txt file, and the
// files under their (cleaned, unique) names.
func (s *Server) handInsZip(w http.ResponseWriter, r *http.Request, c storage.Class, a board.Assignment, bs BoardStore) {
	roster, groups, err := s.assignmentHandIns(r.Context(), c, a, bs)
	if err != nil {
		s.internal(w, "load hand-ins", err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/zip")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Disposition", `attachment; filename="Abgaben-`+asciiSlug(a.Title)+`.zip"; filename*=UTF-8''`+rfc5987("Abgaben-"+safeFileName(a.Title)+".zip"))
	zw := zip.NewWriter(w)
	folders := uniqueNames{}
	for _, st := range roster {
		hs := groups[st.ID]
		if len(hs) == 0 {
			continue
		}
		dir := folders.take(board.CleanFileName(st.Name, "Schueler"))
		names := uniqueNames{}
		for _, hi := range hs {
			if hi.Kind == board.KindDone {
				continue
			}
			if hi.Text != "" {
				text := strings.ReplaceAll(hi.Text, "\n", "\r\n") // for Notepad
				if err := zipEntry(zw, dir+"/"+names.take("Text.txt"), hi.Created, strings.NewReader(text), zip.Deflate); err != nil {
					s.Log.Error("write hand-ins zip", "err", err)
					return
				}
			}
			for _, f := range hi.Files {
				file, err := s.Files.Open(f.Hash)
				if err != nil {
					s.Log.Error("write hand-ins zip", "err", err)
					return
				}
				method := zip.Store // PDF and images are compressed already
				if f.Type == files.Text {
					method = zip.Deflate
				}
				err = zipEntry(zw, dir+"/"+names.take(f.Name), hi.Created, file, method)
				file.Close()
				if err != nil {
					s.Log.Error("write hand-ins zip", "err", err)
					return
				}
			}
		}
	}
	if err := zw.Close(); err != nil {
		s.Log.Error("write hand-ins zip", "err", err)
	}
}

func zipEntry(zw *zip.Writer, name string, at time.Time, r io.Reader, method uint16) error {
	fw, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: method, Modified: at})
	if err != nil {
		return err
	}
	_, err = io.Copy(fw, r)
	return err
}

// uniqueNames hands out names, adding " (2)", " (3)" … before the
// extension to repeats (compared without case, as Windows does).
type uniqueNames map[string]bool

func (u uniqueNames) take(name string) string {
	ext := path.Ext(name)
	stem := strings.TrimSuffix(name, ext)
	candidate := name
	for i := 2; u[strings.ToLower(candidate)]; i++ {
		candidate = fmt.Sprintf("%s (%d)%s", stem, i, ext)
	}
	u[strings.ToLower(candidate)] = true
	return candidate
}

// studentBoard answers with the board of the student's class: assignments
// not archived, each with its state for the student and their hand-ins.
// The ETag lets an offline-capable client ask "changed?" cheaply.
func (s *Server) studentBoard(w http.ResponseWriter, r *http.Request, st storage.RosterStudent, bs BoardStore) {
	c, err := bs.Class(r.Context(), st.ClassID)
	if err != nil {
		s.internal(w, "load class", err)
		return
	}
	as, err := bs.ClassAssignments(r.Context(), st.ClassID)
	if err != nil {
		s.internal(w, "load board", err)
		return
	}
	hs, err := bs.StudentHandIns(r.Context(), st.ID)
	if err != nil {
		s.internal(w, "load hand-ins", err)
		return
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

func (s *Server) studentAttachment(w http.ResponseWriter, r *http.Request, st storage.RosterStudent, bs BoardStore) {
	f, err := bs.ClassAttachment(r.Context(), st.ClassID, r.PathValue("hash"))
	if errors.Is(err, storage.ErrNotFound) {
		writeError(w, http.StatusNotFound, errUnknownFile, "no such file on your class's board")
		return
	}
	if err != nil {
		s.internal(w, "load file", err)
		return
	}
	s.serveFile(w, r, f, true)
}

func (s *Server) studentHandInFile(w http.ResponseWriter, r *http.Request, st storage.RosterStudent, bs BoardStore) {
	h, err := bs.HandIn(r.Context(), r.PathValue("hid"))
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		s.internal(w, "load hand-in", err)
		return
	}
	f, ok := findFile(h.Files, r.PathValue("hash"))
	if err != nil || h.StudentID != st.ID || h.AssignmentID != r.PathValue("aid") || !ok {
		writeError(w, http.StatusNotFound, errUnknownFile, "no such file in your hand-ins")
		return
	}
	s.serveFile(w, r, f, false)
}

// handInForm is what a student sent.
type handInForm struct {
	Kind     string `json:"kind"`
	Text     string `json:"text"`
	ClientAt string `json:"clientAt"`
	files    []board.File
}

// readHandIn reads the body of PUT /api/board/{aid}/handins/{hid}:
// multipart/form-data (fields kind, text, clientAt, and up to five file
// parts named "files" or "files[]"), or else JSON
// {"kind","text","clientAt"} without files. Files are stored as they arrive.
func (s *Server) readHandIn(w http.ResponseWriter, r *http.Request) (handInForm, bool) {
	var f handInForm
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if !strings.HasPrefix(ct, "multipart/") {
		return f, readBoardJSON(w, r, &f)
	}
	r.Body = http.MaxBytesReader(w, r.Body, board.MaxHandInFiles*board.MaxHandInFileBytes+1<<20)
	mr, err := r.MultipartReader()
	if err != nil {
		writeError(w, http.StatusBadRequest, protocol.ErrBadPayload, "send multipart/form-data (kind, text, clientAt, files) or JSON")
		return f, false
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return f, true
		}
		if err != nil {
			if !fileError(w, err, board.MaxHandInFileBytes) {
				writeError(w, http.StatusBadRequest, protocol.ErrBadPayload, "bad multipart body: "+err.Error())
			}
			return f, false
		}
		switch name := part.FormName(); name {
		case "kind", "text", "clientAt":
			b, err := io.ReadAll(io.LimitReader(part, 128<<10+1))
			if err != nil {
				if !fileError(w, err, board.MaxHandInFileBytes) {
					writeError(w, http.StatusBadRequest, protocol.ErrBadPayload, "bad multipart body: "+err.Error())
				}
				return f, false
			}
			if len(b) > 128<<10 {
				writeError(w, http.StatusRequestEntityTooLarge, protocol.ErrTooLarge, "the text may have at most 20,000 characters")
				return f, false
			}
			switch name {
			case "kind":
				f.Kind = string(b)
			case "text":
				f.Text = string(b)
			case "clientAt":
				f.ClientAt = string(b)
			}
		case "files", "files[]", "file":
			if len(f.files) >= board.MaxHandInFiles {
				writeError(w, http.StatusBadRequest, errTooManyFiles, fmt.Sprintf("a hand-in has at most %d files", board.MaxHandInFiles))
				return f, false
			}
			bf, err := s.storePart(part, part.FileName(), board.MaxHandInFileBytes, board.HandInTypes)
			if err != nil {
				if !fileError(w, err, board.MaxHandInFileBytes) {
					s.internal(w, "store file", err)
				}
				return f, false
			}
			f.files = append(f.files, bf)
		}
	}
}

// putHandIn stores a hand-in under the id the client chose. The same id
// with the same content again (a retry from the outbox) answers 200 with
// what is stored and changes nothing, whenever it comes; the same id with
// other content is 409 conflict. New hand-ins are accepted until due plus
// grace (server time; after the due time they count as late), then 409
// closed.
func (s *Server) putHandIn(w http.ResponseWriter, r *http.Request, st storage.RosterStudent, bs BoardStore) {
	now := time.Now().Truncate(time.Millisecond) // as stored
	hid := r.PathValue("hid")
	if !board.ValidID(hid) {
		writeError(w, http.StatusBadRequest, protocol.ErrBadPayload, "a hand-in id has 8 to 64 characters from A-Z, a-z, 0-9, - and _")
		return
	}
	a, err := bs.Assignment(r.Context(), st.ClassID, r.PathValue("aid"))
	if errors.Is(err, storage.ErrNotFound) {
		writeError(w, http.StatusNotFound, errUnknownAssignment, "no such assignment on your class's board")
		return
	}
	if err != nil {
		s.internal(w, "load assignment", err)
		return
	}
	existing, err := bs.HandIn(r.Context(), hid)
	replay := err == nil
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		s.internal(w, "load hand-in", err)
		return
	}
	if replay && (existing.StudentID != st.ID || existing.AssignmentID != a.ID) {
		writeError(w, http.StatusConflict, errConflict, "this hand-in id is taken; make a new one")
		return
	}
	if !replay {
		if !a.Archived.IsZero() {
			writeError(w, http.StatusNotFound, errUnknownAssignment, "no such assignment on your class's board")
			return
		}
		if ok, _ := a.Accepts(now); !ok {
			writeError(w, http.StatusConflict, errClosed, "hand-ins for this assignment closed at "+a.Closes().Format(time.RFC3339))
			return
		}
	}
	form, ok := s.readHandIn(w, r)
	if !ok {
		return
	}
	h := board.HandIn{ID: hid, AssignmentID: a.ID, StudentID: st.ID, Kind: form.Kind, Created: now, Files: form.files}
	if h.Text, err = board.CleanHandInText(form.Text); err != nil {
		writeError(w, http.StatusBadRequest, protocol.ErrBadPayload, err.Error())
		return
	}
	if form.ClientAt != "" {
		t, err := time.Parse(time.RFC3339Nano, form.ClientAt)
		if err != nil {
			writeError(w, http.StatusBadRequest, protocol.ErrBadPayload, "clientAt must be an RFC 3339 time")
			return
		}
		h.ClientAt = t.Truncate(time.Millisecond)
	}
	switch h.Kind {
	case board.KindDone:
		if len(h.Files) > 0 {
			writeError(w, http.StatusBadRequest, protocol.ErrBadPayload, "\"done\" carries no files")
			return
		}
	case board.KindHandIn:
		if h.Text == "" && len(h.Files) == 0 {
			writeError(w, http.StatusBadRequest, protocol.ErrBadPayload, "a hand-in needs a text or a file")
			return
		}
	default:
		writeError(w, http.StatusBadRequest, protocol.ErrBadPayload, "kind must be \"done\" or \"handin\"")
		return
	}
	if !replay {
		err = bs.PutHandIn(r.Context(), h)
		if err == nil {
			s.handInReceipt(w, r, a, st, h, bs, http.StatusCreated)
			return
		}
		if !errors.Is(err, storage.ErrExists) {
			s.internal(w, "save hand-in", err)
			return
		}
		// The same id arrived twice at once: compare with the winner.
		if existing, err = bs.HandIn(r.Context(), hid); err != nil {
			s.internal(w, "load hand-in", err)
			return
		}
	}
	h.Created = existing.Created
	if !board.Same(h, existing) {
		writeError(w, http.StatusConflict, errConflict, "a different hand-in was stored under this id")
		return
	}
	s.handInReceipt(w, r, a, st, existing, bs, http.StatusOK)
}

func (s *Server) handInReceipt(w http.ResponseWriter, r *http.Request, a board.Assignment, st storage.RosterStudent, h board.HandIn, bs BoardStore, status int) {
	hs, err := bs.StudentHandIns(r.Context(), st.ID)
	if err != nil {
		s.internal(w, "load hand-ins", err)
		return
	}
	mine := byStudent(hs)[[2]string{a.ID, st.ID}]
	writeJSON(w, status, HandInReceipt{HandIn: handInView(a, h), State: board.State(a, mine, time.Now())})
}
