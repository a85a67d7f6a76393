package storage

import (
	"context"
	"database/sql"
	"time"

	"ersatzraum/server/roster"
)

// Attendance is one student's roll-call line in one lesson, stored as the
// roster writer hands it over: one shape for the hub, the writer and the
// database, so that nothing converts between them.
type Attendance = roster.Line

// Event is one change on a lesson's roll call (roster.EventJoin,
// EventLeave or EventStatus), stored as the roster writer hands it over.
type Event = roster.Event

// PutAttendance inserts or replaces a roll-call line. The roll call writes
// whole lines, so the last write for a participant always wins.
func (s *DB) PutAttendance(ctx context.Context, a Attendance) error {
	return putAttendance(ctx, s.sql, a)
}

func putAttendance(ctx context.Context, ex execer, a Attendance) error {
	_, err := ex.ExecContext(ctx,
		`INSERT INTO attendance (lesson_id, participant_id, name, status, camera, joined_at, left_at, resume_hash, listed)
		 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		 ON CONFLICT (lesson_id, participant_id) DO UPDATE SET
		   name = excluded.name, status = excluded.status, camera = excluded.camera,
		   joined_at = excluded.joined_at, left_at = excluded.left_at, resume_hash = excluded.resume_hash,
		   listed = excluded.listed`,
		attendanceArgs(a)...)
	return err
}

// attendanceArgs are a line's values in the column order of the
// attendance table's inserts.
func attendanceArgs(a Attendance) []any {
	if a.ResumeHash == nil {
		// Never joined, or sent out: no way to resume, but the column
		// holds a value.
		a.ResumeHash = []byte{}
	}
	var left any
	if !a.LeftAt.IsZero() {
		left = a.LeftAt.UnixMilli()
	}
	return []any{a.LessonID, a.ParticipantID, a.Name, a.Status, a.Camera, millisOrZero(a.JoinedAt), left, a.ResumeHash, a.Listed}
}

// LessonAttendance returns a lesson's roll call in join order.
func (s *DB) LessonAttendance(ctx context.Context, lessonID string) ([]Attendance, error) {
	return queryAll(ctx, s.sql, scanAttendance,
		`SELECT lesson_id, participant_id, name, status, camera, joined_at, left_at, resume_hash, listed
		 FROM attendance WHERE lesson_id = $1 ORDER BY joined_at, participant_id`, lessonID)
}

func scanAttendance(row scanner) (Attendance, error) {
	var a Attendance
	var joined int64
	var left sql.NullInt64
	if err := row.Scan(&a.LessonID, &a.ParticipantID, &a.Name, &a.Status, &a.Camera, &joined, &left, &a.ResumeHash, &a.Listed); err != nil {
		return a, err
	}
	if joined != 0 {
		a.JoinedAt = time.UnixMilli(joined)
	}
	a.LeftAt = fromNull(left)
	return a, nil
}

// millisOrZero stores the zero time as 0 ("never"), not as year 1.
func millisOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// PutEvent appends an event to a lesson's roll-call history.
func (s *DB) PutEvent(ctx context.Context, e Event) error { return putEvent(ctx, s.sql, e) }

func putEvent(ctx context.Context, ex execer, e Event) error {
	_, err := ex.ExecContext(ctx,
		`INSERT INTO attendance_events (lesson_id, participant_id, kind, status, at) VALUES ($1, $2, $3, $4, $5)`,
		e.LessonID, e.ParticipantID, e.Kind, e.Status, e.At.UnixMilli())
	return err
}

// LessonEvents returns a lesson's roll-call history in order. Events of
// the same millisecond keep the order they were written in: by SQLite's
// rowid, and by the PostgreSQL table's identity column of the same name.
func (s *DB) LessonEvents(ctx context.Context, lessonID string) ([]Event, error) {
	return queryAll(ctx, s.sql, func(row scanner) (Event, error) {
		var e Event
		var at int64
		err := row.Scan(&e.LessonID, &e.ParticipantID, &e.Kind, &e.Status, &at)
		e.At = time.UnixMilli(at)
		return e, err
	}, `SELECT lesson_id, participant_id, kind, status, at FROM attendance_events
		 WHERE lesson_id = $1 ORDER BY at, rowid`, lessonID)
}

// SetLateAfter sets after how many minutes a join to a class's lesson
// counts as late.
func (s *DB) SetLateAfter(ctx context.Context, classID string, minutes int) error {
	_, err := s.sql.ExecContext(ctx, `UPDATE classes SET late_after_minutes = $1 WHERE id = $2`, minutes, classID)
	return err
}

// LateAfter returns a class's late threshold in minutes.
func (s *DB) LateAfter(ctx context.Context, classID string) (int, error) {
	var m int
	err := s.sql.QueryRowContext(ctx, `SELECT late_after_minutes FROM classes WHERE id = $1`, classID).Scan(&m)
	return m, err
}
