package ui

import (
	"strconv"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"ersatzraum/app/i18n"
	"ersatzraum/app/protocol"
)

// GroupBoard is the teacher's view of running group work: each group
// with its members and whether it calls the teacher, a visit to any
// group, moving a student, a message to all groups, and "Alle
// zurückholen". Handlers read which group or student they act on from
// their element (data attributes): go-app keeps an element's first
// handler when the groups change under it.
type GroupBoard struct {
	app.Compo
	Lang       i18n.Lang
	State      *protocol.GroupsState
	EndsAt     time.Time
	LastMinute bool
	Controls   groupControls

	say string
}

// Render draws the groups.
func (b *GroupBoard) Render() app.UI {
	l, st := b.Lang, b.State
	return app.Section().ID("groups").Class("card groups running").DataSet("visiting", st.Visiting).
		Aria("labelledby", "groups-heading").Body(
		app.H2().ID("groups-heading").Text(i18n.T(l, "groups.running", len(st.Groups))),
		app.P().Body(&GroupTimer{Lang: l, EndsAt: b.EndsAt}),
		app.If(b.LastMinute, func() app.UI {
			return app.P().ID("groups-lastminute").Class("notice").Role("status").Text(i18n.T(l, "groups.lastminute"))
		}),
		app.If(st.Task != "", func() app.UI {
			return app.P().ID("groups-task-shown").Class("task").Text(st.Task)
		}),
		app.Div().ID("group-list").Class("group-list").Body(
			app.Range(st.Groups).Slice(func(i int) app.UI { return b.renderGroup(st.Groups[i]) }),
		),
		app.If(len(st.Unassigned) > 0, func() app.UI {
			return app.Div().ID("groups-unassigned").Body(
				app.H3().Text(i18n.T(l, "groups.unassigned")),
				app.Ul().Class("plain").Body(app.Range(st.Unassigned).Slice(func(i int) app.UI {
					return b.renderMember(st.Unassigned[i], 0)
				})),
			)
		}),
		app.Form().ID("groups-say-form").Class("inline-form").OnSubmit(func(ctx app.Context, e app.Event) {
			e.PreventDefault()
			if text := strings.TrimSpace(b.say); text != "" && b.Controls != nil {
				b.Controls.SayToGroups(text)
				b.say = ""
			}
		}).Body(
			app.Label().For("groups-say").Text(i18n.T(l, "groups.say")),
			app.Input().ID("groups-say").Type("text").MaxLength(protocol.MaxGroupSayRunes).Value(b.say).
				OnInput(func(ctx app.Context, e app.Event) { b.say = ctx.JSSrc().Get("value").String() }),
			app.Button().ID("groups-say-send").Type("submit").Class("button small").Text(i18n.T(l, "groups.say.send")),
		),
		app.Button().ID("groups-end").Type("button").Class("button").Text(i18n.T(l, "groups.end")).
			OnClick(func(app.Context, app.Event) {
				if b.Controls != nil {
					b.Controls.EndGroups()
				}
			}),
	)
}

func (b *GroupBoard) renderGroup(g protocol.Group) app.UI {
	l, visiting := b.Lang, b.State.Visiting == g.N
	class := "group"
	if visiting {
		class += " visited"
	}
	if g.Help {
		class += " help"
	}
	visitKey, target := "groups.visit", g.N
	if visiting {
		visitKey, target = "groups.leave", 0
	}
	return app.Div().Class(class).DataSet("group", g.N).Body(
		app.H3().Body(
			app.Text(i18n.T(l, "groups.group", g.N)),
			app.If(g.Help, func() app.UI {
				return app.Span().Class("badge help").Role("status").Text(" " + i18n.T(l, "groups.help.badge"))
			}),
			app.If(visiting, func() app.UI {
				return app.Span().Class("badge visiting").Text(" " + i18n.T(l, "groups.visiting"))
			}),
		),
		app.Ul().Class("plain").Body(app.Range(g.Members).Slice(func(i int) app.UI {
			return b.renderMember(g.Members[i], g.N)
		})),
		app.Button().Type("button").Class("button small visit").DataSet("target", target).
			Aria("label", i18n.T(l, visitKey+".one", g.N)).Text(i18n.T(l, visitKey)).
			OnClick(func(ctx app.Context, e app.Event) {
				n, _ := strconv.Atoi(ctx.JSSrc().Get("dataset").Get("target").String())
				if b.Controls != nil {
					b.Controls.VisitGroup(n)
				}
			}),
	)
}

// renderMember is one student with the choice of another group (in is
// the student's group, 0 for none).
func (b *GroupBoard) renderMember(m protocol.GroupMember, in int) app.UI {
	l := b.Lang
	class := "member"
	if !m.Online {
		class += " offline"
	}
	choices := len(b.State.Groups) + 1 // the last is a new group
	return app.Li().Class(class).DataSet("name", m.Name).Body(
		app.Span().Class("name").Text(m.Name),
		app.If(!m.Online, func() app.UI { return app.Span().Class("badge").Text(i18n.T(l, "groups.offline")) }),
		app.Select().Class("move").DataSet("id", m.ID).Aria("label", i18n.T(l, "groups.move.one", m.Name)).
			OnChange(func(ctx app.Context, e app.Event) {
				n, _ := strconv.Atoi(ctx.JSSrc().Get("value").String())
				id := ctx.JSSrc().Get("dataset").Get("id").String()
				if n > 0 && b.Controls != nil {
					b.Controls.MoveToGroup(id, n)
				}
			}).
			Body(
				app.Option().Value(0).Selected(true).Text(i18n.T(l, "groups.move")),
				app.Range(make([]struct{}, choices)).Slice(func(j int) app.UI {
					n := j + 1
					text := i18n.T(l, "groups.group", n)
					if n == choices {
						text = i18n.T(l, "groups.new")
					}
					return app.Option().Value(n).Disabled(n == in).Text(text)
				}),
			),
	)
}
