package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// workerReady is true once the service worker has filled its cache and is
// active: from the next page load on, it serves the app.
const workerReady = `navigator.serviceWorker.ready.then(r => !!(r.active && r.active.state === 'activated'))`

// installabilityErrors asks Chromium whether the page could be installed
// (manifest, icons, service worker): what Lighthouse's PWA checks were.
func installabilityErrors(t testing.TB, ctx context.Context) []string {
	t.Helper()
	var ids []string
	get := chromedp.Action[chromedp.Void](func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		res, err := cdp.Call(ctx, tg, page.GetInstallabilityErrors, cdp.Empty{})
		for _, e := range res.InstallabilityErrors {
			ids = append(ids, e.ErrorID)
		}
		return chromedp.Void{}, err
	})
	do(t, ctx, "installability check", get)
	return ids
}

// TestOfflineReload loads the app and visits its pages once, then stops
// the server (the network is gone) and reloads: every visited page opens
// from the service worker's cache and the app runs, and a page never
// visited opens from the cached app shell.
func TestOfflineReload(t *testing.T) {
	srv := startServer(t, freeAddr(t), t.TempDir())
	b := newBrowser(t, "teacher")

	do(t, b, "open home", chromedp.Navigate(srv.URL+"/"))
	waitFor(t, b, "service worker active", workerReady, 60*time.Second)
	if errs := installabilityErrors(t, b); len(errs) > 0 {
		t.Errorf("not installable: %v", errs)
	}

	code, _, lessonID := startLesson(t, b, srv, "7b Mathe")
	do(t, b, "open a join page", chromedp.Navigate(srv.URL+"/join/"+code))
	waitFor(t, b, "join form", `(document.querySelector('#student-name') || {}).matches?.(':enabled')`, 30*time.Second)

	srv.stop(t)
	if _, err := chromedp.Run(b, chromedp.Evaluate[any](`fetch('/healthz').then(() => 'up', () => 'down')`, chromedp.EvalAwaitPromise)); err != nil {
		t.Fatal(err)
	}

	visits := []struct{ path, what, ready string }{
		{"/", "home page offline", `(document.querySelector('#join-code') || {}).matches?.(':enabled')`},
		{"/join/" + code, "join page offline", `(document.querySelector('#student-name') || {}).matches?.(':enabled') && document.querySelector('#join-heading')`},
		{"/lesson/" + lessonID, "lesson page offline", `(document.querySelector('#lesson-code') || {}).textContent === ` + jsString(code)},
		{"/join/ZZZZ-ZZZZ", "never-visited join page from the app shell", `(document.querySelector('#student-name') || {}).matches?.(':enabled') && document.body.textContent.includes('ZZZZ-ZZZZ')`},
	}
	for _, v := range visits {
		start := time.Now()
		do(t, b, "reload "+v.path, chromedp.Navigate(srv.URL+v.path))
		waitFor(t, b, v.what, v.ready, 30*time.Second)
		t.Logf("%s: app running %v after navigation, server down", v.path, time.Since(start).Round(time.Millisecond))
	}
	// The page really had no network: the API is unreachable.
	if got := eval[string](t, b, `fetch('/api/me').then(() => 'reached', () => 'unreachable')`); got != "unreachable" {
		t.Errorf("API with the server down: %s", got)
	}
	if title := eval[string](t, b, `document.title`); !strings.Contains(title, "Ersatzraum") {
		t.Errorf("title %q", title)
	}
}
