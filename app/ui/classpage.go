package ui

import (
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"ersatzraum/app/i18n"
	"ersatzraum/app/protocol"
)

// ClassPage is where a teacher manages a class: its long-lived code and
// link, the class list with each student's personal link, the print sheet.
type ClassPage struct {
	app.Compo

	lang    i18n.Lang
	mounted bool
	id      string
	class   protocol.ClassDetail
	names   string
	err     string
	info    string
	confirm string // the action waiting for a second click: "code" or "delete"
	late    string // the late limit as typed
	busy    bool
}

// OnMount loads the class.
func (p *ClassPage) OnMount(ctx app.Context) {
	p.lang, p.mounted = currentLang(ctx), true
	p.id = strings.TrimPrefix(ctx.Page().URL().Path, "/class/")
	p.call(ctx, "GET", "", nil, "")
}

// call sends a request about this class and shows the answer.
func (p *ClassPage) call(ctx app.Context, method, sub string, body any, done string) {
	p.busy, p.err, p.info = true, "", ""
	ctx.Async(func() {
		var c protocol.ClassDetail
		err := apiCall(method, "/api/classes/"+p.id+sub, body, &c)
		ctx.Dispatch(func(app.Context) {
			p.busy, p.confirm = false, ""
			if err != nil {
				p.err = errorText(p.lang, err.Error())
				return
			}
			p.class = c
			p.late = strconv.Itoa(c.LateAfterMinutes)
			if done != "" {
				p.info = i18n.T(p.lang, done)
			}
		})
	})
}

// Render draws the page.
func (p *ClassPage) Render() app.UI {
	l := p.lang
	c := p.class
	return app.Div().Class("app").Body(
		&Header{Lang: l},
		app.Main().ID(mainID).Class("page class-page").Body(
			app.Section().Class("card primary").Body(
				app.H1().ID("class-title").Text(c.Name),
				app.Dl().Body(
					app.Dt().Text(i18n.T(l, "class.code")),
					app.Dd().Body(app.Strong().ID("class-code").Class("code").Text(c.Code)),
					app.Dt().Text(i18n.T(l, "lesson.link")),
					app.Dd().Body(app.A().ID("class-link").Href(c.JoinURL).Text(c.JoinURL)),
				),
				app.P().Class("hint").Text(i18n.T(l, "class.code.hint")),
				app.Form().Class("inline-form").OnSubmit(p.saveLate).Body(
					app.Label().For("late-after").Text(i18n.T(l, "class.late")),
					app.Input().ID("late-after").Type("number").Min(0).Max(protocol.MaxLateAfterMinutes).Value(p.late).
						Aria("describedby", "late-hint").OnInput(p.ValueTo(&p.late)),
					app.P().ID("late-hint").Class("hint").Text(i18n.T(l, "class.late.hint")),
					app.Button().ID("save-late").Type("submit").Class("button small").Disabled(p.busy || !p.mounted).
						Text(i18n.T(l, "class.late.save")),
				),
				app.Div().Class("actions-row").Body(
					app.Button().ID("start-class-lesson").Class("button").Disabled(p.busy || !p.mounted).
						Text(i18n.T(l, "classes.start")).OnClick(p.start),
					app.A().ID("print-sheet").Class("button secondary").Href("/classes/"+p.id+"/print").
						Attr("target", "_blank").Attr("rel", "noopener").Text(i18n.T(l, "class.print")),
					p.confirmButton("renew-code", "code", "class.code.renew", "class.code.renew.confirm", func(ctx app.Context) {
						p.call(ctx, "POST", "/code", nil, "class.code.renewed")
					}),
				),
			),
			app.Section().Class("card").Aria("labelledby", "roster-heading").Body(
				app.H2().ID("roster-heading").Text(i18n.T(l, "class.roster", len(c.Students))),
				app.If(len(c.Students) == 0, func() app.UI {
					return app.P().Class("muted").Text(i18n.T(l, "class.roster.empty"))
				}),
				app.Ul().ID("roster").Class("roster").Body(
					app.Range(c.Students).Slice(func(i int) app.UI {
						st := c.Students[i]
						return app.Li().DataSet("name", st.Name).Body(
							app.Span().Class("name").Text(st.Name),
							app.A().Class("personal-link").Href(st.Link).Text(i18n.T(l, "class.personal")).
								Aria("label", i18n.T(l, "class.personal.one", st.Name)),
							app.Button().Class("button small secondary").Disabled(p.busy).
								Aria("label", i18n.T(l, "class.relink.one", st.Name)).
								Text(i18n.T(l, "class.relink")).
								OnClick(func(ctx app.Context, e app.Event) {
									p.call(ctx, "POST", "/students/"+st.ID+"/link", nil, "class.relinked")
								}),
							app.Button().Class("button small secondary").Disabled(p.busy).
								Aria("label", i18n.T(l, "class.remove.one", st.Name)).
								Text(i18n.T(l, "class.remove")).
								OnClick(func(ctx app.Context, e app.Event) {
									p.call(ctx, "DELETE", "/students/"+st.ID, nil, "")
								}),
						)
					}),
				),
				app.Form().OnSubmit(p.addNames).Body(app.FieldSet().Disabled(!p.mounted || p.busy).Body(
					app.Label().For("roster-names").Text(i18n.T(l, "class.add")),
					app.Textarea().ID("roster-names").Rows(5).Aria("describedby", "roster-hint").
						Text(p.names).OnInput(p.ValueTo(&p.names)),
					app.P().ID("roster-hint").Class("hint").Text(i18n.T(l, "class.add.hint")),
					app.Button().ID("add-students").Type("submit").Class("button").Text(i18n.T(l, "class.add.submit")),
					app.Label().For("roster-csv").Text(i18n.T(l, "class.csv")),
					app.Input().ID("roster-csv").Type("file").Accept(".csv,text/csv").OnChange(p.importCSV),
				)),
				app.If(p.info != "", func() app.UI { return app.P().Class("notice").Role("status").Text(p.info) }),
				app.If(p.err != "", func() app.UI { return app.P().Class("error").Role("alert").Text(p.err) }),
			),
			&ClassHistory{ClassID: p.id, Lang: l},
			&ClassChecks{ClassID: p.id, Lang: l},
			&BoardEditor{ClassID: p.id, Lang: l},
			app.Section().Class("card").Body(
				p.confirmButton("delete-class", "delete", "class.delete", "class.delete.confirm", func(ctx app.Context) {
					p.busy = true
					ctx.Async(func() {
						err := apiCall("DELETE", "/api/classes/"+p.id, nil, nil)
						ctx.Dispatch(func(ctx app.Context) {
							p.busy = false
							if err != nil {
								p.err = errorText(p.lang, err.Error())
								return
							}
							ctx.Navigate("/")
						})
					})
				}),
			),
		),
	)
}

