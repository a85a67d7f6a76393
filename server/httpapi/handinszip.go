package httpapi

import (
	"archive/zip"
	"fmt"
	"io"
	"net/http"
	"path"
	"strings"
	"time"

	"ersatzraum/server/board"
	"ersatzraum/server/files"
	"ersatzraum/server/storage"
)

// All hand-ins of an assignment as one zip, for the teacher to mark
// offline.

// handInsZip streams all hand-ins of an assignment: a folder per student
// (by name, made unique), the text of each hand-in as a .txt file, and the
// files under their (cleaned, unique) names.
func (s *Server) handInsZip(w http.ResponseWriter, r *http.Request, c storage.Class, a board.Assignment) {
	roster, groups, err := s.assignmentHandIns(r.Context(), c, a)
	if err != nil {
		s.internal(w, "load hand-ins", err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/zip")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Disposition", attachment(exportName("Abgaben", a.Title)+".zip"))
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
				err = zipEntry(zw, dir+"/"+names.take(board.DownloadName(f.Name, f.Type)), hi.Created, file, method)
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
