package storage

import (
	"context"
	"time"
)

// Purging, for the daily retention run (server/retention). Each method
// deletes in one statement and returns how many rows went.

// PurgeAttendance deletes roll-call lines whose student left (or, if the
// line is still open, joined) before the cutoff; a line of someone who
// never joined (joined_at 0, a listed student who stayed absent) counts
// from its lesson's start. The roll call's history events go by their own
// time.
func (s *DB) PurgeAttendance(ctx context.Context, before time.Time) (int64, error) {
	n, err := s.purge(ctx, `DELETE FROM attendance WHERE COALESCE(left_at, NULLIF(joined_at, 0),
		(SELECT created_at FROM lessons WHERE lessons.id = attendance.lesson_id)) < $1`, before.UnixMilli())
	if err != nil {
		return n, err
	}
	events, err := s.purge(ctx, `DELETE FROM attendance_events WHERE at < $1`, before.UnixMilli())
	if err != nil {
		return n + events, err
	}
	// Saved quick-check results are part of the records and go with them.
	checks, err := s.purge(ctx, `DELETE FROM quick_checks WHERE saved_at < $1`, before.UnixMilli())
	return n + events + checks, err
}

// PurgeEndedLessons deletes lessons that ended before the cutoff, with
// their remaining roll call (ON DELETE CASCADE). Lessons still running are
// kept, however old.
func (s *DB) PurgeEndedLessons(ctx context.Context, before time.Time) (int64, error) {
	return s.purge(ctx, `DELETE FROM lessons WHERE ended_at IS NOT NULL AND ended_at < $1`, before.UnixMilli())
}

// PurgeSessions deletes sessions that expired before the cutoff.
func (s *DB) PurgeSessions(ctx context.Context, before time.Time) (int64, error) {
	return s.purge(ctx, `DELETE FROM sessions WHERE expires_at < $1`, before.UnixMilli())
}

// PurgeLoginTokens deletes login tokens that expired, or were used, before
// the cutoff.
func (s *DB) PurgeLoginTokens(ctx context.Context, before time.Time) (int64, error) {
	return s.purge(ctx, `DELETE FROM login_tokens WHERE expires_at < $1 OR used_at < $1`, before.UnixMilli())
}

func (s *DB) purge(ctx context.Context, query string, arg any) (int64, error) {
	res, err := s.sql.ExecContext(ctx, query, arg)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
