package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"ersatzraum/app/protocol"
	"ersatzraum/server/codes"
)

// The kinds of caller every endpoint and message is checked against.
const (
	anonymous    = "anonymous"
	studentHere  = "student of this class"
	studentThere = "student of another class"
	owner        = "owning teacher"
	otherTeacher = "another teacher"
	admin        = "admin"
)

var callers = []string{anonymous, studentHere, studentThere, owner, otherTeacher, admin}

// authzWorld is Alice's class 7b with a running lesson, Bob's class 9a
// with one too, and Carol, an admin, who owns nothing.
type authzWorld struct {
	e                      *env
	cookies                map[string]*http.Cookie // by caller; students have none
	classA, classB         protocol.ClassDetail
	lessonA, lessonB       protocol.CreatedLesson
	leaToken, idaToken     string // personal links of Lea (7b) and Ida (9a)
	teacherAWS, teacherBWS *websocket.Conn
	eve                    *websocket.Conn // waits in Alice's lobby
	eveID                  string
	max                    *websocket.Conn // in Alice's lesson: what happens to him shows
	maxID                  string
}

// knock puts Eve, who is not on the class list, into Alice's lobby.
func (w *authzWorld) knock(t *testing.T) {
	w.eve = dialWS(t, w.e, nil)
	sendWS(t, w.eve, protocol.TypeHello, protocol.Hello{Role: protocol.RoleStudent, Code: w.classA.Code, Name: "Eve"})
	readWS(t, w.eve, protocol.TypeWaiting, nil)
	var knock protocol.Knock
	readWS(t, w.teacherAWS, protocol.TypeLobbyAdd, &knock)
	w.eveID = knock.ID
	// Max, on the class list, is in the lesson: calls, mutes and removals
	// aimed at him show whether a message took effect.
	w.max = dialWS(t, w.e, nil)
	sendWS(t, w.max, protocol.TypeHello, protocol.Hello{Role: protocol.RoleStudent, Personal: lastPathPart(w.classA.Students[1].Link)})
	var mw protocol.Welcome
	readWS(t, w.max, protocol.TypeWelcome, &mw)
	w.maxID = mw.Self
	readWS(t, w.teacherAWS, protocol.TypeParticipant, nil)
}

func newAuthzWorld(t *testing.T) *authzWorld {
	e := newEnv(t)
	w := &authzWorld{e: e, cookies: map[string]*http.Cookie{}}
	_, tokA := e.teacher("Alice")
	_, tokB := e.teacher("Bob")
	carol, tokC := e.teacher("Carol")
	if err := e.db.SetAdmin(context.Background(), carol.ID, true); err != nil {
		t.Fatal(err)
	}
	w.cookies[owner], w.cookies[otherTeacher], w.cookies[admin] = e.login(tokA), e.login(tokB), e.login(tokC)

	_, w.classA = e.class(w.cookies[owner], "POST", "/api/classes", `{"name":"7b"}`)
	_, w.classA = e.class(w.cookies[owner], "POST", "/api/classes/"+w.classA.ID+"/students", `{"names":["Lea","Max"]}`)
	_, w.classB = e.class(w.cookies[otherTeacher], "POST", "/api/classes", `{"name":"9a"}`)
	_, w.classB = e.class(w.cookies[otherTeacher], "POST", "/api/classes/"+w.classB.ID+"/students", `{"names":["Ida"]}`)
	w.leaToken = lastPathPart(w.classA.Students[0].Link)
	w.idaToken = lastPathPart(w.classB.Students[0].Link)
	decodeJSON(t, e.do("POST", "/api/lessons", jsonBody(`{"classId":"`+w.classA.ID+`"}`), w.cookies[owner]), &w.lessonA)
	decodeJSON(t, e.do("POST", "/api/lessons", jsonBody(`{"classId":"`+w.classB.ID+`"}`), w.cookies[otherTeacher]), &w.lessonB)
	w.teacherAWS = w.teacherWS(t, w.cookies[owner], w.lessonA.ID)
	w.teacherBWS = w.teacherWS(t, w.cookies[otherTeacher], w.lessonB.ID)
	return w
}

