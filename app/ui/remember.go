package ui

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"

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
		forgetBoardCopy(token)
	}
}

// forgetBoardCopy removes the board's copy and drafts of token from
// localStorage (where they were while the link was remembered).
func forgetBoardCopy(token string) {
	removeLocal(func(key string) bool {
		return key == boardKey(token) || strings.HasPrefix(key, "ersatzraum.draft."+linkID(token)+".")
	})
}

// removeLocal deletes the localStorage keys that match.
func removeLocal(match func(key string) bool) {
	ls := app.Window().Get("localStorage")
	if !ls.Truthy() {
		return
	}
	var keys []string
	for i := 0; i < ls.Get("length").Int(); i++ {
		if k := ls.Call("key", i); k.Truthy() && match(k.String()) {
			keys = append(keys, k.String())
		}
	}
	for _, k := range keys {
		ls.Call("removeItem", k)
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

// linkID names a personal link in storage keys without giving it away.
func linkID(token string) string {
	sum := sha256.Sum256([]byte("ersatzraum-link:" + token))
	return hex.EncodeToString(sum[:12])
}

// boardStorage is where the board of token keeps its copy and drafts:
// localStorage if the student had this device remember the link, else
// sessionStorage, which ends with the tab.
func boardStorage(ctx app.Context, token string) app.BrowserStorage {
	if rememberedPersonal(ctx) == token {
		return ctx.LocalStorage()
	}
	return ctx.SessionStorage()
}

// forgetOldBoardKeys removes board copies and drafts an earlier version
// kept in localStorage under the link itself.
func forgetOldBoardKeys(token string) {
	if token == "" {
		return
	}
	removeLocal(func(key string) bool {
		return key == "ersatzraum.board."+token || strings.HasPrefix(key, "ersatzraum.draft."+token+".")
	})
}
