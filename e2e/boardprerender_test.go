package e2e

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// recordBoardTitles logs, from the moment the parser draws the page, the
// assignment titles on the page each time they change, with whether the
// wasm had been instantiated: the first entry is the page as it arrived.
const recordBoardTitles = `(() => {
  window.__boardLog = [];
  const original = WebAssembly.instantiateStreaming;
  WebAssembly.instantiateStreaming = function (...args) {
    return original.apply(this, args).then((r) => { window.__wasmRan = true; return r; });
  };
  let last = null;
  const note = () => {
    if (!document.getElementById("board-title")) return;
    const titles = [...document.querySelectorAll("section.assignment h2")].map((h) => h.textContent);
    const s = JSON.stringify(titles);
    if (s === last) return;
    last = s;
    window.__boardLog.push({titles, app: !!window.__wasmRan});
  };
  new MutationObserver(note).observe(document, {subtree: true, childList: true, characterData: true});
})();`

type boardEntry struct {
	Titles []string `json:"titles"`
	App    bool     `json:"app"`
}

// TestBoardPageArrivesWithTheBoard: a student's board page is readable
// before the wasm runs (the assignment's title and text are in the page
// the server sends), the app draws the same board over it instead of an
// empty page, a title with quotes and markup stays text, the page is
// never kept by a cache, and a wrong link gets no board.
func TestBoardPageArrivesWithTheBoard(t *testing.T) {
	srv := startServer(t, freeAddr(t), t.TempDir())
	g := signInGo(t, srv)
	class := g.api(t, "POST", "/api/classes", map[string]any{"name": "7b"})
	classID := class["id"].(string)
	class = g.api(t, "POST", "/api/classes/"+classID+"/students", map[string]any{"names": []string{"Anna Berg"}})
	link := class["students"].([]any)[0].(map[string]any)["link"].(string)
	token := link[strings.LastIndex(link, "/s/")+3:]
	title := `Brüche "kürzen" <b>fett</b>" onmouseover="alert(1)`
	g.api(t, "POST", "/api/classes/"+classID+"/board", map[string]any{
		"title": title, "body": "Buch S. 42, Aufgaben 1 bis 5.", "graceMinutes": 0,
	})

	b := newBrowserOpts(t, "student", nil)
	runOnEveryPage(t, b, "the board recorder", recordBoardTitles)
	do(t, b, "open the board", chromedp.Navigate(srv.URL+"/s/"+token+"/aufgaben"))
	waitFor(t, b, "app running", `!document.getElementById('app-wasm-loader') && !!document.querySelector('.handin-submit:enabled')`, 60*time.Second)

	var log []boardEntry
	if err := json.Unmarshal([]byte(eval[string](t, b, `JSON.stringify(window.__boardLog)`)), &log); err != nil {
		t.Fatal(err)
	}
	t.Logf("titles as drawn: %+v", log)
	// The page as sent is the last entry before the app ran (the parser
	// may note the heading before the assignments).
	var arrived *boardEntry
	for i, e := range log {
		if e.App {
			if len(e.Titles) != 1 || e.Titles[0] != title {
				t.Errorf("the app redrew the board as %q (all: %+v)", e.Titles, log)
			}
		} else {
			arrived = &log[i]
		}
	}
	if arrived == nil || len(arrived.Titles) != 1 || arrived.Titles[0] != title {
		t.Fatalf("the page did not arrive with the assignment %q: %+v", title, log)
	}
	if n := eval[float64](t, b, `document.querySelectorAll('[onmouseover]').length`); n != 0 {
		t.Errorf("the title became %v attributes", n)
	}
	if got := eval[string](t, b, `document.querySelector('section.assignment .board-text').textContent`); got != "Buch S. 42, Aufgaben 1 bis 5." {
		t.Errorf("assignment text %q", got)
	}

	// Never kept: the page holds the student's name and hand-ins.
	cc := eval[string](t, b, `fetch(location.href).then((r) => r.headers.get('cache-control') + '|' + (r.headers.get('etag') || ''))`)
	if cc != "no-store|" {
		t.Errorf("board page Cache-Control|ETag %q, want no-store and none", cc)
	}
	// A wrong link: the page, without anyone's board.
	wrong := eval[string](t, b, `fetch('/s/aaaaaaaaaaaaaaaaaaaaaaaaaa/aufgaben').then((r) => r.text())`)
	if strings.Contains(wrong, "board-data") || strings.Contains(wrong, "Anna Berg") || !strings.Contains(wrong, "board-title") {
		t.Errorf("a wrong link's board page: %s", wrong)
	}
}
