package ui

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"ersatzraum/app/i18n"
)

// setTitle names the page in the browser's tab, history and bookmarks, in
// the user's language. Every page calls it from OnNav with its own
// "title.*" key (catalog_test.go checks that each page has one).
func setTitle(ctx app.Context, key string) {
	ctx.Page().SetTitle("%s", i18n.T(currentLang(ctx), key))
}
