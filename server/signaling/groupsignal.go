package signaling

import (
	"time"

	"ersatzraum/app/protocol"
)

// signalRefused is the one answer to every signal a student may not
// send: to another group, to an unknown tag, or with no group at all. One
// message for all of them, so that a student cannot probe which tags
// belong to another group.
const signalRefused = "students can only signal the teacher"

// groupSignal relays a student's signal to another member of its group,
// addressed by peer tag (sig.To is neither "" nor the teacher). The
// receiver sees the sender's tag, never its participant id. The room is
// locked.
func (s *Session) groupSignal(r *room, sig protocol.Signal, received time.Time) {
	run := r.groups.cur
	if run == nil {
		s.sendError(protocol.ErrForbidden, signalRefused)
		return
	}
	from := run.groupOf(s.studentID)
	to, known := run.byTag[sig.To]
	if from < 0 || !known || to == s.studentID || run.groupOf(to) != from {
		s.sendError(protocol.ErrForbidden, signalRefused)
		return
	}
	target := r.students[to]
	if !target.online() {
		s.sendError(protocol.ErrPeerOffline, "the peer is not connected")
		return
	}
	sig.From, sig.To = run.tags[s.studentID], ""
	target.conn.send(protocol.MustEncode(protocol.TypeSignal, sig))
	s.hub.Meter.Relayed(sig.Kind, time.Since(received))
}
