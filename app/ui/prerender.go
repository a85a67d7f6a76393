//go:build !wasm

package ui

import "github.com/maxence-charriere/go-app/v10/pkg/app"

// The server prerenders every page (go-app calls OnPreRender there, and
// OnMount only in the browser, where the pages read their language). Each
// page takes the language the server chose for the request
// (currentLang), so that the page arrives in the language the app then
// runs in and is not redrawn in another one. Server-only: the wasm
// carries none of it.

func (h *Home) OnPreRender(ctx app.Context)         { h.lang = currentLang(ctx) }
func (c *TeacherLogin) OnPreRender(ctx app.Context) { c.lang = currentLang(ctx) }
func (s *StudentRoom) OnPreRender(ctx app.Context)  { s.lang = currentLang(ctx) }
func (s *StudentBoard) OnPreRender(ctx app.Context) { s.lang = currentLang(ctx) }
func (p *ClassPage) OnPreRender(ctx app.Context)    { p.lang = currentLang(ctx) }
func (t *TeacherRoom) OnPreRender(ctx app.Context)  { t.lang = currentLang(ctx) }
func (a *Account) OnPreRender(ctx app.Context)      { a.lang = currentLang(ctx) }
