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
		a.LessonID, a.ParticipantID, a.Name, a.Status, a.Camera, a.JoinedAt.UnixMilli(), left, a.ResumeHash)
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
		a.JoinedAt = time.UnixMilli(joined)
		if left.Valid {
			a.LeftAt = time.UnixMilli(left.Int64)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
