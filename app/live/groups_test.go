// The fakes label their streams, which only the stand-in Stream can.

//go:build !wasm

package live

import (
	"encoding/json"
	"testing"

	"ersatzraum/app/protocol"
)

func groupsOf(visiting int, groups ...[]string) protocol.GroupsState {
	st := protocol.GroupsState{Active: true, Visiting: visiting}
	for i, ids := range groups {
		g := protocol.Group{N: i + 1}
		for _, id := range ids {
			g.Members = append(g.Members, protocol.GroupMember{ID: id, Name: "Kind " + id, Online: true})
		}
		st.Groups = append(st.Groups, g)
	}
	return st
}

// sendsTo waits until connection i carries the teacher's picture and
// sound (on) or nothing (off).
func sendsTo(t *testing.T, what string, r *rig, i int, on bool) {
	t.Helper()
	eventually(t, what, func() bool {
		picture, audio, _ := r.peers.all()[i].sending()
		if on {
			return picture == camera && audio == camera
		}
		return picture == Stream{} && audio == Stream{}
	})
}

// During group work the teacher's picture and sound go only to the group
// visited, and the page plays only that group's sound; "Alle
// zurückholen" gives every connection the teacher again, on the same
// connections (nothing rebuilt, nothing renegotiated).
func TestTeacherVisitsOneGroupAtATime(t *testing.T) {
	s1, s2, s3 := student(1), student(2), student(3)
	r := startRig(t, s1, s2, s3)
	for i := range 3 {
		sendsTo(t, "the class hears the teacher", r, i, true)
	}
	message(r.conn, protocol.TypeGroups, groupsOf(0, []string{"s1", "s2"}, []string{"s3"}))
	for i := range 3 {
		sendsTo(t, "no group hears the teacher before a visit", r, i, false)
	}
	if v := r.seen.get(); v.Hears("s1") || v.Hears("s3") {
		t.Fatal("the teacher's page plays a group it does not visit")
	}

	message(r.conn, protocol.TypeGroups, groupsOf(1, []string{"s1", "s2"}, []string{"s3"}))
	sendsTo(t, "group 1 hears the visiting teacher", r, 0, true)
	sendsTo(t, "group 1 hears the visiting teacher", r, 1, true)
	sendsTo(t, "group 2 does not", r, 2, false)
	eventually(t, "the teacher hears group 1", func() bool { v := r.seen.get(); return v.Hears("s1") && v.Hears("s2") && !v.Hears("s3") })

	message(r.conn, protocol.TypeGroups, protocol.GroupsState{Active: false})
	for i := range 3 {
		sendsTo(t, "everyone hears the teacher after Alle zurückholen", r, i, true)
	}
	if n := len(r.peers.all()); n != 3 {
		t.Fatalf("%d connections, want the same 3", n)
	}
	for i, p := range r.peers.all() {
		p.mu.Lock()
		closed := p.closed
		p.mu.Unlock()
		if closed {
			t.Fatalf("connection %d was closed", i)
		}
	}
	eventually(t, "the view shows the class together", func() bool { return r.seen.get().Groups == nil })
}

// A student who joins a group the teacher does not visit is connected,
// but gets neither picture nor sound until the teacher comes by.
func TestLatecomerInAnUnvisitedGroupGetsNoTeacher(t *testing.T) {
	s1 := student(1)
	r := startRig(t, s1)
	message(r.conn, protocol.TypeGroups, groupsOf(0, []string{"s1", "s2"}))
	message(r.conn, protocol.TypeParticipant, student(2))
	offer(r.conn, "s2")
	eventually(t, "s2 connected", func() bool { return len(r.seen.get().Streams) == 2 })
	sendsTo(t, "the latecomer's group is not visited", r, 1, false)
}

// startGroupStudent runs a student's call in the lesson, with one
// connection to the teacher.
func startGroupStudent(t *testing.T) (*StudentCall, *fakeConn, *fakePeers, *views[StudentView]) {
	t.Helper()
	c, _, conn, peers, seen := startStudent(t)
	welcomeStudent(conn, false)
	eventually(t, "offer to the teacher", func() bool { return len(peers.all()) == 1 })
	return c, conn, peers, seen
}

func memberState(self string, visiting int, members map[string]bool) protocol.GroupsState {
	g := protocol.Group{N: 2}
	for _, tag := range []string{"a", "b", "c", "d"} {
		if online, ok := members[tag]; ok {
			g.Members = append(g.Members, protocol.GroupMember{ID: tag, Name: "Kind " + tag, Online: online})
		}
	}
	return protocol.GroupsState{Active: true, Self: self, Visiting: visiting, Groups: []protocol.Group{g}, Task: "Aufgabe 3"}
}

