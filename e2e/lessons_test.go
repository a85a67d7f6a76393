package e2e

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// Issue 13, as a new teacher meets it: ending a lesson asks first, the
// start page leads back into a running lesson and to the attendance of
// ended ones, long names stay readable on the tiles, and the password
// page after the first login link has a way on without a password.

// recentItem is the start page's line of a lesson.
func recentItem(lessonID string) string {
	return `document.querySelector('#recent-lessons[data-loaded="true"] li[data-lesson=' + JSON.stringify(` + jsString(lessonID) + `) + ']')`
}

// An ad-hoc lesson (no class) with one student: the start page leads back
// into it while it runs; "Unterricht beenden" opens a modal confirmation
// that says what ending does, and Escape keeps the lesson; once ended
// through the confirmation, the start page lists it as ended in German
// date format, and its attendance CSV link (fetched with the teacher's
// session, as the browser downloads it) holds the student's name; so do
// the attendance view on the page and the print view.
func TestEndingAsksAndTheStartPageKeepsTheLesson(t *testing.T) {
	srv := startServer(t, freeAddr(t), t.TempDir())
	teacher := newBrowser(t, "teacher")
	student := newBrowser(t, "student")
	const title, name = "Vertretung 9c", "Jana Beispiel"
	code, link, lessonID := startLesson(t, teacher, srv, title)
	joinAdmitted(t, teacher, student, link, name, false)
	waitFor(t, teacher, name+" in the lesson", tileOf(name)+` && !`+tileOf(name)+`.classList.contains('offline')`, 30*time.Second)
	waitFor(t, student, "student in the lesson", `document.querySelector('#join-status[data-state="present"]')`, 30*time.Second)

	// The way back in from the start page while the lesson runs.
	do(t, teacher, "open the start page", chromedp.Navigate(srv.URL+"/"))
	item := recentItem(lessonID)
	waitFor(t, teacher, "running lesson listed", item+`?.dataset.state === 'running'`, 30*time.Second)
	if got := eval[string](t, teacher, item+`.querySelector('.rejoin').textContent`); got != "Zurück in den Unterricht" {
		t.Fatalf("way back in reads %q", got)
	}
	do(t, teacher, "back into the lesson", chromedp.Click(chromedp.CSS(`li[data-lesson="`+lessonID+`"] .rejoin`)))
	waitFor(t, teacher, "teacher back in the lesson", `location.pathname === '/lesson/`+lessonID+`' && (document.querySelector('#lesson-code') || {}).textContent === `+jsString(code), 30*time.Second)
	waitFor(t, teacher, name+" still there", tileOf(name)+` && !`+tileOf(name)+`.classList.contains('offline')`, 30*time.Second)

	// "Unterricht beenden" asks first, in a modal dialog of the page.
	const dialog = `document.querySelector('#end-dialog')`
	waitFor(t, teacher, "end button ready", `!!document.querySelector('#end-lesson')`, 10*time.Second)
	do(t, teacher, "click end", clickAction("#end-lesson"))
	waitFor(t, teacher, "confirmation open", dialog+`?.open && `+dialog+`.matches(':modal')`, 10*time.Second)
	if got := eval[string](t, teacher, `document.activeElement && document.activeElement.id`); got != "end-cancel" {
		t.Errorf("focus in the dialog is on %q, want the safe choice end-cancel", got)
	}
	if got := eval[string](t, teacher, `document.getElementById(`+dialog+`.getAttribute('aria-labelledby')).textContent`); got != "Unterricht beenden?" {
		t.Errorf("dialog labelled %q", got)
	}
	text := eval[string](t, teacher, `document.getElementById(`+dialog+`.getAttribute('aria-describedby')).textContent`)
	for _, want := range []string{"verlassen die Stunde", "nicht fortsetzen", "Anwesenheit bleibt gespeichert"} {
		if !strings.Contains(text, want) {
			t.Errorf("dialog text %q does not say %q", text, want)
		}
	}
	do(t, teacher, "press Escape", chromedp.KeyEvent(kb.Escape))
	waitFor(t, teacher, "confirmation closed", `!`+dialog+`.open`, 10*time.Second)
	do(t, teacher, "click end again", clickAction("#end-lesson"))
	waitFor(t, teacher, "confirmation open again", dialog+`.open`, 10*time.Second)
	do(t, teacher, "keep teaching", clickAction("#end-cancel"))
	waitFor(t, teacher, "confirmation closed again", `!`+dialog+`.open`, 10*time.Second)
	// Neither closing ended anything: the student is still in, and so is
	// the teacher.
	if ended := eval[bool](t, student, `!!document.querySelector('#join-status[data-state="closed"]')`); ended {
		t.Fatal("closing the confirmation ended the lesson")
	}
	if !eval[bool](t, teacher, `!!document.querySelector('#end-lesson') && !document.querySelector('#lesson-status')`) {
		t.Fatal("the teacher's lesson is gone after closing the confirmation")
	}

	do(t, teacher, "end the lesson", clickAction("#end-lesson"))
	waitFor(t, teacher, "confirmation open to end", dialog+`.open`, 10*time.Second)
	do(t, teacher, "confirm", clickAction("#end-confirm"))
	waitFor(t, teacher, "lesson ended", `(document.querySelector('#lesson-status') || {}).textContent === 'Die Stunde ist beendet.'`, 20*time.Second)
	waitFor(t, student, "student told", `(document.querySelector('#join-status[data-state="closed"]') || {}).textContent === 'Die Stunde ist beendet.'`, 20*time.Second)
	if !eval[bool](t, teacher, `!!document.querySelector('#ended-csv') && !!document.querySelector('#ended-print')`) {
		t.Error("the ended lesson's page offers no way to its attendance")
	}

	// The start page lists it as ended, with its attendance.
	do(t, teacher, "to the start page", clickAction("#lesson-home"))
	waitFor(t, teacher, "ended lesson listed", item+`?.dataset.state === 'ended'`, 30*time.Second)
	got := eval[map[string]any](t, teacher, `(() => { const li = `+item+`; return {
	  title: li.querySelector('.name').textContent,
	  state: li.querySelector('.state').textContent,
	  class: li.querySelector('.lesson-class').textContent,
	  when: li.querySelector('.lesson-time').textContent,
	  rejoin: !!li.querySelector('.rejoin'),
	  csv: li.querySelector('.lesson-csv').href,
	  print: li.querySelector('.lesson-print').href,
	}; })()`)
	if got["title"] != title || got["state"] != "beendet" || got["class"] != "ohne Klasse" || got["rejoin"] != false {
		t.Errorf("listed as %v", got)
	}
	if when, _ := got["when"].(string); !regexp.MustCompile(`^\d\d\.\d\d\.\d{4}, \d\d:\d\d Uhr – \d\d:\d\d Uhr$`).MatchString(when) {
		t.Errorf("date and time %q are not in German format", when)
	}
	csvURL, _ := got["csv"].(string)
	if !strings.HasPrefix(csvURL, srv.URL+"/") {
		t.Fatalf("CSV link %q", csvURL)
	}
	csv := eval[map[string]any](t, teacher, `fetch(`+jsString(csvURL)+`, {credentials: 'same-origin'}).then(async r => ({status: r.status, type: r.headers.get('Content-Type'), body: await r.text()}))`)
	if csv["status"] != float64(200) || csv["type"] != "text/csv; charset=utf-8" {
		t.Fatalf("CSV answered %v %v", csv["status"], csv["type"])
	}
	if body, _ := csv["body"].(string); !strings.Contains(body, name) {
		t.Errorf("CSV without %q: %q", name, body)
	}
	printURL, _ := got["print"].(string)
	printView := eval[string](t, teacher, `fetch(`+jsString(printURL)+`, {credentials: 'same-origin'}).then(r => r.text())`)
	if !strings.Contains(printView, name) {
		t.Errorf("print view without %q", name)
	}
	do(t, teacher, "view attendance", chromedp.Click(chromedp.CSS(`li[data-lesson="`+lessonID+`"] .show-attendance`)))
	waitFor(t, teacher, "attendance shown", item+`.querySelector('.lesson-attendance[data-loaded="true"] tr[data-name=' + JSON.stringify(`+jsString(name)+`) + '] [data-cell="status"]')?.textContent === 'anwesend'`, 20*time.Second)
	if got := eval[string](t, teacher, item+`.querySelector('.show-attendance').getAttribute('aria-expanded')`); got != "true" {
		t.Errorf("attendance button aria-expanded=%q", got)
	}
}

