package ui

import (
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"ersatzraum/app/i18n"
	"ersatzraum/app/protocol"
)

// RecentLessons is the teacher's own lessons on the start page: the ones
// still running, with the way back in, and those of the last
// protocol.RecentLessonDays days (at most protocol.MaxRecentLessons),
// each with its attendance to view, print or download. Older lessons of
// a class stay on the class's page (ClassHistory).
type RecentLessons struct {
	app.Compo
	Lang i18n.Lang

	loaded  bool
	lessons []protocol.RecentLesson
	err     string
	shown   string // the lesson whose attendance is open, "" for none
}

// OnMount loads the list.
func (r *RecentLessons) OnMount(ctx app.Context) {
	ctx.Async(func() {
		var list []protocol.RecentLesson
		err := apiCall("GET", "/api/lessons", nil, &list)
		ctx.Dispatch(func(app.Context) {
			r.loaded = true
			if err != nil {
				r.err = errorText(r.Lang, err.Error())
				return
			}
			r.err, r.lessons = "", list
		})
	})
}

// Render draws the list.
func (r *RecentLessons) Render() app.UI {
	l := r.Lang
	return app.Section().ID("recent-lessons").Class("card").DataSet("loaded", r.loaded).Aria("labelledby", "recent-heading").Body(
		app.H2().ID("recent-heading").Text(i18n.T(l, "recent.title")),
		app.P().Class("hint").Text(i18n.T(l, "recent.hint", protocol.RecentLessonDays, protocol.MaxRecentLessons)),
		app.If(r.loaded && r.err == "" && len(r.lessons) == 0, func() app.UI {
			return app.P().ID("recent-empty").Class("muted").Text(i18n.T(l, "recent.empty", protocol.RecentLessonDays))
		}),
		app.Ul().Class("lesson-list").Body(
			app.Range(r.lessons).Slice(func(i int) app.UI { return r.item(r.lessons[i]) }),
		),
		app.If(r.err != "", func() app.UI { return app.P().Class("error").Role("alert").Text(r.err) }),
	)
}

// item is one lesson: what, when, whether it runs, and its ways on. It
// carries data-lesson and data-state for tests.
func (r *RecentLessons) item(ls protocol.RecentLesson) app.UI {
	l := r.Lang
	base := serverURL()
	running := ls.EndedAt.IsZero()
	start := ls.StartedAt.Local()
	date := i18n.Date(l, start)
	when := date + ", " + i18n.Clock(l, start)
	state, stateText := "ended", i18n.T(l, "recent.ended")
	if running {
		state, stateText = "running", i18n.T(l, "recent.running")
	} else {
		when += " – " + i18n.Clock(l, ls.EndedAt.Local())
	}
	class := i18n.T(l, "recent.adhoc")
	if ls.ClassName != "" {
		class = i18n.T(l, "recent.class", ls.ClassName)
	}
	panelID := "attendance-" + ls.ID
	shown := r.shown == ls.ID
	toggle := i18n.T(l, "recent.attendance.show")
	if shown {
		toggle = i18n.T(l, "recent.attendance.hide")
	}
	return app.Li().DataSet("lesson", ls.ID).DataSet("state", state).Body(
		app.Div().Class("lesson-head").Body(
			app.Span().Class("name").Text(ls.Title),
			app.Span().Class("state "+state).Text(stateText),
		),
		app.P().Class("muted lesson-when").Body(
			app.Span().Class("lesson-class").Text(class),
			app.Text(" · "),
			app.Time().Class("lesson-time").DateTime("%s", ls.StartedAt.Format(time.RFC3339)).Text(when),
			app.Text(" · "),
			app.Span().Class("lesson-counts").Text(i18n.T(l, "recent.counts", ls.Present, ls.Late, ls.Absent, ls.Excused)),
		),
		app.Div().Class("actions-row").Body(
			app.If(running, func() app.UI {
				return app.A().Class("button small rejoin").Href("/lesson/"+ls.ID).
					Aria("label", i18n.T(l, "recent.rejoin.one", ls.Title)).
					Text(i18n.T(l, "recent.rejoin"))
			}),
			app.Button().Type("button").Class("button small secondary show-attendance").
				Aria("expanded", shown).Aria("controls", panelID).
				Text(toggle).
				OnClick(func(app.Context, app.Event) {
					if r.shown == ls.ID {
						r.shown = ""
					} else {
						r.shown = ls.ID
					}
				}),
			app.A().Class("lesson-print").Href(base+"/lessons/"+ls.ID+"/print").
				Target("_blank").Rel("noopener").
				Aria("label", i18n.T(l, "history.print.one", when)).
				Text(i18n.T(l, "history.print")),
			app.A().Class("lesson-csv").Href(base+"/api/lessons/"+ls.ID+"/attendance.csv").Download(downloadName).
				Aria("label", i18n.T(l, "history.csv.one", when)).
				Text(i18n.T(l, "history.csv")),
		),
		app.If(shown, func() app.UI {
			return &LessonAttendance{Lang: l, LessonID: ls.ID, PanelID: panelID, Title: ls.Title + ", " + when}
		}),
	)
}
