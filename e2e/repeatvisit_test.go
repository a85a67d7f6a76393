package e2e

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// byteCounter is a reverse proxy in front of the server that counts what
// the browser receives per path: the page's own requests, the service
// worker's and the browser's (update checks) alike.
type byteCounter struct {
	mu    sync.Mutex
	bytes map[string]int64
	count map[string]int
}

type countingWriter struct {
	http.ResponseWriter
	n int64
}

func (w *countingWriter) Write(b []byte) (int, error) {
	n, err := w.ResponseWriter.Write(b)
	w.n += int64(n)
	return n, err
}

func (w *countingWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (c *byteCounter) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.bytes, c.count = map[string]int64{}, map[string]int{}
}

// take returns what arrived since the last reset, split into the app
// (shell, wasm, pages, assets) and the API, with a line per path.
func (c *byteCounter) take(data ...string) (app, api int64, lines []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for p, n := range c.bytes {
		if strings.HasPrefix(p, "/api/") || p == "/ws" || slices.Contains(data, p) {
			api += n
		} else {
			app += n
		}
		lines = append(lines, fmt.Sprintf("%s ×%d %d B", p, c.count[p], n))
	}
	sort.Strings(lines)
	return app, api, lines
}

func countingProxy(t testing.TB, target string) (*httptest.Server, *byteCounter) {
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(u)
	c := &byteCounter{}
	c.reset()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cw := &countingWriter{ResponseWriter: w}
		rp.ServeHTTP(cw, r)
		c.mu.Lock()
		// Headers count too (a 304 is not free); roughly their size.
		h := int64(0)
		for k, vs := range w.Header() {
			for _, v := range vs {
				h += int64(len(k) + len(v) + 4)
			}
		}
		c.bytes[r.URL.Path] += cw.n + h
		c.count[r.URL.Path]++
		c.mu.Unlock()
	}))
	t.Cleanup(srv.Close)
	return srv, c
}

// TestRepeatVisitFromCache: once the service worker controls the page, a
// repeat visit of the start page and of a student's board loads the
// shell and the wasm with no byte from the network, and the start page
// too; only the API calls go out, and the board page, which carries the
// student's board and is never kept (boardpage.go), like /api/board. Counted at a proxy in front of the server, so the
// service worker's and the browser's own requests count too.
func TestRepeatVisitFromCache(t *testing.T) {
	srv := startServer(t, freeAddr(t), t.TempDir())
	g := signInGo(t, srv)
	class := g.api(t, "POST", "/api/classes", map[string]any{"name": "7b Mathe"})
	class = g.api(t, "POST", "/api/classes/"+class["id"].(string)+"/students", map[string]any{"names": []string{"Anna Berg"}})
	link := class["students"].([]any)[0].(map[string]any)["link"].(string)
	token := link[strings.LastIndex(link, "/s/")+3:]
	proxy, counter := countingProxy(t, srv.URL)

	b := newBrowser(t, "student")
	for _, p := range []struct {
		path, running string
		data          bool
	}{
		{"/", `(document.querySelector('#join-code') || {}).matches?.(':enabled')`, false},
		{"/s/" + token + "/aufgaben", `document.querySelector('#outbox-status') && !document.getElementById('app-wasm-loader')`, true},
	} {
		counter.reset()
		do(t, b, "first visit "+p.path, chromedp.Navigate(proxy.URL+p.path))
		waitFor(t, b, "app running on "+p.path, p.running, 30*time.Second)
		waitFor(t, b, "service worker active", workerReady, 60*time.Second)
		first, _, _ := counter.take()
		// The next load is the first the worker controls (no
		// clients.claim); it keeps the page.
		do(t, b, "second visit "+p.path, chromedp.Navigate(proxy.URL+p.path))
		waitFor(t, b, "controlled "+p.path, `!!navigator.serviceWorker.controller && (`+p.running+`)`, 30*time.Second)
		// Let late requests of the earlier loads land before counting.
		time.Sleep(time.Second)

		counter.reset()
		do(t, b, "repeat visit "+p.path, chromedp.Navigate(proxy.URL+p.path))
		waitFor(t, b, "app running again on "+p.path, p.running, 30*time.Second)
		time.Sleep(time.Second)
		var data []string
		if p.data {
			data = append(data, p.path)
		}
		app, api, lines := counter.take(data...)
		resources := eval[float64](t, b, `performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource')).filter(e => !new URL(e.name).pathname.startsWith('/api/')).reduce((s, e) => s + e.transferSize, 0)`)
		t.Logf("%s: first visit %d B; repeat visit: app %d B, API %d B (page's transferSize %.0f B): %s", p.path, first, app, api, resources, strings.Join(lines, ", "))
		if app != 0 {
			t.Errorf("%s: the repeat visit fetched %d B of the app from the network: %s", p.path, app, strings.Join(lines, ", "))
		}
	}
}
