package e2e

import (
	"strings"
	"testing"
	"time"
)

// TestWebKit runs what an iPad's engine must manage, in WebKitGTK (the
// WebKit that Debian packages, which has no WebRTC): the join page, the
// board offline with its outbox, what makes the app installable, and
// IndexedDB. One driver, one fresh browser session per flow.
func TestWebKit(t *testing.T) {
	wk := startWebKit(t)
	t.Run("JoinPage", func(t *testing.T) { webkitJoin(t, wk.session(t, "student")) })
	t.Run("BoardOffline", func(t *testing.T) { boardOffline(t, wk.session(t, "student"), false) })
	t.Run("Installable", func(t *testing.T) { webkitInstallable(t, wk.session(t, "student")) })
	t.Run("IndexedDB", func(t *testing.T) { webkitIndexedDB(t, wk.session(t, "student")) })
}

// webkitJoin: the join page works and joins the lobby; without WebRTC the
// page says in words that there is no picture or sound, and offers no
// camera.
func webkitJoin(t *testing.T, p enginePage) {
	srv := startServer(t, freeAddr(t), t.TempDir())
	lesson := signInGo(t, srv).api(t, "POST", "/api/lessons", map[string]any{"title": "7b Mathe"})
	code := lesson["code"].(string)
	p.navigate(t, srv.URL+"/join/"+code)
	pageWait(t, p, "name field", `(document.querySelector('#student-name') || {}).matches?.(':enabled')`, 30*time.Second)
	t.Logf("WebKit: %s", pageEval[string](t, p, `navigator.userAgent + '; RTCPeerConnection: ' + typeof RTCPeerConnection + ', getDisplayMedia: ' + typeof navigator.mediaDevices?.getDisplayMedia`))
	if pageEval[string](t, p, `typeof RTCPeerConnection`) != "undefined" {
		t.Skip("this WebKit has WebRTC: run the lesson in it")
	}
	pageWait(t, p, "the page says there is no video here", `(document.querySelector('#call-unavailable') || {}).textContent?.includes('Video und Ton gehen in diesem Browser nicht')`, 10*time.Second)
	if pageEval[bool](t, p, `!!document.querySelector('#join-camera')`) {
		t.Error("a camera is offered where no picture can be sent")
	}
	pageType(t, p, "#student-name", "Mia Roth")
	pageClick(t, p, "#join-nocamera")
	pageWait(t, p, "waiting room", `document.querySelector('#join-status[data-state="lobby"]')`, 30*time.Second)
	if text := pageEval[string](t, p, `(document.querySelector('#call-unavailable') || {}).textContent || ''`); !strings.Contains(text, "Aufgaben") {
		t.Errorf("in the waiting room the notice reads %q; it should say what still works", text)
	}
}

// webkitInstallable: the manifest an iPad's home screen reads (name,
// start address, standalone, icons that load), the service worker
// active, and the app shell opening with the server gone.
func webkitInstallable(t *testing.T, p enginePage) {
	srv := startServer(t, freeAddr(t), t.TempDir())
	p.navigate(t, srv.URL+"/")
	pageWait(t, p, "app running", `(document.querySelector('#join-code') || {}).matches?.(':enabled')`, 30*time.Second)
	pageWait(t, p, "service worker active", workerReady, 60*time.Second)
	m := pageEval[map[string]any](t, p, `fetch(document.querySelector('link[rel=manifest]').href).then(r => r.json())`)
	if m["name"] == nil || m["start_url"] == nil || m["display"] != "standalone" {
		t.Errorf("manifest: name %v, start_url %v, display %v", m["name"], m["start_url"], m["display"])
	}
	sizes := pageEval[[]string](t, p, `fetch(document.querySelector('link[rel=manifest]').href).then(r => r.json()).then(m =>
	  Promise.all(m.icons.map(i => fetch(new URL(i.src, location.href)).then(r => r.ok ? i.sizes : 'broken ' + i.src))))`)
	if !containsAll(strings.Join(sizes, " "), "192x192", "512x512") || strings.Contains(strings.Join(sizes, " "), "broken") {
		t.Errorf("manifest icons: %v; want 192x192 and 512x512, all loading", sizes)
	}
	if !pageEval[bool](t, p, `(() => { const l = document.querySelector('link[rel=apple-touch-icon]'); return !!l && fetch(l.href).then(r => r.ok); })()`) {
		t.Error("no apple-touch-icon that loads: the home screen would show a screenshot")
	}
	srv.stop(t)
	p.navigate(t, srv.URL+"/join/ZZZZ-ZZZZ")
	pageWait(t, p, "a never-visited page from the app shell, server gone", `(document.querySelector('#student-name') || {}).matches?.(':enabled') && document.body.textContent.includes('ZZZZ-ZZZZ')`, 30*time.Second)
}

func containsAll(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

// webkitIndexedDB: WebKit keeps an ArrayBuffer in IndexedDB (what the
// app keeps files as); whether it takes a Blob is logged, the evidence
// for keeping bytes.
func webkitIndexedDB(t *testing.T, p enginePage) {
	srv := startServer(t, freeAddr(t), t.TempDir())
	p.navigate(t, srv.URL+"/")
	put := func(value string) string {
		return pageEval[string](t, p, `new Promise(resolve => {
		  const q = indexedDB.open('probe', 1);
		  q.onupgradeneeded = () => q.result.createObjectStore('s');
		  q.onerror = () => resolve('open: ' + q.error);
		  q.onsuccess = () => {
		    const tx = q.result.transaction('s', 'readwrite');
		    tx.objectStore('s').put(`+value+`, 'k');
		    tx.oncomplete = () => { const g = q.result.transaction('s').objectStore('s').get('k');
		      g.onsuccess = () => resolve('kept ' + Object.prototype.toString.call(g.result?.data ?? g.result)); };
		    tx.onerror = tx.onabort = () => resolve('refused: ' + (tx.error && tx.error.name));
		  };
		})`)
	}
	if got := put(`{type: 'text/plain', data: new TextEncoder().encode('1/2 + 1/4').buffer}`); got != "kept [object ArrayBuffer]" {
		t.Errorf("an ArrayBuffer in IndexedDB: %s", got)
	}
	t.Logf("a Blob in this WebKit's IndexedDB: %s", put(`new Blob(['1/2 + 1/4'], {type: 'text/plain'})`))
}
