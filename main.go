// Ersatzraum is a self-hosted, offline-capable fallback classroom. One
// module builds two programs: the PWA (GOOS=js GOARCH=wasm) and the server
// (everything else). This file is shared; the server's entry point sits
// behind a !wasm build tag in main_server.go so that no server code reaches
// the wasm students download.
package main

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"ersatzraum/app/ui"
)

func main() {
	ui.Register()
	app.RunWhenOnBrowser()
	runServer()
}
