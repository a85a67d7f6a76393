// Package ui owns the pages and components of the PWA (go-app v10), one
// component per file. Components hold no visible text of their own: every
// string comes from package i18n.
package ui

import "github.com/maxence-charriere/go-app/v10/pkg/app"

// Register declares the routes. It runs in the browser and on the server,
// which prerenders the same pages.
func Register() {
	setStartLang() // lang.go
	app.Route("/", func() app.Composer { return &Home{} })
	app.RouteWithRegexp(`^/join/[^/]+$`, func() app.Composer { return &StudentRoom{} })
	app.RouteWithRegexp(`^/s/[^/]+$`, func() app.Composer { return &StudentRoom{} })
	app.RouteWithRegexp(`^/s/[^/]+/aufgaben$`, func() app.Composer { return &StudentBoard{} })
	app.RouteWithRegexp(`^/class/[^/]+$`, func() app.Composer { return &ClassPage{} })
	app.RouteWithRegexp(`^/lesson/[^/]+$`, func() app.Composer { return &TeacherRoom{} })
	app.Route("/konto", func() app.Composer { return &Account{} })
}
