package cluster_test

import (
	"math/rand/v2"
	"net"
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"ersatzraum/app/protocol"
	"ersatzraum/server/cluster"
	"ersatzraum/server/cluster/natstest"
)

// killScaleEnv sets the class size of TestKillAtScale; without it the
// test is skipped (it is a measurement, README "Several nodes").
const killScaleEnv = "ERSATZRAUM_CLUSTER_KILL_STUDENTS"

// A measurement: N students in lessons of 25, half of the lessons hosted
// by each of two nodes, every client on either node, all with the
// default lease time on a NATS of their own. One node is killed with
// SIGKILL during the hold; every client that was on it or in one of its
// lessons reconnects to the other node with the browser's backoff and
// its resume token. Reported: how many came back, and when (from the
// kill to the welcome, p50, p99, max). Checked: every student is the
// same participant as before, no one lands in the lobby, and the stored
// roll call has every student.
func TestKillAtScale(t *testing.T) {
	students, _ := strconv.Atoi(os.Getenv(killScaleEnv))
	if students <= 0 {
		t.Skipf("a measurement: set %s=N to run it", killScaleEnv)
	}
	ns, err := natstest.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer ns.Stop()
	tc := &testCluster{t: t, postgres: pg.Database(t), nats: ns.URL(), lease: cluster.DefaultLeaseTTL}
	a, b := tc.start("scale-a"), tc.start("scale-b")
	nodes := []*child{a, b}
	hc := teacherHTTP(t, a)
	var sources []net.Addr
	for i := range 16 {
		sources = append(sources, &net.TCPAddr{IP: net.IPv4(127, 0, 0, byte(2+i))})
	}
	source := func(i int) net.Addr { return sources[i%len(sources)] }

	type client struct {
		name    string
		node    *child // connected to
		lesson  int
		p       *peer
		self    string
		resume  string
		hello   protocol.Hello
		teacher bool
	}
	lessons := max(1, students/25)
	type lessonRun struct {
		created protocol.CreatedLesson
		host    *child
		teacher *client
	}
	var runs []lessonRun
	for i := range lessons {
		host := nodes[i%2]
		runs = append(runs, lessonRun{created: startLesson(t, hc, host, "Klasse "+strconv.Itoa(i)), host: host})
	}
	var clients []*client
	for i := range runs {
		on := nodes[(i+1)%2] // the teacher on the other node than the host
		p, err := dialFrom(t, on, "teacher"+strconv.Itoa(i), hc, source(i))
		if err != nil {
			t.Fatal(err)
		}
		hello := protocol.Hello{Role: protocol.RoleTeacher, Lesson: runs[i].created.ID}
		p.send(protocol.TypeHello, hello)
		p.must(protocol.TypeWelcome, nil)
		c := &client{name: p.name, node: on, lesson: i, p: p, hello: hello, teacher: true}
		runs[i].teacher = c
		clients = append(clients, c)
	}
	for s := range students {
		i := s % lessons
		on := nodes[(s/lessons)%2] // not in step with the lesson: students linked both ways
		name := "S" + strconv.Itoa(s)
		p, err := dialFrom(t, on, name, nil, source(s))
		if err != nil {
			t.Fatal(err)
		}
		p.send(protocol.TypeHello, protocol.Hello{Role: protocol.RoleStudent, Code: runs[i].created.Code, Name: name})
		p.must(protocol.TypeWaiting, nil)
		teacher := runs[i].teacher.p
		var k protocol.Knock
		teacher.must(protocol.TypeLobbyAdd, &k)
		teacher.send(protocol.TypeAdmit, protocol.Admission{IDs: []string{k.ID}})
		var w protocol.Welcome
		p.must(protocol.TypeWelcome, &w)
		clients = append(clients, &client{name: name, node: on, lesson: i, p: p, self: w.Self, resume: w.Resume,
			hello: protocol.Hello{Role: protocol.RoleStudent, Code: runs[i].created.Code, Name: name, Resume: w.Resume}})
	}
	// The teachers' queues are read from here on by nobody: drain them,
	// so that a full queue never closes a teacher.
	for _, c := range clients {
		if c.teacher {
			go func(p *peer) {
				for range p.in {
				}
			}(c.p)
		}
	}
	t.Logf("%d students and %d teachers in %d lessons on two nodes", students, lessons, lessons)

	var hit []*client // on the killed node a, or in a lesson it hosts
	for _, c := range clients {
		if c.node == a || runs[c.lesson].host == a {
			hit = append(hit, c)
		}
	}
	a.kill(t)
	killed := time.Now()
	var mu sync.Mutex
	var times []time.Duration
	var lost, lobby []string
	var wg sync.WaitGroup
	for n, c := range hit {
		wg.Go(func() {
			closeCode(t, c.p)
			for attempt := 1; ; attempt++ {
				if time.Since(killed) > 90*time.Second {
					mu.Lock()
					lost = append(lost, c.name)
					mu.Unlock()
					return
				}
				// The browser's backoff (app/live.Backoff): 0.5 s doubling,
				// ±50 %.
				time.Sleep(time.Duration(float64(500*time.Millisecond<<min(attempt-1, 6)) * (0.5 + rand.Float64())))
				var p *peer
				var err error
				if c.teacher {
					p, err = dialFrom(t, b, c.name, hc, source(n))
				} else {
					p, err = dialFrom(t, b, c.name, nil, source(n))
				}
				if err != nil {
					continue
				}
				p.send(protocol.TypeHello, c.hello)
				for {
					env, ok := p.await2(protocol.TypeWelcome, protocol.TypeWaiting)
					if !ok {
						break
					}
					if env.Type == protocol.TypeWaiting {
						mu.Lock()
						lobby = append(lobby, c.name)
						mu.Unlock()
						return
					}
					var w protocol.Welcome
					protocol.DecodeData(env, &w)
					mu.Lock()
					times = append(times, time.Since(killed))
					if !c.teacher && w.Self != c.self {
						lost = append(lost, c.name+" (a new participant)")
					}
					mu.Unlock()
					if c.teacher {
						go func() {
							for range p.in {
							}
						}()
					}
					return
				}
				p.ws.Close()
			}
		})
	}
	wg.Wait()
	slices.Sort(times)
	pct := func(q float64) time.Duration {
		if len(times) == 0 {
			return 0
		}
		return times[min(len(times)-1, int(q*float64(len(times))))].Round(10 * time.Millisecond)
	}
	t.Logf("killed node a; %d of %d clients affected came back in p50 %v, p99 %v, max %v (lease %v)",
		len(times), len(hit), pct(0.5), pct(0.99), pct(1), cluster.DefaultLeaseTTL)
	if len(lost) > 0 || len(lobby) > 0 {
		t.Errorf("not back as before: %d (%v…), in the lobby: %d (%v…)", len(lost), first(lost), len(lobby), first(lobby))
	}
	var stored int
	for i := range runs {
		stored += len(attendance(t, hc, b, runs[i].created.ID))
	}
	if stored != students {
		t.Errorf("stored roll calls have %d lines, want %d", stored, students)
	}
}

func first(s []string) []string { return s[:min(len(s), 3)] }
