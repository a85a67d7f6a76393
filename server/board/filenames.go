package board

import (
	"path"
	"strings"

	"ersatzraum/server/files"
)

// DownloadName is the name a stored file is handed out under: its cleaned
// name ending in the extension of the type detected from its content, so
// that "Loesung.bat" holding a PDF becomes "Loesung.pdf" and
// "Aufgabe1.pdf.js" becomes "Aufgabe1.pdf". A teacher's system opens a
// download by its extension; whatever a student named it, it opens as
// what it is. Applied when a file is stored and again when it is sent
// (rows stored before this rule keep their names in the database).
func DownloadName(name, typ string) string {
	ext := ExtFor(typ)
	name = CleanFileName(name, "Datei"+ext)
	if ext == "" || hasExt(name, typ) {
		return name
	}
	stem := strings.TrimSuffix(name, path.Ext(name))
	stem = strings.TrimRight(stem, ". ")
	if stem == "" {
		stem = "Datei"
	}
	if hasExt(stem, typ) {
		return stem
	}
	if r := []rune(stem); len(r)+len(ext) > MaxFileNameRunes {
		stem = string(r[:MaxFileNameRunes-len(ext)])
	}
	return stem + ext
}

// hasExt reports whether name ends in an extension of typ (.jpg and
// .jpeg both name JPEG).
func hasExt(name, typ string) bool {
	e := strings.ToLower(path.Ext(name))
	if typ == files.JPEG && e == ".jpeg" {
		return true
	}
	return e != "" && e == ExtFor(typ)
}