// A student with a 40-character name and no camera: on the teacher's
// tile the name is readable in full (not cut off, the whole name also in
// the title), and every badge ("Kamera aus", …) lies inside the tile,
// on a desktop and on a 360-px phone.
func TestLongNameAndBadgesStayInsideTheTile(t *testing.T) {
	srv := startServer(t, freeAddr(t), t.TempDir())
	teacher := newBrowser(t, "teacher")
	student := newBrowser(t, "student")
	const name = "Maximiliane-Theodora Schwarzenberg-Ochse"
	if n := len([]rune(name)); n != 40 {
		t.Fatalf("the name has %d characters", n)
	}
	_, link, _ := startLesson(t, teacher, srv, "Namen")
	joinAdmitted(t, teacher, student, link, name, false)
	waitFor(t, teacher, "tile with the camera-off badge", tileOf(name)+`?.querySelector('.badge') && !`+tileOf(name)+`.classList.contains('offline')`, 30*time.Second)

	measure := `(() => {
	  const fig = ` + tileOf(name) + `;
	  const cap = fig.querySelector('figcaption');
	  const el = fig.querySelector('figcaption .name');
	  const t = fig.getBoundingClientRect();
	  const inside = r => r.left >= t.left - 0.5 && r.right <= t.right + 0.5 && r.top >= t.top - 0.5 && r.bottom <= t.bottom + 0.5;
	  return {
	    tileWidth: t.width,
	    scrollWidth: el.scrollWidth, clientWidth: el.clientWidth,
	    scrollHeight: el.scrollHeight, clientHeight: el.clientHeight,
	    captionHidden: cap.scrollHeight > cap.clientHeight + 0.5,
	    nameInside: inside(el.getBoundingClientRect()),
	    text: el.textContent, title: el.title,
	    badges: [...fig.querySelectorAll('.badge')].map(b => ({text: b.textContent, inside: inside(b.getBoundingClientRect())})),
	  };
	})()`
	type badge struct {
		Text   string
		Inside bool
	}
	type tile struct {
		TileWidth                  float64
		ScrollWidth, ClientWidth   float64
		ScrollHeight, ClientHeight float64
		CaptionHidden              bool
		NameInside                 bool
		Text, Title                string
		Badges                     []badge
	}
	for _, width := range []int64{1280, 360} {
		do(t, teacher, "window width", chromedp.EmulateViewport(width, 800))
		waitFor(t, teacher, "laid out", `window.innerWidth === `+strconv.FormatInt(width, 10), 10*time.Second)
		m := eval[tile](t, teacher, measure)
		t.Logf("width %d: tile %.0f px, name %v×%v of %v×%v", width, m.TileWidth, m.ScrollWidth, m.ScrollHeight, m.ClientWidth, m.ClientHeight)
		if m.Text != name || m.Title != name {
			t.Errorf("width %d: name %q, title %q", width, m.Text, m.Title)
		}
		if m.ScrollWidth > m.ClientWidth || m.ScrollHeight > m.ClientHeight || !m.NameInside || m.CaptionHidden {
			t.Errorf("width %d: the name is cut off: %+v", width, m)
		}
		camera := false
		for _, b := range m.Badges {
			camera = camera || b.Text == "Kamera aus"
			if !b.Inside {
				t.Errorf("width %d: badge %q leaves the tile", width, b.Text)
			}
		}
		if !camera {
			t.Errorf("width %d: no camera-off badge among %+v", width, m.Badges)
		}
	}
}

