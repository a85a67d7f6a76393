//go:build wasm

package live

import "syscall/js"

// What this browser can do, asked of its features: a user agent says
// nothing reliable (iPadOS poses as desktop Safari, and Debian's
// WebKitGTK calls itself Safari without WebRTC).

// CanCall reports whether the browser has WebRTC, without which there is
// no picture or sound in a lesson. Debian's WebKitGTK is built without
// it; every browser a school hands out has it.
func CanCall() bool {
	return js.Global().Get("RTCPeerConnection").Type() == js.TypeFunction
}

// KeepsDataOnlyWhenInstalled reports whether this is Safari on an iPad
// or iPhone, opened in the browser rather than from the home screen:
// navigator.standalone exists only there, and is false outside the
// installed app. Safari deletes a site's storage (IndexedDB, local
// storage, the app's offline cache) after 7 days without use unless the
// app is on the home screen, so hand-ins waiting in the outbox would be
// lost over a holiday.
func KeepsDataOnlyWhenInstalled() bool {
	st := js.Global().Get("navigator").Get("standalone")
	return st.Type() == js.TypeBoolean && !st.Bool()
}
