package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// rollCallConn is the connection a roll-call line states, as
// "data-conn|text".
func rollCallConn(name string) string {
	return `(() => { const li = document.querySelector('#rollcall li[data-name=' + JSON.stringify(` + jsString(name) + `) + ']');
  return li ? li.dataset.conn + '|' + li.querySelector('.conn').textContent : ''; })()`
}

// rollCallSaysConnected lists the roll-call lines that say "verbunden".
const rollCallSaysConnected = `JSON.stringify([...document.querySelectorAll('#rollcall li')]
  .filter(li => li.dataset.conn === 'connected' || li.querySelector('.conn').textContent.trim() === 'verbunden')
  .map(li => li.dataset.name))`

// TestTeacherSeesTheServerOutage: the signaling server dies in the middle
// of a lesson. The teacher's page says so (as the student's does), and no
// roll-call line goes on saying "verbunden": the one whose picture still
// runs says so, without the server. When the server is back the notice
// goes and the line says "verbunden" again.
func TestTeacherSeesTheServerOutage(t *testing.T) {
	addr, dir := freeAddr(t), t.TempDir()
	srv := startServer(t, addr, dir)
	teacher := newBrowser(t, "teacher")
	student := newBrowser(t, "student")
	_, link, _ := startLesson(t, teacher, srv, "9b Chemie")
	joinAdmitted(t, teacher, student, link, "Jonas Weber", true)
	waitFor(t, teacher, "the roll call says Jonas is connected", rollCallConn("Jonas Weber")+` === 'connected|verbunden'`, 30*time.Second)
	waitFor(t, teacher, "teacher receives Jonas", inboundStats+`.then(s => s.videoFrames > 10)`, 30*time.Second)
	if eval[bool](t, teacher, `!!document.querySelector('#lesson-connection')`) {
		t.Fatal("the outage notice is shown while the server is up")
	}

	srv.kill(t)
	waitFor(t, teacher, "the teacher's page shows the outage", `document.querySelector('#lesson-connection[data-state="reconnecting"]')`, 20*time.Second)
	notice := eval[string](t, teacher, `document.querySelector('#lesson-connection').textContent`)
	if !strings.Contains(notice, "Verbindung zum Server unterbrochen") || !strings.Contains(notice, "wiederhergestellt") {
		t.Errorf("the outage notice reads %q", notice)
	}
	if role := eval[string](t, teacher, `document.querySelector('#lesson-connection').getAttribute('role')`); role != "alert" {
		t.Errorf("the outage notice has role %q, want alert", role)
	}
	waitFor(t, teacher, "Jonas's line says the picture runs without the server",
		rollCallConn("Jonas Weber")+` === 'media-only|Bild läuft, Server nicht erreichbar'`, 20*time.Second)
	waitFor(t, student, "the student notices the outage too", `document.querySelector('#join-status[data-state="reconnecting"]')`, 20*time.Second)
	if got := eval[string](t, teacher, rollCallSaysConnected); got != "[]" {
		t.Errorf("lines that say verbunden while the server is down: %s", got)
	}
	// The picture does run: what the line says is true.
	before := eval[inbound](t, teacher, inboundStats)
	waitFor(t, teacher, "Jonas's picture goes on during the outage", inboundStats+fmt.Sprintf(`.then(s => s.videoFrames > %.0f)`, before.VideoFrames+10), 20*time.Second)
	if got := eval[string](t, teacher, rollCallSaysConnected); got != "[]" {
		t.Errorf("lines that say verbunden while the server is down: %s", got)
	}

	srv = startServer(t, addr, dir)
	waitFor(t, teacher, "the notice goes when the server is back", `!document.querySelector('#lesson-connection')`, 60*time.Second)
	waitFor(t, teacher, "Jonas connected again", rollCallConn("Jonas Weber")+` === 'connected|verbunden'`, 60*time.Second)
	waitFor(t, student, "the student is back", `document.querySelector('#join-status[data-state="present"]')`, 60*time.Second)
}

// addPageScript runs src in every document the browser opens from now on,
// before the page's own scripts.
func addPageScript(t *testing.T, ctx context.Context, src string) {
	t.Helper()
	add := chromedp.Action[chromedp.Void](func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: src})
		return chromedp.Void{}, err
	})
	do(t, ctx, "add page script", add)
}

// noDevices makes getUserMedia fail as on a computer without camera and
// microphone.
const noDevices = `MediaDevices.prototype.getUserMedia = function () {
  return Promise.reject(new DOMException('Requested device not found', 'NotFoundError'));
};`

