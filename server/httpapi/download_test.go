package httpapi

import (
	"mime"
	"strings"
	"testing"
)

// The board's files and the zip are named by the same builder as the CSV
// exports (TestAttachmentName): the user's name stays as it is in
// filename*, the ASCII name falls back to "Datei".
func TestAttachmentForFilesAndZip(t *testing.T) {
	cases := map[string][2]string{
		"Arbeitsblatt 1.pdf": {"Arbeitsblatt-1.pdf", "Arbeitsblatt 1.pdf"},
		"Übung ß.PNG":        {"Uebung-ss.PNG", "Übung ß.PNG"},
		"日本語.pdf":            {"Datei.pdf", "日本語.pdf"},
		exportName("Abgaben", "Brüche 7b") + ".zip": {"Abgaben-Brueche-7b.zip", "Abgaben-Brüche-7b.zip"},
		exportName("Abgaben", "日本") + ".zip":        {"Abgaben.zip", "Abgaben-日本.zip"},
	}
	for in, want := range cases {
		cd := attachment(in)
		typ, params, err := mime.ParseMediaType(cd)
		if err != nil || typ != "attachment" || params["filename"] != want[1] {
			t.Errorf("%q: %s parses as %q %q (%v), want real name %q", in, cd, typ, params, err, want[1])
		}
		if prefix := `attachment; filename="` + want[0] + `"`; len(cd) < len(prefix) || cd[:len(prefix)] != prefix {
			t.Errorf("%q: %s, want ASCII name %q", in, cd, want[0])
		}
	}
}

func TestAttachmentName(t *testing.T) {
	cases := map[string][2]string{
		"Anwesenheit-7b Mathe-2026-11-27":   {"Anwesenheit-7b-Mathe-2026-11-27.csv", "Anwesenheit-7b-Mathe-2026-11-27.csv"},
		"Anwesenheit-Ömer's Kurs/Ä-2026":    {"Anwesenheit-Oemer-s-Kurs-Ae-2026.csv", "Anwesenheit-Ömer's-KursÄ-2026.csv"},
		"Anwesenheit-\"x\";\r\n<>-2026":     {"Anwesenheit-x-2026.csv", "Anwesenheit-x;-2026.csv"},
		"Anwesenheit-日本語-2026-11-27":        {"Anwesenheit-2026-11-27.csv", "Anwesenheit-日本語-2026-11-27.csv"},
		"Anwesenheit-Straße 5c Chemie-2026": {"Anwesenheit-Strasse-5c-Chemie-2026.csv", "Anwesenheit-Straße-5c-Chemie-2026.csv"},
	}
	for in, want := range cases {
		cd := attachment(exportName(in) + ".csv")
		if !strings.HasPrefix(cd, `attachment; filename="`+want[0]+`"; filename*=UTF-8''`) {
			t.Errorf("%q: %s", in, cd)
		}
		for _, c := range cd {
			if c > 126 || c < 32 {
				t.Errorf("%q: header has %q", in, c)
			}
		}
		typ, params, err := mime.ParseMediaType(cd)
		if err != nil || typ != "attachment" || params["filename"] != want[1] {
			t.Errorf("%q parses as %q %q (%v), want real name %q", in, typ, params, err, want[1])
		}
	}
}
