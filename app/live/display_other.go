//go:build !wasm

package live

import "errors"

// CanShareScreen is always false outside the browser.
func CanShareScreen() bool { return false }

// ErrShareCancelled mirrors the browser version.
var ErrShareCancelled = errors.New("screen sharing cancelled")

// DisplayMedia is not available outside the browser.
func DisplayMedia(func()) (Stream, error) { return Stream{}, ErrNotInBrowser }
