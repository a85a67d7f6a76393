package httpapi

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"ersatzraum/app/protocol"
	"ersatzraum/server/roster"
	"ersatzraum/server/storage"
)

// The roll call's records: a class's history lesson by lesson, and each
// lesson's attendance as CSV for a German Excel and as a print view. The
// hub writes attendance lines and events as they happen (roster.Writer);
// everything here only reads them.

// RecordStore is what the records need from storage. The server finds it
// on its lesson or class store (both are the database in production).
type RecordStore interface {
	Lesson(ctx context.Context, id string) (storage.Lesson, error)
	ClassLessons(ctx context.Context, classID string) ([]storage.Lesson, error)
	LessonAttendance(ctx context.Context, lessonID string) ([]storage.Attendance, error)
	LessonEvents(ctx context.Context, lessonID string) ([]storage.Event, error)
}

// Interval is a stretch of time a participant was in the lesson. To is
// zero while it is still open (the participant is there right now).
type Interval struct {
	From, To time.Time
}

// ReportRow is one participant's line in a lesson's attendance report.
type ReportRow struct {
	Name      string
	Status    string // protocol status: present, late, absent, excused
	FirstJoin time.Time
	LastLeave time.Time // zero: never joined, or still there
	Intervals []Interval
	Minutes   int // minutes present, rounded
}

// statusLabels are the German words for the statuses, as in the CSV and on
// the print view.
var statusLabels = map[string]string{
	protocol.StatusPresent: "anwesend",
	protocol.StatusLate:    "verspätet",
	protocol.StatusAbsent:  "abwesend",
	protocol.StatusExcused: "entschuldigt",
}

// StatusLabel is the German word for a status ("anwesend", …).
func StatusLabel(status string) string {
	if s, ok := statusLabels[status]; ok {
		return s
	}
	return status
}

// LessonReport turns a lesson's attendance lines and events into report
// rows, sorted by name. Presence intervals come from the join and leave
// events; an interval still open ends at the lesson's end if the lesson
// has ended, else stays open and counts up to now. A participant without
// join events (lines written before the history existed) gets one
// interval from the line's join to its leave.
func LessonReport(l storage.Lesson, lines []storage.Attendance, events []storage.Event, now time.Time) []ReportRow {
	byParticipant := make(map[string][]storage.Event)
	for _, e := range events {
		byParticipant[e.ParticipantID] = append(byParticipant[e.ParticipantID], e)
	}
	rows := make([]ReportRow, 0, len(lines))
	ids := make([]string, 0, len(lines))
	for _, a := range lines {
		iv := intervals(byParticipant[a.ParticipantID])
		if iv == nil && !a.JoinedAt.IsZero() {
			iv = []Interval{{From: a.JoinedAt, To: a.LeftAt}}
		}
		end := now
		if !l.EndedAt.IsZero() {
			end = l.EndedAt
			for i := range iv {
				if iv[i].To.IsZero() {
					iv[i].To = maxTime(iv[i].From, l.EndedAt)
				}
			}
		}
		r := ReportRow{Name: a.Name, Status: a.Status, Intervals: iv}
		var total time.Duration
		for _, x := range iv {
			to := x.To
			if to.IsZero() {
				to = end
			}
			if d := to.Sub(x.From); d > 0 {
				total += d
			}
		}
		r.Minutes = int(total.Round(time.Minute) / time.Minute)
		if len(iv) > 0 {
			r.FirstJoin = iv[0].From
			r.LastLeave = iv[len(iv)-1].To
		}
		rows = append(rows, r)
		ids = append(ids, a.ParticipantID)
	}
	sortReport(rows, ids)
	return rows
}

// intervals pairs a participant's joins and leaves. A second join while
// already in (a reconnect whose leave was not seen) continues the open
// interval; a leave without a join is ignored. Nil without any join.
func intervals(events []storage.Event) []Interval {
	var out []Interval
	open := false
	for _, e := range events {
		switch e.Kind {
		case roster.EventJoin:
			if !open {
				out = append(out, Interval{From: e.At})
				open = true
			}
		case roster.EventLeave:
			if open {
				out[len(out)-1].To = maxTime(e.At, out[len(out)-1].From)
				open = false
			}
		}
	}
	return out
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// sortReport orders rows by name as a German reader expects: without
// regard to case, umlauts next to their base letters. ids break ties so
// that the order is stable.
func sortReport(rows []ReportRow, ids []string) {
	c := collate.New(language.German, collate.IgnoreCase)
	idx := make([]int, len(rows))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		if n := c.CompareString(rows[a].Name, rows[b].Name); n != 0 {
			return n
		}
		if n := strings.Compare(rows[a].Name, rows[b].Name); n != 0 {
			return n
		}
		return strings.Compare(ids[a], ids[b])
	})
	sorted := make([]ReportRow, len(rows))
	for i, j := range idx {
		sorted[i] = rows[j]
	}
	copy(rows, sorted)
}

