// The fakes label their streams, which only the stand-in Stream can.

//go:build !wasm

package live

import (
	"sync"
	"testing"

	"ersatzraum/app/protocol"
)

var (
	camera = Stream{label: "camera"}
	screen = Stream{label: "screen"}
)

// fakeDisplay is the browser's screen picker: it hands out the screen and
// keeps the callback of the browser's own stop button.
type fakeDisplay struct {
	mu    sync.Mutex // guards ended, err, opens
	ended func()
	err   error
	opens int
}

func (d *fakeDisplay) open(ended func()) (Stream, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.opens++
	if d.err != nil {
		return Stream{}, d.err
	}
	d.ended = ended
	return screen, nil
}

// stopButton is the browser's "stop sharing".
func (d *fakeDisplay) stopButton() {
	d.mu.Lock()
	ended := d.ended
	d.mu.Unlock()
	ended()
}

// rig is a teacher's call with fakes around it.
type rig struct {
	c       *TeacherCall
	net     *fakeNet
	conn    *fakeConn
	peers   *fakePeers
	seen    *views[TeacherView]
	display *fakeDisplay
}

// welcome says the server's welcome on the rig's connection.
func (r *rig) welcome(t *testing.T, entries []protocol.Entry) {
	t.Helper()
	message(r.conn, protocol.TypeWelcome, protocol.Welcome{Self: "teacher", Role: protocol.RoleTeacher,
		Lesson: protocol.LessonInfo{ID: "L1", Title: "7b Mathe", Code: "ABCD-EFGH"}, RollCall: entries})
}

// startSharingTeacher runs a teacher's call with a camera and a screen
// picker, and connects the given students.
func startSharingTeacher(t *testing.T, entries ...protocol.Entry) (*TeacherCall, *fakeConn, *fakePeers, *views[TeacherView], *fakeDisplay) {
	r := startRig(t, entries...)
	return r.c, r.conn, r.peers, r.seen, r.display
}

func startRig(t *testing.T, entries ...protocol.Entry) *rig {
	t.Helper()
	return startRigWith(t, func(*TeacherCall) {}, entries...)
}

// startRigWith lets the test change the call before it starts.
func startRigWith(t *testing.T, change func(*TeacherCall), entries ...protocol.Entry) *rig {
	t.Helper()
	net, peers, seen, display := newFakeNet(), &fakePeers{}, &views[TeacherView]{}, &fakeDisplay{}
	c := &TeacherCall{Lesson: "L1", URL: "ws://test", Dial: net.dial, Peers: peers.make, OnView: seen.on,
		Media: func(Constraints) (Stream, error) { return camera, nil }, Display: display.open}
	change(c)
	c.Start()
	t.Cleanup(c.Stop)
	r := &rig{c: c, net: net, conn: net.next(t), peers: peers, seen: seen, display: display}
	r.welcome(t, entries)
	eventually(t, "welcome shown", func() bool { return seen.get().Title == "7b Mathe" })
	for _, e := range entries {
		offer(r.conn, e.ID)
	}
	eventually(t, "students connected", func() bool { return len(peers.all()) == len(entries) })
	return r
}

func offer(conn *fakeConn, id string) {
	message(conn, protocol.TypeSignal, protocol.Signal{From: id, Kind: protocol.SignalOffer, SDP: "offer"})
}

// sends waits until a connection sends the picture with caps.
func sends(t *testing.T, what string, p *fakePeer, picture Stream, caps Caps) {
	t.Helper()
	eventually(t, what, func() bool {
		pic, _, c := p.sending()
		return pic == picture && c == caps
	})
}

// Sharing puts the screen, at its own resolution and few frames, on
// every student's connection in place of the camera; ending it brings
// the camera back with the camera's caps.
func TestTeacherSharesTheScreenAndStops(t *testing.T) {
	c, _, peers, seen, _ := startSharingTeacher(t, student(1), student(2))
	for _, p := range peers.all() {
		sends(t, "camera before sharing", p, camera, TeacherCaps)
	}
	c.ShareScreen()
	eventually(t, "sharing shown", func() bool { return seen.get().Sharing })
	for _, p := range peers.all() {
		sends(t, "screen while sharing", p, screen, ScreenCaps(2))
	}
	c.StopSharing()
	eventually(t, "sharing ended", func() bool { return !seen.get().Sharing })
	for _, p := range peers.all() {
		sends(t, "camera again", p, camera, TeacherCaps)
	}
}

