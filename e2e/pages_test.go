package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"ersatzraum/app/i18n"
)

// What the tests read from the pages. Each expression is evaluated in the
// page and may return a promise.

// jsString quotes s for use inside JavaScript.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// tileBrightness draws the current frame of a student's tile and returns
// its mean brightness (0–255), or false while there is no frame.
func tileBrightness(name string) string {
	return `(() => {
  const fig = document.querySelector('.tile[data-name=' + JSON.stringify(` + jsString(name) + `) + ']');
  const v = fig && fig.querySelector('video');
  if (!v || v.videoWidth === 0 || v.readyState < 2) return false;
  const c = document.createElement('canvas');
  c.width = 64; c.height = 48;
  const g = c.getContext('2d');
  g.drawImage(v, 0, 0, 64, 48);
  const d = g.getImageData(0, 0, 64, 48).data;
  let sum = 0;
  for (let i = 0; i < d.length; i += 4) sum += d[i] + d[i + 1] + d[i + 2];
  return sum / (d.length / 4) / 3;
})()`
}

// inboundStats sums what all peer connections of the page received.
const inboundStats = `(async () => {
  const out = {videoFrames: 0, audioBytes: 0, audioSamples: 0, connected: 0};
  for (const pc of (window.__pcs || [])) {
    if (pc.connectionState === 'connected') out.connected++;
    const stats = await pc.getStats();
    stats.forEach(r => {
      if (r.type !== 'inbound-rtp') return;
      if (r.kind === 'video') out.videoFrames += r.framesDecoded || 0;
      if (r.kind === 'audio') { out.audioBytes += r.bytesReceived || 0; out.audioSamples += r.totalSamplesReceived || 0; }
    });
  }
  return out;
})()`

type inbound struct {
	VideoFrames  float64 `json:"videoFrames"`
	AudioBytes   float64 `json:"audioBytes"`
	AudioSamples float64 `json:"audioSamples"`
	Connected    float64 `json:"connected"`
}

func rollCallEntry(name, status, online string) string {
	return `document.querySelector('#rollcall li[data-name=' + JSON.stringify(` + jsString(name) + `) + '][data-status="` + status + `"][data-online="` + online + `"]')`
}

// startLesson signs the teacher in with the printed login link, starts a
// lesson through the form and returns its join code and link.
func startLesson(t testing.TB, teacher context.Context, srv *server, title string) (code, link, lessonID string) {
	t.Helper()
	signIn(t, teacher, srv)
	do(t, teacher, "start lesson",
		chromedp.SendKeys(chromedp.CSS("#lesson-title"), title),
		chromedp.Click(chromedp.CSS("#start-lesson")),
	)
	waitFor(t, teacher, "join code shown", `(document.querySelector('#lesson-code') || {}).textContent`, 20*time.Second)
	code = eval[string](t, teacher, `document.querySelector('#lesson-code').textContent`)
	link = eval[string](t, teacher, `document.querySelector('#lesson-link').href`)
	lessonID = eval[string](t, teacher, `location.pathname.split('/').pop()`)
	if !strings.HasSuffix(link, "/join/"+code) {
		t.Fatalf("join link %q does not carry the code %q", link, code)
	}
	return code, link, lessonID
}

// signIn follows the printed login link and waits for the start page of
// the signed-in teacher.
func signIn(t testing.TB, teacher context.Context, srv *server) {
	t.Helper()
	do(t, teacher, "open login link", chromedp.Navigate(srv.LoginURL))
	// The link shows a button first (opening it alone does not use it up).
	do(t, teacher, "confirm login", chromedp.Click(chromedp.CSS("#login-submit")))
	// A teacher without a password lands on /konto to set one; start
	// lessons from the start page.
	waitFor(t, teacher, "signed in", `location.pathname !== '/login'`, 20*time.Second)
	if eval[string](t, teacher, `location.pathname`) != "/" {
		do(t, teacher, "open start page", chromedp.Navigate(srv.URL+"/"))
	}
	waitFor(t, teacher, "start form shown to the signed-in teacher", `(document.querySelector('#lesson-title') || {}).matches?.(':enabled')`, 30*time.Second)
}

// joinAsStudent opens the join link, types the name and clicks a button.
func joinAsStudent(t testing.TB, student context.Context, link, name string, camera bool) {
	t.Helper()
	button := "#join-nocamera"
	if camera {
		button = "#join-camera"
	}
	do(t, student, "open join link", chromedp.Navigate(link))
	waitFor(t, student, "name field", `(document.querySelector('#student-name') || {}).matches?.(':enabled')`, 30*time.Second)
	do(t, student, "join",
		chromedp.SendKeys(chromedp.CSS("#student-name"), name),
		chromedp.Click(chromedp.CSS(button)),
	)
}

func attendance(t testing.TB, teacher context.Context, lessonID string) []map[string]any {
	t.Helper()
	raw := eval[string](t, teacher, fmt.Sprintf(`fetch('/api/lessons/%s/attendance').then(r => r.text())`, lessonID))
	var rows []map[string]any
	if err := json.Unmarshal([]byte(raw), &rows); err != nil {
		t.Fatalf("attendance API answered %q: %v", raw, err)
	}
	return rows
}

// admit lets a waiting student in from the teacher's lobby, as a teacher
// would: one click on "Zulassen" next to the name.
func admit(t testing.TB, teacher context.Context, name string) {
	t.Helper()
	sel := `.knock[data-name=` + jsString(name) + `] .admit`
	waitFor(t, teacher, name+" waits in the lobby", `!!document.querySelector('`+strings.ReplaceAll(sel, `'`, `\'`)+`')`, 30*time.Second)
	do(t, teacher, "admit "+name, chromedp.Click(chromedp.CSS(sel)))
}

// joinAdmitted joins a student through the lobby of an ad-hoc lesson.
func joinAdmitted(t testing.TB, teacher, student context.Context, link, name string, camera bool) {
	t.Helper()
	joinAsStudent(t, student, link, name, camera)
	waitFor(t, student, name+" sees the waiting room", `document.querySelector('#join-status[data-state="lobby"]')`, 30*time.Second)
	admit(t, teacher, name)
}

// TestPageTitles: every page names itself in the tab, in the user's
// language (OnNav); no sign-in needed to see the titles.
func TestPageTitles(t *testing.T) {
	srv := startServer(t, freeAddr(t), t.TempDir())
	b := newBrowser(t, "visitor")
	for _, lang := range []i18n.Lang{i18n.German, i18n.English} {
		if lang != i18n.German {
			eval[any](t, b, `localStorage.setItem('ersatzraum.lang', JSON.stringify('`+string(lang)+`'))`)
		}
		for path, key := range map[string]string{"/": "title.home", "/konto": "title.account", "/class/x": "title.class", "/s/x/aufgaben": "title.board"} {
			do(t, b, "open "+path, chromedp.Navigate(srv.URL+path))
			want := i18n.T(lang, key)
			waitFor(t, b, string(lang)+" title of "+path, `document.title === `+jsString(want), 30*time.Second)
		}
	}
}
