package ui

import (
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"ersatzraum/app/i18n"
	"ersatzraum/app/protocol"
)

// RollCall is the teacher's attendance list: every student who joined,
// with status, connection and times.
type RollCall struct {
	app.Compo
	Lang    i18n.Lang
	Entries []protocol.Entry
}

// Render draws the list.
func (r *RollCall) Render() app.UI {
	l := r.Lang
	present := 0
	for _, e := range r.Entries {
		if e.Status == protocol.StatusPresent {
			present++
		}
	}
	return app.Section().ID("rollcall").Class("card rollcall").Aria("labelledby", "rollcall-heading").Body(
		app.H2().ID("rollcall-heading").Text(i18n.T(l, "lesson.rollcall")),
		app.P().Class("muted").Text(i18n.T(l, "lesson.present.count", present, len(r.Entries))),
		app.Ul().Body(
			app.Range(r.Entries).Slice(func(i int) app.UI {
				e := r.Entries[i]
				online := "false"
				conn := i18n.T(l, "status.offline")
				if e.Online {
					online, conn = "true", i18n.T(l, "status.online")
				}
				times := i18n.T(l, "rollcall.joined", i18n.Clock(l, time.UnixMilli(e.JoinedAt)))
				if !e.Online && e.LeftAt != 0 {
					times += " · " + i18n.T(l, "rollcall.left", i18n.Clock(l, time.UnixMilli(e.LeftAt)))
				}
				return app.Li().
					Class("entry status-"+e.Status).
					DataSet("participant", e.ID).
					DataSet("name", e.Name).
					DataSet("status", e.Status).
					DataSet("online", online).
					Body(
						app.Span().Class("name").Text(e.Name),
						app.Span().Class("status").Text(i18n.T(l, "status."+e.Status)),
						app.Span().Class("conn").Text(conn),
						app.Time().Class("joined").DateTime(time.UnixMilli(e.JoinedAt).Format(time.RFC3339)).Text(times),
					)
			}),
		),
	)
}
