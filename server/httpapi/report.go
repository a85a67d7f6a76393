package httpapi

import (
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

// The attendance report: what a lesson's stored lines and events mean for
// each participant, as the CSV (csv.go) and the print view (print.go) show
// it. Pure functions of what storage holds and the time, so that the rules
// are tested without HTTP.

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

// countStatuses counts a lesson's lines by their current status.
func countStatuses(lines []storage.Attendance) protocol.RollCallCounts {
	var c protocol.RollCallCounts
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
