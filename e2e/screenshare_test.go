package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
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
