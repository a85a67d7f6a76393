package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The next user of a shared computer (staff room, computer lab) must find
// nothing of the previous one: no teacher's print sheet with personal
// links, no attendance, no one-click way into another student's seat.

// cachedPaths lists the paths of everything in the service worker's caches.
const cachedPaths = `(async () => {
  const out = [];
  for (const n of await caches.keys()) {
    const c = await caches.open(n);
    for (const r of await c.keys()) out.push(new URL(r.url).pathname);
  }
  return out;
})()`

// TestLogoutLeavesNoPrivatePagesInTheBrowser: the print sheet and the
// attendance print views are never cached; logout removes the teacher's
// pages from the caches and the lessons' codes and links from
// localStorage.
func TestLogoutLeavesNoPrivatePagesInTheBrowser(t *testing.T) {
	srv := startServer(t, freeAddr(t), t.TempDir())
	b := newBrowser(t, "teacher")
	_, _, lessonID := startLesson(t, b, srv, "Vertretung 7b")
	// From now on the service worker controls the pages (the first visit
	// is uncontrolled by design).
	waitFor(t, b, "service worker active", workerReady, 60*time.Second)
	do(t, b, "reload under the worker", chromedp.Navigate(srv.URL+"/lesson/"+lessonID))
	waitFor(t, b, "page controlled by the worker", `!!navigator.serviceWorker.controller`, 30*time.Second)
	class := apiFetch(t, b, "POST", "/api/classes", map[string]any{"name": "7b Mathe"})
	classID := class["id"].(string)
	apiFetch(t, b, "POST", "/api/classes/"+classID+"/students", map[string]any{"names": []string{"Lea Schulz"}})
	private := []string{"/classes/" + classID + "/print", "/classes/" + classID + "/attendance/print", "/lessons/" + lessonID + "/print"}
	for _, p := range private {
		do(t, b, "open "+p, chromedp.Navigate(srv.URL+p))
		waitFor(t, b, p+" shown", `document.readyState === 'complete' && !!navigator.serviceWorker.controller`, 20*time.Second)
	}
	do(t, b, "class page", chromedp.Navigate(srv.URL+"/class/"+classID))
	waitFor(t, b, "class page loaded", `!!document.querySelector('#class-code')`, 20*time.Second)
	paths := eval[[]string](t, b, cachedPaths)
	for _, p := range private {
		for _, c := range paths {
			if c == p {
				t.Errorf("the service worker keeps the private page %s", p)
			}
		}
	}
	if !eval[bool](t, b, `Object.keys(localStorage).some(k => k.startsWith('ersatzraum.lesson.'))`) {
		t.Fatal("the start form did not remember the lesson's code (test setup)")
	}

	do(t, b, "start page", chromedp.Navigate(srv.URL+"/"))
	waitFor(t, b, "logout button", `(document.querySelector('#logout') || {}).matches?.(':enabled')`, 30*time.Second)
	do(t, b, "log out", chromedp.Click(chromedp.CSS("#logout")))
	waitFor(t, b, "signed out", `document.readyState === 'complete' && !!document.querySelector('#join-code') && !document.querySelector('#logout')`, 30*time.Second)
	for _, c := range eval[[]string](t, b, cachedPaths) {
		for _, prefix := range []string{"/class/", "/lesson/", "/classes/", "/lessons/", "/konto", "/login"} {
			if strings.HasPrefix(c, prefix) {
				t.Errorf("after logout the cache still holds %s", c)
			}
		}
	}
	if keys := eval[[]string](t, b, `Object.keys(localStorage).filter(k => k.startsWith('ersatzraum.lesson.'))`); len(keys) > 0 {
		t.Errorf("after logout localStorage still holds %v", keys)
	}
	// Nor does the print sheet open again: the server wants a session, and
	// the browser has no copy of its own.
	do(t, b, "print sheet after logout", chromedp.Navigate(srv.URL+private[0]))
	if txt := eval[string](t, b, `document.body.textContent`); strings.Contains(txt, "Lea Schulz") {
		t.Error("the print sheet with Lea's link opens after logout")
	}
}

