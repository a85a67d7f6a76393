//go:build !wasm

package live

// AttachSound does nothing outside the browser.
func AttachSound(string, Stream, func(bool)) bool { return false }
