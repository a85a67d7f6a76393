package cluster_test

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ersatzraum/app/protocol"
)

// Two real nodes on one PostgreSQL and one NATS, as behind a load
// balancer that sends each client anywhere: a lesson started on node a,
// its teacher on a, a student on b; then the teacher on b and a second
// student on a. Everything a lesson does across the star works as on one
// node: hello and welcome, the lobby, signals both ways, hands, the roll
// call, and the roll call's storage.
func TestLessonAcrossTwoNodes(t *testing.T) {
	tc := newCluster(t)
	a, b := tc.start("two-a"), tc.start("two-b")
	hc := teacherHTTP(t, a)
	lesson := startLesson(t, hc, a, "7b Mathe")

	teacher := teacherJoin(t, a, hc, lesson.ID, nil)
	ada, adaWelcome := studentJoin(t, b, teacher, lesson.Code, "Ada")
	if !adaWelcome.TeacherOnline {
		t.Error("Ada on node b does not see the teacher on node a online")
	}
	exchange(t, teacher, ada, adaWelcome.Self)

	ada.send(protocol.TypeHand, protocol.Hand{Raised: true})
	if e := awaitEntry(t, teacher, adaWelcome.Self, func(e protocol.Entry) bool { return e.Hand != 0 }); e.Status != protocol.StatusPresent {
		t.Errorf("Ada's line: %+v", e)
	}
	teacher.send(protocol.TypeMark, protocol.Mark{ID: adaWelcome.Self, Status: protocol.StatusExcused})
	awaitEntry(t, teacher, adaWelcome.Self, func(e protocol.Entry) bool { return e.Status == protocol.StatusExcused })

	// The teacher moves to node b (a reload that the load balancer sent
	// elsewhere); Ada stays linked from b to the host a.
	teacher.ws.Close()
	teacher = teacherJoin(t, b, hc, lesson.ID, map[string]string{adaWelcome.Self: protocol.StatusExcused})
	ben, benWelcome := studentJoin(t, a, teacher, lesson.Code, "Ben")
	exchange(t, teacher, ben, benWelcome.Self)
	exchange(t, teacher, ada, adaWelcome.Self)

	// The roll call reaches storage, and any node reads it.
	waitAttendance(t, hc, b, lesson.ID, map[string]string{"Ada": protocol.StatusExcused, "Ben": protocol.StatusPresent})
}

// teacherJoin connects the teacher to the lesson through node c and
// checks the roll call of its welcome (participant id → status).
func teacherJoin(t *testing.T, c *child, hc *http.Client, lesson string, want map[string]string) *peer {
	t.Helper()
	p, err := dial(t, c, "teacher@"+c.name, hc)
	if err != nil {
		t.Fatal(err)
	}
	p.send(protocol.TypeHello, protocol.Hello{Role: protocol.RoleTeacher, Lesson: lesson})
	var w protocol.Welcome
	p.must(protocol.TypeWelcome, &w)
	checkRollCall(t, w.RollCall, want)
	return p
}

func checkRollCall(t *testing.T, got []protocol.Entry, want map[string]string) {
	t.Helper()
	have := make(map[string]string)
	for _, e := range got {
		have[e.ID] = e.Status
	}
	for id, status := range want {
		if have[id] != status {
			t.Errorf("roll call %v: %s is %q, want %q", got, id, have[id], status)
		}
	}
}

// studentJoin knocks through node c with the lesson's code and is
// admitted by the teacher.
func studentJoin(t *testing.T, c *child, teacher *peer, code, name string) (*peer, protocol.Welcome) {
	t.Helper()
	p, err := dial(t, c, name+"@"+c.name, nil)
	if err != nil {
		t.Fatal(err)
	}
	p.send(protocol.TypeHello, protocol.Hello{Role: protocol.RoleStudent, Code: code, Name: name})
	p.must(protocol.TypeWaiting, nil)
	var k protocol.Knock
	teacher.must(protocol.TypeLobbyAdd, &k)
	if k.Name != name {
		t.Fatalf("lobby: %+v, want %s", k, name)
	}
	teacher.send(protocol.TypeAdmit, protocol.Admission{IDs: []string{k.ID}})
	var w protocol.Welcome
	p.must(protocol.TypeWelcome, &w)
	if w.Self == "" || w.Resume == "" {
		t.Fatalf("%s's welcome: %+v", name, w)
	}
	awaitEntry(t, teacher, w.Self, func(e protocol.Entry) bool { return e.Online })
	return p, w
}

// exchange sends an offer from the student and an answer back, and
// checks that each arrives, from whom it should.
func exchange(t *testing.T, teacher, student *peer, id string) {
	t.Helper()
	student.send(protocol.TypeSignal, protocol.Signal{To: protocol.TeacherPeer, Kind: protocol.SignalOffer, SDP: "offer from " + student.name})
	var sig protocol.Signal
	teacher.must(protocol.TypeSignal, &sig)
	if sig.From != id || sig.SDP != "offer from "+student.name {
		t.Fatalf("teacher got %+v, want the offer from %s", sig, id)
	}
	teacher.send(protocol.TypeSignal, protocol.Signal{To: id, Kind: protocol.SignalAnswer, SDP: "answer to " + student.name})
	student.must(protocol.TypeSignal, &sig)
	if sig.From != protocol.TeacherPeer || sig.SDP != "answer to "+student.name {
		t.Fatalf("%s got %+v, want the teacher's answer", student.name, sig)
	}
}

