package e2e

import (
	"bytes"
	"context"
	endian "encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"
)

// slidesTitle is the title of the page the teacher shares; Chromium picks
// the tab by it (--auto-select-tab-capture-source-by-title).
const slidesTitle = "Folientest"

// slidesPage is a slide the test serves: large text, a number that
// changes every few seconds (the "every" query parameter, in ms), and a
// band of eight cells of which cell n mod 8 is black, so that a student's
// page can read the slide number from the picture. Every change is
// reported to /changed with the page's clock (the test reads it there:
// a tab being shared need not answer DevTools).
const slidesPage = `<!doctype html><html><head><meta charset="utf-8"><title>` + slidesTitle + `</title>
<style>
html, body { margin: 0; height: 100%; background: #fff; color: #000; font-family: sans-serif; overflow: hidden; }
#band { display: flex; height: 12vh; }
#band div { flex: 1; background: #fff; }
#band div.on { background: #000; }
h1 { font-size: 12vh; margin: 4vh 3vw; }
#text { position: absolute; top: 32vh; font-size: 2.2vh; line-height: 1.5; }
#text p { margin: 0; }
</style></head><body>
<div id="band"></div>
<h1>Folie <span id="n">0</span></h1>
<div id="text"></div>
<script>
const band = document.getElementById('band');
for (let i = 0; i < 8; i++) band.appendChild(document.createElement('div'));
// Each slide has its own small text, at its own place, as a real slide
// change has: the whole picture must be sent anew, not just a number.
const words = 'Bruch Zähler Nenner Summe Produkt Gleichung Wurzel Dreieck Winkel Fläche Umfang Potenz Term Variable Funktion Graph Achse Punkt Gerade Kreis'.split(' ');
const text = document.getElementById('text');
let n = 0;
const show = () => {
  document.getElementById('n').textContent = n;
  let seed = n * 7919 + 17;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  text.style.left = (3 + (n % 4) * 2) + 'vw';
  text.innerHTML = '';
  for (let l = 0; l < 12; l++) {
    const p = document.createElement('p');
    p.textContent = Array.from({length: 12}, () => words[Math.floor(rnd() * words.length)]).join(' ') + ' ' + Math.floor(rnd() * 100000);
    text.appendChild(p);
  }
  [...band.children].forEach((d, i) => d.className = i === n % 8 ? 'on' : '');
  // After the paint: the time the new slide is on the screen.
  requestAnimationFrame(() => setTimeout(() => fetch('/changed?n=' + n + '&at=' + Date.now(), {method: 'POST'}), 0));
};
show();
const every = +new URLSearchParams(location.search).get('every') || 3000;
setInterval(() => { n++; show(); }, every);
</script></body></html>`

// slideChange is one change of the slide page: slide n on the screen at
// the page's Unix time in ms.
type slideChange struct {
	n     int
	at    int64
	stats *screenReadings // the benchmark's readings when it came
}

// serveSlides serves the slide page on loopback; its changes arrive on
// the channel.
func serveSlides(t testing.TB) (string, <-chan slideChange) {
	t.Helper()
	changes := make(chan slideChange, 1000)
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/changed" {
			n, _ := strconv.Atoi(r.URL.Query().Get("n"))
			at, _ := strconv.ParseInt(r.URL.Query().Get("at"), 10, 64)
			select {
			case changes <- slideChange{n: n, at: at}:
			default:
			}
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, slidesPage)
	}))
	t.Cleanup(s.Close)
	return s.URL, changes
}

