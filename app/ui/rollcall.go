package ui

import (
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"ersatzraum/app/i18n"
	"ersatzraum/app/live"
	"ersatzraum/app/protocol"
)

// statusKeys are the roll-call statuses in the order of their buttons,
// with the key that sets each when the student's line has the focus
// (p: present, v: verspätet, a: absent, e: entschuldigt/excused).
var statusKeys = []struct{ status, key string }{
	{protocol.StatusPresent, "p"},
	{protocol.StatusLate, "v"},
	{protocol.StatusAbsent, "a"},
	{protocol.StatusExcused, "e"},
}

// RollCall is the teacher's attendance list: everyone on the class list
// and everyone admitted, with status (one click or one key to change),
// connection, times, and the actions call on, mute and send out.
type RollCall struct {
	app.Compo
	Lang    i18n.Lang
	Entries []protocol.Entry
	// Lines says what the page knows of each student's connection
	// (live.TeacherView.Lines); a student missing there is shown by the
	// roll call's online flag alone.
	Lines map[string]live.Line
	// Controls is the running call; nil in the prerendered page.
	Controls lessonControls
}

// Render draws the list.
func (r *RollCall) Render() app.UI {
	l := r.Lang
	counts := map[string]int{}
	for _, e := range r.Entries {
		counts[e.Status]++
	}
	return app.Section().ID("rollcall").Class("card rollcall").Aria("labelledby", "rollcall-heading").Body(
		app.H2().ID("rollcall-heading").Text(i18n.T(l, "lesson.rollcall")),
		app.P().ID("rollcall-counts").Class("muted").Text(i18n.T(l, "rollcall.counts",
			counts[protocol.StatusPresent], counts[protocol.StatusLate], counts[protocol.StatusAbsent], counts[protocol.StatusExcused])),
		app.P().Class("hint").Text(i18n.T(l, "rollcall.keys")),
		app.Ul().Body(
			app.Range(r.Entries).Slice(func(i int) app.UI { return r.line(r.Entries[i]) }),
		),
	)
}

func (r *RollCall) line(e protocol.Entry) app.UI {
	l := r.Lang
	online := "false"
	if e.Online {
		online = "true"
	}
	line, ok := r.Lines[e.ID]
	if !ok {
		line = live.LineOffline
		if e.Online {
			line = live.LineConnecting
		}
	}
	times := i18n.T(l, "rollcall.never")
	if e.JoinedAt != 0 {
		times = i18n.T(l, "rollcall.joined", i18n.Clock(l, time.UnixMilli(e.JoinedAt)))
		if !e.Online && e.LeftAt != 0 {
			times += " · " + i18n.T(l, "rollcall.left", i18n.Clock(l, time.UnixMilli(e.LeftAt)))
		}
	}
	return app.Li().
		Class("entry status-"+e.Status).
		DataSet("participant", e.ID).
		DataSet("name", e.Name).
		DataSet("status", e.Status).
		DataSet("online", online).
		DataSet("conn", string(line)).
		TabIndex(0).
		Aria("label", i18n.T(l, "rollcall.line", e.Name, i18n.T(l, "status."+e.Status))).
		OnKeyDown(func(ctx app.Context, ev app.Event) {
			for _, sk := range statusKeys {
				if ev.Get("key").String() == sk.key {
					ev.PreventDefault()
					r.mark(e.ID, sk.status)
				}
			}
		}).
		Body(
			app.Span().Class("name").Text(e.Name),
			app.Span().Class("conn").Text(lineText(l, line)),
			app.Time().Class("joined").Text(times),
			app.Div().Class("statuses").Role("group").Aria("label", i18n.T(l, "rollcall.status.group", e.Name)).Body(
				app.Range(statusKeys).Slice(func(i int) app.UI {
					sk := statusKeys[i]
					return app.Button().
						Class("status-button status-"+sk.status).
						DataSet("set", sk.status).
						Aria("pressed", e.Status == sk.status).
						Title(i18n.T(l, "rollcall.key", sk.key)).
						Text(i18n.T(l, "status."+sk.status)).
						OnClick(func(app.Context, app.Event) { r.mark(e.ID, sk.status) })
				}),
			),
			app.If(e.Online, func() app.UI {
				return app.Div().Class("actions-row").Body(
					app.If(e.Called, func() app.UI {
						return app.Button().Class("button small call-off").Text(i18n.T(l, "hands.done")).
							OnClick(func(app.Context, app.Event) { r.do(func(c lessonControls) { c.CallOn("") }) })
					}).Else(func() app.UI {
						return app.Button().Class("button small call").
							Aria("label", i18n.T(l, "hands.call.one", e.Name)).Text(i18n.T(l, "hands.call")).
							OnClick(func(app.Context, app.Event) { r.do(func(c lessonControls) { c.CallOn(e.ID) }) })
					}),
					app.Button().Class("button small secondary mute").Disabled(!e.Mic).
						Aria("label", i18n.T(l, "rollcall.mute.one", e.Name)).Text(i18n.T(l, "rollcall.mute")).
						OnClick(func(app.Context, app.Event) { r.do(func(c lessonControls) { c.Mute(e.ID) }) }),
					app.Button().Class("button small secondary remove").
						Aria("label", i18n.T(l, "rollcall.remove.one", e.Name)).Text(i18n.T(l, "rollcall.remove")).
						OnClick(func(app.Context, app.Event) { r.do(func(c lessonControls) { c.Remove(e.ID) }) }),
				)
			}),
		)
}

// lineText words what the page knows of a student's connection:
// "verbunden" only for a media connection that is up while the server
// reaches everyone. The other keys are "rollcall.conn." plus the line.
func lineText(l i18n.Lang, line live.Line) string {
	switch line {
	case live.LineConnected:
		return i18n.T(l, "status.online")
	case live.LineOffline:
		return i18n.T(l, "status.offline")
	}
	return i18n.T(l, "rollcall.conn."+string(line))
}

func (r *RollCall) mark(id, status string) {
	r.do(func(c lessonControls) { c.Mark(id, status) })
}

// do asks the running call for something (there is none in the
// prerendered page).
func (r *RollCall) do(f func(lessonControls)) {
	if r.Controls != nil {
		f(r.Controls)
	}
}