func lastPathPart(u string) string { return u[strings.LastIndex(u, "/")+1:] }

func (w *authzWorld) teacherWS(t *testing.T, cookie *http.Cookie, lessonID string) *websocket.Conn {
	ws := dialWS(t, w.e, cookie)
	sendWS(t, ws, protocol.TypeHello, protocol.Hello{Role: protocol.RoleTeacher, Lesson: lessonID})
	readWS(t, ws, protocol.TypeWelcome, nil)
	return ws
}

// connect opens a signaling connection as caller and returns it joined
// where that caller can join: students in their class's lesson, teachers
// not yet (the message under test may be their hello).
func (w *authzWorld) connect(t *testing.T, caller string) *websocket.Conn {
	switch caller {
	case studentHere, studentThere:
		token := w.leaToken
		if caller == studentThere {
			token = w.idaToken
		}
		ws := dialWS(t, w.e, nil)
		sendWS(t, ws, protocol.TypeHello, protocol.Hello{Role: protocol.RoleStudent, Personal: token})
		readWS(t, ws, protocol.TypeWelcome, nil)
		return ws
	}
	return dialWS(t, w.e, w.cookies[caller])
}

// TestHTTPAuthorization: every endpoint against every caller.
func TestHTTPAuthorization(t *testing.T) {
	w := newAuthzWorld(t)
	a, b := w.classA, w.classB
	bw := newAuthzBoard(t, w) // an assignment of 7b with a worksheet and Max's hand-in
	type endpoint struct {
		method, path, body string
		allowed            []string
	}
	teachers := []string{owner, otherTeacher, admin}
	endpoints := []endpoint{
		{"GET", "/api/me", "", teachers},
		{"POST", "/api/lessons", `{"title":"Vertretung"}`, teachers},
		{"POST", "/api/lessons", `{"classId":"` + a.ID + `"}`, []string{owner}},
		{"GET", "/api/lessons/" + w.lessonA.ID + "/attendance", "", []string{owner}},
		{"GET", "/api/lessons", "", teachers}, // each teacher their own lessons (recentlessons_test.go)
		{"GET", "/api/classes", "", teachers},
		{"POST", "/api/classes", `{"name":"neu"}`, teachers},
		{"GET", "/api/classes/" + a.ID, "", []string{owner}},
		{"POST", "/api/classes/" + a.ID + "/students", `{"names":["Neu %s"]}`, []string{owner}},
		{"POST", "/api/classes/" + a.ID + "/students/" + a.Students[0].ID + "/link", "", []string{owner}},
		{"GET", "/classes/" + a.ID + "/print", "", []string{owner}},
		{"POST", "/api/classes/" + a.ID + "/code", "", []string{owner}},
		{"POST", "/api/classes/" + a.ID + "/settings", `{"lateAfterMinutes":7}`, []string{owner}},
		{"GET", "/api/classes/" + a.ID + "/lessons", "", []string{owner}},
		{"GET", "/api/classes/" + a.ID + "/attendance.csv", "", []string{owner}},
		{"GET", "/classes/" + a.ID + "/attendance/print", "", []string{owner}},
		{"GET", "/api/lessons/" + w.lessonA.ID + "/attendance.csv", "", []string{owner}},
		{"GET", "/lessons/" + w.lessonA.ID + "/print", "", []string{owner}},
		{"GET", "/api/lessons/" + w.lessonA.ID + "/checks", "", []string{owner}},
		{"GET", "/api/classes/" + a.ID + "/checks", "", []string{owner}},
		{"GET", "/api/classes/" + a.ID + "/checks.csv", "", []string{owner}},
		{"POST", "/api/password", `{"password":"ein langes Passwort 123"}`, teachers},
		// The assignment board: teachers by session, students by personal link.
		{"GET", "/api/classes/" + a.ID + "/board", "", []string{owner}},
		{"POST", "/api/classes/" + a.ID + "/board", `{"title":"Neu %s"}`, []string{owner}},
		{"PUT", "/api/classes/" + a.ID + "/board/" + bw.aid, `{"title":"Geändert"}`, []string{owner}},
		{"POST", "/api/classes/" + a.ID + "/board/order", `{"ids":["` + bw.aid + `"]}`, []string{owner}},
		{"POST", "/api/classes/" + a.ID + "/board/" + bw.aid + "/archive", `{"archived":false}`, []string{owner}},
		{"POST", "/api/classes/" + a.ID + "/board/" + bw.aid + "/files", bw.upload, []string{owner}},
		{"GET", "/api/classes/" + a.ID + "/board/" + bw.aid + "/files/" + bw.sheet, "", []string{owner}},
		{"GET", "/api/classes/" + a.ID + "/board/" + bw.aid + "/handins", "", []string{owner}},
		{"GET", "/api/classes/" + a.ID + "/board/" + bw.aid + "/handins.zip", "", []string{owner}},
		{"GET", "/api/classes/" + a.ID + "/board/" + bw.aid + "/handins/" + bw.hid + "/files/" + bw.photo, "", []string{owner}},
		{"GET", "/api/board", "", []string{studentHere, studentThere}}, // each their own class's board
		{"GET", "/api/board/files/" + bw.sheet, "", []string{studentHere}},
		{"PUT", "/api/board/" + bw.aid + "/handins/authz-done-0001", `{"kind":"done"}`, []string{studentHere}},
		{"GET", "/api/board/" + bw.aid + "/handins/" + bw.hid + "/files/" + bw.photo, "", []string{studentHere}},
		{"GET", "/api/classes/" + b.ID + "/board", "", []string{owner}}, // Bob's
		// Destructive ones last; the owner goes last in these rows.
		{"DELETE", "/api/classes/" + a.ID + "/board/" + bw.aid + "/files/" + bw.sheet, "", []string{owner}},
		{"DELETE", "/api/classes/" + a.ID + "/students/" + a.Students[0].ID, "", []string{owner}},
		{"DELETE", "/api/classes/" + a.ID, "", []string{owner}},
		{"GET", "/api/classes/" + b.ID, "", []string{owner}}, // Bob owns 9a: "owner" here is Bob
	}
	ownerLast := []string{anonymous, studentHere, studentThere, otherTeacher, admin, owner}
	for i, ep := range endpoints {
		order := callers
		if ep.method == "DELETE" {
			order = ownerLast
		}
		for _, caller := range order {
			cookie := w.cookies[caller]
			if strings.Contains(ep.path, b.ID) {
				// For Bob's class the roles swap: Bob owns it, Alice is the other teacher.
				switch caller {
				case owner:
					cookie = w.cookies[otherTeacher]
				case otherTeacher:
					cookie = w.cookies[owner]
				}
			}
			name := fmt.Sprintf("%s %s as %s", ep.method, ep.path, caller)
			allowed := contains(ep.allowed, caller)
			body := ep.body
			if strings.Contains(body, "%s") {
				body = fmt.Sprintf(body, fmt.Sprint(i, len(caller)))
			}
			resp := w.e.doAs(ep.method, ep.path, jsonBody(body), authzContentType(body), cookie, w.studentToken(caller))
			ok := resp.StatusCode >= 200 && resp.StatusCode < 300
			if ok != allowed {
				t.Errorf("%s: HTTP %d, want allowed=%v", name, resp.StatusCode, allowed)
			}
			if !allowed && resp.StatusCode != http.StatusUnauthorized && resp.StatusCode != http.StatusNotFound {
				t.Errorf("%s: denied with %d, want 401 or 404", name, resp.StatusCode)
			}
		}
	}
}

