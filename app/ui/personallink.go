package ui

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"ersatzraum/app/i18n"
)

// PersonalLinkOffer shows a student who asked this device to remember
// their personal link (remember.go) the way back in, on the start page,
// without code or name, and a button to forget it.
type PersonalLinkOffer struct {
	app.Compo
	Lang i18n.Lang

	token string
}

// OnMount looks for a remembered personal link.
func (p *PersonalLinkOffer) OnMount(ctx app.Context) {
	p.token = rememberedPersonal(ctx)
}

// Render draws the offer, or nothing.
func (p *PersonalLinkOffer) Render() app.UI {
	if p.token == "" {
		return app.Div().Class("personal-offer empty")
	}
	return app.Div().Class("personal-offer").Body(
		app.A().ID("personal-join").Class("button big").Href("/s/"+p.token).
			Text(i18n.T(p.Lang, "join.personal.home")),
		app.A().ID("personal-board").Class("button secondary").Href("/s/"+p.token+"/aufgaben").
			Text(i18n.T(p.Lang, "board.link")),
		app.Button().ID("personal-forget").Type("button").Class("button secondary small").
			Text(i18n.T(p.Lang, "join.remember.forget")).
			OnClick(func(ctx app.Context, e app.Event) {
				rememberPersonal(ctx, p.token, false)
				p.token = ""
			}),
	)
}
