//go:build wasm

package live

import "syscall/js"

// Stream is a browser MediaStream.
type Stream struct{ v js.Value }

// Valid reports whether the stream exists.
func (s Stream) Valid() bool { return s.v.Truthy() }

// HasVideo reports whether the stream carries a live video track.
func (s Stream) HasVideo() bool {
	return s.Valid() && s.v.Call("getVideoTracks").Length() > 0
}

// Stop ends all tracks (turns the camera light off).
func (s Stream) Stop() {
	if !s.Valid() {
		return
	}
	tracks := s.v.Call("getTracks")
	for i := 0; i < tracks.Length(); i++ {
		tracks.Index(i).Call("stop")
	}
}

// Constraints for getUserMedia. Students send small pictures: the teacher
// shows thumbnails, and a class of 30 must fit the teacher's download.
type Constraints struct {
	Video  bool
	Audio  bool
	Width  int
	Height int
	FPS    int
}

// UserMedia asks for camera and/or microphone. It blocks until the user
// (or the browser's policy) decides; call it off the UI goroutine.
func UserMedia(c Constraints) (Stream, error) {
	md := js.Global().Get("navigator").Get("mediaDevices")
	if !md.Truthy() {
		return Stream{}, errNoMediaDevices
	}
	var video any = false
	if c.Video {
		video = map[string]any{
			"width":     map[string]any{"ideal": c.Width},
			"height":    map[string]any{"ideal": c.Height},
			"frameRate": map[string]any{"ideal": c.FPS, "max": c.FPS},
		}
	}
	var audio any = false
	if c.Audio {
		audio = map[string]any{"echoCancellation": true, "noiseSuppression": true}
	}
	v, err := await(md.Call("getUserMedia", map[string]any{"video": video, "audio": audio}))
	if err != nil {
		return Stream{}, err
	}
	return Stream{v: v}, nil
}

// Attach shows a stream in the <video> or <audio> element with the given
// id. It reports false when the element is not in the page (yet).
func Attach(elementID string, s Stream, muted bool) bool {
	el := js.Global().Get("document").Call("getElementById", elementID)
	if !el.Truthy() {
		return false
	}
	if !s.Valid() {
		if el.Get("srcObject").Truthy() {
			el.Set("srcObject", js.Null())
		}
		return true
	}
	if el.Get("srcObject").Equal(s.v) {
		return true
	}
	el.Set("muted", muted)
	el.Set("srcObject", s.v)
	// play() may be refused without a user gesture; the element's
	// autoplay attribute and the next click try again.
	el.Call("play").Call("catch", ignoreRefusal)
	return true
}

// await blocks on a JavaScript promise.
func await(p js.Value) (js.Value, error) {
	done := make(chan struct{})
	var result js.Value
	var failure error
	then := js.FuncOf(func(_ js.Value, args []js.Value) any {
		result = args[0]
		close(done)
		return nil
	})
	catch := js.FuncOf(func(_ js.Value, args []js.Value) any {
		failure = domError(args[0])
		close(done)
		return nil
	})
	defer then.Release()
	defer catch.Release()
	p.Call("then", then).Call("catch", catch)
	<-done
	return result, failure
}

// domError reads a rejection: a DOMException (or any Error) by its name
// and message; anything else thrown by what it says.
func domError(v js.Value) error {
	if v.Type() != js.TypeObject {
		return &DOMError{Name: "Error", Message: v.String()}
	}
	return &DOMError{Name: v.Get("name").String(), Message: v.Get("message").String()}
}

// yieldToBrowser lets the browser run its event loop (render, timers,
// input) before the call goes on. Go in the browser returns to the event
// loop only when every goroutine waits, so a long native call (building a
// peer connection takes hundreds of milliseconds on a busy machine) would
// otherwise share one task with whatever Go work is ready, and the page
// would stall for both.
func yieldToBrowser() {
	executor := js.FuncOf(func(_ js.Value, args []js.Value) any {
		js.Global().Call("setTimeout", args[0], 0)
		return nil
	})
	defer executor.Release()
	await(js.Global().Get("Promise").New(executor))
}

// ignoreRefusal swallows a refused play(); one function for every element,
// so that attaching streams does not leak callbacks.
var ignoreRefusal = js.FuncOf(func(js.Value, []js.Value) any { return nil })
