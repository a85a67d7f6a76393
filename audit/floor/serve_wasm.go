//go:build wasm

package main

// In the browser, app.RunWhenOnBrowser never returns.
func serve() {}
