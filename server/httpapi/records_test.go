package httpapi

import (
	"context"
	"encoding/csv"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"ersatzraum/app/protocol"
	"ersatzraum/server/storage"
)

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
		{"/api/classes/" + f.class.ID + "/lessons", protocol.ErrUnknownClass},
		{"/api/classes/" + f.class.ID + "/attendance.csv", protocol.ErrUnknownClass},
		{"/classes/" + f.class.ID + "/attendance/print", protocol.ErrUnknownClass},
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
	expectAPIError(t, f.e.do("GET", "/api/classes/nope/attendance.csv", nil, f.alice), http.StatusNotFound, protocol.ErrUnknownClass)
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
