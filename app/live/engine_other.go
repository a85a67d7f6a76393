//go:build !wasm

package live

// CanCall is false outside the browser.
func CanCall() bool { return false }

// KeepsDataOnlyWhenInstalled is false outside the browser.
func KeepsDataOnlyWhenInstalled() bool { return false }
