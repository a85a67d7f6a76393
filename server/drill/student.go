package drill

import (
	"context"
	"time"

	"sync/atomic"

	"ersatzraum/app/protocol"
)

// student is one simulated student.
type student struct {
	peer
	n             int
	lesson        *lesson
	teacherOnline atomic.Bool
	lastHold      time.Time // hold traffic: only the relay goroutine touches it
	chat          bool      // in a chat class (chat.go)

	// Only the reader goroutine touches these.
	answered   bool
	cands      uint8
	negotiated bool
}

// runStudent joins and then reads until the connection ends. The join
// itself is reported to r.joins; the reading to r.studentReaders.
func (r *run) runStudent(ctx context.Context, s *student) {
	w, ok := r.join(ctx, &s.peer, "", studentHello(s.lesson.Code, s.n))
	if !ok {
		r.joins.Done()
		return
	}
	if s.chat {
		r.chatJoinLat.add(s.took)
	} else {
		r.studentJoin.add(s.took)
	}
	r.studentReaders.Add(1)
	r.joins.Done()
	defer r.studentReaders.Done()
	if w.Data.TeacherOnline {
		s.teacherOnline.Store(true)
		r.offer(s)
	}
	r.readLoop(&s.peer, func(m inbound) { r.studentGot(s, m) })
}

// offer starts a negotiation as the browser does: an offer, then its
// candidates as ICE gathers them.
func (r *run) offer(s *student) {
	s.answered, s.cands = false, 0
	if r.send(&s.peer, func(b []byte) []byte {
		return appendSDP(b, protocol.TeacherPeer, protocol.SignalOffer, time.Now().UnixNano())
	}) != nil {
		return
	}
	for i := range len(candidates) {
		if r.send(&s.peer, func(b []byte) []byte {
			return appendCandidate(b, protocol.TeacherPeer, i, stampSent, time.Now().UnixNano())
		}) != nil {
			return
		}
	}
}

func (r *run) studentGot(s *student, m inbound) {
	switch m.Type {
	case protocol.TypeChatAck:
		r.chatGot(m)
	case protocol.TypeTeacherStatus:
		s.teacherOnline.Store(m.Data.Online)
		if m.Data.Online {
			r.offer(s) // the teacher is back: a fresh peer connection
		}
	case protocol.TypeSignal:
		if m.Data.From != protocol.TeacherPeer {
			return
		}
		switch m.Data.Kind {
		case protocol.SignalAnswer:
			s.answered, s.cands = true, 0
		case protocol.SignalCandidate:
			if s.answered {
				s.cands++
			}
		}
		if s.answered && int(s.cands) == len(candidates) && !s.negotiated {
			s.negotiated = true
			r.negotiated.Add(1)
		}
	}
}
