package cli

import "context"

// SetLessonLocked stores a lesson's lock, so that a restart keeps it.
func (s rosterStore) SetLessonLocked(ctx context.Context, id string, locked bool) error {
	return s.db.SetLessonLocked(ctx, id, locked)
}
