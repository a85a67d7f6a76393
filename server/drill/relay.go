package drill

import (
	"context"
	"time"

	"ersatzraum/app/protocol"
)

// holdTraffic keeps RelayRate candidate signals per second flowing from
// students to their teachers until the hold ends, round robin over the
// students whose teacher is online. No student sends more than
// maxStudentRelayRate per second.
func (r *run) holdTraffic(ctx context.Context, students []*student, hold time.Duration) {
	timer := time.NewTimer(hold)
	defer timer.Stop()
	if r.cfg.RelayRate <= 0 || len(students) == 0 {
		select {
		case <-timer.C:
		case <-ctx.Done():
		}
		return
	}
	const tick = 5 * time.Millisecond
	minGap := time.Second / maxStudentRelayRate
	ticker := time.NewTicker(tick)
	defer ticker.Stop()
	start := time.Now()
	var slots int64 // messages due so far, sent or skipped
	next := 0
	for {
		select {
		case <-timer.C:
			return
		case <-ctx.Done():
			return
		case now := <-ticker.C:
			due := int64(now.Sub(start).Seconds()*r.cfg.RelayRate) - slots
			for ; due > 0; due-- {
				slots++
				s := nextSender(students, &next, now, minGap)
				if s == nil {
					r.holdSkipped.Add(due)
					slots += due - 1
					break
				}
				s.lastHold = now
				i := int(slots)
				if r.send(&s.peer, func(b []byte) []byte {
					return appendCandidate(b, protocol.TeacherPeer, i, stampHold, time.Now().UnixNano())
				}) == nil {
					r.holdSent.Add(1)
				}
			}
		}
	}
}

// nextSender returns the next student, round robin, that is connected, has
// its teacher online and did not send within minGap; nil if none.
func nextSender(students []*student, next *int, now time.Time, minGap time.Duration) *student {
	for range students {
		s := students[*next]
		*next = (*next + 1) % len(students)
		if s.state.Load() == stJoined && s.teacherOnline.Load() && now.Sub(s.lastHold) >= minGap {
			return s
		}
	}
	return nil
}
