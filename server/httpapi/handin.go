package httpapi

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"ersatzraum/app/protocol"
	"ersatzraum/server/board"
	"ersatzraum/server/storage"
)

// Students' hand-ins: PUT /api/board/{aid}/handins/{hid}, exactly once
// per id the client chose, also when the outbox sends it again.

// handInForm is what a student sent, with the files as stored.
type handInForm struct {
	protocol.HandInForm
	files []board.File
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
		case protocol.FieldKind, protocol.FieldText, protocol.FieldClientAt:
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
			case protocol.FieldKind:
				f.Kind = string(b)
			case protocol.FieldText:
				f.Text = string(b)
			case protocol.FieldClientAt:
				f.ClientAt = string(b)
			}
		case protocol.FieldFiles, protocol.FieldFiles + "[]", protocol.FieldFile: // as browsers and curl name them
			if len(f.files) >= board.MaxHandInFiles {
				writeError(w, http.StatusBadRequest, protocol.ErrTooManyFiles, fmt.Sprintf("a hand-in has at most %d files", board.MaxHandInFiles))
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
func (s *Server) putHandIn(w http.ResponseWriter, r *http.Request, st storage.RosterStudent) {
	now := time.Now().Truncate(time.Millisecond) // as stored
	hid := r.PathValue("hid")
	if !board.ValidID(hid) {
		writeError(w, http.StatusBadRequest, protocol.ErrBadPayload, "a hand-in id has 8 to 64 characters from A-Z, a-z, 0-9, - and _")
		return
	}
	a, err := s.Board.Assignment(r.Context(), st.ClassID, r.PathValue("aid"))
	if errors.Is(err, storage.ErrNotFound) {
		writeError(w, http.StatusNotFound, protocol.ErrUnknownAssignment, "no such assignment on your class's board")
		return
	}
	if err != nil {
		s.internal(w, "load assignment", err)
		return
	}
	existing, err := s.Board.HandIn(r.Context(), hid)
	replay := err == nil
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		s.internal(w, "load hand-in", err)
		return
	}
	if replay && (existing.StudentID != st.ID || existing.AssignmentID != a.ID) {
		writeError(w, http.StatusConflict, protocol.ErrConflict, "this hand-in id is taken; make a new one")
		return
	}
	if !replay {
		if !a.Archived.IsZero() {
			writeError(w, http.StatusNotFound, protocol.ErrUnknownAssignment, "no such assignment on your class's board")
			return
		}
		if ok, _ := a.Accepts(now); !ok {
			writeError(w, http.StatusConflict, protocol.ErrClosed, "hand-ins for this assignment closed at "+a.Closes().Format(time.RFC3339))
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
		err = s.Board.PutHandIn(r.Context(), h)
		if err == nil {
			s.handInReceipt(w, r, a, st, h, http.StatusCreated)
			return
		}
		if !errors.Is(err, storage.ErrExists) {
			s.internal(w, "save hand-in", err)
			return
		}
		// The same id arrived twice at once: compare with the winner.
		if existing, err = s.Board.HandIn(r.Context(), hid); err != nil {
			s.internal(w, "load hand-in", err)
			return
		}
	}
	h.Created = existing.Created
	if !board.Same(h, existing) {
		writeError(w, http.StatusConflict, protocol.ErrConflict, "a different hand-in was stored under this id")
		return
	}
	s.handInReceipt(w, r, a, st, existing, http.StatusOK)
}

func (s *Server) handInReceipt(w http.ResponseWriter, r *http.Request, a board.Assignment, st storage.RosterStudent, h board.HandIn, status int) {
	hs, err := s.Board.StudentHandIns(r.Context(), st.ID)
	if err != nil {
		s.internal(w, "load hand-ins", err)
		return
	}
	mine := byStudent(hs)[[2]string{a.ID, st.ID}]
	writeJSON(w, status, protocol.HandInReceipt{HandIn: handInView(a, h), State: board.State(a, mine, time.Now())})
}
