package httpapi

import (
	"strings"
	"testing"
	"time"

	"ersatzraum/app/protocol"
)

// Saved quick checks as CSV for a German Excel: one row per answer, a
// question typed like a formula stays text.
func TestChecksCSV(t *testing.T) {
	start := time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)
	recs := []protocol.CheckRecord{{
		Question: "=1+1 richtig?", Options: []string{"Ja", "Nein"}, Counts: []int{20, 4}, Answered: 24, Present: 27,
		LessonTitle: "7b; Mathe", LessonStartedAt: start.UnixMilli(),
	}}
	text := string(ChecksCSV(recs, time.UTC))
	want := "\ufeffDatum;Beginn;Stunde;Frage;Antwort;Stimmen;Geantwortet;Anwesend\r\n" +
		"27.11.2026;08:00;\"7b; Mathe\";'=1+1 richtig?;Ja;20;24;27\r\n" +
		"27.11.2026;08:00;\"7b; Mathe\";'=1+1 richtig?;Nein;4;24;27\r\n"
	if text != want {
		t.Fatalf("CSV:\n%q\nwant\n%q", text, want)
	}
	if !strings.HasPrefix(string(ChecksCSV(nil, time.UTC)), "\ufeffDatum;") {
		t.Fatal("an empty list has no header")
	}
}
