package httpapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"ersatzraum/app/protocol"
	"ersatzraum/server/codes"
	"ersatzraum/server/signaling"
	"ersatzraum/server/storage"
)

// ClassStore is what the class API needs from storage.
type ClassStore interface {
	CreateClass(ctx context.Context, c storage.Class) error
	RenewClassCode(ctx context.Context, id string, hash, enc []byte) error
	DeleteClass(ctx context.Context, id string) error
	Class(ctx context.Context, id string) (storage.Class, error)
	Classes(ctx context.Context, teacherID string) ([]storage.Class, error)
	AddRosterStudents(ctx context.Context, students []storage.RosterStudent) error
	RemoveRosterStudent(ctx context.Context, classID, id string) error
	RenewRosterToken(ctx context.Context, classID, id string, hash, enc []byte) error
	Roster(ctx context.Context, classID string) ([]storage.RosterStudent, error)
	SetLateAfter(ctx context.Context, classID string, minutes int) error
}

// ClassHost keeps the hub's view of classes current.
type ClassHost interface {
	SetClass(c signaling.Class)
	RemoveClass(id string)
}

func (s *Server) listClasses(w http.ResponseWriter, r *http.Request) {
	t, err := s.Accounts.TeacherFromRequest(r)
	if err != nil {
		writeError(w, http.StatusUnauthorized, protocol.ErrUnauthorized, "sign in as a teacher first")
		return
	}
	classes, err := s.Classes.Classes(r.Context(), t.ID)
	if err != nil {
		s.internal(w, "list classes", err)
		return
	}
	out := make([]protocol.ClassSummary, 0, len(classes))
	for _, c := range classes {
		roster, err := s.Classes.Roster(r.Context(), c.ID)
		if err != nil {
			s.internal(w, "list classes", err)
			return
		}
		out = append(out, protocol.ClassSummary{ID: c.ID, Name: c.Name, Students: len(roster)})
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) createClass(w http.ResponseWriter, r *http.Request) {
	t, err := s.Accounts.TeacherFromRequest(r)
	if err != nil {
		writeError(w, http.StatusUnauthorized, protocol.ErrUnauthorized, "sign in as a teacher first")
		return
	}
	var req protocol.CreateClassRequest
	if !readJSON(w, r, &req) {
		return
	}
	name, ok := protocol.CleanName(req.Name, protocol.MaxTitleRunes)
	if !ok {
		writeError(w, http.StatusBadRequest, protocol.ErrBadName, "a class name needs 1 to 80 printable characters")
		return
	}
	code := codes.NewCode()
	c := storage.Class{
		ID:        codes.NewID(),
		TeacherID: t.ID,
		Name:      name,
		CodeHash:  codes.HashCode(codes.NormalizeCode(code)),
		CodeEnc:   s.Sealer.Seal(code),
		CreatedAt: time.Now(),
	}
	if err := s.Classes.CreateClass(r.Context(), c); err != nil {
		s.internal(w, "create class", err)
		return
	}
	s.respondClass(w, r, c, http.StatusCreated)
}

func (s *Server) showClass(w http.ResponseWriter, r *http.Request, c storage.Class) {
	s.respondClass(w, r, c, http.StatusOK)
}

func (s *Server) deleteClass(w http.ResponseWriter, r *http.Request, c storage.Class) {
	if err := s.Classes.DeleteClass(r.Context(), c.ID); err != nil {
		s.internal(w, "delete class", err)
		return
	}
	s.ClassHost.RemoveClass(c.ID)
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) renewClassCode(w http.ResponseWriter, r *http.Request, c storage.Class) {
	code := codes.NewCode()
	c.CodeHash, c.CodeEnc = codes.HashCode(codes.NormalizeCode(code)), s.Sealer.Seal(code)
	if err := s.Classes.RenewClassCode(r.Context(), c.ID, c.CodeHash, c.CodeEnc); err != nil {
		s.internal(w, "renew class code", err)
		return
	}
	s.respondClass(w, r, c, http.StatusOK)
}

// addStudents takes {"names": [...]} as JSON, or a CSV file (text/csv) as
// exported from a school administration system.
func (s *Server) addStudents(w http.ResponseWriter, r *http.Request, c storage.Class) {
	var names []string
	if strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 256<<10))
		if err != nil {
			writeError(w, http.StatusRequestEntityTooLarge, protocol.ErrTooLarge, "a class list file may have at most 256 KiB")
			return
		}
		if names, err = NamesFromCSV(body); err != nil {
			writeError(w, http.StatusBadRequest, protocol.ErrBadCSV, err.Error())
			return
		}
	} else {
		var req protocol.AddStudentsRequest
		if !readJSON(w, r, &req) {
			return
		}
		names = req.Names
	}
	existing, err := s.Classes.Roster(r.Context(), c.ID)
	if err != nil {
		s.internal(w, "load roster", err)
		return
	}
	seen := make(map[string]bool, len(existing))
	for _, st := range existing {
		seen[codes.NameKey(st.Name)] = true
	}
	var add []storage.RosterStudent
	for _, raw := range names {
		if strings.TrimSpace(raw) == "" {
			continue // blank lines in a pasted list
		}
		name, ok := protocol.CleanName(raw, protocol.MaxNameRunes)
		if !ok {
			writeError(w, http.StatusBadRequest, protocol.ErrBadName, "not a valid name: "+quoteShort(raw))
			return
		}
		if seen[codes.NameKey(name)] {
			// The name identifies the student when joining with the class
			// code, so it must be unique in the class.
			writeError(w, http.StatusBadRequest, protocol.ErrDuplicateName, name+" is already on the list; add a letter to tell them apart")
			return
		}
		seen[codes.NameKey(name)] = true
		token := codes.NewToken()
		add = append(add, storage.RosterStudent{
			ID: codes.NewID(), ClassID: c.ID, Name: name,
			TokenHash: codes.HashToken(token), TokenEnc: s.Sealer.Seal(token), CreatedAt: time.Now(),
		})
	}
	if len(existing)+len(add) > protocol.MaxRoster {
		writeError(w, http.StatusBadRequest, protocol.ErrRosterFull, fmt.Sprintf("a class list holds at most %d students", protocol.MaxRoster))
		return
	}
	if err := s.Classes.AddRosterStudents(r.Context(), add); err != nil {
		s.internal(w, "add students", err)
		return
	}
	s.respondClass(w, r, c, http.StatusOK)
}

