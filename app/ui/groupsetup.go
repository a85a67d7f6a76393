package ui

import (
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"ersatzraum/app/i18n"
	"ersatzraum/app/protocol"
)

// groupControls is what the teacher's group-work panels ask of the
// running call (live.TeacherCall).
type groupControls interface {
	StartGroups(protocol.GroupsStart)
	MoveToGroup(id string, n int)
	VisitGroup(n int)
	SayToGroups(text string)
	EndGroups()
}

// GroupSetup is the form that starts group work: the size of the groups,
// at random, like last time or by hand; a task, a timer, and whether the
// students may see each other.
type GroupSetup struct {
	app.Compo
	Lang     i18n.Lang
	Present  []protocol.Entry // students online now
	Controls groupControls

	open    bool
	size    int
	mode    string
	task    string
	minutes int
	cameras bool
	manual  map[string]int // participant id → group, for "von Hand"
}

// OnMount sets the defaults: groups of 3, at random, 15 minutes.
func (g *GroupSetup) OnMount(app.Context) {
	g.size, g.mode, g.minutes = 3, protocol.GroupsRandom, 15
	g.manual = make(map[string]int)
}

// groupsFor is how many groups the present students make at the size.
func (g *GroupSetup) groupsFor() int {
	size := max(g.size, protocol.MinGroupSize)
	return max((len(g.Present)+size-1)/size, 1)
}

// manualGroup is the group a student is put in by hand: the teacher's
// choice, else round the groups in order.
func (g *GroupSetup) manualGroup(i int, id string) int {
	if n, ok := g.manual[id]; ok && n <= g.groupsFor() {
		return n
	}
	return i%g.groupsFor() + 1
}

// Render draws the button that opens the form, or the form.
func (g *GroupSetup) Render() app.UI {
	l := g.Lang
	if !g.open {
		return app.Section().ID("groups").Class("card groups").Body(
			app.H2().Text(i18n.T(l, "groups.title")),
			app.Button().ID("groups-open").Type("button").Class("button secondary").Disabled(g.Controls == nil).
				Text(i18n.T(l, "groups.open")).OnClick(func(app.Context, app.Event) { g.open = true }),
		)
	}
	return app.Section().ID("groups").Class("card groups").Aria("labelledby", "groups-heading").Body(
		app.H2().ID("groups-heading").Text(i18n.T(l, "groups.title")),
		app.Form().ID("groups-form").OnSubmit(func(ctx app.Context, e app.Event) {
			e.PreventDefault()
			g.start()
		}).Body(
			app.Label().For("groups-size").Text(i18n.T(l, "groups.size")),
			app.Select().ID("groups-size").OnChange(func(ctx app.Context, e app.Event) {
				g.size, _ = strconv.Atoi(ctx.JSSrc().Get("value").String())
			}).Body(app.Range([]int{2, 3, 4, 5}).Slice(func(i int) app.UI {
				n := i + 2
				return app.Option().Value(n).Selected(n == g.size).Text(i18n.T(l, "groups.size.n", n))
			})),
			app.FieldSet().Body(
				app.Legend().Text(i18n.T(l, "groups.mode")),
				g.modeChoice(protocol.GroupsRandom, "groups.mode.random"),
				g.modeChoice(protocol.GroupsLast, "groups.mode.last"),
				g.modeChoice(protocol.GroupsManual, "groups.mode.manual"),
			),
			app.If(g.mode == protocol.GroupsManual, func() app.UI { return g.renderManual() }),
			app.Label().For("groups-task").Text(i18n.T(l, "groups.task")),
			app.Textarea().ID("groups-task").MaxLength(protocol.MaxGroupTaskRune).Rows(2).Text(g.task).
				OnInput(func(ctx app.Context, e app.Event) { g.task = ctx.JSSrc().Get("value").String() }),
			app.Label().For("groups-minutes").Text(i18n.T(l, "groups.minutes")),
			app.Input().ID("groups-minutes").Type("number").Min(0).Max(protocol.MaxGroupMinutes).Value(g.minutes).
				OnInput(func(ctx app.Context, e app.Event) { g.minutes, _ = strconv.Atoi(ctx.JSSrc().Get("value").String()) }),
			app.Label().Class("check-row").Body(
				app.Input().ID("groups-cameras").Type("checkbox").Checked(g.cameras).
					OnChange(func(ctx app.Context, e app.Event) { g.cameras = ctx.JSSrc().Get("checked").Bool() }),
				app.Text(" "+i18n.T(l, "groups.cameras")),
			),
			app.P().Class("hint").Text(i18n.T(l, "groups.cameras.hint")),
			app.Div().Class("actions-row").Body(
				app.Button().ID("groups-start").Type("submit").Class("button").Disabled(len(g.Present) < protocol.MinGroupSize).
					Text(i18n.T(l, "groups.start", len(g.Present))),
				app.Button().ID("groups-cancel").Type("button").Class("button secondary").Text(i18n.T(l, "groups.cancel")).
					OnClick(func(app.Context, app.Event) { g.open = false }),
			),
		),
	)
}

func (g *GroupSetup) modeChoice(mode, key string) app.UI {
	return app.Label().Class("check-row").Body(
		app.Input().Type("radio").Name("groups-mode").ID("groups-mode-"+mode).Value(mode).Checked(g.mode == mode).
			OnChange(func(ctx app.Context, e app.Event) { g.mode = ctx.JSSrc().Get("value").String() }),
		app.Text(" "+i18n.T(g.Lang, key)),
	)
}

// renderManual lists the present students, each with its group. The
// handler reads the student from the element: go-app keeps a row's first
// handler when the list changes under it.
func (g *GroupSetup) renderManual() app.UI {
	l, k := g.Lang, g.groupsFor()
	return app.Ul().ID("groups-manual").Class("plain").Body(
		app.Range(g.Present).Slice(func(i int) app.UI {
			e := g.Present[i]
			cur := g.manualGroup(i, e.ID)
			return app.Li().Body(
				app.Label().For("groups-manual-"+e.ID).Text(e.Name+" "),
				app.Select().ID("groups-manual-"+e.ID).DataSet("id", e.ID).
					OnChange(func(ctx app.Context, ev app.Event) {
						n, _ := strconv.Atoi(ctx.JSSrc().Get("value").String())
						g.manual[ctx.JSSrc().Get("dataset").Get("id").String()] = n
					}).
					Body(app.Range(make([]struct{}, k)).Slice(func(j int) app.UI {
						return app.Option().Value(j + 1).Selected(j+1 == cur).Text(i18n.T(l, "groups.group", j+1))
					})),
			)
		}),
	)
}

// start asks the server for the groups.
func (g *GroupSetup) start() {
	if g.Controls == nil {
		return
	}
	start := protocol.GroupsStart{Mode: g.mode, Size: g.size, Task: strings.TrimSpace(g.task),
		Minutes: min(max(g.minutes, 0), protocol.MaxGroupMinutes), Cameras: g.cameras}
	if g.mode == protocol.GroupsManual {
		start.Size = 0
		start.Groups = make([][]string, g.groupsFor())
		for i, e := range g.Present {
			n := g.manualGroup(i, e.ID)
			start.Groups[n-1] = append(start.Groups[n-1], e.ID)
		}
		// A group nobody was put in is no group.
		kept := start.Groups[:0]
		for _, ids := range start.Groups {
			if len(ids) > 0 {
				kept = append(kept, ids)
			}
		}
		start.Groups = kept
	}
	g.Controls.StartGroups(start)
	g.open = false
}
