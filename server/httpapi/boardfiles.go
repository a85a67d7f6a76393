package httpapi

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"ersatzraum/app/protocol"
	"ersatzraum/server/board"
	"ersatzraum/server/files"
	"ersatzraum/server/storage"
)

// Files arriving on the board: a teacher's attachments (attach, detach,
// download), and the storing of uploaded parts for them and for hand-ins.

// fileError answers a refused upload; false if err is not a refusal.
func fileError(w http.ResponseWriter, err error, limit int64) bool {
	var tooLarge *http.MaxBytesError
	switch {
	case errors.Is(err, files.ErrTooLarge), errors.As(err, &tooLarge):
		writeError(w, http.StatusRequestEntityTooLarge, protocol.ErrTooLarge, fmt.Sprintf("a file may have at most %d MiB", limit>>20))
	case errors.Is(err, files.ErrBadType):
		writeError(w, http.StatusUnsupportedMediaType, protocol.ErrBadFileType, "allowed are PDF, PNG, JPEG and WebP (and plain text for hand-ins); "+err.Error())
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
		Name: board.DownloadName(fileName, m.Type)}, nil
}

// attachFile takes one file (multipart field "file") and attaches it.
func (s *Server) attachFile(w http.ResponseWriter, r *http.Request, c storage.Class, a board.Assignment) {
	if len(a.Files) >= board.MaxAttachments {
		writeError(w, http.StatusBadRequest, protocol.ErrTooManyFiles, fmt.Sprintf("an assignment has at most %d files", board.MaxAttachments))
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
		if part.FormName() != protocol.FieldFile || part.FileName() == "" {
			continue
		}
		if found {
			writeError(w, http.StatusBadRequest, protocol.ErrTooManyFiles, "send one file per request")
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
	if err := s.Board.AddAssignmentFile(r.Context(), c.ID, a.ID, f, time.Now()); err != nil {
		s.internal(w, "attach file", err)
		return
	}
	s.respondAssignment(w, r, c, a.ID, http.StatusCreated)
}

func (s *Server) detachFile(w http.ResponseWriter, r *http.Request, c storage.Class, a board.Assignment) {
	err := s.Board.RemoveAssignmentFile(r.Context(), c.ID, a.ID, r.PathValue("hash"), time.Now())
	if errors.Is(err, storage.ErrNotFound) {
		writeError(w, http.StatusNotFound, protocol.ErrUnknownFile, "no such file on this assignment")
		return
	}
	if err != nil {
		s.internal(w, "detach file", err)
		return
	}
	s.respondAssignment(w, r, c, a.ID, http.StatusOK)
}

func (s *Server) teacherAttachment(w http.ResponseWriter, r *http.Request, c storage.Class, a board.Assignment) {
	f, ok := findFile(a.Files, r.PathValue("hash"))
	if !ok {
		writeError(w, http.StatusNotFound, protocol.ErrUnknownFile, "no such file on this assignment")
		return
	}
	s.serveFile(w, r, f, true)
}
