package signaling

import (
	"testing"
	"time"

	"ersatzraum/app/protocol"
	"ersatzraum/server/codes"
	"ersatzraum/server/roster"
)

// rollCallHub hosts class 7b (Lea, Ömer, Ida; late after 5 minutes) with a
// lesson that started at the hub clock's now.
func rollCallHub(t *testing.T) *testHub {
	t.Helper()
	h := newTestHub(t)
	h.SetClass(Class{
		ID: "class-7b", TeacherID: "t-alice", Name: "7b Mathe",
		CodeHash:  codes.HashCode(codes.NormalizeCode(classCode)),
		LateAfter: 5 * time.Minute,
		Roster: []RosterStudent{
			{ID: "lea", Name: "Lea", TokenHash: codes.HashToken("lea-token")},
			{ID: "oemer", Name: "Ömer", TokenHash: codes.HashToken("oemer-token")},
			{ID: "ida", Name: "Ida", TokenHash: codes.HashToken("ida-token")},
		},
	})
	h.AddLesson(Lesson{
		ID: "lesson-a", TeacherID: "t-alice", Title: "7b Mathe",
		CodeHash: codes.HashCode(codes.NormalizeCode(codeA)),
		ClassID:  "class-7b", Lobby: true, Start: h.clock.now(),
	}, nil)
	return h
}

func entryOf(t *testing.T, entries []protocol.Entry, id string) protocol.Entry {
	t.Helper()
	for _, e := range entries {
		if e.ID == id {
			return e
		}
	}
	t.Fatalf("no entry %s in %+v", id, entries)
	return protocol.Entry{}
}

func TestClassListIsOnTheRollCallFromTheStart(t *testing.T) {
	h := rollCallHub(t)
	_, w := h.joinTeacher(t, "t-alice", "lesson-a")
	if len(w.RollCall) != 3 {
		t.Fatalf("roll call = %+v", w.RollCall)
	}
	for _, e := range w.RollCall {
		if e.Status != protocol.StatusAbsent || e.Online || !e.Listed || e.JoinedAt != 0 {
			t.Errorf("listed student before joining: %+v", e)
		}
	}
	recorded, _ := h.rec.snapshot()
	if len(recorded) != 3 {
		t.Fatalf("absent lines not stored: %+v", recorded)
	}
}

