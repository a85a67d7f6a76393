package signaling

import (
	"context"
	"time"
)

// A class's last grouping outlives its lesson: groups-start with mode
// last in the class's next lesson starts from it. Only class-list
// students are kept (their participant ids are the same in every lesson
// of the class); students who joined ad hoc are never stored.

// GroupingStore keeps each class's last grouping: participant ids per
// group. LastGrouping returns nil (and no error) for a class without one.
type GroupingStore interface {
	SaveGrouping(ctx context.Context, classID string, groups [][]string) error
	LastGrouping(ctx context.Context, classID string) ([][]string, error)
}

// groupingTimeout bounds one read or write of a grouping; the lesson
// goes on without it.
const groupingTimeout = 5 * time.Second

// finishGroups ends the current run: its timers stop and its grouping
// becomes the lesson's last. It returns the save of the grouping for the
// class, to be called once the room's lock is released, or nil. The room
// is locked and a run is current; telling the participants is the
// caller's.
func (h *Hub) finishGroups(r *room) (save func()) {
	run := r.groups.cur
	run.stop()
	r.groups.cur = nil
	grouping := run.grouping()
	if len(grouping) == 0 {
		return nil
	}
	r.groups.last = grouping
	classID := r.lesson.ClassID
	if classID == "" || h.Groupings == nil {
		return nil
	}
	var listed [][]string
	for _, g := range grouping {
		var ids []string
		for _, id := range g {
			if r.students[id].line.Listed {
				ids = append(ids, id)
			}
		}
		if len(ids) > 0 {
			listed = append(listed, ids)
		}
	}
	if len(listed) == 0 {
		return nil
	}
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), groupingTimeout)
		defer cancel()
		if err := h.Groupings.SaveGrouping(ctx, classID, listed); err != nil {
			h.log.Warn("grouping not saved", "class", classID, "err", err)
		}
	}
}

// storedGrouping reads the class's last grouping for a lesson that has
// none of its own yet; nil: none (or the store failed, which is logged).
// No lock may be held.
func (h *Hub) storedGrouping(r *room) [][]string {
	r.mu.Lock()
	own := r.groups.last != nil
	r.mu.Unlock()
	if own || r.lesson.ClassID == "" || h.Groupings == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), groupingTimeout)
	defer cancel()
	groups, err := h.Groupings.LastGrouping(ctx, r.lesson.ClassID)
	if err != nil {
		h.log.Warn("last grouping not read", "class", r.lesson.ClassID, "err", err)
		return nil
	}
	return groups
}
