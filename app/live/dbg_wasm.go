//go:build wasm

package live

import "syscall/js"

func dbg(name string) {
	g := js.Global()
	v := g.Get("__dbg_" + name)
	n := 0
	if v.Type() == js.TypeNumber {
		n = v.Int()
	}
	g.Set("__dbg_"+name, n+1)
}
