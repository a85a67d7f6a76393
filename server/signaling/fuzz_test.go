package signaling

import (
	"encoding/json"
	"log/slog"
	"testing"

	"ersatzraum/app/protocol"
	"ersatzraum/server/codes"
)

// FuzzReceive feeds arbitrary messages to a fresh connection, to a joined
// student and to the teacher of a live lesson. Whatever arrives, the hub
// must not panic, must answer every message it sends with a valid
// envelope, and a student must never reach anyone but its own teacher or
// appear to be someone else. `make test` runs the seed corpus
// (testdata/fuzz/FuzzReceive plus the seeds below); `go test -fuzz
// FuzzReceive ./server/signaling` explores further.
func FuzzReceive(f *testing.F) {
	seeds := []string{
		`{"v":1,"type":"hello","data":{"role":"student","code":"ABCD-EFGH","name":"Lea"}}`,
		`{"v":1,"type":"hello","data":{"role":"teacher","lesson":"lesson-a"}}`,
		`{"v":1,"type":"signal","data":{"to":"teacher","kind":"offer","sdp":"v=0"}}`,
		`{"v":1,"type":"signal","data":{"to":"someone","kind":"candidate","candidate":{"candidate":"c"}}}`,
		`{"v":1,"type":"signal","data":{"kind":"answer"}}`,
		`{"v":1,"type":"end"}`,
		`{"v":2,"type":"hello"}`,
		`{"v":1,"type":"nope","data":[]}`,
		`{"v":1,"type":"hello","data":null}`,
		`{"v":1,"type":"signal","data":"x"}`,
		`{"v":1,"type":"groups-start","data":{"mode":"random","size":2,"minutes":1}}`,
		`{"v":1,"type":"groups-start","data":{"mode":"manual","groups":[["x","x"]]}}`,
		`{"v":1,"type":"groups-move","data":{"id":"","group":1}}`,
		`{"v":1,"type":"groups-visit","data":{"group":-1}}`,
		`{"v":1,"type":"groups-say","data":{"text":"\u202e"}}`,
		`{"v":1,"type":"groups-help","data":{"on":true}}`,
		`{"v":1,"type":"groups-end"}`,
		`{"v":1,"type":"chat","data":{"id":"x","to":"group","group":1,"text":"hallo"}}`,
		`not json`,
		``,
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		h := NewHub(&fakeRecorder{}, slog.New(slog.DiscardHandler))
		h.AddLesson(Lesson{ID: "lesson-a", TeacherID: "t-alice", Title: "Mathe", CodeHash: codes.HashCode("ABCDEFGH")}, nil)
		h.AddLesson(Lesson{ID: "lesson-b", TeacherID: "t-bob", Title: "Deutsch", CodeHash: codes.HashCode("JKMNPQRS")}, nil)

		teacherConn, otherTeacherConn := &fakeConn{}, &fakeConn{}
		teacher := h.Connect(teacherConn, Identity{TeacherID: "t-alice"})
		teacher.Receive(protocol.MustEncode(protocol.TypeHello, protocol.Hello{Role: protocol.RoleTeacher, Lesson: "lesson-a"}))
		otherTeacher := h.Connect(otherTeacherConn, Identity{TeacherID: "t-bob"})
		otherTeacher.Receive(protocol.MustEncode(protocol.TypeHello, protocol.Hello{Role: protocol.RoleTeacher, Lesson: "lesson-b"}))
		studentConn := &fakeConn{}
		student := h.Connect(studentConn, Identity{})
		student.Receive(protocol.MustEncode(protocol.TypeHello, protocol.Hello{Role: protocol.RoleStudent, Code: "ABCD-EFGH", Name: "Lea"}))
		var w protocol.Welcome
		decodeFirst(t, studentConn, protocol.TypeWelcome, &w)

		fresh := h.Connect(&fakeConn{}, Identity{})
		fresh.Receive(raw)
		student.Receive(raw)
		teacher.Receive(raw)

		for _, c := range []*fakeConn{teacherConn, otherTeacherConn, studentConn} {
			for _, msg := range c.sent() {
				if _, perr := protocol.Decode(msg); perr != nil {
					t.Fatalf("hub sent an invalid envelope %q: %v", msg, perr)
				}
			}
		}
		// The other lesson's teacher hears nothing from this lesson.
		for _, msg := range otherTeacherConn.sent()[1:] {
			env, _ := protocol.Decode(msg)
			if env.Type == protocol.TypeSignal || env.Type == protocol.TypeParticipant {
				t.Fatalf("lesson b received %s from lesson a", msg)
			}
		}
		// Every signal the teacher receives is from a participant of the
		// lesson, under that participant's real id.
		for _, msg := range teacherConn.sent() {
			env, _ := protocol.Decode(msg)
			if env.Type != protocol.TypeSignal {
				continue
			}
			var sig protocol.Signal
			if err := json.Unmarshal(env.Data, &sig); err != nil {
				t.Fatalf("bad signal %q", msg)
			}
			if sig.From != w.Self && !isParticipantOf(h, "lesson-a", sig.From) {
				t.Fatalf("teacher got a signal from %q, not a participant", sig.From)
			}
		}
	})
}

func isParticipantOf(h *Hub, lessonID, id string) bool {
	r := h.roomByID(lessonID)
	if r == nil {
		return false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	_, ok := r.students[id]
	return ok
}

func decodeFirst(t *testing.T, c *fakeConn, typ string, v any) {
	t.Helper()
	msgs := c.sent()
	if len(msgs) == 0 {
		t.Fatalf("nothing sent, want %s", typ)
	}
	env, perr := protocol.Decode(msgs[0])
	if perr != nil || env.Type != typ {
		t.Fatalf("first message %q, want %s", msgs[0], typ)
	}
	if err := json.Unmarshal(env.Data, v); err != nil {
		t.Fatal(err)
	}
}