// TestMessageAuthorization: every message type against every caller, in
// Alice's lesson.
func TestMessageAuthorization(t *testing.T) {
	type cell struct {
		msgType string
		data    func(w *authzWorld) any
		allowed []string
		// check reports whether the message took effect (read from the
		// teacher's side or the sender's reply).
	}
	cells := []cell{
		{protocol.TypeHello, func(w *authzWorld) any {
			return protocol.Hello{Role: protocol.RoleTeacher, Lesson: w.lessonA.ID}
		}, []string{owner}},
		{protocol.TypeSignal, func(w *authzWorld) any {
			return protocol.Signal{To: protocol.TeacherPeer, Kind: protocol.SignalOffer, SDP: "v=0"}
		}, []string{studentHere}},
		{protocol.TypeAdmit, func(w *authzWorld) any { return protocol.Admission{IDs: []string{w.eveID}} }, []string{owner}},
		{protocol.TypeReject, func(w *authzWorld) any { return protocol.Admission{IDs: []string{w.eveID}} }, []string{owner}},
		{protocol.TypeLock, func(*authzWorld) any { return protocol.LockState{Locked: true} }, []string{owner}},
		{protocol.TypeMark, func(w *authzWorld) any { return protocol.Mark{ID: w.maxID, Status: protocol.StatusExcused} }, []string{owner}},
		{protocol.TypeCall, func(w *authzWorld) any { return protocol.Target{ID: w.maxID} }, []string{owner}},
		{protocol.TypeMute, func(w *authzWorld) any { return protocol.Target{ID: w.maxID} }, []string{owner}},
		{protocol.TypeRemove, func(w *authzWorld) any { return protocol.Target{ID: w.maxID} }, []string{owner}},
		{protocol.TypeHand, func(*authzWorld) any { return protocol.Hand{Raised: true} }, []string{studentHere}},
		{protocol.TypeMedia, func(*authzWorld) any { return protocol.Media{Camera: true, Mic: true, AudioOnly: true} }, []string{studentHere}},
		// The lesson chat and quick checks (server/signaling/chat.go,
		// quickcheck.go).
		{protocol.TypeChat, func(*authzWorld) any {
			return protocol.ChatSend{ID: "authz-1", To: protocol.ChatToClass, Text: "hallo"}
		}, []string{studentHere, owner}},
		{protocol.TypeChatDelete, func(w *authzWorld) any { return protocol.ChatRef{ID: w.maxWrites()} }, []string{owner}},
		{protocol.TypeChatMode, func(*authzWorld) any { return protocol.ChatModeState{Mode: protocol.ChatModeOff} }, []string{owner}},
		{protocol.TypeChatMute, func(w *authzWorld) any { return protocol.ChatMuteState{ID: w.maxID, Muted: true} }, []string{owner}},
		{protocol.TypeCheckOpen, func(*authzWorld) any {
			return protocol.CheckOpen{Question: "Alles klar?", Options: []string{"Ja", "Nein"}}
		}, []string{owner}},
		{protocol.TypeCheckAnswer, func(w *authzWorld) any { return protocol.CheckAnswer{ID: w.aliceAsks(), Option: 1} }, []string{studentHere}},
		{protocol.TypeCheckClose, func(w *authzWorld) any { return protocol.CheckRef{ID: w.aliceAsks()} }, []string{owner}},
		{protocol.TypeCheckShow, func(w *authzWorld) any { return protocol.CheckShow{ID: w.aliceAsks(), Shown: true} }, []string{owner}},
		{protocol.TypeCheckSave, func(w *authzWorld) any { return protocol.CheckRef{ID: w.aliceAsks()} }, []string{owner}},
		// Group work (server/signaling/groups*.go): all but groups-start
		// act on the group work Alice runs (Max and Lea in group 1).
		{protocol.TypeGroupsStart, func(w *authzWorld) any {
			return protocol.GroupsStart{Mode: protocol.GroupsManual, Groups: [][]string{{w.maxID}}}
		}, []string{owner}},
		{protocol.TypeGroupsMove, func(w *authzWorld) any { return protocol.GroupsMove{ID: w.maxID, Group: 2} }, []string{owner}},
		{protocol.TypeGroupsVisit, func(*authzWorld) any { return protocol.GroupsVisit{Group: 1} }, []string{owner}},
		{protocol.TypeGroupsSay, func(*authzWorld) any { return protocol.GroupsSay{Text: "Noch fünf Minuten"} }, []string{owner}},
		{protocol.TypeGroupsHelp, func(*authzWorld) any { return protocol.GroupsHelp{On: true} }, []string{studentHere}},
		{protocol.TypeGroupsEnd, nil, []string{owner}},
		{protocol.TypeEnd, nil, []string{owner}},
	}
	for _, c := range cells {
		for _, caller := range callers {
			t.Run(c.msgType+" as "+caller, func(t *testing.T) {
				t.Parallel() // every cell has its own server; most wait for nothing to happen
				w := newAuthzWorld(t)
				w.knock(t)
				if c.msgType != protocol.TypeGroupsStart && strings.HasPrefix(c.msgType, "groups-") {
					w.startGroups(t)
				}
				ws := w.connect(t, caller)
				var data any
				if c.data != nil {
					data = c.data(w)
				}
				if c.msgType != protocol.TypeHello && (caller == owner || caller == otherTeacher || caller == admin) {
					// Teachers act within a lesson they opened: their own.
					lesson := w.lessonA.ID
					if caller == otherTeacher {
						lesson = w.lessonB.ID
					}
					if caller == admin {
						// Carol has no lesson; her hello for Alice's is refused
						// (covered by the hello row), so she cannot act at all.
						sendWS(t, ws, protocol.TypeHello, protocol.Hello{Role: protocol.RoleTeacher, Lesson: w.lessonA.ID})
						expectRefusal(t, ws, protocol.ErrForbidden)
						return
					}
					if caller == owner {
						w.teacherAWS.Close() // the test connection takes over
					}
					sendWS(t, ws, protocol.TypeHello, protocol.Hello{Role: protocol.RoleTeacher, Lesson: lesson})
					readWS(t, ws, protocol.TypeWelcome, nil)
				}
				sendWS(t, ws, c.msgType, data)
				allowed := contains(c.allowed, caller)
				// The teacher's view of Alice's lesson: her own connection, or
				// the caller's when the caller took it over.
				view := w.teacherAWS
				if caller == owner {
					view = ws
				}
				effect := observe(t, w, ws, view, c.msgType)
				if effect != allowed {
					t.Errorf("took effect = %v, want allowed = %v", effect, allowed)
				}
			})
		}
	}
}

