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
	"sync/atomic"
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

// Change is one roll-call write: exactly one of a line, an event, a
// lesson's end or its lock.
type Change struct {
	Line   *Line
	Event  *Event
	EndID  string
	EndAt  time.Time
	LockID string
	Locked bool
}

// BatchStore is a Store that writes several changes in one transaction,
// in order, all or none; ending a lesson that has already ended counts as
// done there too. The writer then commits what queued up meanwhile at
// once, so that a burst costs one commit, not one per change.
type BatchStore interface {
	Store
	WriteRollCall(ctx context.Context, changes []Change) error
}

type job struct {
	Change
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
	// queued counts the jobs ever pushed, written those done (stored, or
	// given up after the retries); waiters wait for a count (AfterWritten).
	mu      sync.Mutex
	queue   []job
	closed  bool
	waiters []waiter
	// last is the number (in queued's count) of each lesson's latest
	// change not yet written.
	last map[string]uint64
	// queued and written change under mu and are read without it.
	queued, written atomic.Uint64
}

type waiter struct {
	n    uint64
	done func()
}

// NewWriter starts a writer; observe (nil: none) times every write. Call
// Close to flush and stop it.
func NewWriter(store Store, log *slog.Logger, observe Observer) *Writer {
	if observe == nil {
		observe = func(string, time.Duration, error) {}
	}
	w := &Writer{store: store, log: log, observe: observe, wake: make(chan struct{}, 1), stopped: make(chan struct{}), last: make(map[string]uint64)}
	go w.run()
	return w
}

// Record queues a roll-call line for writing.
func (w *Writer) Record(l Line) { w.push(job{Change: Change{Line: &l}}) }

// RecordEnd queues the end of a lesson for writing.
func (w *Writer) RecordEnd(lessonID string, at time.Time) {
	w.push(job{Change: Change{EndID: lessonID, EndAt: at}})
}

// RecordEvent queues a roll-call event for writing.
func (w *Writer) RecordEvent(e Event) { w.push(job{Change: Change{Event: &e}}) }

// RecordLock queues a lesson's lock state for writing.
func (w *Writer) RecordLock(lessonID string, locked bool) {
	w.push(job{Change: Change{LockID: lessonID, Locked: locked}})
}

// Queued is how many changes have been queued so far: everything queued
// before a moment is written once Written(Queued()) of that moment holds.
func (w *Writer) Queued() uint64 { return w.queued.Load() }

// QueuedFor is Queued for one lesson's changes: they are all written
// once Written(QueuedFor(lesson)) holds (changes are written in order).
// It is 0 when nothing of the lesson waits; "" means every lesson's.
func (w *Writer) QueuedFor(lesson string) uint64 {
	if lesson == "" {
		return w.Queued()
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.last[lesson]
}

func (c Change) lesson() string {
	switch {
	case c.Line != nil:
		return c.Line.LessonID
	case c.Event != nil:
		return c.Event.LessonID
	case c.EndID != "":
		return c.EndID
	}
	return c.LockID
}

// Written reports whether the first n changes queued are done: stored,
// or given up after the retries (and logged).
func (w *Writer) Written(n uint64) bool { return w.written.Load() >= n }

// AfterWritten calls done on the writer's goroutine once the first n
// changes queued are done, and reports true; when they are done already,
// it calls nothing and reports false. done must not block or call back
// into the writer.
func (w *Writer) AfterWritten(n uint64, done func()) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.written.Load() >= n {
		return false
	}
	w.waiters = append(w.waiters, waiter{n: n, done: done})
	return true
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
	n := w.queued.Add(1)
	if id := j.lesson(); id != "" {
		w.last[id] = n
	}
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
	batches, _ := w.store.(BatchStore)
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
			if batches != nil {
				w.writeBatches(batches, batch)
			} else {
				for _, j := range batch {
					w.write(j)
					w.done(1)
				}
			}
		}
	}
}

// writeBatches writes the changes between syncs in one transaction each.
func (w *Writer) writeBatches(store BatchStore, batch []job) {
	var changes []Change
	flush := func() {
		if len(changes) == 0 {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		start := time.Now()
		err := store.WriteRollCall(ctx, changes)
		w.observe("roll-call", time.Since(start), err)
		cancel()
		if err != nil {
			// One change that cannot be written (its lesson purged, say)
			// must not take the others with it: one by one, each with
			// its own retries.
			w.log.Warn("roll call batch not written, writing its changes one by one", "changes", len(changes), "err", err)
			for _, c := range changes {
				w.write(job{Change: c})
			}
		}
		w.done(uint64(len(changes)))
		changes = changes[:0]
	}
	for _, j := range batch {
		if j.synced != nil {
			flush()
			close(j.synced)
			w.done(1)
			continue
		}
		changes = append(changes, j.Change)
	}
	flush()
}

// done counts n more jobs as written and calls the waiters that were
// waiting for them.
func (w *Writer) done(n uint64) {
	w.mu.Lock()
	written := w.written.Add(n)
	for id, last := range w.last {
		if last <= written {
			delete(w.last, id)
		}
	}
	var ready []func()
	keep := w.waiters[:0]
	for _, wt := range w.waiters {
		if wt.n <= written {
			ready = append(ready, wt.done)
		} else {
			keep = append(keep, wt)
		}
	}
	w.waiters = keep
	w.mu.Unlock()
	for _, f := range ready {
		f()
	}
}

func (w *Writer) write(j job) {
	switch {
	case j.synced != nil:
		close(j.synced)
	case j.Line != nil:
		w.retry("attendance", func(ctx context.Context) error { return w.store.PutAttendance(ctx, *j.Line) })
	case j.EndID != "":
		w.retry("lesson-end", func(ctx context.Context) error {
			if err := w.store.EndLesson(ctx, j.EndID, j.EndAt); !errors.Is(err, ErrLessonEnded) {
				return err
			}
			return nil // already ended: nothing to do
		})
	case j.Event != nil:
		w.retry("attendance-event", func(ctx context.Context) error { return w.store.PutEvent(ctx, *j.Event) })
	case j.LockID != "":
		w.retry("lesson-lock", func(ctx context.Context) error { return w.store.SetLessonLocked(ctx, j.LockID, j.Locked) })
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
