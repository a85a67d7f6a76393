package ui

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"ersatzraum/app/i18n"
)

// Header is the bar on top of every page: the name and the language switch.
type Header struct {
	app.Compo
	Lang i18n.Lang
}

// Render draws the header.
func (h *Header) Render() app.UI {
	return app.Header().Class("bar").Body(
		app.A().Href("/").Class("brand").Text(i18n.T(h.Lang, "app.name")),
		app.Button().
			ID("lang-switch").
			Class("link").
			Lang(string(otherLang(h.Lang))).
			Aria("label", i18n.T(h.Lang, "lang.switch.label")).
			Text(i18n.T(h.Lang, "lang.switch")).
			OnClick(func(ctx app.Context, e app.Event) { switchLang(ctx, h.Lang) }),
	)
}

func otherLang(l i18n.Lang) i18n.Lang {
	if l == i18n.English {
		return i18n.German
	}
	return i18n.English
}
