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
	"ersatzraum/server/files"
	"ersatzraum/server/storage"
)

// Students' hand-ins: PUT /api/board/{aid}/handins/{hid}, exactly once
// per id the client chose, also when the outbox sends it again.

// handInForm is what a student sent, with the files as staged (not
// stored until the whole hand-in is accepted) or only hashed (a resent
// hand-in, compared with what is stored).
type handInForm struct {
	protocol.HandInForm
	files  []board.File
	staged []*files.Staged
}

// discard removes what was staged for a refused hand-in.
func (f *handInForm) discard() {
	for _, st := range f.staged {
		st.Discard()
	}
	f.staged = nil
}

// readHandIn reads the body of PUT /api/board/{aid}/handins/{hid}:
// multipart/form-data (fields kind, text, clientAt, and up to five file
// parts named "files" or "files[]"), or else JSON
// {"kind","text","clientAt"} without files. With store, files are staged
// (see files.Staged) within room bytes in all; without, only hashed. On
// false the answer is written and nothing is left staged.
func (s *Server) readHandIn(w http.ResponseWriter, r *http.Request, store bool, room int64) (handInForm, bool) {
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
	ok := false
	defer func() {
		if !ok {
			f.discard()
		}
	}()
	var used int64
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			ok = true
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
			limit, byQuota := int64(board.MaxHandInFileBytes), false
			if store && room-used < limit {
				limit, byQuota = max(room-used, 0), true
			}
			var m files.Meta
			if store {
				var st *files.Staged
				if st, err = s.Files.Stage(part, limit, board.HandInTypes); err == nil {
					f.staged = append(f.staged, st)
					m = st.Meta
				}
			} else {
				m, err = files.Hash(part, limit, board.HandInTypes)
			}
			if err != nil {
				switch {
				case byQuota && errors.Is(err, files.ErrTooLarge):
					quotaError(w)
				case !fileError(w, err, board.MaxHandInFileBytes):
					s.internal(w, "store file", err)
				}
				return f, false
			}
			used += m.Size
			f.files = append(f.files, board.File{Hash: m.Hash, Type: m.Type, Size: m.Size,
				Name: board.DownloadName(part.FileName(), m.Type)})
		}
	}
}

func quotaError(w http.ResponseWriter) {
	writeError(w, http.StatusRequestEntityTooLarge, protocol.ErrQuota, "your hand-ins or your class's are at the storage quota; ask your teacher")
}

// putHandIn stores a hand-in under the id the client chose. The same id
// with the same content again (a retry from the outbox) answers 200 with
// what is stored and changes nothing, whenever it comes; the same id with
// other content is 409 conflict. New hand-ins are accepted until due plus
// grace (server time; after the due time they count as late), then 409
// closed, and within the student's and the class's quota (413 quota).
//
// Everything that can refuse a new hand-in without reading its body is
// checked before the body is read; its files are only staged until every
// check passed, so nothing is stored for a refusal. A resent id is only
// hashed to compare it: it never stores anything, closed or not.
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
	var room int64
	if !replay {
		if !a.Archived.IsZero() {
			writeError(w, http.StatusNotFound, protocol.ErrUnknownAssignment, "no such assignment on your class's board")
			return
		}
		if ok, _ := a.Accepts(now); !ok {
			writeError(w, http.StatusConflict, protocol.ErrClosed, "hand-ins for this assignment closed at "+a.Closes().Format(time.RFC3339))
			return
		}
		var ok bool
		if room, ok = s.quotaRoom(w, r, st, a.ID); !ok {
			return
		}
	}
	form, ok := s.readHandIn(w, r, !replay, room)
	if !ok {
		return
	}
	defer form.discard() // after a commit there is nothing left to discard
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
		err = s.commitHandIn(r, st, &form, h)
		if err == nil {
			s.handInReceipt(w, r, a, st, h, http.StatusCreated)
			return
		}
		if errors.Is(err, errQuota) {
			quotaError(w)
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
	mine, err := s.Board.StudentAssignmentStates(r.Context(), st.ID, a.ID)
	if err != nil {
		s.internal(w, "load hand-ins", err)
		return
	}
	writeJSON(w, status, protocol.HandInReceipt{HandIn: handInView(a, h), State: board.State(a, mine, time.Now())})
}
