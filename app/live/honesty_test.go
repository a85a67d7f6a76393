package live

import (
	"testing"

	"ersatzraum/app/protocol"
)

// onCall runs f on the call's goroutine, where its state lives, and
// waits for it.
func onCall(t *testing.T, c *TeacherCall, f func()) {
	t.Helper()
	done := make(chan struct{})
	c.client.Do(func() { f(); close(done) })
	<-done
}

// peerOf returns the connection the call holds for a student.
func peerOf(t *testing.T, c *TeacherCall, id string) *fakePeer {
	t.Helper()
	var p PeerConn
	onCall(t, c, func() { p = c.peers[id] })
	if p == nil {
		t.Fatalf("no connection to %s", id)
	}
	return p.(*fakePeer)
}

// While the teacher's signaling is down the page says so, and no roll-call
// line says "connected": one whose media connection is up says the
// picture runs without the server, one without says its state is
// unknown. Back on the server, the lines say what they know again.
func TestTeacherCallSaysWhatItKnowsDuringAnOutage(t *testing.T) {
	net, peers, seen := newFakeNet(), &fakePeers{}, &views[TeacherView]{}
	c := &TeacherCall{Lesson: "L1", URL: "ws://test", Dial: net.dial, Peers: peers.make, Media: noMedia, OnView: seen.on}
	c.Start()
	t.Cleanup(c.Stop)
	conn := net.next(t)
	a, b, gone := student(1), student(2), student(3)
	gone.Online = false
	welcome := protocol.Welcome{Self: "teacher", Role: protocol.RoleTeacher,
		Lesson: protocol.LessonInfo{ID: "L1", Title: "7b Mathe"}, RollCall: []protocol.Entry{a, b, gone}}
	message(conn, protocol.TypeWelcome, welcome)
	for _, e := range []protocol.Entry{a, b} {
		message(conn, protocol.TypeSignal, protocol.Signal{From: e.ID, Kind: protocol.SignalOffer, SDP: "offer"})
	}
	eventually(t, "both offers answered", func() bool { return len(conn.sentOf(protocol.TypeSignal)) == 2 })
	lines := func(want map[string]Line) func() bool {
		return func() bool {
			v := seen.get()
			for id, l := range want {
				if v.Lines[id] != l {
					return false
				}
			}
			return true
		}
	}
	eventually(t, "no connection up yet: connecting", lines(map[string]Line{a.ID: LineConnecting, b.ID: LineConnecting, gone.ID: LineOffline}))
	peerOf(t, c, a.ID).setState(peerConnected)
	eventually(t, "a connected", lines(map[string]Line{a.ID: LineConnected, b.ID: LineConnecting, gone.ID: LineOffline}))
	if seen.get().Reconnecting {
		t.Fatal("reconnecting shown while the server is there")
	}

	// The server goes away; it does not answer the next dial yet.
	net.hold(true)
	conn.deliver(Event{Kind: EventClosed, Code: 1006, Reason: "gone"})
	eventually(t, "the outage shown", func() bool { return seen.get().Reconnecting })
	eventually(t, "the lines say what is known without the server",
		lines(map[string]Line{a.ID: LineMediaOnly, b.ID: LineUnknown, gone.ID: LineOffline}))
	for id, l := range seen.get().Lines {
		if l == LineConnected {
			t.Errorf("%s shown connected while the server is away", id)
		}
	}
	// A media connection that breaks meanwhile is no longer running.
	peerOf(t, c, a.ID).setState(peerDisconnected)
	eventually(t, "a broken connection is unknown too", lines(map[string]Line{a.ID: LineUnknown}))
	peerOf(t, c, a.ID).setState(peerConnected)
	eventually(t, "media again", lines(map[string]Line{a.ID: LineMediaOnly}))

	// The server is back.
	next := net.next(t)
	next.open()
	message(next, protocol.TypeWelcome, welcome)
	eventually(t, "the notice goes", func() bool { return !seen.get().Reconnecting })
	eventually(t, "the lines are back", lines(map[string]Line{a.ID: LineConnected, b.ID: LineConnecting, gone.ID: LineOffline}))
	if n := len(peers.all()); n != 2 {
		t.Errorf("%d connections built, want the 2 kept through the outage", n)
	}
}

// The teacher's own microphone and camera: off and on again, in the view.
func TestTeacherCallTurnsItsOwnMicAndCameraOff(t *testing.T) {
	c, _, _, seen := startTeacher(t)
	c.SetMic(false)
	eventually(t, "mic off", func() bool { return seen.get().MicOff })
	c.SetCamera(false)
	eventually(t, "camera off", func() bool { v := seen.get(); return v.MicOff && v.CameraOff })
	c.SetMic(true)
	c.SetCamera(true)
	eventually(t, "both on again", func() bool { v := seen.get(); return !v.MicOff && !v.CameraOff })
}

// A student who joins without camera on a device without microphone is
// in the lesson all the same, and the view says why there is no sound.
func TestStudentWithoutDevicesIsIn(t *testing.T) {
	net, peers, seen := newFakeNet(), &fakePeers{}, &views[StudentView]{}
	c := &StudentCall{Code: "ABCD-EFGH", Name: "Lea", URL: "ws://test", Resume: &memResume{},
		Dial: net.dial, Peers: peers.make, Media: noDevices, OnView: seen.on}
	c.Start()
	t.Cleanup(c.Leave)
	welcomeStudent(net.next(t), false)
	eventually(t, "in, with the reason", func() bool {
		v := seen.get()
		return v.Phase == PhaseIn && v.Media == MediaProblem{Reason: MediaNotFound, Mic: true}
	})
	eventually(t, "offer sent to the teacher", func() bool { return len(peers.all()) == 1 })
}

// noDevices stands for a computer without camera and microphone.
func noDevices(Constraints) (Stream, error) { return Stream{}, notFound }

var notFound = &DOMError{Name: "NotFoundError", Message: "Requested device not found"}
