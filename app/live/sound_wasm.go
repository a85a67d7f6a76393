//go:build wasm

package live

import (
	"sync"
	"syscall/js"
)

// Sound that waits for a tap. Browsers start audible media only after
// the user has touched the page (Safari, and Firefox for a page that
// captures nothing), and refuse play() with NotAllowedError otherwise:
// without a word, the student would sit in silence. AttachSound reports
// the refusal so that the page can offer a button; a click on an element
// with data-plays="ID" starts the media element ID inside the click
// itself, where Safari allows it (go-app runs its handlers after the
// event, outside the gesture).

var (
	soundMu      sync.Mutex
	soundReports = map[string]func(playing bool){} // element id → its page's report
	tapOnce      sync.Once
)

// AttachSound shows a stream with its sound in the <video> or <audio>
// element with the given id, as Attach does, and tells report whether
// the sound plays (false: the browser waits for a tap). report runs on
// its own goroutine and must not block.
func AttachSound(elementID string, s Stream, report func(playing bool)) bool {
	tapOnce.Do(func() {
		js.Global().Get("document").Call("addEventListener", "click", playOnTap, true)
	})
	soundMu.Lock()
	soundReports[elementID] = report
	soundMu.Unlock()
	el := js.Global().Get("document").Call("getElementById", elementID)
	if !el.Truthy() {
		return false
	}
	if !s.Valid() || el.Get("srcObject").Equal(s.v) {
		return Attach(elementID, s, false)
	}
	el.Set("muted", false)
	el.Set("srcObject", s.v)
	play(elementID, el)
	return true
}

// play starts el and reports to its page whether the browser let it.
func play(id string, el js.Value) {
	var ok, fail js.Func
	done := func() { ok.Release(); fail.Release() }
	ok = js.FuncOf(func(js.Value, []js.Value) any {
		done()
		reportSound(id, true)
		return nil
	})
	fail = js.FuncOf(func(_ js.Value, args []js.Value) any {
		done()
		// Only the browser's policy asks for a tap; an AbortError (a
		// new stream replaced this one) is no refusal.
		if len(args) > 0 && args[0].Truthy() && args[0].Get("name").String() == "NotAllowedError" {
			reportSound(id, false)
		}
		return nil
	})
	el.Call("play").Call("then", ok, fail)
}

func reportSound(id string, playing bool) {
	soundMu.Lock()
	report := soundReports[id]
	soundMu.Unlock()
	if report != nil {
		go report(playing)
	}
}

// playOnTap runs in the capture phase of every click, before the page's
// own handlers: a click on [data-plays] plays that element now.
var playOnTap = js.FuncOf(func(_ js.Value, args []js.Value) any {
	target := args[0].Get("target")
	if !target.Truthy() || target.Get("closest").Type() != js.TypeFunction {
		return nil
	}
	button := target.Call("closest", "[data-plays]")
	if !button.Truthy() {
		return nil
	}
	id := button.Call("getAttribute", "data-plays").String()
	if el := js.Global().Get("document").Call("getElementById", id); el.Truthy() {
		el.Set("muted", false)
		play(id, el)
	}
	return nil
})
