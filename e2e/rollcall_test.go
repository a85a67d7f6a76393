package e2e

import (
	"regexp"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// A teacher starts a lesson, a student joins with camera: both see and
// hear each other, and the roll call records the student as present, also
// after the server restarts.
func TestLiveRollCallWithCamera(t *testing.T) {
	addr, dir := freeAddr(t), t.TempDir()
	srv := startServer(t, addr, dir)
	teacher := newBrowser(t, "teacher")
	student := newBrowser(t, "student")

	_, link, lessonID := startLesson(t, teacher, srv, "7b Mathe")
	joinAdmitted(t, teacher, student, link, "Lea Schulz", true)

	waitFor(t, student, "student sees itself present", `document.querySelector('#join-status[data-state="present"]')`, 30*time.Second)
	waitFor(t, teacher, "roll call lists Lea as present and online", rollCallEntry("Lea Schulz", "present", "true"), 30*time.Second)
	joined := eval[string](t, teacher, rollCallEntry("Lea Schulz", "present", "true")+`.querySelector('.joined').textContent`)
	if !regexp.MustCompile(`^seit \d\d:\d\d Uhr$`).MatchString(joined) {
		t.Errorf("join time %q is not shown as a German time", joined)
	}

	// The teacher's tile for the student shows decoded frames that are not black.
	waitFor(t, teacher, "teacher's tile shows Lea's camera", tileBrightness("Lea Schulz")+` > 12`, 30*time.Second)
	waitFor(t, teacher, "teacher decodes video frames", inboundStats+`.then(s => s.videoFrames > 10)`, 20*time.Second)
	// The student's candidates came inside its offer: with a class
	// arriving at once, each candidate added one by one would hold the
	// teacher's page (app/live's Peer.offer says why).
	if n := eval[int](t, teacher, `window.__addedCandidates`); n != 0 {
		t.Errorf("the teacher's page added %d candidates one by one; the offer should carry them", n)
	}

	// The student receives the teacher's video and audio.
	waitFor(t, student, "student's teacher video plays", `(() => { const v = document.querySelector('#teacher-video'); return v && v.videoWidth > 0 && !v.paused; })()`, 30*time.Second)
	waitFor(t, student, "student receives video and audio", inboundStats+`.then(s => s.videoFrames > 10 && s.audioBytes > 1000 && s.audioSamples > 0)`, 30*time.Second)
	got := eval[inbound](t, student, inboundStats)
	t.Logf("student received: %+v; candidates it added one by one (the teacher's answer trickles): %d", got, eval[int](t, student, `window.__addedCandidates`))

	// The student leaves; the roll call keeps the line with a leave time.
	do(t, student, "leave", clickAction("#leave"))
	waitFor(t, teacher, "Lea shown as left", rollCallEntry("Lea Schulz", "present", "false"), 20*time.Second)

	// A restart keeps the roll call: after the server comes back, a fresh
	// load of the teacher's page shows what the server restored from storage.
	srv.stop(t)
	srv = startServer(t, addr, dir)
	do(t, teacher, "reload lesson page", chromedp.Navigate(srv.URL+"/lesson/"+lessonID))
	waitFor(t, teacher, "roll call after restart", rollCallEntry("Lea Schulz", "present", "false"), 30*time.Second)
	rows := attendance(t, teacher, lessonID)
	if len(rows) != 1 || rows[0]["name"] != "Lea Schulz" || rows[0]["status"] != "present" || rows[0]["leftAt"] == nil {
		t.Fatalf("stored attendance after restart: %v", rows)
	}
}

// A student without camera joins and is still present; the teacher's tile
// shows the initials.
func TestStudentWithoutCamera(t *testing.T) {
	srv := startServer(t, freeAddr(t), t.TempDir())
	teacher := newBrowser(t, "teacher")
	student := newBrowser(t, "student")

	_, link, lessonID := startLesson(t, teacher, srv, "9a Deutsch")
	joinAdmitted(t, teacher, student, link, "Mehmet Kaya", false)

	waitFor(t, student, "student present", `document.querySelector('#join-status[data-state="present"]')`, 30*time.Second)
	waitFor(t, teacher, "roll call lists Mehmet as present", rollCallEntry("Mehmet Kaya", "present", "true"), 30*time.Second)
	waitFor(t, teacher, "tile shows initials", `(document.querySelector('.tile[data-name="Mehmet Kaya"] .initials') || {}).textContent === 'MK'`, 10*time.Second)
	// Without a camera the student still hears and sees the teacher.
	waitFor(t, student, "student receives the teacher", inboundStats+`.then(s => s.videoFrames > 10 && s.audioBytes > 1000)`, 30*time.Second)
	rows := attendance(t, teacher, lessonID)
	if len(rows) != 1 || rows[0]["name"] != "Mehmet Kaya" || rows[0]["status"] != "present" {
		t.Fatalf("stored attendance: %v", rows)
	}
}
