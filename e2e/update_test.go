package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// copyWeb copies the built web/ folder (stylesheet, icons, app.wasm) to a
// temporary folder that the test may change.
func copyWeb(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	entries, err := os.ReadDir("../web")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		b, err := os.ReadFile(filepath.Join("../web", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "app.wasm")); err != nil {
		t.Fatal("web/app.wasm is missing: run `make build` first")
	}
	return dir
}

// TestUpdateBanner opens the app, replaces the server by a new release
// (other web files, so another version) on the same address, and checks
// that the open page offers the update and that the reload brings the new
// release as a whole.
func TestUpdateBanner(t *testing.T) {
	web := copyWeb(t)
	addr, data := freeAddr(t), t.TempDir()
	old := startServer(t, addr, data, "--web-dir", web)
	b := newBrowser(t, "student")

	do(t, b, "open home", chromedp.Navigate(old.URL+"/"))
	waitFor(t, b, "service worker active", workerReady, 60*time.Second)
	waitFor(t, b, "app running", `(document.querySelector('#join-code') || {}).matches?.(':enabled')`, 30*time.Second)
	oldCaches := eval[[]string](t, b, `caches.keys()`)
	if eval[bool](t, b, `!!document.querySelector('#update-reload')`) {
		t.Fatal("update banner shown without an update")
	}

	// The new release: same server address, a changed stylesheet.
	old.stop(t)
	const marker = "/* release 2 */"
	css, err := os.ReadFile(filepath.Join(web, "app.css"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(web, "app.css"), append(css, "\n"+marker+"\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	startServer(t, addr, data, "--web-dir", web)

	// The user comes back to the window: the app looks for an update.
	start := time.Now()
	eval[bool](t, b, `window.dispatchEvent(new Event('focus'))`)
	waitFor(t, b, "update banner", `(document.querySelector('#update-reload') || {}).offsetParent != null`, 60*time.Second)
	t.Logf("banner shown %v after focus", time.Since(start).Round(time.Millisecond))
	if text := eval[string](t, b, `document.querySelector('#update-banner').textContent`); !strings.Contains(text, "neue Version") {
		t.Errorf("banner text %q", text)
	}

	do(t, b, "reload from the banner", chromedp.Click(chromedp.CSS("#update-reload")))
	waitFor(t, b, "app running after the update", `(document.querySelector('#join-code') || {}).matches?.(':enabled') && !document.querySelector('#update-reload')`, 30*time.Second)
	newCaches := eval[[]string](t, b, `caches.keys()`)
	if len(newCaches) != 1 || len(oldCaches) != 1 || newCaches[0] == oldCaches[0] {
		t.Errorf("caches before %v, after %v: want one cache each, of different versions", oldCaches, newCaches)
	}
	// Every piece now comes from the new release: the stylesheet and the
	// wasm of the page match the new version.
	if !eval[bool](t, b, `fetch('/web/app.css').then(r => r.text()).then(s => s.includes(`+jsString(marker)+`))`) {
		t.Error("the reloaded page still has the old stylesheet")
	}
	version := strings.TrimPrefix(newCaches[0], "app-")
	if !eval[bool](t, b, `performance.getEntriesByType('resource').some(e => e.name.includes('app.wasm?v=`+version+`'))`) {
		t.Errorf("the reloaded page did not load the wasm of version %s", version)
	}
}
