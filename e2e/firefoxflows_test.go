package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// standaloneFalse makes the page look like Safari on an iPad or iPhone,
// as far as a page can tell: only there does navigator.standalone exist,
// and it is false until the app is opened from the home screen.
const standaloneFalse = `Object.defineProperty(Navigator.prototype, 'standalone', {get: () => false, configurable: true});`

// noScreenSharing takes getDisplayMedia away, as on an iPad or a phone.
const noScreenSharing = `delete MediaDevices.prototype.getDisplayMedia;`

// TestFirefox runs the flows a computer room's Firefox ESR must manage,
// one tab each in one Firefox: the morning lesson with a Chromium teacher,
// the board offline, the app shell offline, the update banner.
func TestFirefox(t *testing.T) {
	ff := startFirefox(t)

	t.Run("Lesson", func(t *testing.T) { firefoxLesson(t, ff) })
	t.Run("OfflineReload", func(t *testing.T) {
		// A teacher whose browser cannot share a screen, as on an iPad.
		offlineReload(t, ff.tab(t, "teacher", noScreenSharing))
	})
	t.Run("BoardOffline", func(t *testing.T) {
		// As an iPad would show it: the outbox asks to install the app.
		boardOffline(t, ff.tab(t, "student", standaloneFalse), true)
	})
	t.Run("UpdateBanner", func(t *testing.T) { updateBanner(t, ff.tab(t, "student")) })
}

// signInPage follows the printed login link in a page and opens the start
// page of the signed-in teacher.
func signInPage(t *testing.T, p enginePage, srv *server) {
	t.Helper()
	p.navigate(t, srv.LoginURL)
	pageClick(t, p, "#login-submit")
	pageWait(t, p, "signed in", `location.pathname !== '/login'`, 20*time.Second)
	if pageEval[string](t, p, `location.pathname`) != "/" {
		p.navigate(t, srv.URL+"/")
	}
	pageWait(t, p, "start form", `(document.querySelector('#lesson-title') || {}).matches?.(':enabled')`, 30*time.Second)
}

// offlineReload is TestOfflineReload in another engine: visit the pages,
// stop the server, reload each and one never visited.
func offlineReload(t *testing.T, p enginePage) {
	srv := startServer(t, freeAddr(t), t.TempDir())
	signInPage(t, p, srv)
	pageWait(t, p, "service worker active", workerReady, 60*time.Second)
	pageType(t, p, "#lesson-title", "7b Mathe")
	pageClick(t, p, "#start-lesson")
	pageWait(t, p, "join code shown", `(document.querySelector('#lesson-code') || {}).textContent`, 20*time.Second)
	code := pageEval[string](t, p, `document.querySelector('#lesson-code').textContent`)
	if !pageEval[bool](t, p, `!!navigator.mediaDevices.getDisplayMedia`) {
		// Where a screen cannot be shared, the teacher reads why.
		pageWait(t, p, "the teacher is told that sharing is not possible here", `(document.querySelector('#share-unavailable') || {}).textContent?.includes('Bildschirm teilen geht in diesem Browser nicht') && !document.querySelector('#share-screen')`, 20*time.Second)
	}
	lessonID := pageEval[string](t, p, `location.pathname.split('/').pop()`)
	p.navigate(t, srv.URL+"/join/"+code)
	pageWait(t, p, "join form", `(document.querySelector('#student-name') || {}).matches?.(':enabled')`, 30*time.Second)

	srv.stop(t)
	visits := []struct{ path, what, ready string }{
		{"/", "home page offline", `(document.querySelector('#join-code') || {}).matches?.(':enabled')`},
		{"/join/" + code, "join page offline", `(document.querySelector('#student-name') || {}).matches?.(':enabled') && document.querySelector('#join-heading')`},
		{"/lesson/" + lessonID, "lesson page offline", `(document.querySelector('#lesson-code') || {}).textContent === ` + jsString(code)},
		{"/join/ZZZZ-ZZZZ", "never-visited join page from the app shell", `(document.querySelector('#student-name') || {}).matches?.(':enabled') && document.body.textContent.includes('ZZZZ-ZZZZ')`},
	}
	for _, v := range visits {
		p.navigate(t, srv.URL+v.path)
		pageWait(t, p, v.what, v.ready, 30*time.Second)
	}
	if got := pageEval[string](t, p, `fetch('/api/me').then(() => 'reached', () => 'unreachable')`); got != "unreachable" {
		t.Errorf("API with the server down: %s", got)
	}
	if title := pageEval[string](t, p, `document.title`); !strings.Contains(title, "Ersatzraum") {
		t.Errorf("title %q", title)
	}
}