// The browser's own stop button ends the sharing like "Teilen beenden";
// a late report of an earlier share does not end the next one.
func TestBrowserStopButtonEndsSharing(t *testing.T) {
	r := startRig(t, student(1))
	c, peers, seen, display := r.c, r.peers, r.seen, r.display
	p := peers.all()[0]
	c.ShareScreen()
	sends(t, "screen sent", p, screen, ScreenCaps(1))
	display.stopButton()
	eventually(t, "sharing ended by the browser", func() bool { return !seen.get().Sharing })
	sends(t, "camera again", p, camera, TeacherCaps)

	old := display.ended
	c.ShareScreen()
	sends(t, "screen again", p, screen, ScreenCaps(1))
	eventually(t, "sharing shown again", func() bool { return seen.get().Sharing })
	old() // the first share's stop, reported late
	done := make(chan struct{})
	c.client.Do(func() { close(done) }) // runs after the stale stop on the call's goroutine
	<-done
	if pic, _, _ := p.sending(); pic != screen {
		t.Fatal("a stale stop of the first share ended the second")
	}
}

// A student who joins while the screen is shared gets the screen at once,
// and the screen's bitrate follows the size of the class.
func TestLateJoinerGetsTheScreen(t *testing.T) {
	c, conn, peers, seen, _ := startSharingTeacher(t, student(1))
	c.ShareScreen()
	eventually(t, "sharing", func() bool { return seen.get().Sharing })
	late := student(2)
	message(conn, protocol.TypeParticipant, late)
	offer(conn, late.ID)
	eventually(t, "late student connected", func() bool { return len(peers.all()) == 2 })
	for _, p := range peers.all() {
		sends(t, "screen for two", p, screen, ScreenCaps(2))
	}
}

// A student on sound only gets no screen either; when the student asks
// for the picture again during the share, it is the screen.
func TestSoundOnlyStudentGetsNoScreen(t *testing.T) {
	e := student(1)
	e.AudioOnly = true
	c, conn, peers, seen, _ := startSharingTeacher(t, e)
	p := peers.all()[0]
	eventually(t, "no video", func() bool { return !p.video() })
	c.ShareScreen()
	eventually(t, "sharing", func() bool { return seen.get().Sharing })
	if p.video() {
		t.Fatal("a sound-only student gets the screen")
	}
	e.AudioOnly = false
	message(conn, protocol.TypeParticipant, e)
	sends(t, "screen after asking for the picture", p, screen, ScreenCaps(1))
}

// Sharing survives a signaling outage: the connections to the students
// stay, and so does the screen on them.
func TestSharingSurvivesASignalingOutage(t *testing.T) {
	e := student(1)
	r := startRig(t, e)
	p := r.peers.all()[0]
	r.c.ShareScreen()
	sends(t, "screen sent", p, screen, ScreenCaps(1))
	r.conn.deliver(Event{Kind: EventClosed, Code: 1006, Reason: "gone"})
	r.conn = r.net.next(t)
	message(r.conn, protocol.TypeWelcome, protocol.Welcome{Self: "teacher", Role: protocol.RoleTeacher,
		Lesson: protocol.LessonInfo{ID: "L1", Title: "7b Mathe, 2. Stunde", Code: "ABCD-EFGH"}, RollCall: []protocol.Entry{e}})
	eventually(t, "welcome after the outage", func() bool { return r.seen.get().Title == "7b Mathe, 2. Stunde" })
	if pic, _, _ := p.sending(); pic != screen || p.closed || !r.seen.get().Sharing || len(r.peers.all()) != 1 {
		t.Fatal("the outage ended the sharing")
	}
}

// A picker the teacher closes is no error; a refusal of the browser is
// shown.
func TestSharingRefusedOrCancelled(t *testing.T) {
	c, _, peers, seen, display := startSharingTeacher(t, student(1))
	display.err = ErrShareCancelled
	c.ShareScreen()
	eventually(t, "picker opened", func() bool { display.mu.Lock(); defer display.mu.Unlock(); return display.opens == 1 })
	display.mu.Lock()
	display.err = &DOMError{Name: "NotReadableError", Message: "Could not start video source"}
	display.mu.Unlock()
	c.ShareScreen()
	eventually(t, "refusal shown", func() bool { return seen.get().ShareError != "" })
	if got := seen.get().ShareError; got != MediaNotReadable {
		t.Errorf("share error %q, want the reason %q (the page words it; the browser's message is not shown)", got, MediaNotReadable)
	}
	if v := seen.get(); v.Sharing {
		t.Fatal("sharing although refused")
	}
	sends(t, "camera kept", peers.all()[0], camera, TeacherCaps)
}
