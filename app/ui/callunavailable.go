package ui

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"ersatzraum/app/i18n"
)

// CallUnavailable tells a student whose browser has no WebRTC (Debian's
// WebKitGTK, some embedded browsers) that there is no picture or sound
// here, and what still works: being present, the hand, the chat, the
// board. Without it the page would join and stay silent.
type CallUnavailable struct {
	app.Compo
	Lang i18n.Lang
}

// Render draws the notice.
func (c *CallUnavailable) Render() app.UI {
	return app.P().ID("call-unavailable").Class("notice").Role("status").Text(i18n.T(c.Lang, "call.unavailable"))
}
