package ui

import (
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"ersatzraum/app/i18n"
	"ersatzraum/app/protocol"
)

// ClassList is the teacher's list of classes on the start page: start a
// lesson of a class in one click, manage it, or create a new one.
type ClassList struct {
	app.Compo
	Lang i18n.Lang

	classes []protocol.ClassSummary
	loaded  bool
	newName string
	err     string
	busy    bool
}

// OnMount loads the classes.
func (c *ClassList) OnMount(ctx app.Context) {
	ctx.Async(func() {
		var list []protocol.ClassSummary
		err := apiCall("GET", "/api/classes", nil, &list)
		ctx.Dispatch(func(app.Context) {
			c.loaded = true
			if err != nil {
				c.err = errorText(c.Lang, err.Error())
				return
			}
			c.classes = list
		})
	})
}

// Render draws the list.
func (c *ClassList) Render() app.UI {
	l := c.Lang
	return app.Section().ID("classes").Class("card").DataSet("loaded", c.loaded).Aria("labelledby", "classes-heading").Body(
		app.H2().ID("classes-heading").Text(i18n.T(l, "classes.title")),
		app.If(c.loaded && len(c.classes) == 0, func() app.UI {
			return app.P().Class("muted").Text(i18n.T(l, "classes.empty"))
		}),
		app.Ul().Class("class-list").Body(
			app.Range(c.classes).Slice(func(i int) app.UI {
				cl := c.classes[i]
				return app.Li().DataSet("class", cl.Name).Body(
					app.Span().Class("name").Text(cl.Name),
					app.Span().Class("muted").Text(i18n.T(l, "classes.students", cl.Students)),
					app.Button().Class("button small start-class").Disabled(c.busy).
						Aria("label", i18n.T(l, "classes.start.one", cl.Name)).
						Text(i18n.T(l, "classes.start")).
						OnClick(func(ctx app.Context, e app.Event) { c.start(ctx, cl.ID) }),
					app.A().Class("manage").Href("/class/"+cl.ID).
						Aria("label", i18n.T(l, "classes.manage.one", cl.Name)).
						Text(i18n.T(l, "classes.manage")),
				)
			}),
		),
		app.Form().Class("inline-form").OnSubmit(c.create).Body(
			app.Label().For("class-name").Text(i18n.T(l, "classes.new")),
			app.Input().ID("class-name").Type("text").Required(true).MaxLength(protocol.MaxTitleRunes).
				Placeholder(i18n.T(l, "home.start.subject.placeholder")).
				Value(c.newName).OnInput(c.ValueTo(&c.newName)),
			app.Button().ID("create-class").Type("submit").Class("button").Disabled(c.busy).
				Text(i18n.T(l, "classes.create")),
		),
		app.If(c.err != "", func() app.UI { return app.P().Class("error").Role("alert").Text(c.err) }),
	)
}

func (c *ClassList) create(ctx app.Context, e app.Event) {
	e.PreventDefault()
	name := strings.TrimSpace(c.newName)
	if name == "" || c.busy {
		return
	}
	c.busy = true
	ctx.Async(func() {
		var created protocol.ClassDetail
		err := apiCall("POST", "/api/classes", protocol.CreateClassRequest{Name: name}, &created)
		ctx.Dispatch(func(ctx app.Context) {
			c.busy = false
			if err != nil {
				c.err = errorText(c.Lang, err.Error())
				return
			}
			ctx.Navigate("/class/" + created.ID)
		})
	})
}

// start begins a lesson of the class and opens the teacher's view.
func (c *ClassList) start(ctx app.Context, classID string) {
	c.busy = true
	ctx.Async(func() {
		created, err := startClassLesson(classID)
		ctx.Dispatch(func(ctx app.Context) {
			c.busy = false
			if err != nil {
				c.err = errorText(c.Lang, err.Error())
				return
			}
			rememberLesson(ctx, created)
			ctx.Navigate("/lesson/" + created.ID)
		})
	})
}

// startClassLesson asks the server for a lesson of a class.
func startClassLesson(classID string) (protocol.CreatedLesson, error) {
	var created protocol.CreatedLesson
	err := apiCall("POST", "/api/lessons", protocol.CreateLessonRequest{ClassID: classID}, &created)
	return created, err
}
