//go:build !wasm

package ui

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"ersatzraum/app/i18n"
)

// The server prerenders every page (go-app calls OnPreRender there, and
// OnMount only in the browser, where the pages read their language). Each
// page takes the language the server chose for the request
// (currentLang), so that the page arrives in the language the app then
// runs in and is not redrawn in another one. Server-only: the wasm
// carries none of it.

func (h *Home) OnPreRender(ctx app.Context)         { h.lang = prerenderLang(ctx) }
func (c *TeacherLogin) OnPreRender(ctx app.Context) { c.lang = prerenderLang(ctx) }
func (s *StudentBoard) OnPreRender(ctx app.Context) { s.lang = prerenderLang(ctx) }
func (p *ClassPage) OnPreRender(ctx app.Context)    { p.lang = prerenderLang(ctx) }
func (t *TeacherRoom) OnPreRender(ctx app.Context)  { t.lang = prerenderLang(ctx) }
func (a *Account) OnPreRender(ctx app.Context)      { a.lang = prerenderLang(ctx) }

// The join page says which code it joins, as the app will: a paragraph
// that grows when the app fills the code in is drawn anew, and the
// browser counts that as the page's largest paint, after the wasm.
func (s *StudentRoom) OnPreRender(ctx app.Context) {
	s.lang = prerenderLang(ctx)
	s.readAddress(ctx.Page().URL().Path)
}

// descriptions are the pages' meta descriptions (search results, link
// previews), in the page's language; the German one is also go-app's
// default (server/cli/pages.go), which the static export keeps.
var descriptions = map[i18n.Lang]string{
	i18n.German:  "Der Ersatzraum deiner Schule: Unterricht starten, Anwesenheit sehen, Aufgaben teilen.",
	i18n.English: "Your school's stand-in classroom: start a lesson, see who is there, share tasks.",
}

func prerenderLang(ctx app.Context) i18n.Lang {
	l := currentLang(ctx)
	if d, ok := descriptions[l]; ok {
		ctx.Page().SetDescription(d)
	}
	return l
}
