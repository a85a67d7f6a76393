//go:build !wasm

package live

func dbg(string) {}
