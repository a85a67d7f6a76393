package httpapi

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"ersatzraum/server/storage"
)

// Attendance as CSV for a German Excel, without HTTP.

func TestLessonCSVForGermanExcel(t *testing.T) {
	l := storage.Lesson{ID: "L", CreatedAt: at(8, 0), EndedAt: at(8, 45)}
	lines := []storage.Attendance{
		{ParticipantID: "p1", Name: `=HYPERLINK("x")`, Status: "present", JoinedAt: at(8, 3)},
		{ParticipantID: "p2", Name: "Berg; Jan", Status: "late", JoinedAt: at(8, 10)},
		{ParticipantID: "p3", Name: "-1+1", Status: "absent"},
		{ParticipantID: "p4", Name: "@SUM(A1)", Status: "excused"},
	}
	events := []storage.Event{ev("p1", "join", at(8, 3)), ev("p2", "join", at(8, 10)), ev("p2", "leave", at(8, 40))}
	out := LessonCSV(LessonReport(l, lines, events, at(9, 0)), time.UTC)

	if !bytes.HasPrefix(out, []byte("\xef\xbb\xbf")) {
		t.Fatalf("no BOM: %q", out[:10])
	}
	text := string(out[3:])
	header := "Name;Status;Erster Beitritt;Letztes Verlassen;Anwesend (Minuten);Zeiten\r\n"
	if !strings.HasPrefix(text, header) {
		t.Fatalf("header: %q", text)
	}
	if strings.Count(text, "\r\n") != 5 || strings.Count(text, "\n") != 5 {
		t.Fatalf("not 5 CRLF lines: %q", text)
	}
	for _, want := range []string{
		"\r\n\"Berg; Jan\";verspätet;08:10;08:40;30;08:10–08:40\r\n",
		"\r\n\"'=HYPERLINK(\"\"x\"\")\";anwesend;08:03;08:45;42;08:03–08:45\r\n",
		"\r\n'-1+1;abwesend;;;0;\r\n",
		"\r\n'@SUM(A1);entschuldigt;;;0;\r\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("CSV lacks %q:\n%s", want, text)
		}
	}
	// A CSV reader gets the fields back, none starting with a formula sign.
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = ';'
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range recs {
		if len(rec) != 6 {
			t.Errorf("record with %d fields: %q", len(rec), rec)
		}
		for _, f := range rec {
			if f != "" && strings.ContainsRune("=+-@\t\r", rune(f[0])) {
				t.Errorf("field %q starts a formula", f)
			}
		}
	}
	if recs[1][0] != "'-1+1" || recs[2][0] != "'@SUM(A1)" || recs[3][0] != "'=HYPERLINK(\"x\")" || recs[4][0] != "Berg; Jan" {
		t.Errorf("names: %q", recs)
	}
}

func TestCSVFieldGuard(t *testing.T) {
	for in, want := range map[string]string{
		"=1+1": "'=1+1", "+49 170": "'+49 170", "-x": "'-x", "@x": "'@x", "\tx": "'\tx", "\rx": "'\rx",
		"Lea": "Lea", "": "", "08:03": "08:03", "Ölke": "Ölke", " =x": " =x",
	} {
		if got := csvSafe(in); got != want {
			t.Errorf("csvSafe(%q) = %q, want %q", in, got, want)
		}
	}
}
