package ui

import (
	"slices"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"ersatzraum/app/i18n"
	"ersatzraum/app/protocol"
)

// Hands lists raised hands in the order they went up, and who is called
// on, as a teacher would see the hands in a classroom.
type Hands struct {
	app.Compo
	Lang    i18n.Lang
	Entries []protocol.Entry
	// Controls is the running call; nil in the prerendered page.
	Controls lessonControls
}

// Render draws the list.
func (h *Hands) Render() app.UI {
	l := h.Lang
	var raised []protocol.Entry
	var called *protocol.Entry
	for i, e := range h.Entries {
		if e.Hand != 0 {
			raised = append(raised, e)
		}
		if e.Called {
			called = &h.Entries[i]
		}
	}
	slices.SortFunc(raised, func(a, b protocol.Entry) int { return int(a.Hand - b.Hand) })
	return app.Section().ID("hands").Class("card hands").Aria("labelledby", "hands-heading").Body(
		app.H2().ID("hands-heading").Text(i18n.T(l, "hands.title", len(raised))),
		app.If(called != nil, func() app.UI {
			return app.P().ID("called-on").Class("notice").Role("status").Body(
				app.Text(i18n.T(l, "hands.called", called.Name)+" "),
				app.Button().ID("call-off").Class("button small").Text(i18n.T(l, "hands.done")).
					OnClick(func(app.Context, app.Event) { h.callOn("") }),
			)
		}),
		app.If(len(raised) == 0, func() app.UI { return app.P().Class("muted").Text(i18n.T(l, "hands.none")) }),
		app.Ol().ID("hand-queue").Body(
			app.Range(raised).Slice(func(i int) app.UI {
				e := raised[i]
				return app.Li().DataSet("name", e.Name).Body(
					app.Span().Class("name").Text(e.Name),
					app.Button().Class("button small call").
						Aria("label", i18n.T(l, "hands.call.one", e.Name)).Text(i18n.T(l, "hands.call")).
						OnClick(func(app.Context, app.Event) { h.callOn(e.ID) }),
				)
			}),
		),
	)
}

// callOn calls on a student; "" ends the call-on.
func (h *Hands) callOn(id string) {
	if h.Controls != nil {
		h.Controls.CallOn(id)
	}
}