// firefoxLesson is the morning lesson with a Firefox student and a
// Chromium teacher: picture and sound both ways, sound only, a raised
// hand; and a second Firefox student without camera or microphone, whose
// browser does not play sound before a tap, gets a button for it.
func firefoxLesson(t *testing.T, ff *firefox) {
	srv := startServer(t, freeAddr(t), t.TempDir())
	// A steady tone, not the fake microphone's beeps: the level is read
	// at moments, and a beep's gaps are silence.
	teacher := newBrowserOpts(t, "teacher", []chromedp.ExecAllocatorOption{chromedp.Flag("use-file-for-fake-audio-capture", writeTone(t, 660))})
	_, link, _ := startLesson(t, teacher, srv, "7b Mathe")

	lea := ff.tab(t, "lea")
	lea.navigate(t, link)
	pageWait(t, lea, "name field", `(document.querySelector('#student-name') || {}).matches?.(':enabled')`, 30*time.Second)
	pageType(t, lea, "#student-name", "Lea Schulz")
	pageClick(t, lea, "#join-camera")
	pageWait(t, lea, "waiting room", `document.querySelector('#join-status[data-state="lobby"]')`, 30*time.Second)
	admit(t, teacher, "Lea Schulz")
	pageWait(t, lea, "Lea present", `document.querySelector('#join-status[data-state="present"]')`, 30*time.Second)
	waitFor(t, teacher, "roll call lists Lea present", rollCallEntry("Lea Schulz", "present", "true"), 30*time.Second)

	// Picture and sound both ways.
	waitFor(t, teacher, "teacher's tile shows Lea's Firefox camera", tileBrightness("Lea Schulz")+` > 12`, 30*time.Second)
	waitFor(t, teacher, "teacher decodes Lea's picture and gets her sound", inboundStats+`.then(s => s.videoFrames > 10 && s.audioBytes > 1000)`, 30*time.Second)
	waitFor(t, teacher, "Lea's sound is not silence", tileLevel("Lea Schulz")+`.then(db => db > -60)`, 30*time.Second)

	pageWait(t, lea, "the teacher's picture plays, or the page asks for a tap", `(() => { const v = document.querySelector('#teacher-video'); return (v && v.videoWidth > 0 && !v.paused) || !!document.querySelector('#sound-on'); })()`, 30*time.Second)
	if pageEval[bool](t, lea, `!!document.querySelector('#sound-on')`) {
		// Firefox plays sound without a tap only shortly after one.
		t.Log("Lea's Firefox asked for a tap before the teacher's sound")
		pageClick(t, lea, "#sound-on")
	}
	pageWait(t, lea, "Lea's teacher video plays", `(() => { const v = document.querySelector('#teacher-video'); return v && v.videoWidth > 0 && !v.paused && !v.muted; })()`, 30*time.Second)
	pageWait(t, lea, "Lea decodes the teacher's picture and sound", inboundStats+`.then(s => s.videoFrames > 10 && s.audioBytes > 1000)`, 30*time.Second)
	pageWait(t, lea, "the teacher's sound is not silence", receivedAudioLevel+`.then(l => l > 0.001)`, 30*time.Second)
	t.Logf("level of the teacher's sound at Lea: %.3f", pageEval[float64](t, lea, receivedAudioLevel))
	pair := pageEval[string](t, lea, selectedPairAddresses)
	t.Logf("Lea's connection runs between %s (Firefox offers no 127.0.0.1 candidates)", pair)
	// Host candidates on the machine's own address: no outside STUN server.
	if servers := pageEval[string](t, lea, `JSON.stringify(window.__pcs[0].getConfiguration().iceServers || [])`); servers != "[]" {
		t.Errorf("Lea's connection was given ICE servers %s; without TURN configured there must be none", servers)
	}

	// Sound only: the teacher's picture stops, the sound goes on; and back.
	pageClick(t, lea, "#audio-only")
	pageWait(t, lea, "the teacher's picture stops", videoStalled+`.then(s => s.stalled && s.audioGrew)`, 30*time.Second)
	pageClick(t, lea, "#audio-only")
	pageWait(t, lea, "the teacher's picture is back", videoStalled+`.then(s => !s.stalled)`, 30*time.Second)

	// A raised hand.
	pageClick(t, lea, "#raise-hand")
	waitFor(t, teacher, "Lea in the hand queue", `!!document.querySelector('#hand-queue li[data-name="Lea Schulz"]')`, 10*time.Second)
	do(t, teacher, "call on Lea", chromedp.Click(chromedp.CSS(`#hand-queue li[data-name="Lea Schulz"] .call`)))
	pageWait(t, lea, "Lea is told", `!!document.querySelector('#called-notice')`, 10*time.Second)

	// Tom has no camera or microphone, and joins without a tap (a page
	// that captures nothing and was not touched may not play sound).
	tom := ff.tab(t, "tom", noDevices)
	tom.navigate(t, link)
	pageWait(t, tom, "name field", `(document.querySelector('#student-name') || {}).matches?.(':enabled')`, 30*time.Second)
	if _, err := tom.evaluate(`(() => { const e = document.querySelector('#student-name'); e.value = 'Tom Weber'; e.dispatchEvent(new Event('input', {bubbles: true})); document.querySelector('#join-nocamera').click(); return true; })()`, false); err != nil {
		t.Fatal(err)
	}
	admit(t, teacher, "Tom Weber")
	pageWait(t, tom, "Tom gets the teacher's picture", inboundStats+`.then(s => s.videoFrames > 10)`, 30*time.Second)
	pageWait(t, tom, "Tom is offered the sound", `(document.querySelector('#sound-on') || {}).textContent === 'Ton einschalten'`, 30*time.Second)
	pageClick(t, tom, "#sound-on")
	pageWait(t, tom, "the sound plays after the tap", `(() => { const v = document.querySelector('#teacher-video'); return !v.paused && !v.muted && !document.querySelector('#sound-on'); })()`, 10*time.Second)
	pageWait(t, tom, "Tom gets the teacher's sound, not silence", receivedAudioLevel+`.then(l => l > 0.001)`, 30*time.Second)
}

