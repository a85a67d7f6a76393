//go:build !wasm

package ui

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"sync"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"ersatzraum/app/i18n"
	"ersatzraum/app/protocol"
)

// The server prerenders every page (go-app calls OnPreRender there, and
// OnMount only in the browser, where the pages read their language). Each
// page takes the language the server chose for the request
// (currentLang), so that the page arrives in the language the app then
// runs in and is not redrawn in another one. Server-only: the wasm
// carries none of it.

func (h *Home) OnPreRender(ctx app.Context)         { h.lang = prerenderLang(ctx) }
func (c *TeacherLogin) OnPreRender(ctx app.Context) { c.lang = prerenderLang(ctx) }
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

// The board page carries the student's board (server/httpapi/boardpage.go
// looks it up for a right link): drawn, so that it is readable before the
// wasm runs, and as JSON (base64) in #board-data, which the app reads before its
// first render (StudentBoard.OnInit) so that it draws the same board over
// the prerendered one instead of an empty page. go-app's prerender sees
// only the page's address, so the board waits here under a random key
// that the address carries (boardParam) for the one request.
const boardParam = "board"

var offeredBoards sync.Map // key → protocol.StudentBoard

// OfferBoard keeps b for the prerender of one board page: the query the
// page's address gets, and done, which forgets b once the page is drawn.
func OfferBoard(b protocol.StudentBoard) (url.Values, func()) {
	key := rand.Text()
	offeredBoards.Store(key, b)
	return url.Values{boardParam: {key}}, func() { offeredBoards.Delete(key) }
}

func (s *StudentBoard) OnPreRender(ctx app.Context) {
	s.lang = prerenderLang(ctx)
	u := ctx.Page().URL()
	s.token = boardToken(u.Path)
	v, ok := offeredBoards.LoadAndDelete(u.Query().Get(boardParam))
	if !ok {
		return
	}
	b := v.(protocol.StudentBoard)
	data, err := json.Marshal(b)
	if err != nil {
		return
	}
	// base64: go-app writes attribute values with Go's quoting, not
	// HTML's, so a value with a quote in it would end the attribute.
	s.board, s.loaded, s.fetchedAt, s.prerendered = b, true, time.Now(), base64.StdEncoding.EncodeToString(data)
}

// descriptions are the pages' meta descriptions (search results, link
// previews), in the page's language; the German one is also go-app's
// default (server/cli/pages.go), which the static export keeps.
var descriptions = map[i18n.Lang]string{
	i18n.German:  "Der Ersatzraum deiner Schule: Unterricht starten, Anwesenheit sehen, Aufgaben teilen.",
	i18n.English: "Your school's stand-in classroom: start a lesson, see who is there, share tasks.",
}

// Description is the meta description of a page in l.
func Description(l i18n.Lang) string { return descriptions[l] }

func prerenderLang(ctx app.Context) i18n.Lang {
	l := currentLang(ctx)
	if d, ok := descriptions[l]; ok {
		ctx.Page().SetDescription(d)
	}
	return l
}
