package roster

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

type memStore struct {
	mu       sync.Mutex
	lines    []Line
	ended    []string
	locked   []string
	events   []Event
	failures int
}

func (m *memStore) PutAttendance(_ context.Context, l Line) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.failures > 0 {
		m.failures--
		return errors.New("database is locked")
	}
	m.lines = append(m.lines, l)
	return nil
}

func (m *memStore) PutEvent(_ context.Context, e Event) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.events = append(m.events, e)
	return nil
}

func (m *memStore) SetLessonLocked(_ context.Context, id string, locked bool) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.locked = append(m.locked, id)
	return nil
}

func (m *memStore) EndLesson(_ context.Context, id string, _ time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.ended = append(m.ended, id)
	return nil
}

func TestWriterKeepsOrderAndRetries(t *testing.T) {
	store := &memStore{failures: 2}
	w := NewWriter(store, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	for _, name := range []string{"a", "b", "c"} {
		w.Record(Line{LessonID: "l", ParticipantID: name, Name: name})
	}
	w.RecordEnd("l", time.Now())
	w.Sync()
	store.mu.Lock()
	if len(store.lines) != 3 || store.lines[0].Name != "a" || store.lines[2].Name != "c" {
		t.Fatalf("lines written out of order or lost: %+v", store.lines)
	}
	if len(store.ended) != 1 {
		t.Fatalf("lesson end not written: %v", store.ended)
	}
	store.mu.Unlock()
	w.Record(Line{LessonID: "l", ParticipantID: "d"})
	w.Close()
	if len(store.lines) != 4 {
		t.Fatalf("Close did not flush: %d lines", len(store.lines))
	}
	w.Record(Line{LessonID: "l", ParticipantID: "late"}) // after Close: dropped, must not panic
	w.Sync()
}

// endedStore has every lesson ended already.
type endedStore struct{ memStore }

func (*endedStore) EndLesson(context.Context, string, time.Time) error {
	return fmt.Errorf("storage: %w", ErrLessonEnded)
}

func TestWriterTimesWritesAndTakesEndedAsDone(t *testing.T) {
	var mu sync.Mutex
	var ops []string
	observe := func(op string, _ time.Duration, err error) {
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			op += ":" + err.Error()
		}
		ops = append(ops, op)
	}
	w := NewWriter(&endedStore{}, slog.New(slog.DiscardHandler), observe)
	w.Record(Line{LessonID: "l", ParticipantID: "a"})
	w.RecordEvent(Event{LessonID: "l", ParticipantID: "a", Kind: EventJoin})
	w.RecordLock("l", true)
	w.RecordEnd("l", time.Now())
	w.Close()
	// One attempt each: an ended lesson is not retried, and counts as ok.
	want := "attendance attendance-event lesson-lock lesson-end"
	if got := strings.Join(ops, " "); got != want {
		t.Fatalf("observed %q, want %q", got, want)
	}
}

// batchStore writes batches in one step, as storage's transaction does;
// a batch with a line named "bad" fails whole, and that line alone fails
// on its own too.
type batchStore struct {
	memStore
	batches [][]string
	gate    chan struct{} // when set, each batch waits for it
}

func (b *batchStore) WriteRollCall(_ context.Context, changes []Change) error {
	if b.gate != nil {
		<-b.gate
	}
	var names []string
	for _, c := range changes {
		if c.Line != nil {
			if c.Line.Name == "bad" {
				return errors.New("violates a foreign key")
			}
			names = append(names, c.Line.Name)
		}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.batches = append(b.batches, names)
	for _, c := range changes {
		if c.Line != nil {
			b.lines = append(b.lines, *c.Line)
		}
	}
	return nil
}

func (b *batchStore) PutAttendance(ctx context.Context, l Line) error {
	if l.Name == "bad" {
		return errors.New("violates a foreign key")
	}
	return b.memStore.PutAttendance(ctx, l)
}

// What queues up while a batch is written goes into the next batch, in
// order; Written and AfterWritten follow what is done; a batch that fails
// is written change by change, so that one bad change loses only itself.
func TestWriterBatchesAndCounts(t *testing.T) {
	store := &batchStore{gate: make(chan struct{})}
	w := NewWriter(store, slog.New(slog.DiscardHandler), nil)
	defer w.Close()
	w.Record(Line{LessonID: "l", ParticipantID: "a", Name: "a"}) // the writer takes it and waits at the gate
	for !func() bool { w.mu.Lock(); defer w.mu.Unlock(); return len(w.queue) == 0 }() {
		time.Sleep(time.Millisecond)
	}
	for _, name := range []string{"b", "c", "d"} {
		w.Record(Line{LessonID: "l", ParticipantID: name, Name: name})
	}
	w.RecordLock("other", true)
	n := w.QueuedFor("l")
	if n != 4 || w.Queued() != 5 || w.QueuedFor("other") != 5 || w.QueuedFor("none") != 0 || w.Written(1) {
		t.Fatalf("lesson l's latest change is number %d, all %d, other's %d; written(1) %v; want 4, 5, 5 and nothing written yet",
			n, w.Queued(), w.QueuedFor("other"), w.Written(1))
	}
	called := make(chan struct{})
	if !w.AfterWritten(n, func() { close(called) }) {
		t.Fatal("AfterWritten says all is written while the writer waits")
	}
	close(store.gate)
	<-called
	if !w.Written(n) || w.AfterWritten(n, func() { t.Error("called for what was written already") }) {
		t.Fatal("after the waiter was called, not everything counts as written")
	}
	w.Sync()
	if w.QueuedFor("l") != 0 || w.QueuedFor("other") != 0 {
		t.Fatal("a lesson whose changes are all written still counts one as queued")
	}
	store.mu.Lock()
	if got := fmt.Sprint(store.batches); got != "[[a] [b c d]]" {
		t.Errorf("batches %s, want [[a] [b c d]] (and the lock with the second)", got)
	}
	store.mu.Unlock()

	w.Record(Line{LessonID: "l", ParticipantID: "e", Name: "e"})
	w.Record(Line{LessonID: "l", ParticipantID: "x", Name: "bad"})
	w.Record(Line{LessonID: "l", ParticipantID: "f", Name: "f"})
	w.Sync()
	store.mu.Lock()
	defer store.mu.Unlock()
	var names []string
	for _, l := range store.lines {
		names = append(names, l.Name)
	}
	if got := strings.Join(names, " "); got != "a b c d e f" {
		t.Errorf("lines written %q, want every one but the bad one, in order", got)
	}
}
