package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// A teacher creates a class, pastes a class list, prints the personal
// links and starts the class's lesson. A student with a personal link gets
// straight in; a stranger with the class code waits in the lobby and is
// rejected; a locked lesson admits nobody new.
func TestClassPersonalLinksLobbyAndLock(t *testing.T) {
	srv := startServer(t, freeAddr(t), t.TempDir())
	teacher := newBrowser(t, "teacher")
	signIn(t, teacher, srv)
	waitFor(t, teacher, "class list loaded", `!!document.querySelector('#classes[data-loaded="true"]')`, 20*time.Second)
	do(t, teacher, "create class",
		chromedp.SendKeys(chromedp.CSS("#class-name"), "7b Mathe"),
		chromedp.Click(chromedp.CSS("#create-class")),
	)
	waitFor(t, teacher, "class page with its code", `(document.querySelector('#class-code') || {}).textContent?.length === 9`, 20*time.Second)
	waitFor(t, teacher, "class page ready", `(document.querySelector('#roster-names') || {}).matches?.(':enabled')`, 20*time.Second)
	do(t, teacher, "paste class list",
		chromedp.SendKeys(chromedp.CSS("#roster-names"), "Lea Schulz\nÖmer Kaya\n"),
		chromedp.Click(chromedp.CSS("#add-students")),
	)
	waitFor(t, teacher, "two students on the list", `document.querySelectorAll('#roster li').length === 2`, 20*time.Second)
	classCode := eval[string](t, teacher, `document.querySelector('#class-code').textContent`)
	leaLink := eval[string](t, teacher, `document.querySelector('#roster li[data-name="Lea Schulz"] a.personal-link').href`)
	classURL := eval[string](t, teacher, `location.href`)
	if !strings.Contains(leaLink, "/s/") {
		t.Fatalf("personal link %q", leaLink)
	}

	// The print sheet: one QR code per student.
	printURL := eval[string](t, teacher, `document.querySelector('#print-sheet').href`)
	do(t, teacher, "open print sheet", chromedp.Navigate(printURL))
	if n := eval[float64](t, teacher, `document.querySelectorAll('.card img[src^="data:image/png"]').length`); n != 2 {
		t.Fatalf("print sheet has %v QR codes, want 2", n)
	}
	if txt := eval[string](t, teacher, `document.body.textContent`); !strings.Contains(txt, "Ömer Kaya") || !strings.Contains(txt, classCode) {
		t.Fatal("print sheet lacks a name or the class code")
	}

	do(t, teacher, "back to the class", chromedp.Navigate(classURL))
	waitFor(t, teacher, "start button ready", `(document.querySelector('#start-class-lesson') || {}).matches?.(':enabled')`, 20*time.Second)
	do(t, teacher, "start the class's lesson", chromedp.Click(chromedp.CSS("#start-class-lesson")))
	waitFor(t, teacher, "lesson page", `location.pathname.startsWith('/lesson/') && !!document.querySelector('#lobby')`, 20*time.Second)

	// Lea: personal link, no name to type, no lobby.
	lea := newBrowser(t, "lea")
	do(t, lea, "open personal link", chromedp.Navigate(leaLink))
	waitFor(t, lea, "join buttons ready", `(document.querySelector('#join-camera') || {}).matches?.(':enabled')`, 30*time.Second)
	if eval[bool](t, lea, `!!document.querySelector('#student-name')`) {
		t.Error("a personal link still asks for the name")
	}
	// Lea's own device: she asks it to remember her link.
	do(t, lea, "remember on this device", chromedp.Click(chromedp.CSS("#remember-device")))
	do(t, lea, "join", chromedp.Click(chromedp.CSS("#join-nocamera")))
	waitFor(t, lea, "Lea is in, by name", `(document.querySelector('#join-status[data-state="present"]') || {}).textContent?.includes('Lea Schulz')`, 30*time.Second)
	waitFor(t, teacher, "roll call shows Lea", rollCallEntry("Lea Schulz", "present", "true"), 20*time.Second)
	// The PWA remembers the personal link for the start page, as asked.
	do(t, lea, "open start page", chromedp.Navigate(srv.URL+"/"))
	waitFor(t, lea, "start page offers the personal link", `(document.querySelector('#personal-join') || {}).href === `+jsString(leaLink), 20*time.Second)

	// A stranger with the class code waits and is sent away.
	eve := newBrowser(t, "eve")
	joinAsStudent(t, eve, srv.URL+"/join/"+classCode, "Eve", false)
	waitFor(t, eve, "Eve waits in the lobby", `document.querySelector('#join-status[data-state="lobby"]')`, 30*time.Second)
	waitFor(t, teacher, "teacher sees Eve knock", `!!document.querySelector('.knock[data-name="Eve"]')`, 20*time.Second)
	if eval[bool](t, teacher, rollCallEntry("Eve", "present", "true")+` !== null`) {
		t.Fatal("a waiting student is on the roll call")
	}
	do(t, teacher, "reject Eve", chromedp.Click(chromedp.CSS(`.knock[data-name="Eve"] .reject`)))
	waitFor(t, eve, "Eve is told", `(document.querySelector('#join-status[data-state="closed"]') || {}).textContent?.includes('nicht hereingelassen')`, 20*time.Second)

	// Locked: even a name from the class list stays out. The teacher
	// clicks once the lobby shows Eve gone (the list shrinks, and the lock
	// button moves up with it).
	waitFor(t, teacher, "Eve gone from the lobby", `!document.querySelector('.knock[data-name="Eve"]')`, 20*time.Second)
	do(t, teacher, "lock the lesson", chromedp.Click(chromedp.CSS("#lock-lesson")))
	waitFor(t, teacher, "lock shown", `document.querySelector('#lock-lesson[data-locked="true"]')`, 10*time.Second)
	joinAsStudent(t, eve, srv.URL+"/join/"+classCode, "Ömer Kaya", false)
	waitFor(t, eve, "locked out", `(document.querySelector('#join-status[data-state="closed"]') || {}).textContent?.includes('gesperrt')`, 20*time.Second)
}
