package drill

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"ersatzraum/app/protocol"
)

// teacher is one simulated teacher with its lesson. Its reader never
// blocks: answers go through a queue to a writer goroutine that keeps the
// connection under the server's message rate limit.
type teacher struct {
	peer
	lesson lesson

	mu    sync.Mutex
	queue []answerJob
	wake  chan struct{}
}

type answerJob struct {
	to     string
	queued time.Time
	admit  []string // students waiting in the lobby, to let in
}

// joined is called once the join succeeded or failed.
func (r *run) runTeacher(ctx context.Context, t *teacher, joined func()) {
	welcome, ok := r.join(ctx, &t.peer, r.cookie, teacherHello(t.lesson.ID))
	if !ok {
		joined()
		return
	}
	t.wake = make(chan struct{}, 1)
	// Students who knocked before the teacher came are in the welcome;
	// after it, each knock comes as lobby-add.
	if len(welcome.Data.Lobby) > 0 {
		job := answerJob{queued: time.Now()}
		for _, w := range welcome.Data.Lobby {
			job.admit = append(job.admit, w.ID)
		}
		t.queue = append(t.queue, job)
		t.wake <- struct{}{}
	}
	r.teacherReaders.Add(1)
	r.writers.Add(1)
	joined()
	go func() {
		defer r.writers.Done()
		r.answer(r.writersCtx, t)
	}()
	defer r.teacherReaders.Done()
	r.readLoop(&t.peer, func(m inbound) {
		var job answerJob
		switch {
		case m.Type == protocol.TypeSignal && m.Data.Kind == protocol.SignalOffer && m.Data.From != "":
			job = answerJob{to: m.Data.From, queued: time.Now()}
		case m.Type == protocol.TypeLobbyAdd && m.Data.ID != "":
			// A teacher lets in whoever knocks, as at 08:00 with the
			// class waiting in the lobby.
			job.admit = append(job.admit, m.Data.ID)
			job.queued = time.Now()
		default:
			return
		}
		t.mu.Lock()
		t.queue = append(t.queue, job)
		t.mu.Unlock()
		select {
		case t.wake <- struct{}{}:
		default:
		}
	})
}

// answer sends an answer and candidates for every queued offer, paced.
func (r *run) answer(ctx context.Context, t *teacher) {
	lim := rate.NewLimiter(clientRate, clientBurst)
	for {
		t.mu.Lock()
		var job answerJob
		ok := len(t.queue) > 0
		if ok {
			job = t.queue[0]
			t.queue = t.queue[1:]
			if len(t.queue) == 0 {
				t.queue = nil // let a long backlog's array go
			}
		}
		t.mu.Unlock()
		if !ok {
			select {
			case <-t.wake:
				continue
			case <-ctx.Done():
				return
			}
		}
		if lim.Wait(ctx) != nil {
			return
		}
		if job.admit != nil {
			msg := protocol.MustEncode(protocol.TypeAdmit, protocol.Admission{IDs: job.admit})
			if r.send(&t.peer, func(b []byte) []byte { return append(b, msg...) }) != nil {
				return
			}
			continue
		}
		r.answerWait.add(time.Since(job.queued))
		if r.send(&t.peer, func(b []byte) []byte {
			return appendSDP(b, job.to, protocol.SignalAnswer, time.Now().UnixNano())
		}) != nil {
			return
		}
		for i := range len(candidates) {
			if lim.Wait(ctx) != nil {
				return
			}
			if r.send(&t.peer, func(b []byte) []byte {
				return appendCandidate(b, job.to, i, stampSent, time.Now().UnixNano())
			}) != nil {
				return
			}
		}
	}
}

// end ends the teacher's lesson, which removes it from the server; the
// server answers with lesson-ended and a normal close.
func (t *teacher) end() {
	if t.state.CompareAndSwap(stJoined, stClosing) {
		t.write(endMessage)
	}
}
