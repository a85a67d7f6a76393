package ui

import (
	"strconv"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"ersatzraum/app/i18n"
	"ersatzraum/app/protocol"
)

// ClassChecks lists the quick-check results the teacher saved in the
// class's lessons, with their CSV. Only counts were saved, never who
// answered what.
type ClassChecks struct {
	app.Compo
	ClassID string
	Lang    i18n.Lang

	loadedFor string
	recs      []protocol.CheckRecord
	err       string
}

// OnMount loads the results.
func (c *ClassChecks) OnMount(ctx app.Context) { c.load(ctx) }

// OnUpdate loads the results when the page learns its class.
func (c *ClassChecks) OnUpdate(ctx app.Context) {
	if app.IsClient {
		c.load(ctx)
	}
}

func (c *ClassChecks) load(ctx app.Context) {
	id := c.ClassID
	if id == "" || id == c.loadedFor {
		return
	}
	c.loadedFor = id
	ctx.Async(func() {
		var recs []protocol.CheckRecord
		err := apiCall("GET", "/api/classes/"+id+"/checks", nil, &recs)
		ctx.Dispatch(func(app.Context) {
			if id != c.ClassID {
				return
			}
			if err != nil {
				c.err = errorText(c.Lang, err.Error())
				return
			}
			c.err, c.recs = "", recs
		})
	})
}

// Render draws the list, newest lesson last (as saved).
func (c *ClassChecks) Render() app.UI {
	l := c.Lang
	return app.Section().ID("class-checks").Class("card").Aria("labelledby", "class-checks-heading").Body(
		app.H2().ID("class-checks-heading").Text(i18n.T(l, "records.checks")),
		app.If(len(c.recs) == 0 && c.err == "", func() app.UI {
			return app.P().Class("muted").Text(i18n.T(l, "records.checks.none"))
		}),
		app.Ul().Body(
			app.Range(c.recs).Slice(func(i int) app.UI {
				r := c.recs[i]
				start := time.UnixMilli(r.LessonStartedAt)
				parts := make([]string, len(r.Options))
				for j, o := range r.Options {
					n := 0
					if j < len(r.Counts) {
						n = r.Counts[j]
					}
					parts[j] = o + ": " + strconv.Itoa(n)
				}
				return app.Li().DataSet("id", r.ID).Body(
					app.Span().Class("muted").Text(i18n.Date(l, start)+", "+r.LessonTitle+" – "),
					app.Strong().Text(r.Question),
					app.Text(" "+strings.Join(parts, " · ")+" ("+i18n.T(l, "records.checks.result", r.Answered, r.Present)+")"),
				)
			}),
		),
		app.If(len(c.recs) > 0, func() app.UI {
			return app.A().ID("class-checks-csv").Class("button secondary").
				Href(serverURL() + "/api/classes/" + c.ClassID + "/checks.csv").Download("Schnellabfragen.csv").
				Text(i18n.T(l, "records.checks.csv"))
		}),
		app.If(c.err != "", func() app.UI { return app.P().Class("error").Role("alert").Text(c.err) }),
	)
}