// awaitEntry waits for the teacher to see a roll-call line of id that
// satisfies ok.
func awaitEntry(t *testing.T, teacher *peer, id string, ok func(protocol.Entry) bool) protocol.Entry {
	t.Helper()
	for {
		var e protocol.Entry
		teacher.must(protocol.TypeParticipant, &e)
		if e.ID == id && ok(e) {
			return e
		}
	}
}

// waitAttendance waits until the stored roll call read through node c
// has these names with these statuses.
func waitAttendance(t *testing.T, hc *http.Client, c *child, lesson string, want map[string]string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		got := make(map[string]string)
		for _, l := range attendance(t, hc, c, lesson) {
			got[l.Name] = l.Status
		}
		same := len(got) == len(want)
		for name, status := range want {
			same = same && got[name] == status
		}
		if same {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("stored roll call %v, want %v", got, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// A class lesson across nodes: the class is made on node b, its list
// grows on a and, while the lesson runs on a, on b again; students come
// by personal link and by class code through either node, and skip the
// lobby as listed students do on one node.
func TestClassLessonAcrossTwoNodes(t *testing.T) {
	tc := newCluster(t)
	a, b := tc.start("class-a"), tc.start("class-b")
	hc := teacherHTTP(t, a)
	var class protocol.ClassDetail
	post(t, hc, b, "/api/classes", `{"name":"7b"}`, &class)
	post(t, hc, a, "/api/classes/"+class.ID+"/students", `{"names":["Ada","Ben"]}`, &class)
	var lesson protocol.CreatedLesson
	post(t, hc, a, "/api/lessons", `{"title":"7b Mathe","classId":"`+class.ID+`"}`, &lesson)
	links := map[string]string{}
	for _, st := range class.Students {
		links[st.Name] = st.Link[strings.LastIndex(st.Link, "/")+1:]
	}

	teacher := teacherJoin(t, a, hc, lesson.ID, nil)
	ada := listedJoin(t, b, protocol.Hello{Role: protocol.RoleStudent, Personal: links["Ada"]}, "Ada")
	awaitEntry(t, teacher, ada.Self, func(e protocol.Entry) bool { return e.Online && e.Listed && e.Status == protocol.StatusPresent })
	ben := listedJoin(t, a, protocol.Hello{Role: protocol.RoleStudent, Code: class.Code, Name: "ben"}, "Ben")
	awaitEntry(t, teacher, ben.Self, func(e protocol.Entry) bool { return e.Online && e.Listed })

	// Cem is added on node b while the lesson runs on a: the host learns
	// the new personal link from b.
	post(t, hc, b, "/api/classes/"+class.ID+"/students", `{"names":["Cem"]}`, &class)
	for _, st := range class.Students {
		if st.Name == "Cem" {
			links["Cem"] = st.Link[strings.LastIndex(st.Link, "/")+1:]
		}
	}
	cem := listedJoin(t, b, protocol.Hello{Role: protocol.RoleStudent, Personal: links["Cem"]}, "Cem")
	awaitEntry(t, teacher, cem.Self, func(e protocol.Entry) bool { return e.Online && e.Listed })
}

// listedJoin joins a class-list student through node c: welcomed at
// once, under the name on the list.
func listedJoin(t *testing.T, c *child, hello protocol.Hello, name string) protocol.Welcome {
	t.Helper()
	p, err := dial(t, c, name+"@"+c.name, nil)
	if err != nil {
		t.Fatal(err)
	}
	p.send(protocol.TypeHello, hello)
	env, ok := p.await(protocol.TypeWelcome)
	if !ok {
		t.Fatalf("%s: no welcome through node %s", name, c.name)
	}
	var w protocol.Welcome
	protocol.DecodeData(env, &w)
	if w.Name != name || w.Self == "" {
		t.Fatalf("%s's welcome: %+v", name, w)
	}
	return w
}

func post(t *testing.T, hc *http.Client, c *child, path, body string, out any) {
	t.Helper()
	resp, err := hc.Post(c.url+path, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		t.Fatalf("POST %s on %s: %d %s", path, c.name, resp.StatusCode, b)
	}
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatalf("POST %s: %v %s", path, err, b)
	}
}

// A node whose code key is not the others' refuses to start: it could
// not open the class codes and personal links the others sealed.
func TestNodeWithAnotherCodeKeyRefusesToStart(t *testing.T) {
	tc := newCluster(t)
	tc.start("key-a")
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "code-key"), []byte(strings.Repeat("ab", 32)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	bin, _ := os.Executable()
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--data", dir,
		"--postgres", tc.postgres, "--nats", natsSrv.URL(), "--node-id", "key-b", "--nats-lease", testLease.String())
	cmd.Env = append(os.Environ(), serveEnv+"=1")
	var stderr syncBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case err := <-exited:
		if err == nil || !strings.Contains(stderr.String(), "code-key differs from the other nodes'") {
			t.Fatalf("exit %v, stderr:\n%s", err, stderr.String())
		}
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("a node with another code key is running:\n%s", stderr.String())
	}
}
