package e2e

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// A class arrives at once: six students wait in the lobby and the teacher
// lets them all in with one click on "Alle zulassen". Every picture must
// play on the teacher's page, every student must get the teacher's picture
// and sound, and the teacher's page must keep answering all along: a page
// that stops running its event loop (a JavaScript callback blocked on Go)
// fails the responsiveness probe long before the pictures are due.
func TestClassAtOnce(t *testing.T) {
	const students = 6
	srv := startServer(t, freeAddr(t), t.TempDir())
	teacher := newBrowser(t, "teacher")
	_, link, _ := startLesson(t, teacher, srv, "7b Mathe")

	names := make([]string, students)
	pages := make([]context.Context, students)
	for i := range students {
		names[i] = fmt.Sprintf("Kind %d", i+1)
		pages[i] = newBrowser(t, names[i])
	}
	// They knock one after another (the lobby is not what is tested);
	// the burst is the one click that lets them all in.
	for i := range students {
		joinAsStudent(t, pages[i], link, names[i], true)
	}
	for i := range students {
		waitFor(t, pages[i], names[i]+" waits in the lobby", `document.querySelector('#join-status[data-state="lobby"]')`, 60*time.Second)
	}
	waitFor(t, teacher, "all six in the teacher's lobby", fmt.Sprintf(`document.querySelectorAll('.knock').length === %d`, students), 30*time.Second)

	// From the click on, a trivial script must come back within a second.
	stop := make(chan struct{})
	probeDone := make(chan error, 1)
	go func() { probeDone <- probeResponsive(teacher, stop, time.Second) }()

	do(t, teacher, "admit all", clickAction("#admit-all"))
	deadline := 60 * time.Second
	start := time.Now()
	for _, n := range names {
		left := max(deadline-time.Since(start), time.Second)
		waitFor(t, teacher, "teacher's tile plays "+n, tileBrightness(n)+` > 12`, left)
	}
	t.Logf("all %d pictures play on the teacher's page %v after the click", students, time.Since(start).Round(time.Millisecond))
	for i, p := range pages {
		waitFor(t, p, names[i]+" receives the teacher's picture and sound",
			`(() => { const v = document.querySelector('#teacher-video'); return v && v.videoWidth > 0 && !v.paused; })() && `+
				inboundStats+`.then(s => s.videoFrames > 10 && s.audioBytes > 1000 && s.audioSamples > 0)`, 30*time.Second)
	}
	close(stop)
	if err := <-probeDone; err != nil {
		t.Fatal(err)
	}
}

// probeResponsive evaluates a trivial script on the page every 250 ms until
// stop is closed and reports the first answer that took longer than limit.
func probeResponsive(page context.Context, stop <-chan struct{}, limit time.Duration) error {
	var worst time.Duration
	for {
		select {
		case <-stop:
			return nil
		case <-time.After(250 * time.Millisecond):
		}
		ctx, cancel := context.WithTimeout(page, limit)
		began := time.Now()
		_, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`1 + 1`))
		took := time.Since(began)
		cancel()
		worst = max(worst, took)
		if err != nil || took > limit {
			return fmt.Errorf("the teacher's page did not answer a trivial script within %v (took %v, err %v)", limit, took.Round(time.Millisecond), err)
		}
	}
}
