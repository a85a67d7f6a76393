//go:build wasm

package live

import (
	"errors"
	"strings"
	"syscall/js"
)

// CanShareScreen reports whether this browser can share a screen, a
// window or a tab. Phones and iPads have no getDisplayMedia; the page
// then offers no button (feature detection: a user agent says nothing
// reliable about it).
func CanShareScreen() bool {
	md := js.Global().Get("navigator").Get("mediaDevices")
	return md.Truthy() && md.Get("getDisplayMedia").Type() == js.TypeFunction
}

// ErrShareCancelled is returned when the user closed the browser's picker
// without choosing anything: no error to show.
var ErrShareCancelled = errors.New("screen sharing cancelled")

// DisplayMedia asks the user for a screen, a window or a tab to share. It
// blocks until the user chose (call it off the call's goroutine). ended
// runs, from a browser callback, when the sharing stops other than by
// Stop: the browser's own "stop sharing" button, or a shared window
// closed.
func DisplayMedia(ended func()) (Stream, error) {
	if !CanShareScreen() {
		return Stream{}, errors.New("this browser cannot share a screen")
	}
	md := js.Global().Get("navigator").Get("mediaDevices")
	// The screen at its own size (capped at full HD, which is what the
	// budget can carry) and few frames: slides, not film.
	opts := map[string]any{
		"video": map[string]any{
			"width":     map[string]any{"max": 1920},
			"height":    map[string]any{"max": 1080},
			"frameRate": map[string]any{"max": ScreenMaxFramerate},
		},
		"audio": false,
	}
	v, err := await(md.Call("getDisplayMedia", opts))
	if err != nil {
		if strings.HasPrefix(err.Error(), "NotAllowedError") {
			return Stream{}, ErrShareCancelled
		}
		return Stream{}, err
	}
	tracks := v.Call("getVideoTracks")
	if tracks.Length() == 0 {
		return Stream{}, errors.New("the shared screen has no picture")
	}
	track := tracks.Index(0)
	// The encoder treats the picture as text and lines: sharp edges
	// before smooth motion.
	track.Set("contentHint", "detail")
	// (A track the page stops itself fires no "ended": this one is
	// released with the page then, one small function per share.)
	var onEnded js.Func
	onEnded = js.FuncOf(func(js.Value, []js.Value) any {
		onEnded.Release()
		go ended()
		return nil
	})
	track.Call("addEventListener", "ended", onEnded, map[string]any{"once": true})
	return Stream{v: v}, nil
}

// degradation sets what the encoder gives up on a tight line: frames,
// not pixels, for a shared screen; the browser's balance otherwise. It
// reports whether params changed.
func (c Caps) degradation(kind string, params js.Value) bool {
	if kind != "video" {
		return false
	}
	cur := params.Get("degradationPreference")
	want := "maintain-resolution"
	if !c.KeepResolution {
		if cur.Type() != js.TypeString || cur.String() != want {
			return false // never set, or already the browser's balance
		}
		want = "balanced"
	}
	if cur.Type() == js.TypeString && cur.String() == want {
		return false
	}
	params.Set("degradationPreference", want)
	return true
}
