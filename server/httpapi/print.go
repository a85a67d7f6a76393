package httpapi

import (
	"encoding/base64"
	"html/template"
	"net/http"
	"time"

	qrcode "github.com/skip2/go-qrcode"

	"ersatzraum/app/protocol"
	"ersatzraum/server/storage"
)

// The print views: plain HTML from the server (no app, no script) so that
// they print the same in every browser. The class's sheet of personal
// links, and the attendance of a lesson or of all a class's lessons.

// printSheet is an HTML page a teacher prints: one card per student with
// the personal link as QR code and text, and the class code on top.
var printSheet = template.Must(template.New("print").Parse(`<!doctype html>
<html lang="de"><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Name}} – persönliche Links</title>
<link rel="stylesheet" href="/web/print.css">
<main class="sheet">
<header>
<h1>{{.Name}}</h1>
<p>Klassencode <strong class="code">{{.Code}}</strong> · {{.JoinURL}}</p>
<p class="hint screen-only">Drucken mit Strg+P (Mac: ⌘+P). Jede Karte gehört genau einer Schülerin oder einem Schüler.</p>
</header>
<section class="cards">
{{range .Cards}}<article class="card">
<h2>{{.Name}}</h2>
<img src="{{.QR}}" width="160" height="160" alt="QR-Code mit dem persönlichen Link von {{.Name}}">
<p class="link">{{.Link}}</p>
<p class="note">Code scannen oder Link öffnen: Du kommst direkt in die Stunde. Der Link ist persönlich – bitte nicht weitergeben.</p>
</article>
{{else}}<p>Auf der Klassenliste steht noch niemand.</p>{{end}}
</section>
</main></html>`))

type printCard struct {
	Name string
	Link string
	QR   template.URL
}

func (s *Server) printClass(w http.ResponseWriter, r *http.Request, c storage.Class) {
	detail, _, err := s.classDetail(r.Context(), c, baseURL(r))
	if err != nil {
		s.internal(w, "print class", err)
		return
	}
	data := struct {
		protocol.ClassDetail
		Cards []printCard
	}{ClassDetail: detail}
	for _, st := range detail.Students {
		png, err := qrcode.Encode(st.Link, qrcode.Medium, 320)
		if err != nil {
			s.internal(w, "make QR code", err)
			return
		}
		data.Cards = append(data.Cards, printCard{
			Name: st.Name,
			Link: st.Link,
			// A data URL, so that the sheet needs no second request per
			// student and prints offline once loaded.
			QR: template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png)),
		})
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store") // the links are personal
	printSheet.Execute(w, data)
}

// attendancePrint shows attendance reports, with web/attendance.css for
// paper.
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
	Counts                  protocol.RollCallCounts
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