// Counts are the number of participants per status.
type Counts struct {
	Present int `json:"present"`
	Late    int `json:"late"`
	Absent  int `json:"absent"`
	Excused int `json:"excused"`
}

func countStatuses(lines []storage.Attendance) Counts {
	var c Counts
	for _, a := range lines {
		switch a.Status {
		case protocol.StatusPresent:
			c.Present++
		case protocol.StatusLate:
			c.Late++
		case protocol.StatusAbsent:
			c.Absent++
		case protocol.StatusExcused:
			c.Excused++
		}
	}
	return c
}

// Formatting: German dates and times in the server's time zone.
const (
	dateLayout  = "02.01.2006"
	clockLayout = "15:04"
)

func clockIn(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format(clockLayout)
}

// Times writes the intervals as "08:03–08:20, 08:25–"; an open interval
// has no end.
func (r ReportRow) Times(loc *time.Location) string {
	parts := make([]string, 0, len(r.Intervals))
	for _, x := range r.Intervals {
		parts = append(parts, clockIn(x.From, loc)+"–"+clockIn(x.To, loc))
	}
	return strings.Join(parts, ", ")
}

// cells are a row's fields as the CSV and the print view show them.
func (r ReportRow) cells(loc *time.Location) []string {
	return []string{
		r.Name,
		StatusLabel(r.Status),
		clockIn(r.FirstJoin, loc),
		clockIn(r.LastLeave, loc),
		strconv.Itoa(r.Minutes),
		r.Times(loc),
	}
}

// The CSV headers, exactly as German Excel users read them.
var (
	lessonCSVHeader = []string{"Name", "Status", "Erster Beitritt", "Letztes Verlassen", "Anwesend (Minuten)", "Zeiten"}
	classCSVHeader  = append([]string{"Datum", "Beginn", "Stunde"}, lessonCSVHeader...)
)

// csvSafe keeps a spreadsheet from reading a field as a formula: student
// names are typed by students. A leading apostrophe makes it plain text.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// excelCSV writes rows for a German Excel: UTF-8 with BOM (else Excel
// guesses Windows-1252), semicolons (the German list separator), CRLF.
func excelCSV(rows [][]string) []byte {
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	w := csv.NewWriter(&buf)
	w.Comma = ';'
	w.UseCRLF = true
	for _, row := range rows {
		safe := make([]string, len(row))
		for i, f := range row {
			safe[i] = csvSafe(f)
		}
		w.Write(safe) // a bytes.Buffer does not fail
	}
	w.Flush()
	return buf.Bytes()
}

// LessonCSV is a lesson's report as CSV.
func LessonCSV(rows []ReportRow, loc *time.Location) []byte {
	out := [][]string{lessonCSVHeader}
	for _, r := range rows {
		out = append(out, r.cells(loc))
	}
	return excelCSV(out)
}

// lessonReport is a lesson with its report rows.
type lessonReport struct {
	Lesson storage.Lesson
	Rows   []ReportRow
	Counts Counts
}

// ClassCSV is a class's reports, one row per lesson and participant,
// lessons in the order given (oldest first).
func ClassCSV(reports []lessonReport, loc *time.Location) []byte {
	out := [][]string{classCSVHeader}
	for _, rep := range reports {
		start := rep.Lesson.CreatedAt.In(loc)
		for _, r := range rep.Rows {
			out = append(out, append([]string{start.Format(dateLayout), start.Format(clockLayout), rep.Lesson.Title}, r.cells(loc)...))
		}
	}
	return excelCSV(out)
}

// attachmentName gives a download name: ASCII for every browser, and the
// real name (umlauts and all) per RFC 5987 for those that read it.
func attachmentName(name string) string {
	return `attachment; filename="` + asciiSlug(name) + `.csv"; filename*=UTF-8''` + rfc5987(safeFileName(name)+".csv")
}

var transliterations = strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "Ä", "Ae", "Ö", "Oe", "Ü", "Ue", "ß", "ss")

// asciiSlug keeps letters and digits (umlauts spelled out) and joins the
// rest with single hyphens: "7b Mathe (Kurs)" → "7b-Mathe-Kurs".
func asciiSlug(s string) string {
	s = transliterations.Replace(s)
	var b strings.Builder
	hyphen := false
	for _, r := range s {
		if r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			hyphen = false
		} else {
			hyphen = true
		}
		if b.Len() >= 100 {
			break
		}
	}
	if b.Len() == 0 {
		return "Anwesenheit"
	}
	return b.String()
}

