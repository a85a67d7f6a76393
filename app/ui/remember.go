package ui

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"ersatzraum/app/i18n"
)

// A personal link is the key to a student's seat and board. Computers in
// a school are shared, so the PWA keeps it on the device only when the
// student ticks "Auf diesem Gerät merken" (default off); docs/admin.md
// lists what the browser keeps.

// rememberedPersonal is the personal link kept on this device, or "".
func rememberedPersonal(ctx app.Context) string {
	var token string
	ctx.LocalStorage().Get(personalKey, &token)
	return token
}

// rememberPersonal keeps token on this device, or, when the student did
// not ask, forgets it if it is the one kept (another student's remembered
// link stays: it is theirs to forget).
func rememberPersonal(ctx app.Context, token string, remember bool) {
	switch {
	case remember:
		ctx.LocalStorage().Set(personalKey, token)
	case rememberedPersonal(ctx) == token:
		ctx.LocalStorage().Del(personalKey)
	}
}

// renderRemember is the checkbox under the join buttons of a personal link.
func renderRemember(l i18n.Lang, remember *bool) app.UI {
	return app.Div().Class("remember").Body(
		app.Label().For("remember-device").Body(
			app.Input().ID("remember-device").Type("checkbox").Checked(*remember).
				OnChange(func(ctx app.Context, e app.Event) { *remember = ctx.JSSrc().Get("checked").Bool() }),
			app.Text(" "+i18n.T(l, "join.remember")),
		),
		app.P().Class("hint").Text(i18n.T(l, "join.remember.hint")),
	)
}