// confirmButton asks twice before something that cannot be undone: the
// first click turns the button into "really?".
func (p *ClassPage) confirmButton(id, action, label, confirmLabel string, do func(app.Context)) app.UI {
	l := p.lang
	text, class := i18n.T(l, label), "button secondary"
	if p.confirm == action {
		text, class = i18n.T(l, confirmLabel), "button danger"
	}
	return app.Button().ID(id).Class(class).Disabled(p.busy || !p.mounted).Text(text).
		OnClick(func(ctx app.Context, e app.Event) {
			if p.confirm != action {
				p.confirm = action
				return
			}
			do(ctx)
		})
}

func (p *ClassPage) addNames(ctx app.Context, e app.Event) {
	e.PreventDefault()
	var names []string
	for _, line := range strings.Split(p.names, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			names = append(names, line)
		}
	}
	if len(names) == 0 {
		return
	}
	p.names = ""
	app.Window().GetElementByID("roster-names").Set("value", "")
	p.call(ctx, "POST", "/students", protocol.AddStudentsRequest{Names: names}, "class.added")
}

// importCSV sends the chosen file as it is; the server reads it.
func (p *ClassPage) importCSV(ctx app.Context, e app.Event) {
	files := e.Get("target").Get("files")
	if files.Length() == 0 {
		return
	}
	file := files.Index(0)
	ctx.Async(func() {
		text, err := awaitPromise(file.Call("text"))
		ctx.Dispatch(func(ctx app.Context) {
			if err != nil {
				p.err = errorText(p.lang, err.Error())
				return
			}
			p.call(ctx, "POST", "/students", rawBody{contentType: "text/csv", text: text.String()}, "class.added")
		})
	})
}

func (p *ClassPage) start(ctx app.Context, e app.Event) {
	p.busy = true
	ctx.Async(func() {
		created, err := startClassLesson(p.id)
		ctx.Dispatch(func(ctx app.Context) {
			p.busy = false
			if err != nil {
				p.err = errorText(p.lang, err.Error())
				return
			}
			rememberLesson(ctx, created)
			ctx.Navigate("/lesson/" + created.ID)
		})
	})
}

func (p *ClassPage) saveLate(ctx app.Context, e app.Event) {
	e.PreventDefault()
	minutes, err := strconv.Atoi(strings.TrimSpace(p.late))
	if err != nil || minutes < 0 || minutes > protocol.MaxLateAfterMinutes {
		p.err = i18n.T(p.lang, "class.late.bad")
		return
	}
	p.call(ctx, "POST", "/settings", protocol.ClassSettings{LateAfterMinutes: &minutes}, "class.late.saved")
}

// OnNav names the page in the browser's tab.
func (p *ClassPage) OnNav(ctx app.Context) { setTitle(ctx, "title.class") }