// safeFileName drops what no file name may hold: control characters,
// slashes and the characters Windows refuses; spaces become hyphens.
func safeFileName(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r < 0x20 || r == 0x7f || strings.ContainsRune(`/\:*?"<>|`, r):
		case r == ' ':
			b.WriteByte('-')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// rfc5987 percent-encodes all but the attr-chars of RFC 5987.
func rfc5987(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if c < 128 && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0) {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// Routes.

func (s *Server) registerRecordRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/classes/{id}/lessons", s.withClass(s.classHistory))
	mux.HandleFunc("GET /api/classes/{id}/attendance.csv", s.withClass(s.classCSV))
	mux.HandleFunc("GET /classes/{id}/attendance/print", s.withClass(s.classPrint))
	mux.HandleFunc("GET /api/lessons/{id}/attendance.csv", s.withLesson(s.lessonCSV))
	mux.HandleFunc("GET /lessons/{id}/print", s.withLesson(s.lessonPrint))
}

// recordZone is the time zone of the exports: the server's local one.
func recordZone() *time.Location { return time.Local }

func (s *Server) records() (RecordStore, error) {
	if rs, ok := s.Lessons.(RecordStore); ok {
		return rs, nil
	}
	if rs, ok := s.Classes.(RecordStore); ok {
		return rs, nil
	}
	return nil, errors.New("storage has no attendance records")
}

// withLesson admits only the lesson's own teacher; another teacher's
// lesson looks exactly like a missing one.
func (s *Server) withLesson(h func(http.ResponseWriter, *http.Request, storage.Lesson)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		t, err := s.Accounts.TeacherFromRequest(r)
		if err != nil {
			writeError(w, http.StatusUnauthorized, protocol.ErrUnauthorized, "sign in as a teacher first")
			return
		}
		l, err := s.Lessons.Lesson(r.Context(), r.PathValue("id"))
		if errors.Is(err, storage.ErrNotFound) || (err == nil && l.TeacherID != t.ID) {
			writeError(w, http.StatusNotFound, protocol.ErrUnknownLesson, "no such lesson")
			return
		}
		if err != nil {
			s.internal(w, "load lesson", err)
			return
		}
		h(w, r, l)
	}
}

// report loads one lesson's lines and events and makes its report.
func (s *Server) report(ctx context.Context, l storage.Lesson) (lessonReport, error) {
	rs, err := s.records()
	if err != nil {
		return lessonReport{}, err
	}
	lines, err := rs.LessonAttendance(ctx, l.ID)
	if err != nil {
		return lessonReport{}, err
	}
	events, err := rs.LessonEvents(ctx, l.ID)
	if err != nil {
		return lessonReport{}, err
	}
	return lessonReport{Lesson: l, Rows: LessonReport(l, lines, events, time.Now()), Counts: countStatuses(lines)}, nil
}