// readSlideJS reads the slide number (mod 8) from a video element's
// current frame: the darkest cell of the band, if it is clearly dark and
// the others clearly light; -1 while the picture is smaller than a
// screen, -2 while it shows no clear slide.
func readSlideJS(videoSel string) string {
	return `(() => {
  const v = document.querySelector(` + jsString(videoSel) + `);
  if (!v || v.videoWidth < 1000) return -1;
  // The band is large: a small copy of the frame is enough to read it.
  const w = 320, h = Math.round(320 * v.videoHeight / v.videoWidth);
  const c = window.__slideCanvas || (window.__slideCanvas = document.createElement('canvas'));
  if (c.width !== w || c.height !== h) { c.width = w; c.height = h; }
  const g = c.getContext('2d', {willReadFrequently: true});
  g.drawImage(v, 0, 0, w, h);
  const lum = [];
  for (let i = 0; i < 8; i++) {
    const d = g.getImageData(Math.round((i + 0.25) * w / 8), Math.round(h * 0.02), Math.round(w / 16), Math.round(h * 0.07)).data;
    let s = 0;
    for (let k = 0; k < d.length; k += 4) s += 0.299 * d[k] + 0.587 * d[k + 1] + 0.114 * d[k + 2];
    lum.push(s / (d.length / 4));
  }
  const dark = lum.indexOf(Math.min(...lum));
  const light = lum.filter((_, i) => i !== dark);
  return lum[dark] < 80 && Math.min(...light) > 170 ? dark : -2;
})()`
}

// newSharingTeacher is a teacher's browser that shares the tab titled
// slidesTitle when the page asks for a screen. The picker is chosen by
// title, which the fake media UI would override, so camera and microphone
// are granted by permission instead.
func newSharingTeacher(t *testing.T, extra ...chromedp.ExecAllocatorOption) context.Context {
	t.Helper()
	teacher := newBrowserOpts(t, "teacher", append([]chromedp.ExecAllocatorOption{
		chromedp.Flag("use-fake-ui-for-media-stream", false),
		chromedp.Flag("auto-select-tab-capture-source-by-title", slidesTitle),
	}, extra...))
	grant := chromedp.Action[chromedp.Void](func(ctx context.Context, _ *chromedp.Target) (chromedp.Void, error) {
		b := chromedp.FromContext(ctx).Browser
		for _, p := range []string{"camera", "microphone"} {
			if _, err := cdp.Call(ctx, b, browser.SetPermission, browser.SetPermissionParams{
				Permission: &browser.PermissionDescriptor{Name: p}, Setting: browser.PermissionSettingGranted,
			}); err != nil {
				return chromedp.Void{}, err
			}
		}
		return chromedp.Void{}, nil
	})
	do(t, teacher, "grant camera and microphone", grant)
	return teacher
}

// openSlides opens the slide page, changing every so often, in a second
// tab of the teacher's browser.
func openSlides(t *testing.T, teacher context.Context, every time.Duration) (<-chan slideChange, context.CancelFunc) {
	t.Helper()
	url, changes := serveSlides(t)
	slides, closeSlides := chromedp.NewContext(teacher)
	do(t, slides, "open the slides", chromedp.Navigate(fmt.Sprintf("%s/?every=%d", url, every.Milliseconds())))
	return changes, closeSlides
}

// studentSees waits until the student's page reads slide n from the
// teacher's picture.
func studentSees(t *testing.T, student context.Context, n int) {
	t.Helper()
	waitFor(t, student, fmt.Sprintf("student reads slide %d", n), fmt.Sprintf(`%s === %d`, readSlideJS("#teacher-video"), n%8), 30*time.Second)
}

