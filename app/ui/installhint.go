package ui

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"ersatzraum/app/i18n"
	"ersatzraum/app/live"
)

const installHintKey = "ersatzraum.installhint.dismissed"

// InstallHint tells iPhone and iPad users how to put the app on the home
// screen, because Safari has no install prompt: Teilen → Zum
// Home-Bildschirm. It shows only in Safari on an iPad or iPhone, not
// inside the installed app, and stays away once dismissed.
type InstallHint struct {
	app.Compo
	Lang i18n.Lang

	show bool
}

// OnMount decides whether the hint applies to this browser.
func (h *InstallHint) OnMount(ctx app.Context) { h.refresh(ctx) }

// OnAppInstallChange hides the hint once the app is installed.
func (h *InstallHint) OnAppInstallChange(ctx app.Context) { h.refresh(ctx) }

func (h *InstallHint) refresh(ctx app.Context) {
	var dismissed bool
	ctx.LocalStorage().Get(installHintKey, &dismissed)
	// By feature, not by user agent: only Safari on an iPad or iPhone
	// has navigator.standalone, false outside the home-screen app.
	h.show = !dismissed && live.KeepsDataOnlyWhenInstalled()
}

// Render draws the hint, or nothing.
func (h *InstallHint) Render() app.UI {
	l := h.Lang
	if !h.show {
		return app.Span().Class("install-slot")
	}
	return app.Aside().ID("install-hint").Class("card install-hint").Aria("labelledby", "install-hint-title").Body(
		app.H2().ID("install-hint-title").Text(i18n.T(l, "install.ios.title")),
		app.P().Text(i18n.T(l, "install.ios.steps")),
		app.Button().ID("install-hint-dismiss").Class("button secondary").Text(i18n.T(l, "install.ios.dismiss")).
			OnClick(func(ctx app.Context, e app.Event) {
				ctx.LocalStorage().Set(installHintKey, true)
				h.show = false
			}),
	)
}