// TestStudentWithoutDevicesIsToldInWords: a student chooses "Ich bin da –
// ohne Kamera" on a computer without microphone (getUserMedia fails with
// NotFoundError). The page says in German what happened and what still
// works, never the browser's English, and the student is in the lesson
// and gets the teacher's picture.
func TestStudentWithoutDevicesIsToldInWords(t *testing.T) {
	srv := startServer(t, freeAddr(t), t.TempDir())
	teacher := newBrowser(t, "teacher")
	student := newBrowser(t, "student")
	addPageScript(t, student, noDevices)
	_, link, _ := startLesson(t, teacher, srv, "6a Englisch")
	joinAdmitted(t, teacher, student, link, "Emil Braun", false)

	waitFor(t, student, "the student is present", `document.querySelector('#join-status[data-state="present"]')`, 30*time.Second)
	waitFor(t, student, "the page says what is missing", `document.querySelector('#media-problem[data-reason="NotFoundError"]')`, 20*time.Second)
	text := eval[string](t, student, `document.querySelector('#media-problem').textContent`)
	for _, want := range []string{"Auf diesem Gerät nicht gefunden: Mikrofon.", "Du bist trotzdem im Unterricht", "siehst und hörst die Lehrkraft", "melden", "Chat"} {
		if !strings.Contains(text, want) {
			t.Errorf("the notice %q does not say %q", text, want)
		}
	}
	body := eval[string](t, student, `document.body.innerText`)
	for _, raw := range []string{"NotFoundError", "Requested device", "not found"} {
		if strings.Contains(body, raw) {
			t.Errorf("the page shows the browser's %q: %q", raw, body)
		}
	}
	waitFor(t, student, "the student gets the teacher's picture", `(() => { const v = document.querySelector('#teacher-video'); return v && v.videoWidth > 0 && !v.paused; })()`, 30*time.Second)
	waitFor(t, student, "and decodes it", inboundStats+`.then(s => s.videoFrames > 10 && s.audioSamples > 0)`, 30*time.Second)
	// What still works, works, also the second time (the buttons once
	// kept the intent of their first render).
	for _, b := range []struct{ id, what string }{{"#raise-hand", "hand"}, {"#audio-only", "sound only"}} {
		pressed := `document.querySelector('` + b.id + `').getAttribute('aria-pressed')`
		do(t, student, b.what+" on", clickAction(b.id))
		waitFor(t, student, b.what+" is on", pressed+` === 'true'`, 10*time.Second)
		do(t, student, b.what+" off", clickAction(b.id))
		waitFor(t, student, b.what+" is off again", pressed+` === 'false'`, 10*time.Second)
	}
	if eval[bool](t, student, `!!document.querySelector('#toggle-mic')`) {
		t.Error("a microphone button is offered without a microphone")
	}
	waitFor(t, teacher, "the roll call has Emil present and connected", rollCallConn("Emil Braun")+` === 'connected|verbunden'`, 30*time.Second)
}

// levelJS is the loudest level (dBFS, -200 for digital silence) of the
// sound in the teacher's picture on a student's page over one second.
const levelJS = `(async () => {
  const v = document.querySelector('#teacher-video');
  const ctx = window.__ctx || (window.__ctx = new AudioContext());
  await ctx.resume();
  const an = ctx.createAnalyser(); an.fftSize = 2048;
  const src = ctx.createMediaStreamSource(new MediaStream(v.srcObject.getAudioTracks()));
  src.connect(an);
  const buf = new Float32Array(an.fftSize);
  let peak = 0;
  for (let i = 0; i < 20; i++) {
    await new Promise(r => setTimeout(r, 50));
    an.getFloatTimeDomainData(buf);
    let s = 0;
    for (const x of buf) s += x * x;
    peak = Math.max(peak, Math.sqrt(s / buf.length));
  }
  src.disconnect();
  return peak > 0 ? 20 * Math.log10(peak) : -200;
})()`

// brightnessJS is the mean brightness (0-255) of the teacher's picture on
// a student's page.
const brightnessJS = `(() => {
  const v = document.querySelector('#teacher-video');
  if (!v || v.videoWidth === 0 || v.readyState < 2) return -1;
  const c = document.createElement('canvas'); c.width = 64; c.height = 36;
  const g = c.getContext('2d'); g.drawImage(v, 0, 0, 64, 36);
  const d = g.getImageData(0, 0, 64, 36).data;
  let sum = 0;
  for (let i = 0; i < d.length; i += 4) sum += d[i] + d[i + 1] + d[i + 2];
  return sum / (d.length / 4) / 3;
})()`

