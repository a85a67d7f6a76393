//go:build !wasm

package main

import "ersatzraum/server/cli"

func runServer() { cli.Run() }
