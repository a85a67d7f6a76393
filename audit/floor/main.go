// Command floor is the smallest go-app program that shows what the start
// page shows first: a heading and a form, prerendered by go-app's own
// handler, with go-app as it comes. `make audit-floor` runs Lighthouse on
// it: what any page built with go-app costs on this machine before a line
// of Ersatzraum runs (README, "What go-app itself costs").
package main

import "github.com/maxence-charriere/go-app/v10/pkg/app"

type joinForm struct{ app.Compo }

func (j *joinForm) Render() app.UI {
	return app.Main().Body(
		app.H1().Text("Einer Stunde beitreten"),
		app.P().Text("Den Code hat deine Lehrkraft dir gegeben, z. B. ABCD-EFGH."),
		app.Form().Body(
			app.Label().For("code").Text("Zugangscode"),
			app.Input().ID("code").Type("text"),
			app.Button().Type("submit").Text("Weiter"),
		),
	)
}

func main() {
	app.Route("/", func() app.Composer { return &joinForm{} })
	app.RunWhenOnBrowser()
	serve()
}
