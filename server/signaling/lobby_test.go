package signaling

import (
	"testing"

	"ersatzraum/app/protocol"
	"ersatzraum/server/codes"
)

const classCode = "MNPQ-RSTU"

// classHub hosts class "7b" with Lea and Ömer on the roster and a live
// lesson of that class with the lobby on.
func classHub(t *testing.T) *testHub {
	t.Helper()
	h := newTestHub(t)
	h.SetClass(Class{
		ID: "class-7b", TeacherID: "t-alice", Name: "7b Mathe",
		CodeHash: codes.HashCode(codes.NormalizeCode(classCode)),
		Roster: []RosterStudent{
			{ID: "lea", Name: "Lea Schulz", TokenHash: codes.HashToken("lea-token")},
			{ID: "oemer", Name: "Ömer Kaya", TokenHash: codes.HashToken("oemer-token")},
		},
	})
	h.AddLesson(Lesson{
		ID: "lesson-a", TeacherID: "t-alice", Title: "7b Mathe",
		CodeHash: codes.HashCode(codes.NormalizeCode(codeA)), Code: codeA,
		ClassID: "class-7b", Lobby: true,
	}, nil)
	return h
}

func studentHello(h *testHub, t *testing.T, hello protocol.Hello) *client {
	c := h.connect(t, Identity{})
	hello.Role = protocol.RoleStudent
	c.send(protocol.TypeHello, hello)
	return c
}

func TestRosterNameAndPersonalLinkSkipTheLobby(t *testing.T) {
	h := classHub(t)
	teacher, _ := h.joinTeacher(t, "t-alice", "lesson-a")

	// The class code with a name on the list (case and spaces do not count).
	lea := studentHello(h, t, protocol.Hello{Code: classCode, Name: "  lea   SCHULZ "})
	var w protocol.Welcome
	lea.expect(protocol.TypeWelcome, &w)
	if w.Self != "r-lea" || w.Name != "Lea Schulz" {
		t.Fatalf("roster student welcomed as %q %q", w.Self, w.Name)
	}
	var e protocol.Entry
	teacher.expect(protocol.TypeParticipant, &e)
	if e.ID != "r-lea" || e.Name != "Lea Schulz" || !e.Online {
		t.Fatalf("teacher got %+v", e)
	}

	// A personal link needs neither code nor name.
	oemer := studentHello(h, t, protocol.Hello{Personal: "oemer-token"})
	oemer.expect(protocol.TypeWelcome, &w)
	if w.Self != "r-oemer" || w.Name != "Ömer Kaya" {
		t.Fatalf("personal link welcomed as %q %q", w.Self, w.Name)
	}
	teacher.expect(protocol.TypeParticipant, &e)

	// The same roster student on a second device takes over the line.
	again := studentHello(h, t, protocol.Hello{Personal: "oemer-token"})
	again.expect(protocol.TypeWelcome, &w)
	oemer.expectClosed(protocol.CloseReplaced)
	if w.Self != "r-oemer" {
		t.Fatalf("second device got a new identity %q", w.Self)
	}
}

