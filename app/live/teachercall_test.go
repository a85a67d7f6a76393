package live

import (
	"fmt"
	"testing"

	"ersatzraum/app/protocol"
)

// startTeacher runs a teacher's call against fakes and says welcome.
func startTeacher(t *testing.T, entries ...protocol.Entry) (*TeacherCall, *fakeConn, *fakePeers, *views[TeacherView]) {
	t.Helper()
	net, peers, seen := newFakeNet(), &fakePeers{}, &views[TeacherView]{}
	c := &TeacherCall{Lesson: "L1", URL: "ws://test", Dial: net.dial, Peers: peers.make, Media: noMedia, OnView: seen.on}
	c.Start()
	t.Cleanup(c.Stop)
	conn := net.next(t)
	message(conn, protocol.TypeWelcome, protocol.Welcome{Self: "teacher", Role: protocol.RoleTeacher,
		Lesson: protocol.LessonInfo{ID: "L1", Title: "7b Mathe", Code: "ABCD-EFGH"}, RollCall: entries})
	eventually(t, "welcome shown", func() bool { return seen.get().Title == "7b Mathe" })
	return c, conn, peers, seen
}

func student(n int) protocol.Entry {
	return protocol.Entry{ID: fmt.Sprintf("s%d", n), Name: fmt.Sprintf("Kind %d", n), Status: protocol.StatusPresent, Online: true, Camera: true}
}

// A class of 30 arrives at once: every message is delivered without the
// call having handled any (delivery must never wait), and every student
// gets an answer and a picture.
func TestTeacherCallTakesAClassAtOnce(t *testing.T) {
	_, conn, peers, seen := startTeacher(t)
	const class = 30
	for i := range class {
		e := student(i)
		message(conn, protocol.TypeParticipant, e)
		message(conn, protocol.TypeSignal, protocol.Signal{From: e.ID, Kind: protocol.SignalOffer, SDP: "offer"})
		for range 5 {
			message(conn, protocol.TypeSignal, protocol.Signal{From: e.ID, Kind: protocol.SignalCandidate, Candidate: &protocol.Candidate{Candidate: "candidate:1"}})
		}
	}
	eventually(t, "30 pictures in the view", func() bool {
		v := seen.get()
		return len(v.Streams) == class && len(v.Entries) == class
	})
	if got := len(conn.sentOf(protocol.TypeSignal)); got != class {
		t.Fatalf("%d answers sent, want %d", got, class)
	}
	for i, p := range peers.all() {
		eventually(t, "candidates applied", func() bool {
			p.mu.Lock()
			defer p.mu.Unlock()
			return p.candidates == 5
		})
		if p.closed {
			t.Fatalf("peer %d closed", i)
		}
	}
}

// A student who asks for sound only after joining gets no more video
// from the teacher, and gets it again when asking for the picture.
func TestTeacherCallFollowsSoundOnlyDuringTheLesson(t *testing.T) {
	e := student(1)
	_, conn, peers, _ := startTeacher(t, e)
	message(conn, protocol.TypeSignal, protocol.Signal{From: e.ID, Kind: protocol.SignalOffer, SDP: "offer"})
	eventually(t, "connection built", func() bool { return len(peers.all()) == 1 && peers.all()[0].video() })
	p := peers.all()[0]

	e.AudioOnly = true
	message(conn, protocol.TypeParticipant, e)
	eventually(t, "video stopped for a sound-only student", func() bool { return !p.video() })

	e.AudioOnly = false
	message(conn, protocol.TypeParticipant, e)
	eventually(t, "video again", func() bool { return p.video() })
}

// Media that breaks while signaling stays up is shown on the student's
// tile, and the notice goes when the connection is back.
func TestTeacherCallShowsAnInterruptedPicture(t *testing.T) {
	e := student(1)
	_, conn, peers, seen := startTeacher(t, e)
	message(conn, protocol.TypeSignal, protocol.Signal{From: e.ID, Kind: protocol.SignalOffer, SDP: "offer"})
	eventually(t, "connection answered", func() bool { return len(peers.all()) == 1 && len(conn.sentOf(protocol.TypeSignal)) == 1 })
	p := peers.all()[0]
	p.setState(peerConnected)
	p.setState(peerDisconnected)
	eventually(t, "interruption shown", func() bool { return seen.get().Interrupted[e.ID] })
	p.setState(peerConnected)
	eventually(t, "interruption cleared", func() bool { return !seen.get().Interrupted[e.ID] })
	if _, ok := seen.get().Streams[e.ID]; !ok {
		t.Fatal("the picture was dropped during the interruption")
	}
}

// The end of a lesson is shown as its end, not as the error of the
// connection that closes after it.
func TestTeacherCallEndIsNoError(t *testing.T) {
	_, conn, _, seen := startTeacher(t)
	message(conn, protocol.TypeLessonEnded, struct{}{})
	conn.deliver(Event{Kind: EventClosed, Code: protocol.CloseLessonEnded, Reason: protocol.ErrLessonEnded})
	eventually(t, "ended", func() bool { return seen.get().Ended })
	if v := seen.get(); v.Closed != "" {
		t.Fatalf("ended lesson shows the error %q", v.Closed)
	}
}

// A student who is in gets a connection, with the teacher's media, before
// its offer arrives (the browser's synchronous calls then happen while
// the class's media is still quiet), and the offer is answered on it. One
// who leaves before offering has it closed.
func TestTeacherBuildsTheConnectionBeforeTheOffer(t *testing.T) {
	_, conn, peers, _ := startTeacher(t)
	message(conn, protocol.TypeParticipant, student(1))
	eventually(t, "a connection built for the student", func() bool { return len(peers.all()) == 1 })
	p := peers.all()[0]
	eventually(t, "the teacher's media added", func() bool {
		p.mu.Lock()
		defer p.mu.Unlock()
		return p.streams == 1
	})
	message(conn, protocol.TypeSignal, protocol.Signal{From: "s1", Kind: protocol.SignalOffer, SDP: "offer"})
	eventually(t, "the offer answered", func() bool { return len(conn.sentOf(protocol.TypeSignal)) == 1 })
	if n := len(peers.all()); n != 1 {
		t.Fatalf("%d connections built, want only the one built ahead", n)
	}

	message(conn, protocol.TypeParticipant, student(2))
	eventually(t, "a connection built for the second", func() bool { return len(peers.all()) == 2 })
	gone := student(2)
	gone.Online = false
	message(conn, protocol.TypeParticipant, gone)
	second := peers.all()[1]
	eventually(t, "the unused connection closed", func() bool {
		second.mu.Lock()
		defer second.mu.Unlock()
		return second.closed
	})
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		t.Fatal("the first student's connection was closed")
	}
}
