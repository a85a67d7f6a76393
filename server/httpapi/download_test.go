package httpapi

import (
	"mime"
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
