package ui

import (
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"ersatzraum/app/i18n"
	"ersatzraum/app/protocol"
)

// TeacherLogin is the collapsible password sign-in for teachers on the
// start page, for people who are not signed in. The login link from the
// school's IT works without it.
type TeacherLogin struct {
	app.Compo

	lang     i18n.Lang
	mounted  bool // false in the prerendered page: nobody types before the app runs
	name     string
	password string
	err      string
	busy     bool
}

// OnMount enables the form.
func (c *TeacherLogin) OnMount(ctx app.Context) {
	c.lang, c.mounted = currentLang(ctx), true
}

// Render draws the section.
func (c *TeacherLogin) Render() app.UI {
	l := c.lang
	return app.Details().ID("teacher-login").Class("card login").Body(
		app.Summary().Text(i18n.T(l, "login.title")),
		app.P().Class("hint").Text(i18n.T(l, "login.hint")),
		app.Form().OnSubmit(c.submit).Body(app.FieldSet().Disabled(!c.mounted).Body(
			app.Label().For("login-name").Text(i18n.T(l, "login.name")),
			app.Input().
				ID("login-name").
				Type("text").
				Required(true).
				MaxLength(protocol.MaxNameRunes).
				Attr("autocomplete", "username").
				Attr("spellcheck", "false").
				Value(c.name).
				OnInput(c.ValueTo(&c.name)),
			app.Label().For("login-password").Text(i18n.T(l, "login.password")),
			app.Input().
				ID("login-password").
				Type("password").
				Required(true).
				Attr("autocomplete", "current-password").
				Value(c.password).
				OnInput(c.ValueTo(&c.password)),
			app.Button().ID("login-submit-password").Type("submit").Class("button").Disabled(c.busy).
				Text(i18n.T(l, "login.submit")),
			app.If(c.err != "", func() app.UI {
				return app.P().ID("login-error").Class("error").Role("alert").Text(c.err)
			}),
		)),
	)
}

func (c *TeacherLogin) submit(ctx app.Context, e app.Event) {
	e.PreventDefault()
	name := strings.TrimSpace(c.name)
	if name == "" || c.password == "" || c.busy {
		return
	}
	c.busy, c.err = true, ""
	password := c.password
	ctx.Async(func() {
		err := apiCall("POST", "/api/login", protocol.LoginRequest{Name: name, Password: password}, nil)
		ctx.Dispatch(func(ctx app.Context) {
			c.busy = false
			if err != nil {
				c.password = ""
				c.err = loginErrorText(c.lang, err.Error())
				return
			}
			// Signed in: load the page again, so that everything a teacher
			// sees (start form, classes) asks the server afresh.
			ctx.Reload()
		})
	})
}

// loginErrorText explains a refused password login.
func loginErrorText(l i18n.Lang, code string) string {
	switch code {
	case protocol.ErrBadLogin:
		return i18n.T(l, "login.bad")
	case protocol.ErrRateLimited:
		return i18n.T(l, "login.throttled")
	case protocol.ErrBusy:
		return i18n.T(l, "login.busy")
	}
	return i18n.T(l, "login.failed", code)
}
