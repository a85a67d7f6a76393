package httpapi

import (
	"slices"
	"testing"
	"time"

	"ersatzraum/app/protocol"
	"ersatzraum/server/storage"
)

// The attendance report's rules, without HTTP.

// at is 27 Nov 2026 at hh:mm in UTC, the zone the pure tests format in.
func at(hh, mm int) time.Time { return time.Date(2026, 11, 27, hh, mm, 0, 0, time.UTC) }

func ev(pid, kind string, t time.Time) storage.Event {
	return storage.Event{LessonID: "L", ParticipantID: pid, Kind: kind, At: t}
}

func reportFixture() ([]storage.Attendance, []storage.Event) {
	lines := []storage.Attendance{
		{ParticipantID: "p1", Name: "Ada", Status: protocol.StatusPresent, JoinedAt: at(8, 3)},
		{ParticipantID: "p2", Name: "Ben", Status: protocol.StatusAbsent},
		{ParticipantID: "p3", Name: "Cem", Status: protocol.StatusExcused},
		{ParticipantID: "p4", Name: "Dora", Status: protocol.StatusLate, JoinedAt: at(8, 12), LeftAt: at(8, 30)},
		// A line from before the history existed: no events at all.
		{ParticipantID: "p5", Name: "Emil", Status: protocol.StatusPresent, JoinedAt: at(8, 1), LeftAt: at(8, 41)},
	}
	events := []storage.Event{
		ev("p1", "join", at(8, 3)),
		ev("p4", "join", at(8, 12)),
		{LessonID: "L", ParticipantID: "p4", Kind: "status", Status: protocol.StatusLate, At: at(8, 12)},
		ev("p1", "leave", at(8, 20)),
		ev("p1", "join", at(8, 25)),
		ev("p1", "join", at(8, 26)), // a reconnect without a leave continues
		ev("p4", "leave", at(8, 30)),
		ev("p4", "leave", at(8, 31)), // a leave without a join is ignored
		{LessonID: "L", ParticipantID: "p2", Kind: "status", Status: protocol.StatusAbsent, At: at(8, 15)},
	}
	return lines, events
}

func rowByName(t *testing.T, rows []ReportRow, name string) ReportRow {
	t.Helper()
	for _, r := range rows {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("no row for %q in %+v", name, rows)
	return ReportRow{}
}

func TestLessonReportEnded(t *testing.T) {
	lines, events := reportFixture()
	l := storage.Lesson{ID: "L", CreatedAt: at(8, 0), EndedAt: at(8, 45)}
	rows := LessonReport(l, lines, events, at(12, 0))
	if len(rows) != 5 {
		t.Fatalf("%d rows", len(rows))
	}
	want := map[string][]string{
		// name: status, first join, last leave, minutes, times
		"Ada":  {"anwesend", "08:03", "08:45", "37", "08:03–08:20, 08:25–08:45"},
		"Ben":  {"abwesend", "", "", "0", ""},
		"Cem":  {"entschuldigt", "", "", "0", ""},
		"Dora": {"verspätet", "08:12", "08:30", "18", "08:12–08:30"},
		"Emil": {"anwesend", "08:01", "08:41", "40", "08:01–08:41"},
	}
	for name, w := range want {
		got := rowByName(t, rows, name).cells(time.UTC)
		if !slices.Equal(got, append([]string{name}, w...)) {
			t.Errorf("%s: %q, want %q", name, got[1:], w)
		}
	}
	if n := len(rowByName(t, rows, "Ada").Intervals); n != 2 {
		t.Errorf("Ada has %d intervals", n)
	}
}

func TestLessonReportRunning(t *testing.T) {
	lines, events := reportFixture()
	l := storage.Lesson{ID: "L", CreatedAt: at(8, 0)}
	rows := LessonReport(l, lines, events, at(8, 40))
	ada := rowByName(t, rows, "Ada")
	// The open interval stays open and counts up to now: 17 + 15 minutes.
	if got := ada.Times(time.UTC); got != "08:03–08:20, 08:25–" {
		t.Errorf("open interval: %q", got)
	}
	if ada.Minutes != 32 || !ada.LastLeave.IsZero() || !ada.FirstJoin.Equal(at(8, 3)) {
		t.Errorf("Ada while running: %+v", ada)
	}
	// Seconds round to the nearest minute.
	l2 := storage.Lesson{ID: "L", CreatedAt: at(8, 0), EndedAt: at(8, 10).Add(29 * time.Second)}
	r := LessonReport(l2, []storage.Attendance{{ParticipantID: "x", Name: "X", Status: "present"}},
		[]storage.Event{ev("x", "join", at(8, 0))}, at(9, 0))
	if r[0].Minutes != 10 {
		t.Errorf("10:29 min counted as %d", r[0].Minutes)
	}
}

func TestLessonReportSortsGerman(t *testing.T) {
	var lines []storage.Attendance
	for i, n := range []string{"Zoe", "Ömer", "anna", "Otto", "Bernd", "Ärne", "Anton"} {
		lines = append(lines, storage.Attendance{ParticipantID: string(rune('a' + i)), Name: n, Status: "absent"})
	}
	rows := LessonReport(storage.Lesson{}, lines, nil, at(9, 0))
	var got []string
	for _, r := range rows {
		got = append(got, r.Name)
	}
	want := []string{"anna", "Anton", "Ärne", "Bernd", "Ömer", "Otto", "Zoe"}
	if !slices.Equal(got, want) {
		t.Fatalf("order %q, want %q", got, want)
	}
}
