package cluster_test

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"ersatzraum/server/cluster"
	"ersatzraum/server/codes"
	"ersatzraum/server/httpapi"
	"ersatzraum/server/roster"
	"ersatzraum/server/signaling"
	"ersatzraum/server/storage"
)

// node is one in-process node: its own NATS connection, hub and roster
// writer, on the test's database.
type node struct {
	*cluster.Node
	hub *signaling.Hub
	nc  *nats.Conn
}

func startNode(t *testing.T, id string, db *storage.DB) *node {
	t.Helper()
	nc, err := nats.Connect(natsSrv.URL())
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	w := roster.NewWriter(db, log, nil)
	hub := signaling.NewHub(w, log)
	n, err := cluster.Start(context.Background(), cluster.Config{
		NodeID: id, Conn: nc, Hub: hub, Lessons: cluster.StoredLessons(db), RollCall: w,
		LeaseTTL: testLease, Heartbeat: 250 * time.Millisecond, Log: log,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close(); nc.Close(); w.Close() })
	return &node{Node: n, hub: hub, nc: nc}
}

// lessonDB is a fresh database with a teacher and n running lessons.
func lessonDB(t *testing.T, n int) (*storage.DB, []storage.Lesson) {
	t.Helper()
	ctx := context.Background()
	db, err := storage.OpenPostgres(ctx, pg.Database(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	now := time.Now()
	if err := db.CreateTeacher(ctx, storage.Teacher{ID: "t1", Name: "Frau Weber", CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	var out []storage.Lesson
	for i := range n {
		l := storage.Lesson{ID: codes.NewID(), TeacherID: "t1", Title: "7b", CodeHash: []byte{byte(i)}, CreatedAt: now}
		if err := db.CreateLesson(ctx, l); err != nil {
			t.Fatal(err)
		}
		out = append(out, l)
	}
	return db, out
}

// Nodes that claim the same lessons at the same moment: exactly one
// hosts each, in its hub; the others do not.
func TestOnlyOneNodeWinsALesson(t *testing.T) {
	db, lessons := lessonDB(t, 12)
	var nodes []*node
	for _, id := range []string{"race-a", "race-b", "race-c", "race-d"} {
		nodes = append(nodes, startNode(t, id, db))
	}
	for _, l := range lessons {
		var start, done sync.WaitGroup
		start.Add(1)
		for _, n := range nodes {
			done.Add(1)
			go func() {
				defer done.Done()
				start.Wait()
				n.AddLesson(httpapi.HubLesson(l), nil)
			}()
		}
		start.Done()
		done.Wait()
		var hosts, live []string
		for _, n := range nodes {
			if n.Hosts(l.ID) {
				hosts = append(hosts, n.ID())
			}
			if n.hub.Live(l.ID) {
				live = append(live, n.ID())
			}
		}
		if len(hosts) != 1 || len(live) != 1 || hosts[0] != live[0] {
			t.Fatalf("lesson %s: hosted by %v, live in the hubs of %v; want one node for both", l.ID, hosts, live)
		}
	}
}

// A host cut off from NATS cannot renew its lease: it stops hosting (its
// hub drops the lesson) before another node can claim it. The other node
// tries all the time; when it wins, the first has stopped already.
func TestSilentHostStopsBeforeAnotherStarts(t *testing.T) {
	db, lessons := lessonDB(t, 1)
	l := lessons[0]
	a, b := startNode(t, "silent-a", db), startNode(t, "silent-b", db)
	a.AddLesson(httpapi.HubLesson(l), nil)
	if !a.Hosts(l.ID) || !a.hub.Live(l.ID) {
		t.Fatal("node a does not host the lesson it started")
	}
	b.AddLesson(httpapi.HubLesson(l), nil)
	if b.Hosts(l.ID) || b.hub.Live(l.ID) {
		t.Fatal("node b hosts a lesson node a holds")
	}
	a.nc.Close() // no clean shutdown: the lease is neither renewed nor given back
	cut := time.Now()
	deadline := cut.Add(3 * testLease)
	for !b.Hosts(l.ID) {
		if time.Now().After(deadline) {
			t.Fatalf("node b did not take the lesson within %v of node a's silence", 3*testLease)
		}
		time.Sleep(20 * time.Millisecond)
		b.AddLesson(httpapi.HubLesson(l), nil)
		if b.Hosts(l.ID) && (a.Hosts(l.ID) || a.hub.Live(l.ID)) {
			t.Fatal("two hosts: node b won the lesson while node a still served it")
		}
	}
	t.Logf("node b took the lesson %v after node a fell silent (lease %v)", time.Since(cut).Round(10*time.Millisecond), testLease)
	if !b.hub.Live(l.ID) {
		t.Fatal("node b hosts the lesson but its hub does not have it")
	}
}

// Lessons that nobody hosts (their host died and nobody came back) are
// taken by the node that looks for them, once; a lesson another node
// hosts is left alone, and one that a node hands back when it shuts down
// cleanly can be taken at once, without waiting for its lease to run out.
func TestUnhostedLessonsAreTakenOnce(t *testing.T) {
	db, lessons := lessonDB(t, 3)
	a, b := startNode(t, "adopt-a", db), startNode(t, "adopt-b", db)
	a.AddLesson(httpapi.HubLesson(lessons[0]), nil)
	ids := []string{lessons[0].ID, lessons[1].ID, lessons[2].ID}
	if n := b.HostUnhosted(context.Background(), ids); n != 2 || b.Hosts(lessons[0].ID) || !b.Hosts(lessons[1].ID) || !b.hub.Live(lessons[2].ID) {
		t.Fatalf("node b took %d lessons; want the 2 that node a does not host", n)
	}
	if n := a.HostUnhosted(context.Background(), ids); n != 0 {
		t.Fatalf("node a took %d more lessons; all are hosted", n)
	}
	b.Close() // clean: the leases are given back
	if b.hub.Live(lessons[1].ID) {
		t.Fatal("node b still has a lesson in its hub after leaving")
	}
	if n := a.HostUnhosted(context.Background(), ids); n != 2 || !a.hub.Live(lessons[1].ID) || !a.hub.Live(lessons[2].ID) {
		t.Fatalf("after node b left, node a took %d lessons; want its 2, at once", n)
	}
}
