package ui

import (
	"unicode/utf8"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"ersatzraum/app/i18n"
	"ersatzraum/app/protocol"
)

// Account is the page /konto, where a signed-in teacher sets or changes
// the password for later logins. A first login link leads here.
type Account struct {
	app.Compo

	lang        i18n.Lang
	mounted     bool // false in the prerendered page
	loaded      bool // /api/me has answered
	teacher     string
	hasPassword bool
	current     string // the password in use, to change it
	password    string
	repeat      string
	err         string
	saved       bool
	busy        bool
}

// OnMount asks who is signed in.
func (a *Account) OnMount(ctx app.Context) {
	a.lang, a.mounted = currentLang(ctx), true
	ctx.Async(func() {
		var me protocol.Me
		err := apiCall("GET", "/api/me", nil, &me)
		ctx.Dispatch(func(app.Context) {
			a.loaded = true
			if err == nil {
				a.teacher, a.hasPassword = me.Teacher.Name, me.Teacher.HasPassword
			}
		})
	})
}

// Render draws the page.
func (a *Account) Render() app.UI {
	l := a.lang
	title := i18n.T(l, "account.title.set")
	if a.hasPassword {
		title = i18n.T(l, "account.title.change")
	}
	return app.Div().Class("app").Body(
		&Header{Lang: l},
		app.Main().ID(mainID).Class("page account").Body(
			app.H1().Text(title),
			app.If(a.loaded && a.teacher == "", func() app.UI {
				return app.Div().Body(
					app.P().ID("account-signed-out").Class("notice").Text(i18n.T(l, "account.signedout")),
					app.P().Body(app.A().ID("account-home").Href("/").Text(i18n.T(l, "account.home"))),
				)
			}).ElseIf(a.saved, func() app.UI {
				return app.Div().Body(
					app.P().ID("password-saved").Class("notice").Role("status").Text(i18n.T(l, "account.saved")),
					app.P().ID("password-others").Class("muted").Text(i18n.T(l, "account.others")),
					app.P().Body(app.A().ID("account-home").Href("/").Class("button big").Text(i18n.T(l, "account.home"))),
				)
			}).Else(func() app.UI { return a.renderForm() }),
			app.If(a.loaded && a.teacher != "" && !a.hasPassword && !a.saved, func() app.UI { return a.renderSkip() }),
		),
	)
}

func (a *Account) renderForm() app.UI {
	l := a.lang
	return app.Section().Class("card primary").Body(
		app.If(a.teacher != "", func() app.UI {
			return app.P().Class("muted").Text(i18n.T(l, "account.intro", a.teacher))
		}),
		app.Form().OnSubmit(a.save).Body(app.FieldSet().Disabled(!a.mounted || !a.loaded).Body(
			// A hidden user name lets password managers store the pair.
			app.Input().Type("text").Attr("autocomplete", "username").Value(a.teacher).
				ReadOnly(true).Hidden(true).Aria("hidden", "true").TabIndex(-1),
			app.If(a.hasPassword, func() app.UI {
				return app.Div().Body(
					app.Label().For("current-password").Text(i18n.T(l, "account.current")),
					app.Input().
						ID("current-password").
						Type("password").
						Attr("autocomplete", "current-password").
						Aria("describedby", "current-rule").
						Value(a.current).
						OnInput(a.ValueTo(&a.current)),
					app.P().ID("current-rule").Class("hint").Text(i18n.T(l, "account.current.rule")),
				)
			}),
			app.Label().For("new-password").Text(i18n.T(l, "account.new")),
			app.Input().
				ID("new-password").
				Type("password").
				Required(true).
				Attr("minlength", protocol.MinPasswordRunes).
				Attr("autocomplete", "new-password").
				Aria("describedby", "password-rule").
				Value(a.password).
				OnInput(a.ValueTo(&a.password)),
			app.P().ID("password-rule").Class("hint").Text(i18n.T(l, "account.rule")),
			app.Label().For("new-password-repeat").Text(i18n.T(l, "account.repeat")),
			app.Input().
				ID("new-password-repeat").
				Type("password").
				Required(true).
				Attr("autocomplete", "new-password").
				Value(a.repeat).
				OnInput(a.ValueTo(&a.repeat)),
			app.Button().ID("save-password").Type("submit").Class("button big").Disabled(a.busy).
				Text(i18n.T(l, "account.save")),
			app.If(a.err != "", func() app.UI {
				return app.P().ID("password-error").Class("error").Role("alert").Text(a.err)
			}),
		)),
	)
}

// renderSkip is the way on without a password, right after the first
// login link: the session in this browser stays (30 days), and a new
// login link from the admin is the way in elsewhere or afterwards.
func (a *Account) renderSkip() app.UI {
	l := a.lang
	return app.Section().ID("password-later").Class("card").Aria("labelledby", "password-later-heading").Body(
		app.H2().ID("password-later-heading").Text(i18n.T(l, "account.skip.title")),
		app.P().ID("password-later-hint").Class("hint").Text(i18n.T(l, "account.skip.hint", i18n.T(l, "teacher.account"))),
		app.A().ID("skip-password").Href("/").Class("button secondary").Text(i18n.T(l, "account.skip")),
	)
}

func (a *Account) save(ctx app.Context, e app.Event) {
	e.PreventDefault()
	if a.busy {
		return
	}
	switch {
	case utf8.RuneCountInString(a.password) < protocol.MinPasswordRunes: // caught before it is sent
		a.err = i18n.T(a.lang, "account.weak")
		return
	case a.password != a.repeat:
		a.err = i18n.T(a.lang, "account.mismatch")
		return
	}
	a.busy, a.err = true, ""
	req := protocol.PasswordRequest{Password: a.password, Current: a.current}
	ctx.Async(func() {
		err := apiCall("POST", "/api/password", req, nil)
		ctx.Dispatch(func(app.Context) {
			a.busy = false
			switch {
			case err == nil:
				a.saved, a.hasPassword, a.current, a.password, a.repeat = true, true, "", "", ""
			case err.Error() == protocol.ErrWeakPassword:
				a.err = i18n.T(a.lang, "account.weak")
			case err.Error() == protocol.ErrWrongPassword:
				a.err = i18n.T(a.lang, "account.wrongcurrent")
			case err.Error() == protocol.ErrRateLimited:
				a.err = i18n.T(a.lang, "login.throttled")
			case err.Error() == protocol.ErrUnauthorized:
				a.teacher = ""
			case err.Error() == protocol.ErrBusy:
				a.err = i18n.T(a.lang, "login.busy")
			default:
				a.err = i18n.T(a.lang, "account.failed", err.Error())
			}
		})
	})
}

// OnNav names the page in the browser's tab.
func (a *Account) OnNav(ctx app.Context) { setTitle(ctx, "title.account") }
