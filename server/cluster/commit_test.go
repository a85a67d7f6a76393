package cluster

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"ersatzraum/server/roster"
)

// gatedStore holds every write until the test opens the gate.
type gatedStore struct{ gate chan struct{} }

func (g gatedStore) PutAttendance(context.Context, roster.Line) error { <-g.gate; return nil }
func (g gatedStore) EndLesson(context.Context, string, time.Time) error {
	<-g.gate
	return nil
}
func (g gatedStore) SetLessonLocked(context.Context, string, bool) error { <-g.gate; return nil }
func (g gatedStore) PutEvent(context.Context, roster.Event) error        { <-g.gate; return nil }

// recorder is the client's end of a Conn.
type recorder struct {
	mu     sync.Mutex
	got    []string
	closed string
}

func (r *recorder) Send(b []byte) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, string(b))
	return true
}

func (r *recorder) Close(code int, reason string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.closed = reason
}

func (r *recorder) seen() (string, string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.got, " "), r.closed
}

// A message goes out at once while nothing is queued for storage; one
// sent after a roll-call change of its lesson waits until that change is
// written, and so do the messages and the close after it, in their order;
// a client of another lesson does not wait.
func TestMessagesWaitForTheRollCallBeforeThem(t *testing.T) {
	store := gatedStore{gate: make(chan struct{})}
	w := roster.NewWriter(store, slog.New(slog.DiscardHandler), nil)
	defer w.Close()
	n := &Node{cfg: Config{RollCall: w}}
	rec := &recorder{}
	c := n.held(rec, "l")
	other := &recorder{}
	o := n.held(other, "other")

	c.Send([]byte("before"))
	if got, _ := rec.seen(); got != "before" {
		t.Fatalf("with nothing queued, the client got %q", got)
	}
	w.Record(roster.Line{LessonID: "l", ParticipantID: "p"})
	c.Send([]byte("welcome"))
	c.Send([]byte("next"))
	c.Close(1000, "bye")
	o.Send([]byte("signal"))
	if got, _ := other.seen(); got != "signal" {
		t.Fatalf("a client of another lesson got %q; it waits for nothing of lesson l", got)
	}
	time.Sleep(50 * time.Millisecond) // time enough to go out wrongly
	if got, closed := rec.seen(); got != "before" || closed != "" {
		t.Fatalf("before the line was written the client got %q, closed %q", got, closed)
	}
	close(store.gate)
	w.Sync()
	if got, closed := rec.seen(); got != "before welcome next" || closed != "bye" {
		t.Fatalf("after the write the client got %q, closed %q; want all three, then the close", got, closed)
	}
}
