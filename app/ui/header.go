package ui

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"ersatzraum/app/i18n"
)

// Header is the top of every page: a skip link for keyboard users, the
// name, the install button and the language switch, and the update banner.
type Header struct {
	app.Compo
	Lang i18n.Lang
}

// mainID is the id of every page's <main>, the skip link's target.
const mainID = "main"

// Render draws the header.
func (h *Header) Render() app.UI {
	return app.Div().Class("top").Body(
		app.A().Href("#"+mainID).Class("skip-link").Text(i18n.T(h.Lang, "skip.main")).
			OnClick(skipToMain),
		app.Header().Class("bar").Body(
			app.A().Href("/").Class("brand").Text(i18n.T(h.Lang, "app.name")),
			app.Div().Class("bar-actions").Body(
				&InstallButton{Lang: h.Lang},
				app.Button().
					ID("lang-switch").
					Class("link").
					Lang(string(otherLang(h.Lang))).
					Aria("label", i18n.T(h.Lang, "lang.switch.label")).
					Text(i18n.T(h.Lang, "lang.switch")).
					OnClick(func(ctx app.Context, e app.Event) { switchLang(ctx, h.Lang) }),
			),
		),
		&UpdateBanner{Lang: h.Lang},
	)
}

// skipToMain moves the keyboard focus to the page's content, not only the
// scroll position.
func skipToMain(ctx app.Context, e app.Event) {
	m := app.Window().GetElementByID(mainID)
	if !m.Truthy() {
		return
	}
	e.PreventDefault()
	m.Call("setAttribute", "tabindex", "-1")
	m.Call("focus")
}

func otherLang(l i18n.Lang) i18n.Lang {
	if l == i18n.English {
		return i18n.German
	}
	return i18n.English
}