// TestPersonalLinkRememberedOnlyWhenAsked: on a shared computer the start
// page offers a personal link only if its student ticked "Auf diesem
// Gerät merken", and the student can make the device forget it.
func TestPersonalLinkRememberedOnlyWhenAsked(t *testing.T) {
	srv := startServer(t, freeAddr(t), t.TempDir())
	b := newBrowser(t, "shared")
	signIn(t, b, srv)
	class := apiFetch(t, b, "POST", "/api/classes", map[string]any{"name": "7b Mathe"})
	classID := class["id"].(string)
	class = apiFetch(t, b, "POST", "/api/classes/"+classID+"/students", map[string]any{"names": []string{"Lea Schulz"}})
	link := class["students"].([]any)[0].(map[string]any)["link"].(string)
	apiFetch(t, b, "POST", "/api/lessons", map[string]any{"classId": classID})

	joinByLink := func(remember bool) {
		t.Helper()
		do(t, b, "open personal link", chromedp.Navigate(link))
		waitFor(t, b, "join buttons ready", `(document.querySelector('#join-nocamera') || {}).matches?.(':enabled')`, 30*time.Second)
		if eval[bool](t, b, `document.querySelector('#remember-device').checked`) {
			t.Fatal("'remember on this device' is ticked before the student asked")
		}
		if remember {
			do(t, b, "tick remember", chromedp.Click(chromedp.CSS("#remember-device")))
		}
		do(t, b, "join", chromedp.Click(chromedp.CSS("#join-nocamera")))
		waitFor(t, b, "in the lesson", `!!document.querySelector('#leave')`, 30*time.Second)
		do(t, b, "start page", chromedp.Navigate(srv.URL+"/"))
		waitFor(t, b, "start page ready", `(document.querySelector('#join-code') || {}).matches?.(':enabled')`, 30*time.Second)
	}

	joinByLink(false)
	if eval[bool](t, b, `!!document.querySelector('#personal-join') || localStorage.getItem('ersatzraum.personal') !== null`) {
		t.Fatal("the personal link is kept on the device without being asked")
	}
	// The board with an assignment: its copy and a draft stay with the tab,
	// and nothing in localStorage names the link.
	token := link[strings.LastIndex(link, "/")+1:]
	apiFetch(t, b, "POST", "/api/classes/"+classID+"/board", map[string]any{"title": "Bruchrechnung"})
	do(t, b, "open the board", chromedp.Navigate(link+"/aufgaben"))
	waitFor(t, b, "assignment shown", `!!document.querySelector('.assignment[data-title="Bruchrechnung"] .handin-text')`, 30*time.Second)
	do(t, b, "type a draft", chromedp.SendKeys(chromedp.CSS(".assignment .handin-text"), "Mein Entwurf"))
	waitFor(t, b, "draft kept for the tab", `Object.keys(sessionStorage).some(k => k.startsWith('ersatzraum.draft.'))`, 10*time.Second)
	if leak := eval[[]string](t, b, `Object.keys(localStorage).filter(k => k.includes(`+jsString(token)+`) || (localStorage.getItem(k) || '').includes(`+jsString(token)+`) || k.startsWith('ersatzraum.board.') || k.startsWith('ersatzraum.draft.'))`); len(leak) > 0 {
		t.Errorf("localStorage keeps the board of a link not remembered: %v", leak)
	}
	do(t, b, "start page", chromedp.Navigate(srv.URL+"/"))
	joinByLink(true)
	waitFor(t, b, "start page offers the remembered link", `(document.querySelector('#personal-join') || {}).href === `+jsString(link), 20*time.Second)
	do(t, b, "forget", chromedp.Click(chromedp.CSS("#personal-forget")))
	waitFor(t, b, "offer gone", `!document.querySelector('#personal-join') && localStorage.getItem('ersatzraum.personal') === null`, 10*time.Second)
}