func TestStrangerWaitsAndTeacherAdmitsOrRejects(t *testing.T) {
	h := classHub(t)
	teacher, _ := h.joinTeacher(t, "t-alice", "lesson-a")

	eve := studentHello(h, t, protocol.Hello{Code: classCode, Name: "Eve"})
	eve.expect(protocol.TypeWaiting, nil)
	var knock protocol.Knock
	teacher.expect(protocol.TypeLobbyAdd, &knock)
	if knock.Name != "Eve" || knock.ID == "" {
		t.Fatalf("knock = %+v", knock)
	}
	eveID := knock.ID
	// Waiting students cannot signal and are not on the roll call.
	eve.send(protocol.TypeSignal, offer(protocol.TeacherPeer, "v=0"))
	eve.expectError(protocol.ErrForbidden)
	teacher.expectNothing()

	// Ad-hoc code of the same lesson: also the lobby.
	mal := studentHello(h, t, protocol.Hello{Code: codeA, Name: "Mallory"})
	mal.expect(protocol.TypeWaiting, nil)
	teacher.expect(protocol.TypeLobbyAdd, &knock)
	if knock.Name != "Mallory" || knock.ID == eveID {
		t.Fatalf("knock = %+v", knock)
	}
	malID := knock.ID

	// Students may not admit anyone.
	lea := studentHello(h, t, protocol.Hello{Personal: "lea-token"})
	lea.expect(protocol.TypeWelcome, nil)
	teacher.expect(protocol.TypeParticipant, nil)
	lea.send(protocol.TypeAdmit, protocol.Admission{IDs: []string{malID}})
	lea.expectError(protocol.ErrForbidden)
	mal.expectNothing()

	teacher.send(protocol.TypeAdmit, protocol.Admission{IDs: []string{eveID}})
	var w protocol.Welcome
	eve.expect(protocol.TypeWelcome, &w)
	if w.Self != eveID || w.Resume == "" {
		t.Fatalf("admitted student welcomed as %+v", w)
	}
	var e protocol.Entry
	teacher.expect(protocol.TypeParticipant, &e)
	if e.ID != eveID || e.Status != protocol.StatusPresent {
		t.Fatalf("roll call entry %+v", e)
	}
	var left protocol.LobbyRemoval
	teacher.expect(protocol.TypeLobbyRemove, &left)
	if len(left.IDs) != 1 || left.IDs[0] != eveID {
		t.Fatalf("lobby change after admit = %+v", left)
	}
	// Admitting twice is harmless, and changes nothing.
	teacher.send(protocol.TypeAdmit, protocol.Admission{IDs: []string{eveID}})
	teacher.expectNothing()

	teacher.send(protocol.TypeReject, protocol.Admission{IDs: []string{malID}})
	mal.expectError(protocol.ErrRejected)
	mal.expectClosed(protocol.CloseRejected)
	teacher.expect(protocol.TypeLobbyRemove, &left)
	if len(left.IDs) != 1 || left.IDs[0] != malID {
		t.Fatalf("lobby change after reject = %+v", left)
	}
	recorded, _ := h.rec.snapshot()
	for _, l := range recorded {
		if l.Name == "Mallory" {
			t.Fatal("a rejected student was recorded on the roll call")
		}
	}
}

func TestWaitingStudentWhoLeavesDisappearsFromTheLobby(t *testing.T) {
	h := classHub(t)
	eve := studentHello(h, t, protocol.Hello{Code: classCode, Name: "Eve"})
	eve.expect(protocol.TypeWaiting, nil)
	// The teacher connects later and sees who waits.
	teacher, w := h.joinTeacher(t, "t-alice", "lesson-a")
	if len(w.Lobby) != 1 || w.Lobby[0].Name != "Eve" {
		t.Fatalf("teacher's welcome lobby = %+v", w.Lobby)
	}
	eve.gone()
	var left protocol.LobbyRemoval
	teacher.expect(protocol.TypeLobbyRemove, &left)
	if len(left.IDs) != 1 || left.IDs[0] != w.Lobby[0].ID {
		t.Fatalf("lobby change = %+v", left)
	}
}

func TestLockedLessonAdmitsNobodyNewButLetsStudentsResume(t *testing.T) {
	h := classHub(t)
	teacher, _ := h.joinTeacher(t, "t-alice", "lesson-a")
	lea := studentHello(h, t, protocol.Hello{Personal: "lea-token"})
	var w protocol.Welcome
	lea.expect(protocol.TypeWelcome, &w)
	teacher.expect(protocol.TypeParticipant, nil)

	lea.send(protocol.TypeLock, protocol.LockState{Locked: true})
	lea.expectError(protocol.ErrForbidden)

	teacher.send(protocol.TypeLock, protocol.LockState{Locked: true})
	var ls protocol.LockState
	teacher.expect(protocol.TypeLessonState, &ls)
	if !ls.Locked {
		t.Fatal("lock not confirmed")
	}
	if h.rec.locks[len(h.rec.locks)-1] != (recordedLock{"lesson-a", true}) {
		t.Fatalf("lock not recorded: %+v", h.rec.locks)
	}
	for _, hello := range []protocol.Hello{{Personal: "oemer-token"}, {Code: classCode, Name: "Eve"}, {Code: codeA, Name: "Ömer Kaya"}} {
		c := studentHello(h, t, hello)
		c.expectError(protocol.ErrLocked)
		c.expectClosed(protocol.CloseLocked)
	}
	// Lea's connection drops; she comes back with her resume token.
	lea.gone()
	teacher.expect(protocol.TypeParticipant, nil)
	back := studentHello(h, t, protocol.Hello{Personal: "lea-token", Resume: w.Resume})
	var w2 protocol.Welcome
	back.expect(protocol.TypeWelcome, &w2)
	if w2.Self != "r-lea" {
		t.Fatalf("resume in a locked lesson: %+v", w2)
	}
	teacher.send(protocol.TypeLock, protocol.LockState{Locked: false})
	teacher.expect(protocol.TypeParticipant, nil)
	teacher.expect(protocol.TypeLessonState, &ls)
	studentHello(h, t, protocol.Hello{Personal: "oemer-token"}).expect(protocol.TypeWelcome, nil)
}

