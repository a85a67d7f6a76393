package ui

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"ersatzraum/app/i18n"
)

// PersonalLinkOffer shows a student who once opened a personal link the
// way back in, on the start page, without code or name.
type PersonalLinkOffer struct {
	app.Compo
	Lang i18n.Lang

	token string
}

// OnMount looks for a remembered personal link.
func (p *PersonalLinkOffer) OnMount(ctx app.Context) {
	ctx.LocalStorage().Get(personalKey, &p.token)
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
	)
}