func TestJoinIsPresentOrLateAndTeacherCanOverride(t *testing.T) {
	h := rollCallHub(t)
	teacher, _ := h.joinTeacher(t, "t-alice", "lesson-a")
	h.clock.advance(4 * time.Minute)
	studentHello(h, t, protocol.Hello{Personal: "lea-token"}).expect(protocol.TypeWelcome, nil)
	var e protocol.Entry
	teacher.expect(protocol.TypeParticipant, &e)
	if e.ID != "r-lea" || e.Status != protocol.StatusPresent {
		t.Fatalf("on time: %+v", e)
	}
	h.clock.advance(2 * time.Minute) // 6 minutes after the start
	studentHello(h, t, protocol.Hello{Personal: "oemer-token"}).expect(protocol.TypeWelcome, nil)
	teacher.expect(protocol.TypeParticipant, &e)
	if e.Status != protocol.StatusLate {
		t.Fatalf("after the limit: %+v", e)
	}

	// The teacher marks Ida excused and corrects Ömer to present.
	teacher.send(protocol.TypeMark, protocol.Mark{ID: "r-ida", Status: protocol.StatusExcused})
	teacher.expect(protocol.TypeParticipant, &e)
	if e.ID != "r-ida" || e.Status != protocol.StatusExcused {
		t.Fatalf("mark: %+v", e)
	}
	teacher.send(protocol.TypeMark, protocol.Mark{ID: "r-oemer", Status: protocol.StatusPresent})
	teacher.expect(protocol.TypeParticipant, &e)
	teacher.send(protocol.TypeMark, protocol.Mark{ID: "r-oemer", Status: "sick"})
	teacher.expectError(protocol.ErrBadPayload)
	teacher.send(protocol.TypeMark, protocol.Mark{ID: "nobody", Status: protocol.StatusAbsent})
	teacher.expectError(protocol.ErrUnknownPeer)

	// An excused student who shows up after all stays excused: the
	// teacher's word counts.
	h.clock.advance(time.Minute)
	studentHello(h, t, protocol.Hello{Personal: "ida-token"}).expect(protocol.TypeWelcome, nil)
	teacher.expect(protocol.TypeParticipant, &e)
	if e.Status != protocol.StatusExcused || !e.Online {
		t.Fatalf("excused then joined: %+v", e)
	}

	// A student may not mark anyone.
	lea := studentHello(h, t, protocol.Hello{Code: classCode, Name: "Lea"}) // second device
	lea.expect(protocol.TypeWelcome, nil)
	teacher.expect(protocol.TypeParticipant, nil)
	lea.send(protocol.TypeMark, protocol.Mark{ID: "r-lea", Status: protocol.StatusExcused})
	lea.expectError(protocol.ErrForbidden)

	// The history has the joins and every status change, in order.
	h.rec.mu.Lock()
	events := append([]roster.Event(nil), h.rec.events...)
	h.rec.mu.Unlock()
	var statuses []string
	for _, ev := range events {
		if ev.Kind == roster.EventStatus {
			statuses = append(statuses, ev.ParticipantID+":"+ev.Status)
		}
	}
	want := []string{"r-lea:present", "r-oemer:late", "r-ida:excused", "r-oemer:present"}
	if len(statuses) != len(want) {
		t.Fatalf("status events %v, want %v", statuses, want)
	}
	for i := range want {
		if statuses[i] != want[i] {
			t.Fatalf("status events %v, want %v", statuses, want)
		}
	}
}

func TestLeaveAndRejoinAreRecorded(t *testing.T) {
	h := rollCallHub(t)
	teacher, _ := h.joinTeacher(t, "t-alice", "lesson-a")
	lea := studentHello(h, t, protocol.Hello{Personal: "lea-token"})
	var w protocol.Welcome
	lea.expect(protocol.TypeWelcome, &w)
	teacher.expect(protocol.TypeParticipant, nil)
	h.clock.advance(10 * time.Minute)
	lea.gone()
	var e protocol.Entry
	teacher.expect(protocol.TypeParticipant, &e)
	if e.Online || e.LeftAt == 0 || e.Status != protocol.StatusPresent {
		t.Fatalf("after leaving: %+v", e)
	}
	h.clock.advance(time.Minute)
	studentHello(h, t, protocol.Hello{Personal: "lea-token", Resume: w.Resume}).expect(protocol.TypeWelcome, nil)
	teacher.expect(protocol.TypeParticipant, &e)
	if !e.Online || e.LeftAt != 0 || e.Status != protocol.StatusPresent {
		t.Fatalf("after rejoining (11 minutes in, still present): %+v", e)
	}
	h.rec.mu.Lock()
	defer h.rec.mu.Unlock()
	var kinds []string
	for _, ev := range h.rec.events {
		if ev.ParticipantID == "r-lea" && ev.Kind != roster.EventStatus {
			kinds = append(kinds, ev.Kind)
		}
	}
	if len(kinds) != 3 || kinds[0] != "join" || kinds[1] != "leave" || kinds[2] != "join" {
		t.Fatalf("history %v", kinds)
	}
}