// signalsTo returns the signals the student sent to tag, by kind.
func signalsTo(conn *fakeConn, tag string) map[string]int {
	out := make(map[string]int)
	for _, raw := range conn.sentOf(protocol.TypeSignal) {
		var sig protocol.Signal
		json.Unmarshal(raw, &sig)
		if sig.To == tag {
			out[sig.Kind]++
		}
	}
	return out
}

// In a group the member whose tag sorts first offers; the other answers.
// A member who goes offline is hung up and offered to again when back.
// Back in the class, the group's connections close and the one to the
// teacher is the same as before.
func TestStudentMeshesWithTheGroup(t *testing.T) {
	_, conn, peers, seen := startGroupStudent(t)
	teacherPeer := peers.all()[0]
	message(conn, protocol.TypeGroups, memberState("b", 0, map[string]bool{"a": true, "b": true, "c": true}))
	eventually(t, "b offers to c", func() bool { return signalsTo(conn, "c")[protocol.SignalOffer] == 1 })
	if n := signalsTo(conn, "a")[protocol.SignalOffer]; n != 0 {
		t.Fatalf("b offered to a, whose tag sorts first (%d offers)", n)
	}
	message(conn, protocol.TypeSignal, protocol.Signal{From: "a", Kind: protocol.SignalOffer, SDP: "offer"})
	eventually(t, "b answers a", func() bool { return signalsTo(conn, "a")[protocol.SignalAnswer] == 1 })
	eventually(t, "the view shows the group", func() bool {
		g := seen.get().Group
		return g.Active && g.N == 2 && g.Task == "Aufgabe 3" && len(g.Members) == 2
	})
	if n := len(peers.all()); n != 3 {
		t.Fatalf("%d connections, want teacher + 2 members", n)
	}

	message(conn, protocol.TypeGroups, memberState("b", 0, map[string]bool{"a": true, "b": true, "c": false}))
	eventually(t, "c hung up", func() bool {
		p := peers.all()[1] // b offered to c before a's offer came
		p.mu.Lock()
		defer p.mu.Unlock()
		return p.closed
	})
	message(conn, protocol.TypeGroups, memberState("b", 2, map[string]bool{"a": true, "b": true, "c": true}))
	eventually(t, "b offers to c again", func() bool { return signalsTo(conn, "c")[protocol.SignalOffer] == 2 })
	eventually(t, "the visit shows", func() bool { return seen.get().Group.Visited })

	message(conn, protocol.TypeGroups, protocol.GroupsState{Active: false})
	eventually(t, "back in the class", func() bool { return !seen.get().Group.Active })
	for i, p := range peers.all() {
		p.mu.Lock()
		closed := p.closed
		p.mu.Unlock()
		if want := i != 0; closed != want {
			t.Fatalf("connection %d closed=%v, want %v", i, closed, want)
		}
	}
	if peers.all()[0] != teacherPeer {
		t.Fatal("the teacher's connection was replaced")
	}
}

// Negotiation from the teacher still reaches the connection to the
// teacher during group work, not a member's.
func TestTeacherSignalsStayWithTheTeacher(t *testing.T) {
	_, conn, peers, _ := startGroupStudent(t)
	message(conn, protocol.TypeGroups, memberState("a", 0, map[string]bool{"a": true, "b": true}))
	eventually(t, "a offers to b", func() bool { return len(peers.all()) == 2 })
	message(conn, protocol.TypeSignal, protocol.Signal{From: protocol.TeacherPeer, Kind: protocol.SignalCandidate, Candidate: &protocol.Candidate{Candidate: "candidate:1"}})
	eventually(t, "candidate on the teacher's connection", func() bool {
		p := peers.all()[0]
		p.mu.Lock()
		defer p.mu.Unlock()
		return p.candidates == 1
	})
	if p := peers.all()[1]; p.candidates != 0 {
		t.Fatal("the teacher's candidate went to a member")
	}
}

// Chat during group work goes to the group, a question still to the
// teacher.
func TestGroupChatGoesToTheGroup(t *testing.T) {
	c, conn, _, seen := startGroupStudent(t)
	message(conn, protocol.TypeGroups, memberState("a", 0, map[string]bool{"a": true, "b": true}))
	eventually(t, "in a group", func() bool { return seen.get().Group.N == 2 })
	c.SendChat("Wer schreibt?", false)
	c.SendChat("Frage", true)
	eventually(t, "two chats sent", func() bool { return len(conn.sentOf(protocol.TypeChat)) == 2 })
	var first, second protocol.ChatSend
	json.Unmarshal(conn.sentOf(protocol.TypeChat)[0], &first)
	json.Unmarshal(conn.sentOf(protocol.TypeChat)[1], &second)
	if first.To != protocol.ChatToGroup || second.To != protocol.ChatToTeacher {
		t.Fatalf("chat went to %q and %q, want group and teacher", first.To, second.To)
	}
}
