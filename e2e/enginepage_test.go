package e2e

import (
	"encoding/json"
	"testing"
	"time"
)

// enginePage is a page in a browser other than Chromium (Firefox over
// WebDriver BiDi, WebKit over WebDriver), with the few things the tests do
// to it. Expressions may return promises; values come back as JSON.
type enginePage interface {
	navigate(t testing.TB, url string)
	// evaluate runs expr and returns its value as JSON; userGesture runs
	// it as if the user had just clicked (where the driver can).
	evaluate(expr string, userGesture bool) (json.RawMessage, error)
	name() string
}

// pageEval evaluates expr in p and decodes its value.
func pageEval[T any](t testing.TB, p enginePage, expr string) T {
	t.Helper()
	raw, err := p.evaluate(expr, false)
	if err != nil {
		t.Fatalf("%s: evaluate %s: %v", p.name(), expr, err)
	}
	var v T
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("%s: evaluate %s: %s is not a %T", p.name(), expr, raw, v)
	}
	return v
}

// pageWait evaluates expr until it is truthy.
func pageWait(t testing.TB, p enginePage, what, expr string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var last any
	for {
		raw, err := p.evaluate(expr, false)
		if err == nil {
			var v any
			json.Unmarshal(raw, &v)
			if truthy(v) {
				return
			}
			last = string(raw)
		} else {
			last = err
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %s: not true within %v (last value: %v)", p.name(), what, timeout, last)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// pageClick clicks the element matching sel as the user would (a click
// event with the user's activation, where the driver can give one).
func pageClick(t testing.TB, p enginePage, sel string) {
	t.Helper()
	if c, ok := p.(interface{ click(testing.TB, string) }); ok {
		c.click(t, sel)
		return
	}
	expr := `(() => { const e = document.querySelector(` + jsString(sel) + `); if (!e) throw new Error('no element ' + ` + jsString(sel) + `); e.click(); return true; })()`
	if _, err := p.evaluate(expr, true); err != nil {
		t.Fatalf("%s: click %s: %v", p.name(), sel, err)
	}
}

// pageType puts text into an input or textarea as typing would: the value
// changes and the page hears an input event.
func pageType(t testing.TB, p enginePage, sel, text string) {
	t.Helper()
	expr := `(() => { const e = document.querySelector(` + jsString(sel) + `); if (!e) throw new Error('no element ' + ` + jsString(sel) + `);
  e.focus(); e.value += ` + jsString(text) + `; e.dispatchEvent(new Event('input', {bubbles: true})); e.dispatchEvent(new Event('change', {bubbles: true})); return true; })()`
	if _, err := p.evaluate(expr, true); err != nil {
		t.Fatalf("%s: type into %s: %v", p.name(), sel, err)
	}
}

// pageAttach puts a file into a file input, as choosing it would (the
// page reads input.files).
func pageAttach(t testing.TB, p enginePage, sel, name, mime, content string) {
	t.Helper()
	expr := `(() => { const e = document.querySelector(` + jsString(sel) + `); const dt = new DataTransfer();
  dt.items.add(new File([` + jsString(content) + `], ` + jsString(name) + `, {type: ` + jsString(mime) + `}));
  e.files = dt.files; e.dispatchEvent(new Event('change', {bubbles: true})); return e.files.length; })()`
	if n := pageEval[int](t, p, expr); n != 1 {
		t.Fatalf("%s: %d files in %s", p.name(), n, sel)
	}
}
