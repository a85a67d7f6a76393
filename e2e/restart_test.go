package e2e

import (
	"testing"
	"time"
)

// The signaling server is killed in the middle of a call and started
// again: the video keeps flowing during the outage, both pages reconnect
// by themselves on the connections they have, and the roll call still
// shows the student present.
func TestCallSurvivesServerRestart(t *testing.T) {
	addr, dir := freeAddr(t), t.TempDir()
	srv := startServer(t, addr, dir)
	teacher := newBrowser(t, "teacher")
	student := newBrowser(t, "student")

	_, link, _ := startLesson(t, teacher, srv, "8c Physik")
	joinAdmitted(t, teacher, student, link, "Jonas Weber", true)
	waitFor(t, teacher, "teacher receives Jonas", inboundStats+`.then(s => s.videoFrames > 10)`, 30*time.Second)
	waitFor(t, student, "student receives the teacher", inboundStats+`.then(s => s.videoFrames > 10)`, 30*time.Second)

	srv.kill(t)
	waitFor(t, student, "student notices the outage", `document.querySelector('#join-status[data-state="reconnecting"]')`, 20*time.Second)
	before := eval[inbound](t, student, inboundStats)
	teacherBefore := eval[inbound](t, teacher, inboundStats)
	time.Sleep(2 * time.Second) // the outage goes on; media must not care
	after := eval[inbound](t, student, inboundStats)
	teacherAfter := eval[inbound](t, teacher, inboundStats)
	if after.VideoFrames <= before.VideoFrames || after.Connected < 1 {
		t.Errorf("student's video stopped while the server was down: %+v → %+v", before, after)
	}
	if teacherAfter.VideoFrames <= teacherBefore.VideoFrames {
		t.Errorf("teacher's video stopped while the server was down: %+v → %+v", teacherBefore, teacherAfter)
	}

	srv = startServer(t, addr, dir)
	waitFor(t, student, "student back and present", `document.querySelector('#join-status[data-state="present"]')`, 45*time.Second)
	waitFor(t, teacher, "roll call shows Jonas present and online again", rollCallEntry("Jonas Weber", "present", "true"), 45*time.Second)
	// The same peer connections carried on: nobody had to build new ones.
	if n := eval[float64](t, student, `window.__pcs.length`); n != 1 {
		t.Errorf("student built %v peer connections, want 1", n)
	}
	if n := eval[float64](t, teacher, `window.__pcs.length`); n != 1 {
		t.Errorf("teacher built %v peer connections, want 1", n)
	}
	later := eval[inbound](t, student, inboundStats)
	time.Sleep(time.Second)
	latest := eval[inbound](t, student, inboundStats)
	if latest.VideoFrames <= later.VideoFrames {
		t.Errorf("video stopped after the restart: %+v → %+v", later, latest)
	}
}
