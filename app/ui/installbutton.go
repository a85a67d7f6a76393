package ui

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"ersatzraum/app/i18n"
)

// InstallButton offers the browser's install prompt where there is one
// (Chromium-based browsers on phones, tablets and laptops). Apple
// browsers have no prompt: InstallHint explains the way there instead.
type InstallButton struct {
	app.Compo
	Lang i18n.Lang

	installable bool
}

// OnMount reads whether the browser offers installation now.
func (b *InstallButton) OnMount(ctx app.Context) { b.refresh(ctx) }

// OnAppInstallChange follows the browser's beforeinstallprompt and
// appinstalled events.
func (b *InstallButton) OnAppInstallChange(ctx app.Context) { b.refresh(ctx) }

func (b *InstallButton) refresh(ctx app.Context) {
	b.installable = ctx.IsAppInstallable() && !ctx.IsAppleBrowser()
}

// Render draws the button, or nothing.
func (b *InstallButton) Render() app.UI {
	if !b.installable {
		return app.Span().Class("install-slot")
	}
	return app.Button().ID("install-app").Class("link").
		Aria("label", i18n.T(b.Lang, "install.button.label")).
		Text(i18n.T(b.Lang, "install.button")).
		OnClick(func(ctx app.Context, e app.Event) { ctx.ShowAppInstallPrompt() })
}