func TestHandsCallOnMuteAndRemove(t *testing.T) {
	h := rollCallHub(t)
	teacher, _ := h.joinTeacher(t, "t-alice", "lesson-a")
	lea := studentHello(h, t, protocol.Hello{Personal: "lea-token"})
	lea.expect(protocol.TypeWelcome, nil)
	teacher.expect(protocol.TypeParticipant, nil)
	oemer := studentHello(h, t, protocol.Hello{Personal: "oemer-token"})
	oemer.expect(protocol.TypeWelcome, nil)
	teacher.expect(protocol.TypeParticipant, nil)

	// Ömer raises his hand first, then Lea: the times keep the order.
	oemer.send(protocol.TypeHand, protocol.Hand{Raised: true})
	var eo, el protocol.Entry
	teacher.expect(protocol.TypeParticipant, &eo)
	h.clock.advance(time.Second)
	lea.send(protocol.TypeHand, protocol.Hand{Raised: true})
	teacher.expect(protocol.TypeParticipant, &el)
	if eo.Hand == 0 || el.Hand <= eo.Hand {
		t.Fatalf("hands out of order: Ömer %d, Lea %d", eo.Hand, el.Hand)
	}
	// Raising again keeps the place in the queue.
	h.clock.advance(time.Second)
	oemer.send(protocol.TypeHand, protocol.Hand{Raised: true})
	var again protocol.Entry
	teacher.expect(protocol.TypeParticipant, &again)
	if again.Hand != eo.Hand {
		t.Fatal("raising twice moved Ömer to the back")
	}
	// The teacher may raise no hand; students may not call on anyone.
	teacher.send(protocol.TypeHand, protocol.Hand{Raised: true})
	teacher.expectError(protocol.ErrForbidden)
	lea.send(protocol.TypeCall, protocol.Target{ID: "r-oemer"})
	lea.expectError(protocol.ErrForbidden)

	// Calling on Ömer lowers his hand and tells him.
	teacher.send(protocol.TypeCall, protocol.Target{ID: "r-oemer"})
	var c protocol.Called
	oemer.expect(protocol.TypeCalled, &c)
	teacher.expect(protocol.TypeParticipant, &eo)
	if !c.On || !eo.Called || eo.Hand != 0 {
		t.Fatalf("call on: %+v %+v", c, eo)
	}
	// Calling on Lea ends Ömer's turn.
	teacher.send(protocol.TypeCall, protocol.Target{ID: "r-lea"})
	oemer.expect(protocol.TypeCalled, &c)
	if c.On {
		t.Fatal("Ömer still called on")
	}
	lea.expect(protocol.TypeCalled, &c)
	teacher.expect(protocol.TypeParticipant, nil)
	teacher.expect(protocol.TypeParticipant, nil)

	// Mute asks the student's page to turn the microphone off; the page
	// reports the result.
	teacher.send(protocol.TypeMute, protocol.Target{ID: "r-lea"})
	lea.expect(protocol.TypeMuted, nil)
	lea.send(protocol.TypeMedia, protocol.Media{Camera: true, Mic: false})
	teacher.expect(protocol.TypeParticipant, &el)
	if el.Mic || !el.Camera {
		t.Fatalf("media report: %+v", el)
	}

	// Remove sends Lea out; her personal link leads to the lobby now.
	teacher.send(protocol.TypeRemove, protocol.Target{ID: "r-lea"})
	lea.expectError(protocol.ErrRemoved)
	lea.expectClosed(protocol.CloseRemoved)
	teacher.expect(protocol.TypeParticipant, &el)
	if el.Online || el.Called {
		t.Fatalf("after remove: %+v", el)
	}
	back := studentHello(h, t, protocol.Hello{Personal: "lea-token"})
	back.expect(protocol.TypeWaiting, nil)
	var knock protocol.Knock
	teacher.expect(protocol.TypeLobbyAdd, &knock)
	if knock.ID != "r-lea" {
		t.Fatalf("knock = %+v", knock)
	}
	teacher.send(protocol.TypeAdmit, protocol.Admission{IDs: []string{"r-lea"}})
	var w protocol.Welcome
	back.expect(protocol.TypeWelcome, &w)
	if w.Self != "r-lea" {
		t.Fatalf("readmitted as %q", w.Self)
	}
}

