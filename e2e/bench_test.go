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
	signIn(b, teacher, srv)
	// A class whose students come in by personal link: no lobby, as at
	// 08:00 with a prepared class.
	class := apiFetch(b, teacher, "POST", "/api/classes", map[string]any{"name": "Messung"})
	classID := class["id"].(string)
	var names []string
	for i := 0; i < b.N; i++ {
		names = append(names, fmt.Sprintf("Schüler %d", i+1))
	}
	class = apiFetch(b, teacher, "POST", "/api/classes/"+classID+"/students", map[string]any{"names": names})
	links := map[string]string{}
	for _, s := range class["students"].([]any) {
		st := s.(map[string]any)
		links[st["name"].(string)] = st["link"].(string)
	}
	lesson := apiFetch(b, teacher, "POST", "/api/lessons", map[string]any{"classId": classID})
	do(b, teacher, "open the lesson", chromedp.Navigate(srv.URL+"/lesson/"+lesson["id"].(string)))
	waitFor(b, teacher, "lesson page", `!!document.querySelector('#rollcall')`, 30*time.Second)
	eval[bool](b, teacher, watchFirstFrames)

	var samples []float64
	for _, name := range names {
		student := newBrowser(b, "student")
		do(b, student, "open personal link", chromedp.Navigate(links[name]))
		waitFor(b, student, "join ready", `(document.querySelector('#join-camera') || {}).matches?.(':enabled')`, 30*time.Second)
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
