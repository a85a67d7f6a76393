// Package roster owns the roll call's records: the line kept for each
// student of a lesson, and the write-through queue that carries every change
// from the live roll call (held in memory by the signaling hub) to storage
// without making the signaling path wait for the disk.
package roster

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"
)

// Line is one student's roll-call state in one lesson.
type Line struct {
	LessonID      string
	ParticipantID string
	Name          string
	Status        string
	Camera        bool
	JoinedAt      time.Time
	LeftAt        time.Time // zero while connected
	ResumeHash    []byte
	// Listed: the student is on the lesson's class list (ParticipantID is
	// codes.ListedParticipantID of the class-list entry).
	Listed bool
}

// Roll-call statuses and history kinds.
const (
	EventJoin   = "join"
	EventLeave  = "leave"
	EventStatus = "status"
)

// Event is one change on a lesson's roll call: a join, a leave, or a
// status set by the teacher or by the late rule.
type Event struct {
	LessonID      string
	ParticipantID string
	Kind          string
	Status        string // for EventStatus
	At            time.Time
}

// Store is what the writer needs from storage; *storage.DB has it.
type Store interface {
	// PutAttendance writes a whole line; the last write for a participant wins.
	PutAttendance(ctx context.Context, l Line) error
	// EndLesson answers an error wrapping ErrLessonEnded when the lesson
	// has already ended or is gone.
	EndLesson(ctx context.Context, lessonID string, at time.Time) error
	SetLessonLocked(ctx context.Context, lessonID string, locked bool) error
	PutEvent(ctx context.Context, e Event) error
}

// ErrLessonEnded means there is nothing left to end: the writer counts
// such an end as written rather than retrying what cannot succeed.
var ErrLessonEnded = errors.New("lesson already ended or gone")

// Observer learns how long each write took and how it went, by operation
// ("attendance", "lesson-end", "attendance-event", "lesson-lock"): the
// storage latency metric.
type Observer func(op string, took time.Duration, err error)

type job struct {
	line   *Line
	endID  string
	endAt  time.Time
	lockID string
	locked bool
	event  *Event
	synced chan struct{}
}

// Writer writes roll-call changes to storage in the order they happened,
// on its own goroutine. Enqueueing never blocks: the queue grows instead,
// because losing an attendance record is worse than holding it in memory
// for the moment the disk is slow.
type Writer struct {
	store   Store
	log     *slog.Logger
	observe Observer
	wake    chan struct{} // capacity 1: "the queue is not empty, or closed"
	stopped chan struct{} // closed when run has written everything and returned

	// mu guards the following fields: push appends to the queue from any
	// goroutine (the hub's), run takes the whole queue on the writer's.
	mu     sync.Mutex
	queue  []job
	closed bool
}

// NewWriter starts a writer; observe (nil: none) times every write. Call
// Close to flush and stop it.
func NewWriter(store Store, log *slog.Logger, observe Observer) *Writer {
	if observe == nil {
		observe = func(string, time.Duration, error) {}
	}
	w := &Writer{store: store, log: log, observe: observe, wake: make(chan struct{}, 1), stopped: make(chan struct{})}
	go w.run()
	return w
}

// Record queues a roll-call line for writing.
func (w *Writer) Record(l Line) { w.push(job{line: &l}) }

// RecordEnd queues the end of a lesson for writing.
func (w *Writer) RecordEnd(lessonID string, at time.Time) {
	w.push(job{endID: lessonID, endAt: at})
}

// RecordEvent queues a roll-call event for writing.
func (w *Writer) RecordEvent(e Event) { w.push(job{event: &e}) }

// RecordLock queues a lesson's lock state for writing.
func (w *Writer) RecordLock(lessonID string, locked bool) {
	w.push(job{lockID: lessonID, locked: locked})
}

// Sync waits until everything queued before it has been written.
func (w *Writer) Sync() {
	done := make(chan struct{})
	if !w.push(job{synced: done}) {
		return
	}
	<-done
}

func (w *Writer) push(j job) bool {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return false
	}
	w.queue = append(w.queue, j)
	w.mu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default:
	}
	return true
}

// Close writes what is queued and stops the writer.
func (w *Writer) Close() {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		<-w.stopped
		return
	}
	w.closed = true
	w.mu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default:
	}
	<-w.stopped
}

func (w *Writer) run() {
	defer close(w.stopped)
	for {
		<-w.wake
		for {
			w.mu.Lock()
			batch := w.queue
			w.queue = nil
			closed := w.closed
			w.mu.Unlock()
			if len(batch) == 0 {
				if closed {
					return
				}
				break
			}
			for _, j := range batch {
				w.write(j)
			}
		}
	}
}

func (w *Writer) write(j job) {
	switch {
	case j.synced != nil:
		close(j.synced)
	case j.line != nil:
		w.retry("attendance", func(ctx context.Context) error { return w.store.PutAttendance(ctx, *j.line) })
	case j.endID != "":
		w.retry("lesson-end", func(ctx context.Context) error {
			if err := w.store.EndLesson(ctx, j.endID, j.endAt); !errors.Is(err, ErrLessonEnded) {
				return err
			}
			return nil // already ended: nothing to do
		})
	case j.event != nil:
		w.retry("attendance-event", func(ctx context.Context) error { return w.store.PutEvent(ctx, *j.event) })
	case j.lockID != "":
		w.retry("lesson-lock", func(ctx context.Context) error { return w.store.SetLessonLocked(ctx, j.lockID, j.locked) })
	}
}

// retry keeps trying a write that failed for a passing reason (a locked
// database, a full disk being cleaned up) a few times before giving up loudly.
func (w *Writer) retry(what string, write func(context.Context) error) {
	delay := 50 * time.Millisecond
	for attempt := 1; ; attempt++ {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		start := time.Now()
		err := write(ctx)
		w.observe(what, time.Since(start), err)
		cancel()
		if err == nil {
			return
		}
		if attempt == 5 {
			w.log.Error("roll call write failed, giving up", "what", what, "err", err)
			return
		}
		w.log.Warn("roll call write failed, retrying", "what", what, "attempt", attempt, "err", err)
		time.Sleep(delay)
		delay *= 2
	}
}
