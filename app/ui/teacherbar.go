package ui

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"ersatzraum/app/i18n"
)

// TeacherBar is what a signed-in teacher has besides the start form: the
// account page (password) and signing out.
type TeacherBar struct {
	app.Compo
	Lang i18n.Lang

	busy bool
}

// Render draws the links.
func (b *TeacherBar) Render() app.UI {
	return app.P().Class("teacher-bar").Body(
		app.A().ID("account-link").Href("/konto").Text(i18n.T(b.Lang, "teacher.account")),
		app.Text(" · "),
		app.Button().ID("logout").Type("button").Class("link").Disabled(b.busy).
			Text(i18n.T(b.Lang, "home.teacher.logout")).
			OnClick(b.logout),
	)
}

func (b *TeacherBar) logout(ctx app.Context, e app.Event) {
	if b.busy {
		return
	}
	b.busy = true
	ctx.Async(func() {
		apiCall("POST", "/logout", nil, nil)
		clearTeacherTraces() // logoutclean.go
		// Reload whatever the answer: the page then asks who is signed in.
		ctx.Dispatch(func(ctx app.Context) { ctx.Reload() })
	})
}
