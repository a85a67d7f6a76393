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
