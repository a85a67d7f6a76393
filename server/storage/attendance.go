package storage

import (
	"context"
	"database/sql"
	"time"
)

// Attendance is one student's roll-call line in one lesson.
type Attendance struct {
	LessonID      string
	ParticipantID string
	Name          string
	Status        string
	Camera        bool
	JoinedAt      time.Time
	LeftAt        time.Time // zero while connected
	ResumeHash    []byte
}

// PutAttendance inserts or replaces a roll-call line. The roll call writes
// whole lines, so the last write for a participant always wins.
func (s *DB) PutAttendance(ctx context.Context, a Attendance) error {
	if a.ResumeHash == nil {
		// Never joined, or sent out: no way to resume, but the column
		// holds a value.
		a.ResumeHash = []byte{}
	}
	var left any
	if !a.LeftAt.IsZero() {
		left = a.LeftAt.UnixMilli()
	}
	_, err := s.sql.ExecContext(ctx,
		`INSERT INTO attendance (lesson_id, participant_id, name, status, camera, joined_at, left_at, resume_hash)
		 VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		 ON CONFLICT (lesson_id, participant_id) DO UPDATE SET
		   name = excluded.name, status = excluded.status, camera = excluded.camera,
		   joined_at = excluded.joined_at, left_at = excluded.left_at, resume_hash = excluded.resume_hash`,
		a.LessonID, a.ParticipantID, a.Name, a.Status, a.Camera, millisOrZero(a.JoinedAt), left, a.ResumeHash)
	return err
}

// LessonAttendance returns a lesson's roll call in join order.
func (s *DB) LessonAttendance(ctx context.Context, lessonID string) ([]Attendance, error) {
	rows, err := s.sql.QueryContext(ctx,
		`SELECT lesson_id, participant_id, name, status, camera, joined_at, left_at, resume_hash
		 FROM attendance WHERE lesson_id = ? ORDER BY joined_at, participant_id`, lessonID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Attendance
	for rows.Next() {
		var a Attendance
		var joined int64
		var left sql.NullInt64
		if err := rows.Scan(&a.LessonID, &a.ParticipantID, &a.Name, &a.Status, &a.Camera, &joined, &left, &a.ResumeHash); err != nil {
			return nil, err
		}
		if joined != 0 {
			a.JoinedAt = time.UnixMilli(joined)
		}
		if left.Valid {
			a.LeftAt = time.UnixMilli(left.Int64)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// millisOrZero stores the zero time as 0 ("never"), not as year 1.
func millisOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// Event is one change on a lesson's roll call.
type Event struct {
	LessonID      string
	ParticipantID string
	Kind          string // "join", "leave" or "status"
	Status        string // for "status": the new status
	At            time.Time
}

// PutEvent appends an event to a lesson's roll-call history.
func (s *DB) PutEvent(ctx context.Context, e Event) error {
	_, err := s.sql.ExecContext(ctx,
		`INSERT INTO attendance_events (lesson_id, participant_id, kind, status, at) VALUES (?, ?, ?, ?, ?)`,
		e.LessonID, e.ParticipantID, e.Kind, e.Status, e.At.UnixMilli())
	return err
}

// LessonEvents returns a lesson's roll-call history in order.
func (s *DB) LessonEvents(ctx context.Context, lessonID string) ([]Event, error) {
	rows, err := s.sql.QueryContext(ctx,
		`SELECT lesson_id, participant_id, kind, status, at FROM attendance_events
		 WHERE lesson_id = ? ORDER BY at, rowid`, lessonID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		var at int64
		if err := rows.Scan(&e.LessonID, &e.ParticipantID, &e.Kind, &e.Status, &at); err != nil {
			return nil, err
		}
		e.At = time.UnixMilli(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// ClassLessons lists the lessons of a class, newest first.
func (s *DB) ClassLessons(ctx context.Context, classID string) ([]Lesson, error) {
	rows, err := s.sql.QueryContext(ctx,
		`SELECT id, teacher_id, title, code_hash, created_at, ended_at FROM lessons
		 WHERE class_id = ? ORDER BY created_at DESC`, classID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Lesson
	for rows.Next() {
		l, err := scanLesson(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// SetLateAfter sets after how many minutes a join to a class's lesson
// counts as late.
func (s *DB) SetLateAfter(ctx context.Context, classID string, minutes int) error {
	_, err := s.sql.ExecContext(ctx, `UPDATE classes SET late_after_minutes = ? WHERE id = ?`, minutes, classID)
	return err
}

// LateAfter returns a class's late threshold in minutes.
func (s *DB) LateAfter(ctx context.Context, classID string) (int, error) {
	var m int
	err := s.sql.QueryRowContext(ctx, `SELECT late_after_minutes FROM classes WHERE id = ?`, classID).Scan(&m)
	return m, err
}