// TestTeacherMutesThemselves: the teacher's fake microphone plays 660 Hz,
// Anna's 440 Hz, Ben's 1000 Hz. "Mikrofon aus" silences the teacher for
// Ben (the level drops to silence) and "Mikrofon an" brings the teacher
// back; while Anna is called on and the class hears her through the
// teacher's mix, muting silences the teacher in the mix as well and Ben
// still hears Anna. "Kamera aus" blacks out the teacher's picture,
// "Kamera an" brings it back.
func TestTeacherMutesThemselves(t *testing.T) {
	const teacherHz, annaHz = 660, 440
	srv := startServer(t, freeAddr(t), t.TempDir())
	teacher := newBrowserOpts(t, "teacher", []chromedp.ExecAllocatorOption{chromedp.Flag("use-file-for-fake-audio-capture", writeTone(t, teacherHz))})
	anna := newBrowserOpts(t, "anna", []chromedp.ExecAllocatorOption{chromedp.Flag("use-file-for-fake-audio-capture", writeTone(t, annaHz))})
	ben := newBrowserOpts(t, "ben", []chromedp.ExecAllocatorOption{chromedp.Flag("use-file-for-fake-audio-capture", writeTone(t, 1000))})
	_, link, _ := startLesson(t, teacher, srv, "Stumm 7b")
	joinAdmitted(t, teacher, anna, link, "Anna", false)
	joinAdmitted(t, teacher, ben, link, "Ben", false)
	waitFor(t, ben, "the teacher's sound", `(() => { const v = document.querySelector('#teacher-video'); return v && v.srcObject && v.srcObject.getAudioTracks().length > 0; })()`, 60*time.Second)
	hearsTone(t, ben, "Ben hears the teacher", teacherHz, true)
	waitFor(t, ben, "the teacher is loud", levelJS+`.then(db => db > -45)`, 30*time.Second)

	const mic = `document.querySelector('#teacher-mic')`
	if got := eval[string](t, teacher, mic+`.textContent + '|' + `+mic+`.getAttribute('aria-pressed')`); got != "Mikrofon aus|false" {
		t.Fatalf("the teacher's microphone button reads %q", got)
	}
	do(t, teacher, "Mikrofon aus", clickAction("#teacher-mic"))
	waitFor(t, teacher, "the button says the microphone is off", mic+`.textContent === 'Mikrofon an' && `+mic+`.getAttribute('aria-pressed') === 'true'`, 10*time.Second)
	waitFor(t, teacher, "the page says the class does not hear", `document.querySelector('#teacher-mic-status')`, 10*time.Second)
	waitFor(t, ben, "the teacher goes silent for Ben", levelJS+`.then(db => db < -60)`, 30*time.Second)
	hearsTone(t, ben, "Ben no longer hears the teacher", teacherHz, false)

	do(t, teacher, "Mikrofon an", clickAction("#teacher-mic"))
	waitFor(t, teacher, "the button says the microphone is on", mic+`.textContent === 'Mikrofon aus' && `+mic+`.getAttribute('aria-pressed') === 'false'`, 10*time.Second)
	waitFor(t, ben, "the teacher is back for Ben", levelJS+`.then(db => db > -45)`, 30*time.Second)
	hearsTone(t, ben, "Ben hears the teacher again", teacherHz, true)

	// The class hears Anna through the teacher's mix.
	do(t, teacher, "call on Anna", chromedp.Click(chromedp.CSS(`button[aria-label="Anna drannehmen"]`)))
	hearsTone(t, ben, "Ben hears Anna while she is called on", annaHz, true)
	hearsTone(t, ben, "Ben hears the teacher in the mix", teacherHz, true)
	do(t, teacher, "Mikrofon aus while Anna is called on", clickAction("#teacher-mic"))
	hearsTone(t, ben, "the teacher is silent in the mix", teacherHz, false)
	hearsTone(t, ben, "Ben still hears Anna", annaHz, true)
	hearsTone(t, anna, "Anna no longer hears the teacher", teacherHz, false)
	do(t, teacher, "Mikrofon an while Anna is called on", clickAction("#teacher-mic"))
	hearsTone(t, ben, "the teacher is back in the mix", teacherHz, true)
	hearsTone(t, anna, "Anna hears the teacher again", teacherHz, true)
	do(t, teacher, "Fertig", clickAction("#call-off"))

	// The camera.
	waitFor(t, ben, "Ben sees the teacher's camera", brightnessJS+` > 12`, 30*time.Second)
	do(t, teacher, "Kamera aus", clickAction("#teacher-camera"))
	waitFor(t, teacher, "the camera button says it is off", `document.querySelector('#teacher-camera').getAttribute('aria-pressed') === 'true'`, 10*time.Second)
	waitFor(t, ben, "the teacher's picture goes black", brightnessJS+` >= 0 && `+brightnessJS+` < 5`, 30*time.Second)
	do(t, teacher, "Kamera an", clickAction("#teacher-camera"))
	waitFor(t, ben, "the teacher's picture is back", brightnessJS+` > 12`, 30*time.Second)
}
