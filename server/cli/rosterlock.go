package cli

import (
	"context"

	"ersatzraum/server/roster"
	"ersatzraum/server/storage"
)

// SetLessonLocked stores a lesson's lock, so that a restart keeps it.
func (s rosterStore) SetLessonLocked(ctx context.Context, id string, locked bool) error {
	return s.db.SetLessonLocked(ctx, id, locked)
}

// PutEvent appends to a lesson's roll-call history.
func (s rosterStore) PutEvent(ctx context.Context, e roster.Event) error {
	return s.db.PutEvent(ctx, storage.Event(e))
}
