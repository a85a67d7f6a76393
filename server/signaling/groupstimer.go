package signaling

import (
	"time"

	"ersatzraum/app/protocol"
)

// The timer of group work: a note a minute before the end (for runs of
// more than a minute), then the end, as if the teacher had sent
// groups-end. Each callback locks the room and does nothing unless its
// run is still the current one of a lesson that has not ended; ending the
// run or the lesson also stops the timers.

// groupsMinute is one minute of group work: the unit of
// GroupsStart.Minutes and the warning before the end. Tests shorten it.
var groupsMinute = time.Minute

// startGroupsTimer sets the run's end and its timers. The room is locked.
func (h *Hub) startGroupsTimer(r *room, run *groupRun, minutes int, now time.Time) {
	d := time.Duration(minutes) * groupsMinute
	run.ends = now.Add(d)
	if minutes > 1 {
		run.timers = append(run.timers, time.AfterFunc(d-groupsMinute, func() { h.groupsLastMinute(r, run) }))
	}
	run.timers = append(run.timers, time.AfterFunc(d, func() { h.groupsTimeUp(r, run) }))
}

func (h *Hub) groupsLastMinute(r *room, run *groupRun) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ended || r.groups.cur != run {
		return
	}
	r.groupsNote(protocol.GroupsNote{Kind: protocol.NoteLastMinute, At: h.now().UnixMilli()})
}

func (h *Hub) groupsTimeUp(r *room, run *groupRun) {
	r.mu.Lock()
	if r.ended || r.groups.cur != run {
		r.mu.Unlock()
		return
	}
	save := h.finishGroups(r)
	r.groupsToAll(h.now())
	r.mu.Unlock()
	if save != nil {
		save()
	}
}

// stop stops the run's timers. The room is locked.
func (run *groupRun) stop() {
	for _, t := range run.timers {
		t.Stop()
	}
	run.timers = nil
}
