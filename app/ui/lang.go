package ui

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"ersatzraum/app/i18n"
)

const langKey = "ersatzraum.lang"

// currentLang returns the language the user chose, or the browser's
// preference, or German.
func currentLang(ctx app.Context) i18n.Lang {
	var chosen string
	ctx.LocalStorage().Get(langKey, &chosen)
	if chosen != "" {
		return i18n.Parse(chosen)
	}
	if nav := app.Window().Get("navigator"); nav.Truthy() {
		if l := nav.Get("language"); l.Truthy() {
			return i18n.Parse(l.String())
		}
	}
	return i18n.German
}

// switchLang stores the other language and reloads so that every
// component renders in it.
func switchLang(ctx app.Context, from i18n.Lang) {
	next := i18n.English
	if from == i18n.English {
		next = i18n.German
	}
	ctx.LocalStorage().Set(langKey, string(next))
	app.Window().Get("document").Get("documentElement").Set("lang", string(next))
	ctx.Reload()
}

// errorText translates a protocol error code for people.
func errorText(lang i18n.Lang, code string) string {
	switch code {
	case "unauthorized", "unknown-lesson", "lesson-ended", "bad-name", "replaced", "rate-limited", "forbidden":
		return i18n.T(lang, "error."+code)
	}
	return i18n.T(lang, "error.generic", code)
}