// After the one-time login link, the password page offers a way on
// without a password, saying that the login link (a new one from the
// school's IT) then stays the way in elsewhere; it leads to the start
// page, still signed in. With a password set, the offer is gone.
func TestPasswordCanBeSetLater(t *testing.T) {
	srv := startServer(t, freeAddr(t), t.TempDir())
	teacher := newBrowser(t, "teacher")
	do(t, teacher, "open login link", chromedp.Navigate(srv.LoginURL))
	do(t, teacher, "confirm login", clickAction("#login-submit"))
	waitFor(t, teacher, "password page", `location.pathname === '/konto'`, 20*time.Second)
	waitFor(t, teacher, "way on offered", `!!document.querySelector('#skip-password') && !!document.querySelector('#new-password')`, 30*time.Second)
	hint := eval[string](t, teacher, `document.querySelector('#password-later-hint').textContent`)
	for _, want := range []string{"30 Tage", "neuen Anmeldelink", "Passwort ändern"} {
		if !strings.Contains(hint, want) {
			t.Errorf("hint %q does not say %q", hint, want)
		}
	}
	if got := eval[string](t, teacher, `document.querySelector('#skip-password').textContent`); !strings.Contains(got, "Später festlegen") {
		t.Errorf("way on reads %q", got)
	}
	do(t, teacher, "go on without a password", clickAction("#skip-password"))
	waitFor(t, teacher, "start page, signed in", `location.pathname === '/' && (document.querySelector('#lesson-title') || {}).matches?.(':enabled') && !!document.querySelector('#recent-lessons')`, 30*time.Second)
	me := apiFetch(t, teacher, "GET", "/api/me", nil)
	if tch, _ := me["teacher"].(map[string]any); tch == nil || tch["hasPassword"] != false {
		t.Fatalf("after going on: %v", me)
	}

	// A fresh login-link session may set the first password without the
	// current one; then /konto changes it and offers no skipping.
	status := eval[float64](t, teacher, `fetch('/api/password', {method: 'POST', headers: {'Content-Type': 'application/json'},
	  body: JSON.stringify({password: 'ein Passwort fürs Konto'})}).then(r => r.status)`)
	if status != 204 {
		t.Fatalf("set password: HTTP %v", status)
	}
	do(t, teacher, "open the account page", chromedp.Navigate(srv.URL+"/konto"))
	waitFor(t, teacher, "change form", `!!document.querySelector('#current-password')`, 30*time.Second)
	if eval[bool](t, teacher, `!!document.querySelector('#skip-password')`) {
		t.Error("a teacher with a password is offered to set it later")
	}
}