// TestTeacherSharesATab: the teacher shares a tab through the UI; a
// student who joins during the share gets it at once, at the width sent
// (at least 1280 px), and sees the number change; "Teilen beenden" brings
// back the camera; sharing again and closing the shared tab (the browser
// ends the capture) brings it back too.
func TestTeacherSharesATab(t *testing.T) {
	srv := startServer(t, freeAddr(t), t.TempDir())
	teacher := newSharingTeacher(t)
	_, link, _ := startLesson(t, teacher, srv, "Bildschirm 7b")
	waitFor(t, teacher, "own camera", `document.querySelector('#self-video').videoWidth > 0`, 30*time.Second)
	changes, closeSlides := openSlides(t, teacher, 3*time.Second)
	defer closeSlides()

	waitFor(t, teacher, "share button offered", `document.querySelector('#share-screen')`, 20*time.Second)
	do(t, teacher, "share the screen", clickAction("#share-screen"))
	waitFor(t, teacher, "teacher page says it shares", `document.querySelector('.share[data-sharing="true"] #share-status')`, 20*time.Second)
	waitFor(t, teacher, "preview of the shared tab", `document.querySelector('#screen-preview').videoWidth >= 1280`, 20*time.Second)
	sent := eval[float64](t, teacher, `document.querySelector('#screen-preview').videoWidth`)

	student := newBrowser(t, "student")
	joinAdmitted(t, teacher, student, link, "Mia", true)
	waitFor(t, student, "the late student gets the screen", `document.querySelector('#teacher-video').videoWidth >= 1280`, 30*time.Second)
	if got := eval[float64](t, student, `document.querySelector('#teacher-video').videoWidth`); got != sent {
		t.Errorf("student receives the screen %v px wide, the teacher sends %v px", got, sent)
	}
	// The number changes on the shared tab; the student sees two changes.
	seen := 0
	for c := range changes {
		if c.n < 1 {
			continue
		}
		t.Logf("slide %d on the teacher's screen", c.n)
		studentSees(t, student, c.n)
		if seen++; seen == 2 {
			break
		}
	}

	do(t, teacher, "stop sharing", clickAction("#share-screen"))
	waitFor(t, teacher, "sharing over", `document.querySelector('.share[data-sharing="false"]')`, 20*time.Second)
	waitFor(t, student, "the camera is back", `(() => { const v = document.querySelector('#teacher-video'); return v.videoWidth > 0 && v.videoWidth <= 640; })()`, 30*time.Second)

	do(t, teacher, "share again", clickAction("#share-screen"))
	waitFor(t, student, "the screen again", `document.querySelector('#teacher-video').videoWidth >= 1280`, 30*time.Second)
	closeSlides() // the browser ends the capture of a closed tab
	waitFor(t, teacher, "sharing ended by the browser", `document.querySelector('.share[data-sharing="false"]')`, 20*time.Second)
	waitFor(t, student, "the camera is back after the tab closed", `(() => { const v = document.querySelector('#teacher-video'); return v.videoWidth > 0 && v.videoWidth <= 640; })()`, 30*time.Second)
}

// TestShareRefusalInWords: when the browser cannot capture the screen
// (here getDisplayMedia rejects as a busy capture does, NotReadableError),
// the teacher reads in German what happened and that the class still
// sees the camera; the browser's English message is not shown, and the
// camera goes on.
func TestShareRefusalInWords(t *testing.T) {
	srv := startServer(t, freeAddr(t), t.TempDir())
	teacher := newBrowser(t, "teacher")
	addPageScript(t, teacher, `navigator.mediaDevices.getDisplayMedia = () =>
  Promise.reject(new DOMException('Could not start video source', 'NotReadableError'));`)
	startLesson(t, teacher, srv, "Bildschirm 9c")
	waitFor(t, teacher, "own camera", `document.querySelector('#self-video').videoWidth > 0`, 30*time.Second)
	waitFor(t, teacher, "share button offered", `document.querySelector('#share-screen')`, 20*time.Second)
	do(t, teacher, "share the screen", clickAction("#share-screen"))
	waitFor(t, teacher, "the refusal is shown", `document.querySelector('#share-error')`, 20*time.Second)
	text := eval[string](t, teacher, `document.querySelector('#share-error').textContent`)
	for _, want := range []string{"ließ sich nicht aufnehmen", "sieht weiter Ihr Kamerabild"} {
		if !strings.Contains(text, want) {
			t.Errorf("the notice %q does not say %q", text, want)
		}
	}
	for _, raw := range []string{"NotReadableError", "Could not start"} {
		if strings.Contains(eval[string](t, teacher, `document.body.innerText`), raw) {
			t.Errorf("the page shows the browser's %q", raw)
		}
	}
	if eval[bool](t, teacher, `!!document.querySelector('.share[data-sharing="true"]')`) {
		t.Error("the page says it shares although the capture failed")
	}
}

