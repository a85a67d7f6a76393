package httpapi

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"mime"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"ersatzraum/app/protocol"
	"ersatzraum/server/storage"
)

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

// recordsFixture is a class with two lessons, the first ended: Alice owns
// it, Bob is another teacher.
type recordsFixture struct {
	e             *env
	alice, bob    *http.Cookie
	class         protocol.ClassDetail
	first, second storage.Lesson
	firstStart    time.Time
	firstEnd      time.Time
}

func newRecordsFixture(t *testing.T) *recordsFixture {
	e := newEnv(t)
	ctx := context.Background()
	_, tokA := e.teacher("Alice")
	_, tokB := e.teacher("Bob")
	f := &recordsFixture{e: e, alice: e.login(tokA), bob: e.login(tokB)}
	_, f.class = e.class(f.alice, "POST", "/api/classes", `{"name":"7b Mathe"}`)
	_, f.class = e.class(f.alice, "POST", "/api/classes/"+f.class.ID+"/students", `{"names":["Lea Schulz","Ömer Kaya"]}`)

	start := func() storage.Lesson {
		var created protocol.CreatedLesson
		decodeJSON(t, e.do("POST", "/api/lessons", jsonBody(`{"classId":"`+f.class.ID+`"}`), f.alice), &created)
		l, err := e.db.Lesson(ctx, created.ID)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	f.first = start()
	time.Sleep(5 * time.Millisecond) // lessons are ordered by their start
	f.second = start()
	// Whatever the hub writes for the class list on its own is not what
	// this test is about; it writes its own lines next to it.
	e.writer.Sync()

	base := f.first.CreatedAt
	m := func(n int) time.Time { return base.Add(time.Duration(n) * time.Minute) }
	put := func(a storage.Attendance) {
		a.ResumeHash = []byte{1} // the hub always stores one
		if err := e.db.PutAttendance(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	event := func(e2 storage.Event) {
		if err := e.db.PutEvent(ctx, e2); err != nil {
			t.Fatal(err)
		}
	}
	L := f.first.ID
	put(storage.Attendance{LessonID: L, ParticipantID: "t-ada", Name: "Ada Gast", Status: protocol.StatusPresent, JoinedAt: m(1), LeftAt: m(30)})
	put(storage.Attendance{LessonID: L, ParticipantID: "t-bad", Name: `=HYPERLINK("http://x")`, Status: protocol.StatusLate, JoinedAt: m(10)})
	put(storage.Attendance{LessonID: L, ParticipantID: "t-semi", Name: "Berg; Jan", Status: protocol.StatusAbsent})
	put(storage.Attendance{LessonID: L, ParticipantID: "t-exc", Name: "Cem Gast", Status: protocol.StatusExcused})
	event(storage.Event{LessonID: L, ParticipantID: "t-ada", Kind: "join", At: m(1)})
	event(storage.Event{LessonID: L, ParticipantID: "t-ada", Kind: "leave", At: m(10)})
	event(storage.Event{LessonID: L, ParticipantID: "t-bad", Kind: "join", At: m(10)})
	event(storage.Event{LessonID: L, ParticipantID: "t-bad", Kind: "status", Status: protocol.StatusLate, At: m(10)})
	event(storage.Event{LessonID: L, ParticipantID: "t-ada", Kind: "join", At: m(15)})
	event(storage.Event{LessonID: L, ParticipantID: "t-ada", Kind: "leave", At: m(30)})
	f.firstStart, f.firstEnd = base, m(45)
	if err := e.db.EndLesson(ctx, L, f.firstEnd); err != nil {
		t.Fatal(err)
	}
	put(storage.Attendance{LessonID: f.second.ID, ParticipantID: "t-ada2", Name: "Ada Gast", Status: protocol.StatusPresent, JoinedAt: time.Now()})
	event(storage.Event{LessonID: f.second.ID, ParticipantID: "t-ada2", Kind: "join", At: time.Now()})
	return f
}

func (f *recordsFixture) get(t *testing.T, path string, cookie *http.Cookie) (*http.Response, string) {
	t.Helper()
	resp := f.e.do("GET", path, nil, cookie)
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(body)
}

func readCSV(t *testing.T, body string) [][]string {
	t.Helper()
	if !strings.HasPrefix(body, "\ufeff") {
		t.Fatalf("CSV without BOM: %q", body)
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff")))
	r.Comma = ';'
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func findRecord(t *testing.T, recs [][]string, col int, value string) []string {
	t.Helper()
	for _, r := range recs {
		if r[col] == value {
			return r
		}
	}
	t.Fatalf("no record with %q in column %d: %q", value, col, recs)
	return nil
}

func TestRecordsAccess(t *testing.T) {
	f := newRecordsFixture(t)
	for _, p := range []struct{ path, missing string }{
		{"/api/classes/" + f.class.ID + "/lessons", "unknown-class"},
		{"/api/classes/" + f.class.ID + "/attendance.csv", "unknown-class"},
		{"/classes/" + f.class.ID + "/attendance/print", "unknown-class"},
		{"/api/lessons/" + f.first.ID + "/attendance.csv", protocol.ErrUnknownLesson},
		{"/lessons/" + f.first.ID + "/print", protocol.ErrUnknownLesson},
	} {
		if resp, body := f.get(t, p.path, f.alice); resp.StatusCode != http.StatusOK {
			t.Errorf("owner %s: %d %s", p.path, resp.StatusCode, body)
		} else if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("%s: Cache-Control %q", p.path, cc)
		}
		expectAPIError(t, f.e.do("GET", p.path, nil, f.bob), http.StatusNotFound, p.missing)
		expectAPIError(t, f.e.do("GET", p.path, nil, nil), http.StatusUnauthorized, protocol.ErrUnauthorized)
	}
	for _, path := range []string{"/api/lessons/nope/attendance.csv", "/lessons/nope/print"} {
		expectAPIError(t, f.e.do("GET", path, nil, f.alice), http.StatusNotFound, protocol.ErrUnknownLesson)
	}
	expectAPIError(t, f.e.do("GET", "/api/classes/nope/attendance.csv", nil, f.alice), http.StatusNotFound, "unknown-class")
}

func TestClassHistoryEndpoint(t *testing.T) {
	f := newRecordsFixture(t)
	resp := f.e.do("GET", "/api/classes/"+f.class.ID+"/lessons", nil, f.alice)
	var got []protocol.LessonRecord
	decodeJSON(t, resp, &got)
	if len(got) != 2 || got[0].ID != f.second.ID || got[1].ID != f.first.ID {
		t.Fatalf("history (newest first): %+v", got)
	}
	// Counts as stored, including any lines the hub wrote by itself.
	for i, l := range []storage.Lesson{f.second, f.first} {
		lines, err := f.e.db.LessonAttendance(context.Background(), l.ID)
		if err != nil {
			t.Fatal(err)
		}
		if want := countStatuses(lines); got[i].RollCallCounts != want {
			t.Errorf("lesson %d counts %+v, want %+v", i, got[i].RollCallCounts, want)
		}
	}
	old := got[1]
	if old.Present < 1 || old.Late != 1 || old.Absent < 1 || old.Excused != 1 {
		t.Errorf("first lesson counts %+v", old.RollCallCounts)
	}
	if old.Title != "7b Mathe" || !old.StartedAt.Equal(f.firstStart) || !old.EndedAt.Equal(f.firstEnd) || !got[0].EndedAt.IsZero() {
		t.Errorf("lesson times: %+v / %+v", old, got[0])
	}
	// A running lesson has no endedAt at all.
	raw, _ := io.ReadAll(f.e.do("GET", "/api/classes/"+f.class.ID+"/lessons", nil, f.alice).Body)
	if strings.Count(string(raw), `"endedAt"`) != 1 {
		t.Errorf("endedAt of the running lesson: %s", raw)
	}

	// A class without lessons: [].
	_, other := f.e.class(f.alice, "POST", "/api/classes", `{"name":"8a"}`)
	raw, _ = io.ReadAll(f.e.do("GET", "/api/classes/"+other.ID+"/lessons", nil, f.alice).Body)
	if strings.TrimSpace(string(raw)) != "[]" {
		t.Errorf("empty history: %s", raw)
	}
}

func TestLessonCSVEndpoint(t *testing.T) {
	f := newRecordsFixture(t)
	resp, body := f.get(t, "/api/lessons/"+f.first.ID+"/attendance.csv", f.alice)
	if ct := resp.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	date := f.firstStart.In(time.Local).Format("2006-01-02")
	if cd := resp.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, `attachment; filename="Anwesenheit-7b-Mathe-`+date+`.csv"; filename*=UTF-8''`) {
		t.Errorf("Content-Disposition %q", cd)
	}
	if !strings.Contains(body, "\r\n") || strings.Contains(strings.ReplaceAll(body, "\r\n", ""), "\n") {
		t.Errorf("not CRLF: %q", body)
	}
	recs := readCSV(t, body)
	if !slices.Equal(recs[0], lessonCSVHeader) {
		t.Fatalf("header %q", recs[0])
	}
	clock := func(min int) string {
		return f.firstStart.Add(time.Duration(min) * time.Minute).In(time.Local).Format("15:04")
	}
	// Ada: 1–10 and 15–30 = 24 minutes.
	want := []string{"Ada Gast", "anwesend", clock(1), clock(30), "24", clock(1) + "–" + clock(10) + ", " + clock(15) + "–" + clock(30)}
	if got := findRecord(t, recs, 0, "Ada Gast"); !slices.Equal(got, want) {
		t.Errorf("Ada: %q, want %q", got, want)
	}
	// Still there when the lesson ended at 45: 35 minutes, neutralised.
	want = []string{`'=HYPERLINK("http://x")`, "verspätet", clock(10), clock(45), "35", clock(10) + "–" + clock(45)}
	if got := findRecord(t, recs, 0, `'=HYPERLINK("http://x")`); !slices.Equal(got, want) {
		t.Errorf("formula name: %q, want %q", got, want)
	}
	if got := findRecord(t, recs, 0, "Berg; Jan"); !slices.Equal(got, []string{"Berg; Jan", "abwesend", "", "", "0", ""}) {
		t.Errorf("never joined: %q", got)
	}
	if got := findRecord(t, recs, 0, "Cem Gast"); got[1] != "entschuldigt" {
		t.Errorf("excused: %q", got)
	}
	if !strings.Contains(body, "\"Berg; Jan\";abwesend") {
		t.Error("a name with ; is not quoted")
	}
	lines, _ := f.e.db.LessonAttendance(context.Background(), f.first.ID)
	if len(recs) != len(lines)+1 {
		t.Errorf("%d records for %d lines", len(recs), len(lines))
	}
	// Nobody's formula survives, whatever else is in the lesson.
	for _, rec := range recs[1:] {
		if strings.HasPrefix(rec[0], "=") {
			t.Errorf("formula %q", rec[0])
		}
	}
}

func TestClassCSVEndpoint(t *testing.T) {
	f := newRecordsFixture(t)
	resp, body := f.get(t, "/api/classes/"+f.class.ID+"/attendance.csv", f.alice)
	if ct := resp.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	if cd := resp.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, `attachment; filename="Anwesenheit-7b-Mathe-`) {
		t.Errorf("Content-Disposition %q", cd)
	}
	recs := readCSV(t, body)
	if strings.Join(recs[0], ";") != "Datum;Beginn;Stunde;Name;Status;Erster Beitritt;Letztes Verlassen;Anwesend (Minuten);Zeiten" {
		t.Fatalf("header %q", recs[0])
	}
	start := f.firstStart.In(time.Local)
	var firstRows, secondRows int
	lastFirst, firstSecond := -1, -1
	for i, rec := range recs[1:] {
		switch {
		case rec[3] == "Ada Gast" && rec[8] != "" && rec[6] != "" && rec[7] == "24":
			firstRows++
			lastFirst = i
			if rec[0] != start.Format("02.01.2006") || rec[1] != start.Format("15:04") || rec[2] != "7b Mathe" {
				t.Errorf("lesson columns %q", rec[:3])
			}
		case rec[3] == "Ada Gast":
			secondRows++
			if firstSecond < 0 {
				firstSecond = i
			}
			if rec[6] != "" || !strings.HasSuffix(rec[8], "–") {
				t.Errorf("running lesson row %q", rec)
			}
		}
	}
	if firstRows != 1 || secondRows != 1 || lastFirst > firstSecond {
		t.Errorf("rows: first %d, second %d, order %d/%d:\n%s", firstRows, secondRows, lastFirst, firstSecond, body)
	}
	findRecord(t, recs, 3, `'=HYPERLINK("http://x")`)
	findRecord(t, recs, 3, "Berg; Jan")
}

func TestAttendancePrintViews(t *testing.T) {
	f := newRecordsFixture(t)
	ctx := context.Background()
	if err := f.e.db.PutAttendance(ctx, storage.Attendance{LessonID: f.first.ID, ParticipantID: "t-xss", Name: "<img src=x onerror=alert(1)>", Status: "present", ResumeHash: []byte{1}}); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/lessons/" + f.first.ID + "/print", "/classes/" + f.class.ID + "/attendance/print"} {
		resp, page := f.get(t, path, f.alice)
		if ct := resp.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
			t.Errorf("%s: Content-Type %q", path, ct)
		}
		for _, want := range []string{"/web/attendance.css", "7b Mathe", "Ada Gast", "verspätet", "entschuldigt", "abwesend",
			"Erster Beitritt", "Anwesend (Minuten)", "&lt;img src=x", "Berg; Jan", "&#34;http://x&#34;"} {
			if !strings.Contains(page, want) {
				t.Errorf("%s lacks %q:\n%s", path, want, page)
			}
		}
		if strings.Contains(page, "<img") || strings.Contains(page, "<script") {
			t.Errorf("%s: unescaped markup or a script", path)
		}
	}
	_, page := f.get(t, "/classes/"+f.class.ID+"/attendance/print", f.alice)
	if strings.Count(page, `<section class="lesson">`) != 2 || !strings.Contains(page, "(läuft noch)") {
		t.Errorf("class print view without both lessons:\n%s", page)
	}
	if strings.Index(page, f.firstStart.In(time.Local).Format("02.01.2006")+", "+f.firstStart.In(time.Local).Format("15:04")) < 0 {
		t.Errorf("class print view lacks the first lesson's date")
	}
}
