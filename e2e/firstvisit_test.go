package e2e

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"ersatzraum/app/i18n"
)

// browserLanguage makes a browser prefer other languages than the
// harness's German: navigator.languages and Accept-Language.
func browserLanguage(lang, accept string) []chromedp.ExecAllocatorOption {
	return []chromedp.ExecAllocatorOption{chromedp.Flag("lang", lang), chromedp.Flag("accept-lang", accept)}
}

// recordPageLanguage logs, from the moment the parser draws the page,
// every state of the document's language and of the page's main heading
// (#join-heading on the start and the join page) and of the first
// paragraph of its section (the join page's "code …" line) as they change, with
// whether the wasm had been instantiated (go-app runs it right after): the
// first entry is the page as it arrived, a later one a redraw by the app.
const recordPageLanguage = `(() => {
  window.__langLog = [];
  for (const name of ["instantiate", "instantiateStreaming"]) {
    const original = WebAssembly[name];
    WebAssembly[name] = function (...args) {
      return original.apply(this, args).then((r) => { window.__wasmRan = true; return r; });
    };
  }
  let last = "";
  const note = () => {
    const h = document.getElementById("join-heading");
    if (!h || !h.textContent) return;
    const lang = document.documentElement.lang;
    const section = h.closest("section");
    const p = section && section.querySelector("p");
    const para = p ? p.textContent : "";
    const s = lang + "|" + h.textContent + "|" + para;
    if (s === last) return;
    last = s;
    window.__langLog.push({lang, heading: h.textContent, para, app: !!window.__wasmRan});
  };
  new MutationObserver(note).observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
})();`

type langEntry struct {
	Lang    string `json:"lang"`
	Heading string `json:"heading"`
	Para    string `json:"para"`
	App     bool   `json:"app"`
}

func installLanguageRecorder(t testing.TB, b context.Context) {
	t.Helper()
	runOnEveryPage(t, b, "the language recorder", recordPageLanguage)
}

// runOnEveryPage has the browser run src in every page it opens from
// now on, before the page's own scripts.
func runOnEveryPage(t testing.TB, b context.Context, what, src string) {
	t.Helper()
	do(t, b, "install "+what, chromedp.Action[chromedp.Void](func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: src})
		return chromedp.Void{}, err
	}))
}

// langPage is a page with its heading's catalogue key and the expression
// that is true once the app runs on it.
type langPage struct{ path, heading, running string }

// visitInLanguage opens p and checks that it arrived in want and that the
// app, once running, never drew its heading or its lang in another one.
func visitInLanguage(t *testing.T, b context.Context, srv *server, p langPage, want i18n.Lang, from string) {
	t.Helper()
	do(t, b, "open "+p.path, chromedp.Navigate(srv.URL+p.path))
	waitFor(t, b, "app running on "+p.path, p.running, 30*time.Second)
	raw := eval[string](t, b, `JSON.stringify(window.__langLog)`)
	var log []langEntry
	if err := json.Unmarshal([]byte(raw), &log); err != nil {
		t.Fatal(err)
	}
	heading := i18n.T(want, p.heading)
	nav := eval[float64](t, b, `performance.getEntriesByType('navigation')[0].transferSize`)
	t.Logf("%s %s (%s, %.0f B over the network): %+v", want, p.path, from, nav, log)
	if len(log) == 0 || log[0].App {
		t.Errorf("%s %s (%s): no heading before the app ran: %+v", want, p.path, from, log)
		return
	}
	// The page's words as sent are the app's: a paragraph the app fills
	// in later is drawn anew, which the browser counts as the largest
	// paint, after the whole wasm. (The parser may note the heading before
	// its paragraph: the page as sent is the last entry before the app.)
	arrived := log[0]
	for _, e := range log {
		if e.App {
			if e.Para != arrived.Para {
				t.Errorf("%s %s (%s): the app redrew %q as %q", want, p.path, from, arrived.Para, e.Para)
			}
		} else {
			arrived = e
		}
	}
	desc := eval[string](t, b, `document.querySelector('meta[name="description"]').content`)
	if german := strings.Contains(desc, "deiner Schule"); german != (want == i18n.German) {
		t.Errorf("%s %s (%s): meta description %q", want, p.path, from, desc)
	}
	for i, e := range log {
		if e.Lang != string(want) || e.Heading != heading {
			what := "the page arrived"
			if i > 0 {
				what = "the app redrew it"
			}
			t.Errorf("%s %s (%s): %s as lang %q, heading %q; want %q, %q (all: %+v)", want, p.path, from, what, e.Lang, e.Heading, want, heading, log)
		}
	}
}

// TestPagesDrawnInVisitorsLanguage: the start page and a join page arrive
// in the browser's language, from the server on the first visit and from
// the service worker on the next, and the app never redraws them in
// another; a language the user chose wins over the browser's, on the
// server (a page not cached yet) and in the service worker's copies.
func TestPagesDrawnInVisitorsLanguage(t *testing.T) {
	srv := startServer(t, freeAddr(t), t.TempDir())
	g := signInGo(t, srv)
	code := g.api(t, "POST", "/api/lessons", map[string]any{"title": "7b Mathe"})["code"].(string)
	other := g.api(t, "POST", "/api/lessons", map[string]any{"title": "8a Deutsch"})["code"].(string)
	pages := []langPage{
		{"/", "home.join.title", `(document.querySelector('#join-code') || {}).matches?.(':enabled')`},
		{"/join/" + code, "join.title", `(document.querySelector('#student-name') || {}).matches?.(':enabled')`},
	}
	var english context.Context
	for _, c := range []struct {
		name, lang, accept string
		want               i18n.Lang
	}{
		{"english", "en-US", "en-US,en", i18n.English},
		{"german", "de-DE", "de-DE,de", i18n.German},
	} {
		b := newBrowserOpts(t, c.name, browserLanguage(c.lang, c.accept))
		installLanguageRecorder(t, b)
		for _, p := range pages {
			visitInLanguage(t, b, srv, p, c.want, "server")
		}
		waitFor(t, b, "service worker active", workerReady, 60*time.Second)
		for _, p := range pages {
			visitInLanguage(t, b, srv, p, c.want, "service worker")
		}
		if c.want == i18n.English {
			english = b
		}
	}

	// The English browser's user chooses German.
	b := english
	do(t, b, "open the start page", chromedp.Navigate(srv.URL+"/"))
	waitFor(t, b, "app running", pages[0].running, 30*time.Second)
	do(t, b, "switch the language", chromedp.Click(chromedp.CSS("#lang-switch")))
	waitFor(t, b, "reloaded in German", `document.documentElement.lang === 'de' && (document.querySelector('#join-code') || {}).matches?.(':enabled') && !document.getElementById('app-wasm-loader')`, 30*time.Second)
	if got := eval[string](t, b, `document.cookie`); got != i18n.ChoiceKey+"=de" {
		t.Errorf("cookie after choosing German: %q", got)
	}
	for _, p := range pages {
		visitInLanguage(t, b, srv, p, i18n.German, "service worker, chosen")
	}
	visitInLanguage(t, b, srv, langPage{"/join/" + other, "join.title", pages[1].running}, i18n.German, "server, chosen")
}
