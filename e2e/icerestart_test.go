package e2e

import (
	"net"
	"strconv"
	"testing"
	"time"
)

// localUfrag is the ICE username fragment of the page's first connection:
// it changes exactly when ICE restarts.
const localUfrag = `((window.__pcs || [])[0]?.localDescription?.sdp.match(/a=ice-ufrag:(\S+)/) || [])[1] || ''`

// When the network path of a call breaks (here: the only path, the school's
// TURN relay, goes away with the server), the student's page restarts ICE
// on the same connection once signaling is back, and video flows again
// without a new peer connection.
func TestICERestartRecoversABrokenPath(t *testing.T) {
	addr, dir := freeAddr(t), t.TempDir()
	_, turnPort, _ := net.SplitHostPort(freeAddr(t))
	args := []string{"--turn-addr", "127.0.0.1:" + turnPort, "--turn-allow-private-peers", "--turn-relay-only"}
	srv := startServer(t, addr, dir, args...)
	teacher := newBrowser(t, "teacher")
	student := newBrowser(t, "student")
	_, link, _ := startLesson(t, teacher, srv, "6c Bio")
	joinAdmitted(t, teacher, student, link, "Mia Lang", true)
	waitFor(t, student, "student receives the teacher through the relay", inboundStats+`.then(s => s.videoFrames > 10)`, 45*time.Second)
	waitFor(t, teacher, "teacher receives Mia", inboundStats+`.then(s => s.videoFrames > 10)`, 30*time.Second)
	ufrag := eval[string](t, student, localUfrag)
	if ufrag == "" {
		t.Fatal("no local ICE ufrag")
	}

	// The relay disappears with the server: the path breaks.
	srv.kill(t)
	waitFor(t, student, "student's connection notices the broken path", `['disconnected','failed'].includes((window.__pcs || [])[0]?.connectionState)`, 40*time.Second)
	if state := eval[string](t, student, `window.__pcs[0].connectionState`); state != "disconnected" {
		t.Fatalf("connection already %s: too slow to test an ICE restart", state)
	}
	srv = startServer(t, addr, dir, args...)

	waitFor(t, student, "student's connection is back", `window.__pcs[0].connectionState === 'connected'`, 75*time.Second)
	waitFor(t, teacher, "teacher's connection is back", `window.__pcs[0].connectionState === 'connected'`, 30*time.Second)
	if got := eval[string](t, student, localUfrag); got == ufrag {
		t.Errorf("ICE ufrag unchanged (%s): the connection was not restarted", got)
	}
	if n := eval[float64](t, student, `window.__pcs.length`); n != 1 {
		t.Errorf("student built %v peer connections, want 1 (an ICE restart, not a new call)", n)
	}
	if n := eval[float64](t, teacher, `window.__pcs.length`); n != 1 {
		t.Errorf("teacher built %v peer connections, want 1", n)
	}
	// The decoder picks up at the next key frame after the restart.
	before := eval[inbound](t, student, inboundStats)
	waitFor(t, student, "video flows again after the ICE restart", inboundStats+`.then(s => s.videoFrames > `+strconv.Itoa(int(before.VideoFrames)+10)+`)`, 30*time.Second)
	teacherBefore := eval[inbound](t, teacher, inboundStats)
	waitFor(t, teacher, "teacher sees Mia again", inboundStats+`.then(s => s.videoFrames > `+strconv.Itoa(int(teacherBefore.VideoFrames)+10)+`)`, 30*time.Second)
}
