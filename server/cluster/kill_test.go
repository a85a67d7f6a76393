package cluster_test

import (
	"testing"
	"time"

	"ersatzraum/app/protocol"
)

// The host of a lesson is killed with SIGKILL in the middle of the
// lesson. Its own clients lose their connections at once; a student
// linked to it from the other node is told to go (CloseGoingAway) when
// the host falls silent. All of them reconnect to the surviving node,
// which claims the lesson once the dead host's lease has run out and
// restores it from storage: the students resume with their resume tokens
// (same participant, no lobby), the roll call is as it was, and the
// signals flow again. The host is killed right after the teacher saw
// the last change: nothing that a client was told is lost.
func TestHostKilledMidLesson(t *testing.T) {
	tc := newCluster(t)
	a, b := tc.start("kill-a"), tc.start("kill-b")
	hc := teacherHTTP(t, a)
	lesson := startLesson(t, hc, a, "7b Mathe")
	teacher := teacherJoin(t, a, hc, lesson.ID, nil)
	ada, adaW := studentJoin(t, b, teacher, lesson.Code, "Ada") // linked from b to the host a
	ben, benW := studentJoin(t, a, teacher, lesson.Code, "Ben") // on the host itself
	teacher.send(protocol.TypeMark, protocol.Mark{ID: benW.Self, Status: protocol.StatusLate})
	awaitEntry(t, teacher, benW.Self, func(e protocol.Entry) bool { return e.Status == protocol.StatusLate })
	// Killed the moment the teacher has seen the mark: whatever a client
	// was told is stored already (commit.go), nothing is waited for.
	a.kill(t)
	killed := time.Now()
	if code := closeCode(t, ada); code != protocol.CloseGoingAway {
		t.Errorf("Ada's link to the dead host closed with %d, want %d (going away: reconnect)", code, protocol.CloseGoingAway)
	}
	t.Logf("Ada told to reconnect %v after the kill", time.Since(killed).Round(10*time.Millisecond))

	type back struct {
		p *peer
		w protocol.Welcome
		t time.Duration
	}
	rejoin := func(name string, hello protocol.Hello, withCookie bool) back {
		deadline := time.Now().Add(30 * time.Second)
		for attempt := 1; ; attempt++ {
			if time.Now().After(deadline) {
				t.Fatalf("%s did not get back into the lesson within 30 s of the kill", name)
			}
			var p *peer
			var err error
			if withCookie {
				p, err = dial(t, b, name+"@kill-b", hc)
			} else {
				p, err = dial(t, b, name+"@kill-b", nil)
			}
			if err == nil {
				p.send(protocol.TypeHello, hello)
				if env, ok := p.await(protocol.TypeWelcome); ok {
					var w protocol.Welcome
					if perr := protocol.DecodeData(env, &w); perr != nil {
						t.Fatal(perr)
					}
					return back{p, w, time.Since(killed)}
				}
				p.ws.Close()
			}
			time.Sleep(500 * time.Millisecond) // the browser's first backoff
		}
	}
	adaBack := rejoin("Ada", protocol.Hello{Role: protocol.RoleStudent, Code: lesson.Code, Name: "Ada", Resume: adaW.Resume}, false)
	benBack := rejoin("Ben", protocol.Hello{Role: protocol.RoleStudent, Code: lesson.Code, Name: "Ben", Resume: benW.Resume}, false)
	teacherBack := rejoin("teacher", protocol.Hello{Role: protocol.RoleTeacher, Lesson: lesson.ID}, true)
	t.Logf("back in the lesson after the kill: Ada %v, Ben %v, teacher %v (lease %v)",
		adaBack.t.Round(10*time.Millisecond), benBack.t.Round(10*time.Millisecond), teacherBack.t.Round(10*time.Millisecond), testLease)

	if adaBack.w.Self != adaW.Self || benBack.w.Self != benW.Self {
		t.Errorf("resumed as %s and %s, want %s and %s (the same participants)", adaBack.w.Self, benBack.w.Self, adaW.Self, benW.Self)
	}
	checkRollCall(t, teacherBack.w.RollCall, map[string]string{adaW.Self: protocol.StatusPresent, benW.Self: protocol.StatusLate})
	for _, e := range teacherBack.w.RollCall {
		if !e.Online {
			t.Errorf("roll call after the move: %s offline, but reconnected", e.Name)
		}
	}
	exchange(t, teacherBack.p, adaBack.p, adaW.Self)
	exchange(t, teacherBack.p, benBack.p, benW.Self)
	waitAttendance(t, hc, b, lesson.ID, map[string]string{"Ada": protocol.StatusPresent, "Ben": protocol.StatusLate})
	_ = ben
}

// closeCode waits for p's connection to end and returns its close code.
func closeCode(t *testing.T, p *peer) int {
	t.Helper()
	for {
		select {
		case code := <-p.closed:
			return code
		case _, open := <-p.in:
			if !open {
				return <-p.closed
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("%s: connection still open 30 s after the host died", p.name)
		}
	}
}
