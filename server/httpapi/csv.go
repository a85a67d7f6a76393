package httpapi

import (
	"bytes"
	"encoding/csv"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"ersatzraum/server/storage"
)

// CSV as a German Excel writes and reads it: class lists come in from
// school administration systems, attendance goes out to spreadsheets.

// NamesFromCSV reads student names from a class list exported by a school
// administration system or a spreadsheet: UTF-8 with or without BOM,
// separated by semicolons (German Excel), commas or tabs. With a header
// row it takes the "Name" column, or joins "Vorname" and "Nachname"
// (first name, last name); without one it takes the first column.
func NamesFromCSV(data []byte) ([]string, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	firstLine, _, _ := bytes.Cut(data, []byte("\n"))
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = delimiter(firstLine)
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	rows, err := r.ReadAll()
	if err != nil {
		return nil, errors.New("the file is not a readable CSV list: " + err.Error())
	}
	if len(rows) == 0 {
		return nil, errors.New("the file is empty")
	}
	nameCol, firstCol, lastCol := -1, -1, -1
	for i, h := range rows[0] {
		switch strings.ToLower(strings.TrimSpace(h)) {
		case "name", "schüler", "schülerin", "schüler*in", "student":
			nameCol = i
		case "vorname", "first name", "firstname":
			firstCol = i
		case "nachname", "familienname", "last name", "lastname", "surname":
			lastCol = i
		}
	}
	header := nameCol >= 0 || (firstCol >= 0 && lastCol >= 0)
	if !header {
		nameCol = 0
	} else {
		rows = rows[1:]
	}
	var names []string
	for _, row := range rows {
		var name string
		switch {
		case header && nameCol < 0:
			name = strings.TrimSpace(field(row, firstCol) + " " + field(row, lastCol))
		default:
			name = field(row, nameCol)
		}
		if name = strings.TrimSpace(name); name != "" {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return nil, errors.New("the file holds no names")
	}
	return names, nil
}

func field(row []string, i int) string {
	if i < 0 || i >= len(row) {
		return ""
	}
	return row[i]
}

func delimiter(line []byte) rune {
	best, count := ',', bytes.Count(line, []byte(","))
	for _, d := range []rune{';', '\t'} {
		if n := bytes.Count(line, []byte(string(d))); n > count {
			best, count = d, n
		}
	}
	return best
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

// writeCSV sends an export as a download named name (without ".csv").
func writeCSV(w http.ResponseWriter, name string, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", attachment(name+".csv"))
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
	writeCSV(w, exportName("Anwesenheit", l.Title, l.CreatedAt.In(loc).Format("2006-01-02")), LessonCSV(rep.Rows, loc))
}

func (s *Server) classCSV(w http.ResponseWriter, r *http.Request, c storage.Class) {
	reps, err := s.classReports(r.Context(), c)
	if err != nil {
		s.internal(w, "attendance CSV", err)
		return
	}
	loc := recordZone()
	writeCSV(w, exportName("Anwesenheit", c.Name, time.Now().In(loc).Format("2006-01-02")), ClassCSV(reps, loc))
}
