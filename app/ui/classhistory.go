package ui

import (
	"strconv"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"ersatzraum/app/i18n"
	"ersatzraum/app/protocol"
)

// downloadName is only a fallback: the server's Content-Disposition names
// the file after the lesson or class and date. An empty download attribute
// would be dropped.
const downloadName = "Anwesenheit.csv"

// ClassHistory is a class's lessons so far with their attendance, newest
// first, and the ways out to paper and spreadsheet: CSV and print view per
// lesson and for the whole class. The server writes the attendance while a
// lesson runs; this only shows it.
type ClassHistory struct {
	app.Compo
	ClassID string
	Lang    i18n.Lang

	loadedFor string
	loaded    bool
	lessons   []protocol.LessonRecord
	err       string
}

// OnMount loads the history.
func (h *ClassHistory) OnMount(ctx app.Context) { h.load(ctx) }

// OnUpdate loads the history when the page learns its class.
func (h *ClassHistory) OnUpdate(ctx app.Context) {
	if app.IsClient {
		h.load(ctx)
	}
}

func (h *ClassHistory) load(ctx app.Context) {
	id := h.ClassID
	if id == "" || id == h.loadedFor {
		return
	}
	h.loadedFor = id
	ctx.Async(func() {
		var list []protocol.LessonRecord
		err := apiCall("GET", "/api/classes/"+id+"/lessons", nil, &list)
		ctx.Dispatch(func(app.Context) {
			if id != h.ClassID {
				return // the page moved on to another class
			}
			h.loaded = true
			if err != nil {
				h.err = errorText(h.Lang, err.Error())
				return
			}
			h.err, h.lessons = "", list
		})
	})
}

// Render draws the table.
func (h *ClassHistory) Render() app.UI {
	l := h.Lang
	base := serverURL()
	return app.Section().ID("history").Class("card").DataSet("loaded", h.loaded).Aria("labelledby", "history-heading").Body(
		app.H2().ID("history-heading").Text(i18n.T(l, "history.title")),
		app.P().Class("hint").Text(i18n.T(l, "history.hint")),
		app.Div().Class("actions-row").Body(
			app.A().ID("history-csv").Class("button secondary").
				Href(base+"/api/classes/"+h.ClassID+"/attendance.csv").Download(downloadName).
				Text(i18n.T(l, "history.csv.all")),
			app.A().ID("history-print").Class("button secondary").
				Href(base+"/classes/"+h.ClassID+"/attendance/print").
				Target("_blank").Rel("noopener").
				Text(i18n.T(l, "history.print.all")),
		),
		app.If(h.loaded && h.err == "" && len(h.lessons) == 0, func() app.UI {
			return app.P().ID("history-empty").Class("muted").Text(i18n.T(l, "history.empty"))
		}),
		app.If(len(h.lessons) > 0, func() app.UI {
			return app.Div().Class("table-scroll").Body(
				app.Table().ID("history-table").Class("history-table").Body(
					app.Caption().Text(i18n.T(l, "history.caption")),
					app.THead().Body(app.Tr().Body(
						app.Th().Scope("col").Text(i18n.T(l, "history.date")),
						app.Th().Scope("col").Text(i18n.T(l, "history.time")),
						app.Th().Scope("col").Text(i18n.T(l, "history.lesson")),
						app.Th().Scope("col").Class("num").Text(i18n.T(l, "history.present")),
						app.Th().Scope("col").Class("num").Text(i18n.T(l, "history.late")),
						app.Th().Scope("col").Class("num").Text(i18n.T(l, "history.absent")),
						app.Th().Scope("col").Class("num").Text(i18n.T(l, "history.excused")),
						app.Th().Scope("col").Text(i18n.T(l, "history.export")),
					)),
					app.TBody().Body(
						app.Range(h.lessons).Slice(func(i int) app.UI {
							return h.row(h.lessons[i], base)
						}),
					),
				),
			)
		}),
		app.If(h.err != "", func() app.UI { return app.P().Class("error").Role("alert").Text(h.err) }),
	)
}

// row is one lesson of the table; its cells carry data-cell for tests.
func (h *ClassHistory) row(r protocol.LessonRecord, base string) app.UI {
	l := h.Lang
	start := r.StartedAt.Local()
	date := i18n.Date(l, start)
	when := i18n.Clock(l, start)
	if r.EndedAt.IsZero() {
		when += " (" + i18n.T(l, "history.running") + ")"
	} else {
		when += " – " + i18n.Clock(l, r.EndedAt.Local())
	}
	count := func(name string, n int) app.UI {
		return app.Td().Class("num").DataSet("cell", name).Text(strconv.Itoa(n))
	}
	return app.Tr().DataSet("lesson", r.ID).Body(
		app.Td().DataSet("cell", "date").Text(date),
		app.Td().DataSet("cell", "time").Text(when),
		app.Td().DataSet("cell", "title").Text(r.Title),
		count("present", r.Present),
		count("late", r.Late),
		count("absent", r.Absent),
		count("excused", r.Excused),
		app.Td().DataSet("cell", "export").Body(
			app.A().Class("lesson-csv").Href(base+"/api/lessons/"+r.ID+"/attendance.csv").Download(downloadName).
				Aria("label", i18n.T(l, "history.csv.one", date+", "+when)).
				Text(i18n.T(l, "history.csv")),
			app.Text(" · "),
			app.A().Class("lesson-print").Href(base+"/lessons/"+r.ID+"/print").
				Target("_blank").Rel("noopener").
				Aria("label", i18n.T(l, "history.print.one", date+", "+when)).
				Text(i18n.T(l, "history.print")),
		),
	)
}
