package board

import (
	"strings"
	"testing"

	"ersatzraum/server/files"
)

// Every name a teacher downloads ends in the extension of the detected
// type, whatever the student called the file.
func TestDownloadNameEndsInTheDetectedType(t *testing.T) {
	cases := []struct{ name, typ, want string }{
		{"Loesung.bat", files.PDF, "Loesung.pdf"},
		{"Aufgabe1.pdf.js", files.PDF, "Aufgabe1.pdf"},
		{".url", files.PDF, "url.pdf"},
		{"Schule.url", files.PNG, "Schule.png"},
		{"start.hta", files.Text, "start.txt"},
		{"foto.JPEG", files.JPEG, "foto.JPEG"},
		{"foto.jpg", files.JPEG, "foto.jpg"},
		{"Bild.png.exe", files.PNG, "Bild.png"},
		{"Referat.PDF", files.PDF, "Referat.PDF"},
		{"notiz", files.Text, "notiz.txt"},
		{"a.pdf .lnk", files.PDF, "a.pdf"},
		{"", files.WebP, "Datei.webp"},
		{strings.Repeat("x", 200) + ".scr", files.PDF, strings.Repeat("x", MaxFileNameRunes-4) + ".pdf"},
	}
	for _, c := range cases {
		got := DownloadName(c.name, c.typ)
		if got != c.want {
			t.Errorf("DownloadName(%q, %s) = %q, want %q", c.name, c.typ, got, c.want)
		}
		if !hasExt(got, c.typ) {
			t.Errorf("%q does not end in the extension of %s", got, c.typ)
		}
	}
}