// classReports are the reports of all of a class's lessons, oldest first.
func (s *Server) classReports(ctx context.Context, c storage.Class) ([]lessonReport, error) {
	rs, err := s.records()
	if err != nil {
		return nil, err
	}
	lessons, err := rs.ClassLessons(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	slices.Reverse(lessons)
	out := make([]lessonReport, 0, len(lessons))
	for _, l := range lessons {
		rep, err := s.report(ctx, l)
		if err != nil {
			return nil, err
		}
		out = append(out, rep)
	}
	return out, nil
}

// LessonRecord is one line of GET /api/classes/{id}/lessons.
type LessonRecord struct {
	ID        string    `json:"id"`
	Title     string    `json:"title"`
	StartedAt time.Time `json:"startedAt"`
	EndedAt   time.Time `json:"endedAt,omitzero"`
	Counts
}

func (s *Server) classHistory(w http.ResponseWriter, r *http.Request, c storage.Class) {
	rs, err := s.records()
	if err != nil {
		s.internal(w, "class history", err)
		return
	}
	lessons, err := rs.ClassLessons(r.Context(), c.ID)
	if err != nil {
		s.internal(w, "class history", err)
		return
	}
	out := make([]LessonRecord, 0, len(lessons))
	for _, l := range lessons {
		lines, err := rs.LessonAttendance(r.Context(), l.ID)
		if err != nil {
			s.internal(w, "class history", err)
			return
		}
		out = append(out, LessonRecord{ID: l.ID, Title: l.Title, StartedAt: l.CreatedAt, EndedAt: l.EndedAt, Counts: countStatuses(lines)})
	}
	writeJSON(w, http.StatusOK, out)
}

func writeCSV(w http.ResponseWriter, name string, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", attachmentName(name))
	h.Set("Cache-Control", "no-store") // names and absences of children
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.Write(body)
}

func (s *Server) lessonCSV(w http.ResponseWriter, r *http.Request, l storage.Lesson) {
	rep, err := s.report(r.Context(), l)
	if err != nil {
		s.internal(w, "attendance CSV", err)
		return
	}
	loc := recordZone()
	writeCSV(w, "Anwesenheit-"+l.Title+"-"+l.CreatedAt.In(loc).Format("2006-01-02"), LessonCSV(rep.Rows, loc))
}

func (s *Server) classCSV(w http.ResponseWriter, r *http.Request, c storage.Class) {
	reps, err := s.classReports(r.Context(), c)
	if err != nil {
		s.internal(w, "attendance CSV", err)
		return
	}
	loc := recordZone()
	writeCSV(w, "Anwesenheit-"+c.Name+"-"+time.Now().In(loc).Format("2006-01-02"), ClassCSV(reps, loc))
}

// The print views: plain HTML from the server like the sheet of personal
// links (print.go), no script, web/attendance.css for paper.
var attendancePrint = template.Must(template.New("attendance").Parse(`<!doctype html>
<html lang="de"><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} – Anwesenheit</title>
<link rel="stylesheet" href="/web/attendance.css">
<main class="records">
<header>
<h1>{{.Title}}</h1>
<p class="meta">{{.Subtitle}}</p>
<p class="hint screen-only">Drucken mit Strg+P (Mac: ⌘+P). Zeiten in der Zeitzone des Servers.</p>
</header>
{{range .Lessons}}<section class="lesson">
{{if $.Class}}<h2>{{.Date}}, {{.Begin}} – {{.Title}}</h2>{{end}}
<p class="meta">{{if not $.Class}}{{.Date}}, {{end}}{{.Begin}}–{{if .End}}{{.End}}{{else}}(läuft noch){{end}} ·
anwesend {{.Counts.Present}} · verspätet {{.Counts.Late}} · abwesend {{.Counts.Absent}} · entschuldigt {{.Counts.Excused}}</p>
{{if .Rows}}<table>
<thead><tr><th scope="col">Name</th><th scope="col">Status</th><th scope="col">Erster Beitritt</th><th scope="col">Letztes Verlassen</th><th scope="col" class="num">Anwesend (Minuten)</th><th scope="col">Zeiten</th></tr></thead>
<tbody>
{{range .Rows}}<tr class="status-{{.Status}}"><td>{{.Name}}</td><td>{{.Label}}</td><td>{{.FirstJoin}}</td><td>{{.LastLeave}}</td><td class="num">{{.Minutes}}</td><td>{{.Times}}</td></tr>
{{end}}</tbody>
</table>{{else}}<p>Niemand in dieser Stunde.</p>{{end}}
</section>
{{else}}<p>Noch keine Stunde.</p>{{end}}
</main></html>`))

type printData struct {
	Title, Subtitle string
	Class           bool
	Lessons         []printLesson
}

type printLesson struct {
	Date, Begin, End, Title string
	Counts                  Counts
	Rows                    []printRow
}

type printRow struct {
	Name, Status, Label, FirstJoin, LastLeave, Minutes, Times string
}

func toPrint(rep lessonReport, loc *time.Location) printLesson {
	start := rep.Lesson.CreatedAt.In(loc)
	p := printLesson{Date: start.Format(dateLayout), Begin: start.Format(clockLayout), End: clockIn(rep.Lesson.EndedAt, loc), Title: rep.Lesson.Title, Counts: rep.Counts}
	for _, r := range rep.Rows {
		c := r.cells(loc)
		p.Rows = append(p.Rows, printRow{Name: c[0], Status: r.Status, Label: c[1], FirstJoin: c[2], LastLeave: c[3], Minutes: c[4], Times: c[5]})
	}
	return p
}

func writePrint(w http.ResponseWriter, data printData) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	attendancePrint.Execute(w, data)
}

func (s *Server) lessonPrint(w http.ResponseWriter, r *http.Request, l storage.Lesson) {
	rep, err := s.report(r.Context(), l)
	if err != nil {
		s.internal(w, "attendance print", err)
		return
	}
	loc := recordZone()
	writePrint(w, printData{Title: l.Title, Subtitle: "Anwesenheit", Lessons: []printLesson{toPrint(rep, loc)}})
}

func (s *Server) classPrint(w http.ResponseWriter, r *http.Request, c storage.Class) {
	reps, err := s.classReports(r.Context(), c)
	if err != nil {
		s.internal(w, "attendance print", err)
		return
	}
	loc := recordZone()
	data := printData{Title: c.Name, Subtitle: "Anwesenheit aller Stunden, Stand " + time.Now().In(loc).Format(dateLayout+" "+clockLayout), Class: true}
	for _, rep := range reps {
		data.Lessons = append(data.Lessons, toPrint(rep, loc))
	}
	writePrint(w, data)
}
