package e2e

import (
	"testing"
	"time"
)

// A student's network drops while signaling stays up: here the only media
// path, an outside TURN relay, goes away and the signaling server stays.
// Both pages say that the picture is interrupted and being restored, and
// the notices go when the media is back by itself.
func TestMediaInterruptionIsShown(t *testing.T) {
	turn := startCoturn(t)
	srv := startServer(t, freeAddr(t), t.TempDir(),
		"--turn-external", "turn:"+turn.addr+"?transport=udp",
		"--turn-secret-file", turn.secretFile, "--turn-relay-only")
	teacher := newBrowser(t, "teacher")
	student := newBrowser(t, "student")
	_, link, _ := startLesson(t, teacher, srv, "8a Physik")
	joinAdmitted(t, teacher, student, link, "Ben Kurz", true)
	waitFor(t, teacher, "teacher's tile shows Ben through the relay", tileBrightness("Ben Kurz")+` > 12`, 45*time.Second)
	waitFor(t, student, "student is present", `document.querySelector('#join-status[data-state="present"]')`, 30*time.Second)

	turn.kill()
	const tile = `document.querySelector('.tile[data-name="Ben Kurz"]')`
	waitFor(t, teacher, "teacher's tile says the picture is interrupted", tile+`?.querySelector('.badge.interrupted')`, 40*time.Second)
	waitFor(t, student, "student's page says the connection is interrupted", `document.querySelector('#join-status[data-state="interrupted"]')`, 40*time.Second)
	if offline := eval[bool](t, teacher, tile+`?.classList.contains("offline")`); offline {
		t.Fatal("the student is shown offline: signaling never went away")
	}

	turn.start()
	waitFor(t, student, "student's page is back to present", `document.querySelector('#join-status[data-state="present"]')`, 90*time.Second)
	waitFor(t, teacher, "the interruption badge goes", `!`+tile+`?.querySelector('.badge.interrupted')`, 60*time.Second)
	waitFor(t, teacher, "teacher's tile shows Ben again", tileBrightness("Ben Kurz")+` > 12`, 30*time.Second)
}
