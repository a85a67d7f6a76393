package e2e

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// watchFirstFrames records, in the teacher's page, the wall-clock time of
// the first frame each tile presents (requestVideoFrameCallback), keyed by
// the student's name.
const watchFirstFrames = `(() => {
  if (window.__firstFrame) return true;
  window.__firstFrame = {};
  setInterval(() => {
    document.querySelectorAll('.tile video').forEach(v => {
      if (v.__watched) return;
      v.__watched = true;
      const name = v.closest('.tile').dataset.name;
      v.requestVideoFrameCallback(() => { window.__firstFrame[name] = Date.now(); });
    });
  }, 20);
  return true;
})()`

// stampJoinClick records the wall-clock time of the student's click on
// the join button (both browsers run on this machine, one clock).
const stampJoinClick = `(() => {
  document.querySelector('#join-camera').addEventListener('click', () => { window.__joinClickAt = Date.now(); }, {capture: true, once: true});
  return true;
})()`

// BenchmarkJoinToFirstFrame measures the time from a student's click on
// "Mit Kamera beitreten" to the first frame of that student's camera on
// the teacher's screen, each iteration with a new student browser.
//
//	make bench
func BenchmarkJoinToFirstFrame(b *testing.B) {
	srv := startServer(b, freeAddr(b), b.TempDir())
	teacher := newBrowser(b, "teacher")
	_, link, _ := startLesson(b, teacher, srv, "Messung")
	eval[bool](b, teacher, watchFirstFrames)

	var samples []float64
	for i := 0; i < b.N; i++ {
		name := fmt.Sprintf("Schüler %d", i+1)
		student := newBrowser(b, "student")
		do(b, student, "open join link", chromedp.Navigate(link))
		waitFor(b, student, "name field", `(document.querySelector('#student-name') || {}).matches?.(':enabled')`, 30*time.Second)
		do(b, student, "type name", chromedp.SendKeys(chromedp.CSS("#student-name"), name))
		eval[bool](b, student, stampJoinClick)
		do(b, student, "join", chromedp.Click(chromedp.CSS("#join-camera")))
		waitFor(b, teacher, "first frame of "+name, fmt.Sprintf(`!!window.__firstFrame[%s]`, jsString(name)), 30*time.Second)
		clicked := eval[float64](b, student, `window.__joinClickAt`)
		shown := eval[float64](b, teacher, fmt.Sprintf(`window.__firstFrame[%s]`, jsString(name)))
		samples = append(samples, shown-clicked)
		do(b, student, "leave", clickAction("#leave"))
	}
	slices.Sort(samples)
	b.ReportMetric(samples[len(samples)/2], "ms-median")
	b.ReportMetric(samples[len(samples)-1], "ms-max")
	b.Logf("join click → teacher's first frame, ms: %v", samples)
}
