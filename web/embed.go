//go:build !wasm

// Package web holds the static resources served under /web/: the stylesheet,
// the icons, and the build outputs app.wasm, app.wasm.br and app.wasm.gz
// (made by `make wasm`, ignored by git). The server binary embeds all of it.
package web

import "embed"

// Files is everything in this folder, embedded at build time.
//
//go:embed *
var Files embed.FS
