//go:build !wasm

package main

import (
	"log"
	"net/http"
	"os"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// serve answers with go-app's handler on the address in the first
// argument; the wasm is web/app.wasm beside the binary.
func serve() {
	if len(os.Args) != 2 {
		log.Fatal("usage: floor ADDR")
	}
	http.Handle("/", &app.Handler{Name: "Floor", Lang: "de", Description: "go-app floor"})
	log.Fatal(http.ListenAndServe(os.Args[1], nil))
}