func TestClassWithoutLessonAndRemovedLinks(t *testing.T) {
	h := newTestHub(t)
	h.SetClass(Class{
		ID: "class-9a", TeacherID: "t-bob", Name: "9a Deutsch",
		CodeHash: codes.HashCode(codes.NormalizeCode(classCode)),
		Roster:   []RosterStudent{{ID: "ida", Name: "Ida", TokenHash: codes.HashToken("ida-token")}},
	})
	for _, hello := range []protocol.Hello{{Code: classCode, Name: "Ida"}, {Personal: "ida-token"}} {
		c := studentHello(h, t, hello)
		c.expectError(protocol.ErrNotStarted)
		c.expectClosed(protocol.CloseNotStarted)
	}
	// A renewed code and a new roster: old code and removed link stop working.
	h.SetClass(Class{
		ID: "class-9a", TeacherID: "t-bob", Name: "9a Deutsch",
		CodeHash: codes.HashCode(codes.NormalizeCode(codeB)),
	})
	for _, hello := range []protocol.Hello{{Code: classCode, Name: "Ida"}, {Personal: "ida-token"}} {
		c := studentHello(h, t, hello)
		c.expectError(protocol.ErrUnknownLesson)
	}
	studentHello(h, t, protocol.Hello{Code: codeB, Name: "Ida"}).expectError(protocol.ErrNotStarted)
	h.RemoveClass("class-9a")
	studentHello(h, t, protocol.Hello{Code: codeB, Name: "Ida"}).expectError(protocol.ErrUnknownLesson)
}

func TestEndSendsWaitingStudentsHome(t *testing.T) {
	h := classHub(t)
	teacher, _ := h.joinTeacher(t, "t-alice", "lesson-a")
	eve := studentHello(h, t, protocol.Hello{Code: classCode, Name: "Eve"})
	eve.expect(protocol.TypeWaiting, nil)
	teacher.expect(protocol.TypeLobbyAdd, nil)
	teacher.send(protocol.TypeEnd, nil)
	eve.expect(protocol.TypeLessonEnded, nil)
	eve.expectClosed(protocol.CloseLessonEnded)
	// The class has no live lesson any more.
	studentHello(h, t, protocol.Hello{Personal: "lea-token"}).expectError(protocol.ErrNotStarted)
}

// A personal link works whatever case it is typed in, as it does for the
// board: the token's hash normalises.
func TestPersonalLinkInAnyCase(t *testing.T) {
	h := classHub(t)
	h.joinTeacher(t, "t-alice", "lesson-a")
	oemer := studentHello(h, t, protocol.Hello{Personal: "OEMER-Token"})
	var w protocol.Welcome
	oemer.expect(protocol.TypeWelcome, &w)
	if w.Self != "r-oemer" {
		t.Fatalf("upper-cased personal link welcomed as %q", w.Self)
	}
}

// Listed comes from how a student got in, not from the shape of its id:
// a class-list student is listed, a stranger let in from the lobby is not.
func TestListedMeansOnTheClassList(t *testing.T) {
	h := classHub(t)
	teacher, _ := h.joinTeacher(t, "t-alice", "lesson-a")
	var e protocol.Entry
	studentHello(h, t, protocol.Hello{Personal: "lea-token"}).expect(protocol.TypeWelcome, nil)
	teacher.expect(protocol.TypeParticipant, &e)
	if e.ID != codes.ListedParticipantID("lea") || !e.Listed {
		t.Fatalf("class-list student: %+v", e)
	}
	eve := studentHello(h, t, protocol.Hello{Code: classCode, Name: "Eve"})
	eve.expect(protocol.TypeWaiting, nil)
	var knock protocol.Knock
	teacher.expect(protocol.TypeLobbyAdd, &knock)
	teacher.send(protocol.TypeAdmit, protocol.Admission{IDs: []string{knock.ID}})
	eve.expect(protocol.TypeWelcome, nil)
	teacher.expect(protocol.TypeParticipant, &e)
	if e.Name != "Eve" || e.Listed {
		t.Fatalf("admitted stranger: %+v", e)
	}
}
