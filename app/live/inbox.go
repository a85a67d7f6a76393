package live

import "sync"

// inbox is an unbounded first-in-first-out queue with one consumer. Put
// never blocks: browser callbacks (a WebSocket message, a peer's state
// change, a timer) put their work here and return at once, because a
// JavaScript callback that blocks stops the browser's event loop, and with
// it every promise the consumer may be waiting for. A bounded channel in
// that place is what froze the teacher's page when a whole class arrived
// at once (issue 12): 64 slots filled while the call waited for the
// browser to answer an offer, the next message's callback blocked, and the
// answer could never resolve.
type inbox[T any] struct {
	mu sync.Mutex // guards items
	// items waiting, oldest first
	items []T
	// ready holds one token while items is not empty
	ready chan struct{}
}

func newInbox[T any]() *inbox[T] {
	return &inbox[T]{ready: make(chan struct{}, 1)}
}

// put appends v. It never blocks.
func (q *inbox[T]) put(v T) {
	q.mu.Lock()
	q.items = append(q.items, v)
	q.mu.Unlock()
	select {
	case q.ready <- struct{}{}:
	default:
	}
}

// take removes and returns everything waiting.
func (q *inbox[T]) take() []T {
	q.mu.Lock()
	defer q.mu.Unlock()
	items := q.items
	q.items = nil
	return items
}

// pop removes and returns the oldest item.
func (q *inbox[T]) pop() (T, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	var zero T
	if len(q.items) == 0 {
		return zero, false
	}
	v := q.items[0]
	q.items[0] = zero
	q.items = q.items[1:]
	return v, true
}

// len reports how many items wait.
func (q *inbox[T]) len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items)
}
