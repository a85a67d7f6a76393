package ui

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"ersatzraum/app/i18n"
)

// InstallToKeep asks a student on an iPad or iPhone whose hand-ins wait
// in the outbox to put the app on the home screen: Safari deletes a
// site's storage after 7 days without use unless it is installed there
// (live.KeepsDataOnlyWhenInstalled), and with it the waiting hand-ins.
type InstallToKeep struct {
	app.Compo
	Lang i18n.Lang
}

// Render draws the request.
func (c *InstallToKeep) Render() app.UI {
	return app.P().ID("install-to-keep").Class("notice").Role("status").Text(i18n.T(c.Lang, "board.installkeep"))
}
