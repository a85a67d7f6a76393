package ui

import (
	"sync"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"ersatzraum/app/i18n"
)

// updateCheckEvery is how often an open page asks for a new version.
const updateCheckEvery = 5 * time.Minute

var watchUpdates sync.Once

// UpdateBanner offers a reload once a new version has been installed in
// the background. go-app's service worker keeps one cache per version and
// the wasm URL carries the version, so a page runs either the old or the
// new release, never a mix; the reload switches to the new one.
type UpdateBanner struct {
	app.Compo
	Lang i18n.Lang

	available bool
}

// OnMount starts looking for updates: now, every few minutes, and when the
// user comes back to the window (a tab left open overnight).
func (b *UpdateBanner) OnMount(ctx app.Context) {
	b.available = ctx.AppUpdateAvailable()
	if !app.IsClient {
		return
	}
	watchUpdates.Do(watchForUpdates)
}

// watchForUpdates asks for a new version now, every few minutes, and when
// the user comes back to the window (a tab left open overnight).
func watchForUpdates() {
	sw := app.Window().Get("navigator").Get("serviceWorker")
	if !sw.Truthy() {
		return
	}
	ignore := app.FuncOf(func(app.Value, []app.Value) any { return nil })
	update := app.FuncOf(func(_ app.Value, args []app.Value) any {
		if len(args) > 0 && args[0].Truthy() {
			// Offline the check fails; that is no error, the next one may work.
			args[0].Call("update").Call("catch", ignore)
		}
		return nil
	})
	check := app.FuncOf(func(app.Value, []app.Value) any {
		sw.Call("getRegistration").Call("then", update).Call("catch", ignore)
		return nil
	})
	app.Window().Call("addEventListener", "focus", check)
	app.Window().Get("document").Call("addEventListener", "visibilitychange", check)
	go func() {
		for range time.Tick(updateCheckEvery) {
			check.Invoke()
		}
	}()
	check.Invoke()

	// go-app reports an update only to pages its worker controls. The
	// first visit stays uncontrolled until it reloads (the worker does not
	// claim it), so report the update to such a page here: a worker found
	// while another one is active is a new release.
	sw.Get("ready").Call("then", app.FuncOf(func(_ app.Value, args []app.Value) any {
		reg := args[0]
		reg.Call("addEventListener", "updatefound", app.FuncOf(func(app.Value, []app.Value) any {
			next := reg.Get("installing")
			if !next.Truthy() || !reg.Get("active").Truthy() {
				return nil
			}
			next.Call("addEventListener", "statechange", app.FuncOf(func(app.Value, []app.Value) any {
				if next.Get("state").String() == "activated" && !sw.Get("controller").Truthy() {
					if report := app.Window().Get("goappOnUpdate"); report.Truthy() {
						report.Invoke()
					}
				}
				return nil
			}))
			return nil
		}))
		return nil
	}))
}

// OnAppUpdate is called by go-app when the new version is ready.
func (b *UpdateBanner) OnAppUpdate(ctx app.Context) { b.available = true }

// Render draws the banner. The live region is always there, so that screen
// readers announce the text when it appears.
func (b *UpdateBanner) Render() app.UI {
	l := b.Lang
	return app.Div().ID("update-banner").Class("update-banner").Role("status").Body(
		app.If(b.available, func() app.UI {
			return app.Div().Class("update-inner").Body(
				app.Span().Text(i18n.T(l, "update.available")),
				app.Button().ID("update-reload").Class("button").Text(i18n.T(l, "update.reload")).
					OnClick(func(ctx app.Context, e app.Event) { ctx.Reload() }),
			)
		}),
	)
}