// TestSharingSurvivesAServerOutage: while the teacher shares a tab, the
// server is killed and started again. The student keeps reading the
// slides during the outage (the screen travels peer to peer), both pages
// reconnect on the connections they have, the teacher's page still says
// it shares and the student still gets the screen afterwards; stopping
// then brings back the camera.
func TestSharingSurvivesAServerOutage(t *testing.T) {
	addr, dir := freeAddr(t), t.TempDir()
	srv := startServer(t, addr, dir)
	teacher := newSharingTeacher(t)
	_, link, _ := startLesson(t, teacher, srv, "Bildschirm 8a")
	waitFor(t, teacher, "own camera", `document.querySelector('#self-video').videoWidth > 0`, 30*time.Second)
	changes, closeSlides := openSlides(t, teacher, 3*time.Second)
	defer closeSlides()
	student := newBrowser(t, "student")
	joinAdmitted(t, teacher, student, link, "Lea", true)

	waitFor(t, teacher, "share button offered", `document.querySelector('#share-screen')`, 20*time.Second)
	do(t, teacher, "share the screen", clickAction("#share-screen"))
	waitFor(t, student, "the student gets the screen", `document.querySelector('#teacher-video').videoWidth >= 1280`, 30*time.Second)

	srv.kill(t)
	waitFor(t, student, "student notices the outage", `document.querySelector('#join-status[data-state="reconnecting"]')`, 20*time.Second)
	// Two slide changes during the outage reach the student.
	seen := 0
	for c := range changes {
		if c.n < 1 {
			continue
		}
		studentSees(t, student, c.n)
		if seen++; seen == 2 {
			break
		}
	}

	srv = startServer(t, addr, dir)
	waitFor(t, student, "student back and present", `document.querySelector('#join-status[data-state="present"]')`, 45*time.Second)
	waitFor(t, teacher, "the teacher's page still shares", `document.querySelector('.share[data-sharing="true"] #share-status')`, 20*time.Second)
	if w := eval[float64](t, student, `document.querySelector('#teacher-video').videoWidth`); w < 1280 {
		t.Errorf("after the restart the student's picture is %v px wide, want the screen (≥ 1280)", w)
	}
	for c := range changes {
		if c.n >= 1 {
			studentSees(t, student, c.n)
			break
		}
	}
	if n := eval[float64](t, student, `window.__pcs.length`); n != 1 {
		t.Errorf("student built %v peer connections, want 1", n)
	}
	do(t, teacher, "stop sharing", clickAction("#share-screen"))
	waitFor(t, student, "the camera is back", `(() => { const v = document.querySelector('#teacher-video'); return v.videoWidth > 0 && v.videoWidth <= 640; })()`, 30*time.Second)
}

// writeTone writes a WAV of a steady sine tone (48 kHz, mono, 16 bit)
// for Chromium's fake microphone, which loops it.
func writeTone(t *testing.T, hz float64) string {
	t.Helper()
	const rate, secs = 48000, 2
	n := rate * secs
	var b bytes.Buffer
	w := func(v any) { endian.Write(&b, endian.LittleEndian, v) }
	b.WriteString("RIFF")
	w(uint32(36 + 2*n))
	b.WriteString("WAVEfmt ")
	w(uint32(16))
	w(uint16(1))        // PCM
	w(uint16(1))        // mono
	w(uint32(rate))     // sample rate
	w(uint32(2 * rate)) // byte rate
	w(uint16(2))        // block align
	w(uint16(16))       // bits per sample
	b.WriteString("data")
	w(uint32(2 * n))
	for i := range n {
		w(int16(12000 * math.Sin(2*math.Pi*hz*float64(i)/rate)))
	}
	path := filepath.Join(t.TempDir(), fmt.Sprintf("tone-%.0f.wav", hz))
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// tonesJS lists the tones (Hz, rounded) clearly present in the sound of
// the teacher's picture on a student's page: spectral peaks between 100 Hz
// and 4 kHz within 20 dB of the strongest, over 1.5 s of listening.
const tonesJS = `(async () => {
  const v = document.querySelector('#teacher-video');
  const ctx = window.__ctx || (window.__ctx = new AudioContext());
  await ctx.resume();
  const an = ctx.createAnalyser(); an.fftSize = 8192; an.smoothingTimeConstant = 0;
  const src = ctx.createMediaStreamSource(new MediaStream(v.srcObject.getAudioTracks()));
  src.connect(an);
  await new Promise(r => setTimeout(r, 1500));
  const b = new Float32Array(an.frequencyBinCount); an.getFloatFrequencyData(b);
  src.disconnect();
  // Speech band only (the teacher's Opus is wideband: nothing above
  // 8 kHz); a tone is among the strongest components there.
  const hz = ctx.sampleRate / an.fftSize, lo = Math.ceil(100 / hz), hi = Math.floor(4000 / hz), out = [];
  let top = -Infinity;
  for (let i = lo; i <= hi; i++) top = Math.max(top, b[i]);
  for (let i = lo; i <= hi; i++) if (b[i] > top - 20 && b[i] > -90 && b[i] >= b[i-1] && b[i] >= b[i+1]) out.push(Math.round(i * hz));
  return JSON.stringify(out);
})()`

// hearsTone waits until a student's page hears (or stops hearing) a tone
// within 15 Hz of hz in the teacher's sound.
func hearsTone(t *testing.T, student context.Context, what string, hz float64, want bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var tones []float64
		json.Unmarshal([]byte(eval[string](t, student, tonesJS)), &tones)
		has := slices.ContainsFunc(tones, func(f float64) bool { return math.Abs(f-hz) <= 15 })
		if has == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: tones heard %v, want %.0f Hz %v", what, tones, hz, want)
		}
	}
}