// The student's welcome says whether it is called on, in agreement with
// the teacher's roll call: kept across a reconnect, gone after a server
// restart (the hub keeps call-ons in memory only), so that a page that
// still shows "you are called on" from before learns otherwise.
func TestWelcomeSaysWhetherCalledOn(t *testing.T) {
	h := rollCallHub(t)
	teacher, _ := h.joinTeacher(t, "t-alice", "lesson-a")
	lea := studentHello(h, t, protocol.Hello{Personal: "lea-token"})
	var w protocol.Welcome
	lea.expect(protocol.TypeWelcome, &w)
	if w.Called {
		t.Fatal("called on before the teacher did anything")
	}
	teacher.expect(protocol.TypeParticipant, nil)
	teacher.send(protocol.TypeCall, protocol.Target{ID: "r-lea"})
	lea.expect(protocol.TypeCalled, nil)
	teacher.expect(protocol.TypeParticipant, nil)

	// Reconnecting with the resume token, and joining afresh from another
	// window, both keep the call-on.
	lea.gone()
	resumed := studentHello(h, t, protocol.Hello{Personal: "lea-token", Resume: w.Resume})
	var rw protocol.Welcome
	resumed.expect(protocol.TypeWelcome, &rw)
	if rw.Self != "r-lea" || !rw.Called {
		t.Fatalf("resume after a call-on: %+v", rw)
	}
	other := studentHello(h, t, protocol.Hello{Personal: "lea-token"})
	var ow protocol.Welcome
	other.expect(protocol.TypeWelcome, &ow)
	if !ow.Called {
		t.Fatalf("second window after a call-on: %+v", ow)
	}
	if _, tw := h.joinTeacher(t, "t-alice", "lesson-a"); !entryOf(t, tw.RollCall, "r-lea").Called {
		t.Fatalf("teacher's roll call: %+v", tw.RollCall)
	}

	// The server restarts: a new hub restores the lesson from what the old
	// one stored.
	h.Shutdown()
	recorded, _ := h.rec.snapshot()
	last := map[string]roster.Line{}
	var order []string
	for _, l := range recorded {
		if _, ok := last[l.ParticipantID]; !ok {
			order = append(order, l.ParticipantID)
		}
		last[l.ParticipantID] = l
	}
	lines := make([]roster.Line, 0, len(order))
	for _, id := range order {
		lines = append(lines, last[id])
	}
	h2 := newTestHub(t)
	h2.SetClass(Class{
		ID: "class-7b", TeacherID: "t-alice", Name: "7b Mathe",
		CodeHash:  codes.HashCode(codes.NormalizeCode(classCode)),
		LateAfter: 5 * time.Minute,
		Roster: []RosterStudent{
			{ID: "lea", Name: "Lea", TokenHash: codes.HashToken("lea-token")},
			{ID: "oemer", Name: "Ömer", TokenHash: codes.HashToken("oemer-token")},
			{ID: "ida", Name: "Ida", TokenHash: codes.HashToken("ida-token")},
		},
	})
	h2.AddLesson(Lesson{
		ID: "lesson-a", TeacherID: "t-alice", Title: "7b Mathe",
		CodeHash: codes.HashCode(codes.NormalizeCode(codeA)),
		ClassID:  "class-7b", Lobby: true, Start: h.clock.now(),
	}, lines)
	teacher2, tw := h2.joinTeacher(t, "t-alice", "lesson-a")
	if e := entryOf(t, tw.RollCall, "r-lea"); e.Called {
		t.Fatalf("teacher's roll call after the restart: %+v", e)
	}
	back := studentHello(h2, t, protocol.Hello{Personal: "lea-token", Resume: w.Resume})
	var bw protocol.Welcome
	back.expect(protocol.TypeWelcome, &bw)
	if bw.Self != "r-lea" || bw.Called {
		t.Fatalf("welcome after the restart: %+v", bw)
	}
	var e protocol.Entry
	teacher2.expect(protocol.TypeParticipant, &e)
	if e.ID != "r-lea" || e.Called {
		t.Fatalf("teacher's entry after the restart: %+v", e)
	}
}