func (s *Server) removeStudent(w http.ResponseWriter, r *http.Request, c storage.Class) {
	err := s.Classes.RemoveRosterStudent(r.Context(), c.ID, r.PathValue("sid"))
	if errors.Is(err, storage.ErrNotFound) {
		writeError(w, http.StatusNotFound, protocol.ErrUnknownStudent, "no such student in this class")
		return
	}
	if err != nil {
		s.internal(w, "remove student", err)
		return
	}
	s.respondClass(w, r, c, http.StatusOK)
}

func (s *Server) renewStudentLink(w http.ResponseWriter, r *http.Request, c storage.Class) {
	token := codes.NewToken()
	err := s.Classes.RenewRosterToken(r.Context(), c.ID, r.PathValue("sid"), codes.HashToken(token), s.Sealer.Seal(token))
	if errors.Is(err, storage.ErrNotFound) {
		writeError(w, http.StatusNotFound, protocol.ErrUnknownStudent, "no such student in this class")
		return
	}
	if err != nil {
		s.internal(w, "renew link", err)
		return
	}
	s.respondClass(w, r, c, http.StatusOK)
}

// classSettings changes how a class's lessons behave: after how many
// minutes a first join counts as late (0–MaxLateAfterMinutes).
func (s *Server) classSettings(w http.ResponseWriter, r *http.Request, c storage.Class) {
	var req protocol.ClassSettings
	if !readJSON(w, r, &req) {
		return
	}
	if req.LateAfterMinutes == nil || *req.LateAfterMinutes < 0 || *req.LateAfterMinutes > protocol.MaxLateAfterMinutes {
		writeError(w, http.StatusBadRequest, protocol.ErrBadPayload, fmt.Sprintf("lateAfterMinutes must be 0 to %d", protocol.MaxLateAfterMinutes))
		return
	}
	if err := s.Classes.SetLateAfter(r.Context(), c.ID, *req.LateAfterMinutes); err != nil {
		s.internal(w, "save settings", err)
		return
	}
	c.LateAfterMinutes = *req.LateAfterMinutes
	s.respondClass(w, r, c, http.StatusOK)
}

// respondClass answers with the class as its teacher sees it, and brings
// the hub up to date with code and roster.
func (s *Server) respondClass(w http.ResponseWriter, r *http.Request, c storage.Class, status int) {
	detail, hubClass, err := s.classDetail(r.Context(), c, baseURL(r))
	if err != nil {
		s.internal(w, "load class", err)
		return
	}
	s.ClassHost.SetClass(hubClass)
	writeJSON(w, status, detail)
}

func (s *Server) classDetail(ctx context.Context, c storage.Class, base string) (protocol.ClassDetail, signaling.Class, error) {
	code, err := s.Sealer.Open(c.CodeEnc)
	if err != nil {
		return protocol.ClassDetail{}, signaling.Class{}, err
	}
	roster, err := s.Classes.Roster(ctx, c.ID)
	if err != nil {
		return protocol.ClassDetail{}, signaling.Class{}, err
	}
	d := protocol.ClassDetail{ID: c.ID, Name: c.Name, Code: code, JoinURL: base + "/join/" + code, Students: []protocol.RosterDetail{}, LateAfterMinutes: c.LateAfterMinutes}
	hc := HubClass(c, roster)
	for _, st := range roster {
		token, err := s.Sealer.Open(st.TokenEnc)
		if err != nil {
			return protocol.ClassDetail{}, signaling.Class{}, err
		}
		d.Students = append(d.Students, protocol.RosterDetail{ID: st.ID, Name: st.Name, Link: base + "/s/" + token})
	}
	return d, hc, nil
}

// HubClass is the hub's view of a stored class and its roster.
func HubClass(c storage.Class, roster []storage.RosterStudent) signaling.Class {
	hc := signaling.Class{ID: c.ID, TeacherID: c.TeacherID, Name: c.Name, CodeHash: c.CodeHash,
		LateAfter: time.Duration(c.LateAfterMinutes) * time.Minute}
	for _, st := range roster {
		hc.Roster = append(hc.Roster, signaling.RosterStudent{ID: st.ID, Name: st.Name, TokenHash: st.TokenHash})
	}
	return hc
}

func quoteShort(s string) string {
	if r := []rune(s); len(r) > 40 {
		s = string(r[:40]) + "…"
	}
	return "\"" + strings.ToValidUTF8(s, "?") + "\""
}

// classOf loads a class that must belong to the teacher.
func (s *Server) classOf(ctx context.Context, teacherID, classID string) (storage.Class, error) {
	if s.Classes == nil {
		return storage.Class{}, storage.ErrNotFound
	}
	c, err := s.Classes.Class(ctx, classID)
	if err == nil && c.TeacherID != teacherID {
		err = storage.ErrNotFound
	}
	return c, err
}
