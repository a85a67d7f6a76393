package storage

import (
	"context"
	"errors"

	"ersatzraum/server/roster"
)

// WriteRollCall writes a batch of roll-call changes in order in one
// transaction (roster.BatchStore): the roster writer commits everything
// that queued up while it wrote the last batch at once, one commit (one
// WAL flush) for a whole burst of joins. Ending a lesson that has ended
// already is no error here: the batch goes on.
func (s *DB) WriteRollCall(ctx context.Context, changes []roster.Change) error {
	tx, err := s.sql.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, c := range changes {
		switch {
		case c.Line != nil:
			err = putAttendance(ctx, tx, *c.Line)
		case c.Event != nil:
			err = putEvent(ctx, tx, *c.Event)
		case c.EndID != "":
			if err = endLesson(ctx, tx, c.EndID, c.EndAt); errors.Is(err, roster.ErrLessonEnded) {
				err = nil
			}
		case c.LockID != "":
			err = setLessonLocked(ctx, tx, c.LockID, c.Locked)
		}
		if err != nil {
			return err
		}
	}
	return tx.Commit()
}

var _ roster.BatchStore = (*DB)(nil)