// observe reports whether a message sent by caller took effect in
// Alice's lesson (or, for other teachers, in their own lesson only).
func observe(t *testing.T, w *authzWorld, ws, view *websocket.Conn, msgType string) bool {
	t.Helper()
	switch msgType {
	case protocol.TypeHello:
		reply, env := next(ws)
		return reply && env.Type == protocol.TypeWelcome
	case protocol.TypeSignal:
		// Only a student of Alice's class may reach Alice (who first hears
		// of the student joining).
		for {
			got, env := next(w.teacherAWS)
			if !got {
				return false
			}
			if env.Type == protocol.TypeSignal {
				return true
			}
		}
	case protocol.TypeAdmit:
		// Eve, waiting in Alice's lobby, is let in.
		got, env := next(w.eve)
		return got && env.Type == protocol.TypeWelcome
	case protocol.TypeReject:
		got, env := next(w.eve)
		var e protocol.Error
		return got && env.Type == protocol.TypeError && protocol.DecodeData(env, &e) == nil && e.Code == protocol.ErrRejected
	case protocol.TypeLock:
		// A new student is locked out of Alice's lesson.
		probe := dialWS(t, w.e, nil)
		sendWS(t, probe, protocol.TypeHello, protocol.Hello{Role: protocol.RoleStudent, Code: w.classA.Code, Name: "Zed"})
		got, env := next(probe)
		var e protocol.Error
		return got && env.Type == protocol.TypeError && protocol.DecodeData(env, &e) == nil && e.Code == protocol.ErrLocked
	case protocol.TypeMark:
		// Max's stored line carries the new status (once the teacher's
		// view has heard of any change, the hub has handled the message).
		nextOf(view, protocol.TypeParticipant)
		w.e.writer.Sync()
		rows, _ := w.e.db.LessonAttendance(context.Background(), w.lessonA.ID)
		for _, r := range rows {
			if r.ParticipantID == w.maxID {
				return r.Status == protocol.StatusExcused
			}
		}
		return false
	case protocol.TypeCall:
		got, env := nextOf(w.max, protocol.TypeCalled)
		return got && env.Type == protocol.TypeCalled
	case protocol.TypeMute:
		got, _ := nextOf(w.max, protocol.TypeMuted)
		return got
	case protocol.TypeRemove:
		got, env := nextOf(w.max, protocol.TypeError)
		var e protocol.Error
		return got && protocol.DecodeData(env, &e) == nil && e.Code == protocol.ErrRemoved
	case protocol.TypeHand, protocol.TypeMedia:
		// The teacher sees a student with a raised hand, or on sound only.
		for {
			got, env := next(view)
			if !got {
				return false
			}
			var e protocol.Entry
			if env.Type == protocol.TypeParticipant && protocol.DecodeData(env, &e) == nil && (e.Hand != 0 || e.AudioOnly) {
				return true
			}
		}
	case protocol.TypeChat:
		// Max, in Alice's lesson, reads the message.
		got, _ := nextOf(w.max, protocol.TypeChatMessage)
		return got
	case protocol.TypeChatDelete:
		got, _ := nextOf(w.max, protocol.TypeChatDeleted)
		return got
	case protocol.TypeChatMode, protocol.TypeChatMute:
		// Max learns that he can no longer write.
		got, env := nextOf(w.max, protocol.TypeChatState)
		var st protocol.ChatState
		return got && protocol.DecodeData(env, &st) == nil && (st.Mode == protocol.ChatModeOff || st.Muted)
	case protocol.TypeCheckOpen:
		got, _ := nextOf(w.max, protocol.TypeCheck)
		return got
	case protocol.TypeCheckAnswer:
		// The teacher's tally counts an answer.
		for {
			got, env := nextOf(view, protocol.TypeCheckTally)
			var tally protocol.CheckTally
			if !got {
				return false
			}
			if protocol.DecodeData(env, &tally) == nil && tally.Answered == 1 {
				return true
			}
		}
	case protocol.TypeCheckClose, protocol.TypeCheckShow:
		got, env := nextOf(w.max, protocol.TypeCheck)
		var q protocol.StudentCheck
		return got && protocol.DecodeData(env, &q) == nil && (!q.Open || q.Counts != nil)
	case protocol.TypeCheckSave:
		nextOf(view, protocol.TypeCheckTally)
		recs, _ := w.e.db.LessonChecks(context.Background(), w.lessonA.ID)
		return len(recs) == 1
	case protocol.TypeGroupsStart:
		return groupsUntil(w.max, func(st protocol.GroupsState) bool { return st.Active })
	case protocol.TypeGroupsMove:
		return groupsUntil(w.max, func(st protocol.GroupsState) bool { return len(st.Groups) == 1 && st.Groups[0].N == 2 })
	case protocol.TypeGroupsVisit:
		return groupsUntil(w.max, func(st protocol.GroupsState) bool { return st.Visiting == 1 })
	case protocol.TypeGroupsEnd:
		return groupsUntil(w.max, func(st protocol.GroupsState) bool { return !st.Active })
	case protocol.TypeGroupsSay:
		got, _ := nextOf(w.max, protocol.TypeGroupsNote)
		return got
	case protocol.TypeGroupsHelp:
		return groupsUntil(view, func(st protocol.GroupsState) bool { return len(st.Groups) > 0 && st.Groups[0].Help })
	case protocol.TypeEnd:
		// When Alice's lesson ends, the hub tells her view lesson-ended;
		// only from then on is a hello for it refused (probing before
		// raced the end on a busy machine).
		if got, _ := nextOf(view, protocol.TypeLessonEnded); !got {
			return false
		}
		probe := dialWS(t, w.e, nil)
		sendWS(t, probe, protocol.TypeHello, protocol.Hello{Role: protocol.RoleStudent, Personal: w.leaToken})
		_, penv := next(probe)
		return penv.Type == protocol.TypeError
	}
	return false
}