// receivedAudioLevel is the level (0–1, linear) of the sound the page
// receives, as its WebRTC statistics measure it after decoding. Headless
// Firefox here has no audio output device, so Web Audio stays suspended
// (levelJS would wait forever); 0.001 is -60 dBFS.
const receivedAudioLevel = `Promise.all((window.__pcs || []).map(pc => pc.getStats())).then(all => {
  let level = 0;
  all.forEach(s => s.forEach(r => { if (r.type === 'inbound-rtp' && r.kind === 'audio') level = Math.max(level, r.audioLevel || 0); }));
  return level;
})`

// tileLevel is the loudest level (dBFS) of a student's sound on the
// teacher's tile over one second.
func tileLevel(name string) string {
	return strings.Replace(levelJS, `document.querySelector('#teacher-video')`, tileOf(name)+`.querySelector('video')`, 1)
}

// videoStalled says whether the page's received picture stood still over
// one second while its sound kept coming.
const videoStalled = `(async () => {
  const read = () => Promise.all((window.__pcs || []).map(pc => pc.getStats())).then(all => {
    const out = {frames: 0, audio: 0};
    all.forEach(s => s.forEach(r => { if (r.type !== 'inbound-rtp') return;
      if (r.kind === 'video') out.frames += r.framesDecoded || 0;
      if (r.kind === 'audio') out.audio += r.bytesReceived || 0; }));
    return out; });
  const a = await read(); await new Promise(r => setTimeout(r, 1000)); const b = await read();
  return {stalled: a.frames === b.frames, audioGrew: b.audio > a.audio};
})()`

// selectedPairAddresses names the two ends of the page's connection.
const selectedPairAddresses = `(async () => {
  const s = await window.__pcs[0].getStats(); let out = '';
  s.forEach(r => { if (r.type === 'candidate-pair' && r.state === 'succeeded' && r.nominated) {
    const l = s.get(r.localCandidateId), m = s.get(r.remoteCandidateId);
    out = l.address + ' (' + l.candidateType + ') and ' + m.address + ' (' + m.candidateType + ')'; } });
  return out;
})()`

// updateBanner is TestUpdateBanner in another engine: a new release on the
// same address, the open page offers it, the reload brings it.
func updateBanner(t *testing.T, p enginePage) {
	web := copyWeb(t)
	addr, data := freeAddr(t), t.TempDir()
	old := startServer(t, addr, data, "--web-dir", web)
	p.navigate(t, old.URL+"/")
	pageWait(t, p, "service worker active", workerReady, 60*time.Second)
	pageWait(t, p, "app running", `(document.querySelector('#join-code') || {}).matches?.(':enabled')`, 30*time.Second)
	oldCaches := pageEval[[]string](t, p, `caches.keys()`)

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

	pageEval[bool](t, p, `window.dispatchEvent(new Event('focus'))`)
	pageWait(t, p, "update banner", `(document.querySelector('#update-reload') || {}).offsetParent != null`, 60*time.Second)
	if text := pageEval[string](t, p, `document.querySelector('#update-banner').textContent`); !strings.Contains(text, "neue Version") {
		t.Errorf("banner text %q", text)
	}
	pageClick(t, p, "#update-reload")
	pageWait(t, p, "app running after the update", `(document.querySelector('#join-code') || {}).matches?.(':enabled') && !document.querySelector('#update-reload')`, 30*time.Second)
	newCaches := pageEval[[]string](t, p, `caches.keys()`)
	if len(newCaches) != 1 || len(oldCaches) != 1 || newCaches[0] == oldCaches[0] {
		t.Errorf("caches before %v, after %v: want one cache each, of different versions", oldCaches, newCaches)
	}
	if !pageEval[bool](t, p, `fetch('/web/app.css').then(r => r.text()).then(s => s.includes(`+jsString(marker)+`))`) {
		t.Error("the reloaded page still has the old stylesheet")
	}
}
