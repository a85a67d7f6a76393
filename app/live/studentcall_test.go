package live

import (
	"testing"

	"ersatzraum/app/protocol"
)

type memResume struct{ token string }

func (m *memResume) Load() string  { return m.token }
func (m *memResume) Save(t string) { m.token = t }

// startStudent runs a student's call against fakes.
func startStudent(t *testing.T) (*StudentCall, *fakeNet, *fakeConn, *fakePeers, *views[StudentView]) {
	t.Helper()
	net, peers, seen := newFakeNet(), &fakePeers{}, &views[StudentView]{}
	c := &StudentCall{Code: "ABCD-EFGH", Name: "Lea", URL: "ws://test", Resume: &memResume{},
		Dial: net.dial, Peers: peers.make, Media: noMedia, OnView: seen.on}
	c.Start()
	t.Cleanup(c.Leave)
	return c, net, net.next(t), peers, seen
}

func welcomeStudent(conn *fakeConn, called bool) {
	message(conn, protocol.TypeWelcome, protocol.Welcome{Self: "s1", Role: protocol.RoleStudent, Resume: "r1",
		TeacherOnline: true, Called: called, Lesson: protocol.LessonInfo{ID: "L1"}})
}

// After a reconnect (a server restart, say) the student shows what the
// welcome says about being called on, so that both sides agree.
func TestStudentCallTakesCalledFromTheWelcome(t *testing.T) {
	_, net, conn, _, seen := startStudent(t)
	welcomeStudent(conn, false)
	message(conn, protocol.TypeCalled, protocol.Called{On: true})
	eventually(t, "called on", func() bool { return seen.get().Called })

	// The server restarts; the call-on did not survive it.
	conn.deliver(Event{Kind: EventClosed, Code: protocol.CloseGoingAway, Reason: "restart"})
	conn = net.next(t)
	welcomeStudent(conn, false)
	eventually(t, "call-on ended after the restart", func() bool { v := seen.get(); return !v.Called && v.Phase == PhaseIn && !v.Reconnecting })
}

// The end of the lesson stays the end: the close that follows it (the
// call leaves) is not shown as an error.
func TestStudentCallEndIsNoError(t *testing.T) {
	_, _, conn, _, seen := startStudent(t)
	welcomeStudent(conn, false)
	message(conn, protocol.TypeLessonEnded, struct{}{})
	eventually(t, "ended", func() bool { return seen.get().Phase == PhaseEnded })
	if v := seen.get(); v.Closed != "" {
		t.Fatalf("the end shows the error %q", v.Closed)
	}
}

// Media that breaks while signaling stays up is shown, the connection is
// restarted, and the notice goes when the media is back.
func TestStudentCallShowsAndHealsAnInterruption(t *testing.T) {
	_, _, conn, peers, seen := startStudent(t)
	welcomeStudent(conn, false)
	eventually(t, "offer sent", func() bool { return len(peers.all()) == 1 })
	p := peers.all()[0]
	p.setState(peerConnected)
	p.setState(peerFailed)
	eventually(t, "interruption shown", func() bool { return seen.get().Interrupted })
	eventually(t, "ICE restarted", func() bool {
		p.mu.Lock()
		defer p.mu.Unlock()
		return p.restarts == 1
	})
	p.setState(peerConnected)
	eventually(t, "interruption cleared", func() bool { return !seen.get().Interrupted })
}

// Leaving is shown as leaving.
func TestStudentCallLeave(t *testing.T) {
	c, _, conn, peers, seen := startStudent(t)
	welcomeStudent(conn, false)
	eventually(t, "offer sent", func() bool { return len(peers.all()) == 1 })
	c.Leave()
	eventually(t, "left", func() bool { return seen.get().Phase == PhaseLeft })
	if !peers.all()[0].closed {
		t.Fatal("the connection to the teacher is still open after leaving")
	}
}

// The hand goes up with a message to the server and comes down when the
// teacher calls on the student.
func TestStudentCallHand(t *testing.T) {
	c, _, conn, _, seen := startStudent(t)
	welcomeStudent(conn, false)
	c.SetHand(true)
	eventually(t, "hand up", func() bool { return seen.get().HandUp && len(conn.sentOf(protocol.TypeHand)) == 1 })
	message(conn, protocol.TypeCalled, protocol.Called{On: true})
	eventually(t, "hand down when called on", func() bool { v := seen.get(); return v.Called && !v.HandUp })
}