// TestClassHearsTheCalledOnStudent: every fake microphone plays its own
// tone (teacher 660 Hz, Anna 440 Hz, Ben 1000 Hz). Ben hears Anna's tone
// in the teacher's sound while Anna is called on, and not after
// "Fertig"; Anna never hears her own tone; both hear the teacher all
// along.
func TestClassHearsTheCalledOnStudent(t *testing.T) {
	const teacherHz, annaHz, benHz = 660, 440, 1000
	srv := startServer(t, freeAddr(t), t.TempDir())
	teacher := newBrowserOpts(t, "teacher", []chromedp.ExecAllocatorOption{chromedp.Flag("use-file-for-fake-audio-capture", writeTone(t, teacherHz))})
	anna := newBrowserOpts(t, "anna", []chromedp.ExecAllocatorOption{chromedp.Flag("use-file-for-fake-audio-capture", writeTone(t, annaHz))})
	ben := newBrowserOpts(t, "ben", []chromedp.ExecAllocatorOption{chromedp.Flag("use-file-for-fake-audio-capture", writeTone(t, benHz))})
	_, link, _ := startLesson(t, teacher, srv, "Drannehmen 7b")
	joinAdmitted(t, teacher, anna, link, "Anna", false)
	joinAdmitted(t, teacher, ben, link, "Ben", false)
	for _, s := range []context.Context{anna, ben} {
		waitFor(t, s, "the teacher's sound", `(() => { const v = document.querySelector('#teacher-video'); return v && v.srcObject && v.srcObject.getAudioTracks().length > 0; })()`, 60*time.Second)
	}
	hearsTone(t, ben, "Ben hears the teacher", teacherHz, true)
	hearsTone(t, ben, "Ben does not hear Anna before she is called on", annaHz, false)

	do(t, teacher, "call on Anna", chromedp.Click(chromedp.CSS(`button[aria-label="Anna drannehmen"]`)))
	hearsTone(t, ben, "Ben hears Anna while she is called on", annaHz, true)
	hearsTone(t, ben, "Ben still hears the teacher", teacherHz, true)
	hearsTone(t, anna, "Anna hears the teacher", teacherHz, true)
	for range 3 {
		hearsTone(t, anna, "Anna never hears her own voice", annaHz, false)
	}

	do(t, teacher, "Fertig", chromedp.Click(chromedp.CSS(`#call-off`)))
	hearsTone(t, ben, "Ben no longer hears Anna after Fertig", annaHz, false)
	hearsTone(t, ben, "Ben hears the teacher after Fertig", teacherHz, true)
}