// next reads one message, or reports none within a short wait.
func next(ws *websocket.Conn) (bool, protocol.Envelope) {
	ws.SetReadDeadline(time.Now().Add(700 * time.Millisecond))
	_, raw, err := ws.ReadMessage()
	if err != nil {
		return false, protocol.Envelope{}
	}
	env, _ := protocol.Decode(raw)
	return true, env
}

func expectRefusal(t *testing.T, ws *websocket.Conn, code string) {
	t.Helper()
	var e protocol.Error
	readWS(t, ws, protocol.TypeError, &e)
	if e.Code != code {
		t.Fatalf("refused with %q, want %q", e.Code, code)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// nextOf reads until a message of type typ arrives, or none comes.
func nextOf(ws *websocket.Conn, typ string) (bool, protocol.Envelope) {
	for {
		got, env := next(ws)
		if !got || env.Type == typ {
			return got, env
		}
	}
}

// startGroups has Alice start group work with Max and Lea (not here
// yet) in group 1.
func (w *authzWorld) startGroups(t *testing.T) {
	t.Helper()
	lea := codes.ListedParticipantID(w.classA.Students[0].ID)
	sendWS(t, w.teacherAWS, protocol.TypeGroupsStart, protocol.GroupsStart{Mode: protocol.GroupsManual, Groups: [][]string{{w.maxID, lea}}})
	for _, ws := range []*websocket.Conn{w.teacherAWS, w.max} {
		if !groupsUntil(ws, func(st protocol.GroupsState) bool { return st.Active }) {
			t.Fatal("group work did not start")
		}
	}
}

// groupsUntil reads until a groups message for which ok holds, or none
// comes.
func groupsUntil(ws *websocket.Conn, ok func(protocol.GroupsState) bool) bool {
	for {
		got, env := nextOf(ws, protocol.TypeGroups)
		if !got {
			return false
		}
		var st protocol.GroupsState
		if protocol.DecodeData(env, &st) == nil && ok(st) {
			return true
		}
	}
}

// maxWrites has Max write to the class and returns the message's id.
func (w *authzWorld) maxWrites() string {
	w.max.WriteMessage(websocket.TextMessage, protocol.MustEncode(protocol.TypeChat, protocol.ChatSend{ID: "max-1", To: protocol.ChatToClass, Text: "von Max"}))
	_, env := nextOf(w.max, protocol.TypeChatAck)
	var a protocol.ChatAck
	protocol.DecodeData(env, &a)
	// Alice's page reads it too, so that her view shows only what follows.
	nextOf(w.teacherAWS, protocol.TypeChatMessage)
	return a.ID
}

// aliceAsks has Alice open a quick check and returns its id; Max and
// Alice's page have read it.
func (w *authzWorld) aliceAsks() string {
	w.teacherAWS.WriteMessage(websocket.TextMessage, protocol.MustEncode(protocol.TypeCheckOpen, protocol.CheckOpen{Question: "Alles klar?", Options: []string{"Ja", "Nein"}}))
	_, env := nextOf(w.teacherAWS, protocol.TypeCheckTally)
	var tally protocol.CheckTally
	protocol.DecodeData(env, &tally)
	nextOf(w.max, protocol.TypeCheck)
	return tally.ID
}
