package httpapi

import (
	"fmt"
	"net/http"
	"path"
	"strings"
	"time"

	"ersatzraum/server/board"
	"ersatzraum/server/files"
)

// Downloads: how every file the server hands out is named (CSV exports,
// the hand-ins zip, the board's files) and how a stored file is sent.

// attachment is the Content-Disposition of a download named name: an
// ASCII name for every browser (asciiSlug of the stem, "Datei" if nothing
// is left), and the real name per RFC 5987 for those that read it, with
// the characters no file system takes dropped.
func attachment(name string) string {
	ext := path.Ext(name)
	stem := asciiSlug(strings.TrimSuffix(name, ext))
	if stem == "" {
		stem = "Datei"
	}
	if ext = asciiSlug(strings.TrimPrefix(ext, ".")); ext != "" {
		ext = "." + ext
	}
	return `attachment; filename="` + stem + ext + `"; filename*=UTF-8''` + rfc5987(safeFileName(name))
}

// exportName names a file the server makes (a CSV, a zip) after its
// parts, such as "Anwesenheit", a title and a date: joined by hyphens,
// spaces hyphens too, so that the name needs no quoting anywhere.
func exportName(parts ...string) string {
	return strings.ReplaceAll(strings.Join(parts, "-"), " ", "-")
}

var transliterations = strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "Ä", "Ae", "Ö", "Oe", "Ü", "Ue", "ß", "ss")

// asciiSlug keeps letters and digits (umlauts spelled out) and joins the
// rest with single hyphens: "7b Mathe (Kurs)" → "7b-Mathe-Kurs". At most
// about 100 bytes; "" if nothing is left.
func asciiSlug(s string) string {
	s = transliterations.Replace(s)
	var b strings.Builder
	hyphen := false
	for _, r := range s {
		if r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			hyphen = false
		} else {
			hyphen = true
		}
		if b.Len() >= 100 {
			break
		}
	}
	return b.String()
}

// safeFileName drops what no file name may hold: control characters,
// slashes and the characters Windows refuses. Names from users are
// cleaned so already (board.CleanFileName); names made from titles are not.
func safeFileName(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 0x20 || r == 0x7f || strings.ContainsRune(`/\:*?"<>|`, r) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// rfc5987 percent-encodes all but the attr-chars of RFC 5987.
func rfc5987(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if c < 128 && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0) {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// serveFile sends a stored file of the board as a download. Attachments
// may be cached (their URL names their content); hand-ins may not.
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
	// The name ends in the detected type's extension, also for rows
	// stored before that rule (board.DownloadName).
	h.Set("Content-Disposition", attachment(board.DownloadName(f.Name, f.Type)))
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
