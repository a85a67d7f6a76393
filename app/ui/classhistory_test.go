package ui

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"ersatzraum/app/i18n"
	"ersatzraum/app/protocol"
)

func TestClassHistoryRows(t *testing.T) {
	start := time.Date(2026, 11, 27, 8, 0, 0, 0, time.Local)
	h := &ClassHistory{ClassID: "c1", Lang: i18n.German, loaded: true, lessons: []protocol.LessonRecord{
		{ID: "l2", Title: "7b <Mathe>", StartedAt: start.Add(24 * time.Hour), RollCallCounts: protocol.RollCallCounts{Present: 20, Late: 2, Absent: 3, Excused: 1}},
		{ID: "l1", Title: "7b Mathe", StartedAt: start, EndedAt: start.Add(45 * time.Minute), RollCallCounts: protocol.RollCallCounts{Present: 25}},
	}}
	html := app.HTMLString(h)
	for _, want := range []string{
		`data-lesson="l2"`, `data-lesson="l1"`,
		`href="/api/lessons/l1/attendance.csv"`, `href="/lessons/l1/print"`,
		`href="/api/classes/c1/attendance.csv"`, `href="/classes/c1/attendance/print"`,
		"Alle Stunden als CSV", "Druckansicht", `download="Anwesenheit.csv"`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("history lacks %s:\n%s", want, html)
		}
	}
	for _, c := range [][2]string{
		{"date", "28.11.2026"}, {"date", "27.11.2026"},
		{"time", "08:00 Uhr – 08:45 Uhr"}, {"time", "08:00 Uhr (läuft)"},
		{"title", "7b &lt;Mathe&gt;"},
		{"present", "20"}, {"late", "2"}, {"absent", "3"}, {"excused", "1"},
	} {
		cell := regexp.MustCompile(`<td[^>]*data-cell="` + c[0] + `"[^>]*>` + regexp.QuoteMeta(c[1]) + `</td>`)
		if !cell.MatchString(html) {
			t.Errorf("no %s cell with %q:\n%s", c[0], c[1], html)
		}
	}
	if strings.Index(html, `data-lesson="l2"`) > strings.Index(html, `data-lesson="l1"`) {
		t.Error("not in the server's order (newest first)")
	}

	empty := app.HTMLString(&ClassHistory{ClassID: "c1", Lang: i18n.English, loaded: true})
	if !strings.Contains(empty, "No lesson with this class yet.") || strings.Contains(empty, "<table") {
		t.Errorf("empty history:\n%s", empty)
	}
}
