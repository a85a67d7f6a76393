package ui

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"ersatzraum/app/i18n"
	"ersatzraum/app/live"
)

// groupHelper is what the student's group panel asks of the call.
type groupHelper interface{ CallTeacher(on bool) }

// GroupPanel is a student's group: who is in it (their sound plays here,
// their pictures too if the teacher allowed them), the task, the time
// left, the teacher's messages, and "Lehrkraft rufen".
type GroupPanel struct {
	app.Compo
	Lang   i18n.Lang
	Group  live.GroupView
	Helper groupHelper
}

// GroupMediaID is the id of the element that plays a member's stream.
func GroupMediaID(tag string) string { return "group-media-" + tag }

// Render draws the group.
func (p *GroupPanel) Render() app.UI {
	l, g := p.Lang, p.Group
	if g.Unassigned {
		return app.Section().ID("my-group").Class("card group").DataSet("group", 0).Body(
			app.H2().Text(i18n.T(l, "groups.title")),
			app.P().ID("group-unassigned").Role("status").Text(i18n.T(l, "groups.student.unassigned")),
		)
	}
	class := "card group"
	if g.Cameras {
		class += " cameras"
	}
	helpKey := map[bool]string{false: "groups.help", true: "groups.help.off"}[g.Help]
	return app.Section().ID("my-group").Class(class).DataSet("group", g.N).Aria("labelledby", "my-group-heading").Body(
		app.H2().ID("my-group-heading").Text(i18n.T(l, "groups.student.title", g.N)),
		app.P().Body(&GroupTimer{Lang: l, EndsAt: g.EndsAt}),
		app.If(g.LastMinute, func() app.UI {
			return app.P().ID("group-lastminute").Class("notice").Role("alert").Text(i18n.T(l, "groups.lastminute"))
		}),
		app.If(g.Task != "", func() app.UI {
			return app.P().ID("group-task").Class("task").Text(g.Task)
		}),
		app.If(g.Note != "", func() app.UI {
			return app.P().ID("group-note").Class("notice").Role("alert").DataSet("seq", g.NoteSeq).
				Text(i18n.T(l, "groups.note", g.Note))
		}),
		app.If(g.Visited, func() app.UI {
			return app.P().ID("group-visited").Class("notice called").Role("status").Text(i18n.T(l, "groups.student.visited"))
		}),
		app.Ul().ID("group-members").Class("group-members").Body(app.Range(g.Members).Slice(func(i int) app.UI {
			m := g.Members[i]
			class := "member"
			if !m.Online {
				class += " offline"
			}
			return app.Li().Class(class).DataSet("tag", m.Tag).DataSet("name", m.Name).Body(
				// The element always exists so that the stream attached
				// to it survives re-renders; it plays the member's sound,
				// and shows the picture only when cameras are allowed.
				app.Video().ID(GroupMediaID(m.Tag)).AutoPlay(true).Attr("playsinline", true).Aria("label", m.Name),
				app.Span().Class("name").Text(m.Name),
				app.If(!m.Online, func() app.UI { return app.Span().Class("badge").Text(i18n.T(l, "groups.offline")) }),
			)
		})),
		app.If(len(g.Members) == 0, func() app.UI {
			return app.P().Class("muted").Text(i18n.T(l, "groups.student.alone"))
		}),
		app.Button().ID("group-help").Type("button").Class("button").Aria("pressed", g.Help).
			Text(i18n.T(l, helpKey)).
			OnClick(func(app.Context, app.Event) {
				// Read at click time: go-app keeps the first handler.
				if p.Helper != nil {
					p.Helper.CallTeacher(!p.Group.Help)
				}
			}),
	)
}
