package ui

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"ersatzraum/app/i18n"
	"ersatzraum/app/protocol"
)

// LessonAttendance shows one lesson's stored roll call on the page: who
// was there, with status and times. The print view and the CSV carry the
// same lines for paper and spreadsheet.
type LessonAttendance struct {
	app.Compo
	Lang     i18n.Lang
	LessonID string
	PanelID  string // the id the button that opens it points to
	Title    string // the lesson, for the table's caption

	loadedFor string
	loaded    bool
	lines     []protocol.AttendanceLine
	err       string
}

// OnMount loads the roll call.
func (a *LessonAttendance) OnMount(ctx app.Context) { a.load(ctx) }

// OnUpdate loads it again when the component is handed another lesson.
func (a *LessonAttendance) OnUpdate(ctx app.Context) {
	if app.IsClient {
		a.load(ctx)
	}
}

func (a *LessonAttendance) load(ctx app.Context) {
	id := a.LessonID
	if id == "" || id == a.loadedFor {
		return
	}
	a.loadedFor, a.loaded = id, false
	ctx.Async(func() {
		var lines []protocol.AttendanceLine
		err := apiCall("GET", "/api/lessons/"+id+"/attendance", nil, &lines)
		ctx.Dispatch(func(app.Context) {
			if id != a.LessonID {
				return // moved on to another lesson
			}
			a.loaded = true
			if err != nil {
				a.err = errorText(a.Lang, err.Error())
				return
			}
			a.err, a.lines = "", lines
		})
	})
}

// Render draws the table.
func (a *LessonAttendance) Render() app.UI {
	l := a.Lang
	return app.Div().ID(a.PanelID).Class("lesson-attendance").DataSet("loaded", a.loaded).Body(
		app.If(!a.loaded, func() app.UI {
			return app.P().Class("muted").Role("status").Text(i18n.T(l, "attendance.loading"))
		}),
		app.If(a.loaded && a.err == "" && len(a.lines) == 0, func() app.UI {
			return app.P().Class("muted").Text(i18n.T(l, "attendance.empty"))
		}),
		app.If(len(a.lines) > 0, func() app.UI {
			return app.Div().Class("table-scroll").Body(
				app.Table().Class("attendance-table").Body(
					app.Caption().Class("visually-hidden").Text(i18n.T(l, "attendance.caption", a.Title)),
					app.THead().Body(app.Tr().Body(
						app.Th().Scope("col").Text(i18n.T(l, "attendance.name")),
						app.Th().Scope("col").Text(i18n.T(l, "attendance.status")),
						app.Th().Scope("col").Text(i18n.T(l, "attendance.joined")),
						app.Th().Scope("col").Text(i18n.T(l, "attendance.left")),
					)),
					app.TBody().Body(
						app.Range(a.lines).Slice(func(i int) app.UI { return a.row(a.lines[i]) }),
					),
				),
			)
		}),
		app.If(a.err != "", func() app.UI { return app.P().Class("error").Role("alert").Text(a.err) }),
	)
}

func (a *LessonAttendance) row(ln protocol.AttendanceLine) app.UI {
	l := a.Lang
	joined, left := "", ""
	if !ln.JoinedAt.IsZero() {
		joined = i18n.Clock(l, ln.JoinedAt.Local())
	}
	if !ln.LeftAt.IsZero() {
		left = i18n.Clock(l, ln.LeftAt.Local())
	}
	return app.Tr().DataSet("name", ln.Name).Body(
		app.Td().DataSet("cell", "name").Text(ln.Name),
		app.Td().DataSet("cell", "status").Text(i18n.T(l, "status."+ln.Status)),
		app.Td().DataSet("cell", "joined").Text(joined),
		app.Td().DataSet("cell", "left").Text(left),
	)
}
