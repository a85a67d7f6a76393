package storage

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// Lesson is one live lesson of a teacher.
type Lesson struct {
	ID        string
	TeacherID string
	Title     string
	CodeHash  []byte
	CreatedAt time.Time
	EndedAt   time.Time // zero while the lesson runs
}

// CreateLesson inserts a lesson.
func (s *DB) CreateLesson(ctx context.Context, l Lesson) error {
	_, err := s.sql.ExecContext(ctx,
		`INSERT INTO lessons (id, teacher_id, title, code_hash, created_at) VALUES (?, ?, ?, ?, ?)`,
		l.ID, l.TeacherID, l.Title, l.CodeHash, l.CreatedAt.UnixMilli())
	return err
}

// EndLesson records the end of a lesson.
func (s *DB) EndLesson(ctx context.Context, id string, at time.Time) error {
	res, err := s.sql.ExecContext(ctx, `UPDATE lessons SET ended_at = ? WHERE id = ? AND ended_at IS NULL`, at.UnixMilli(), id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// Lesson loads one lesson.
func (s *DB) Lesson(ctx context.Context, id string) (Lesson, error) {
	row := s.sql.QueryRowContext(ctx,
		`SELECT id, teacher_id, title, code_hash, created_at, ended_at FROM lessons WHERE id = ?`, id)
	l, err := scanLesson(row)
	if errors.Is(err, sql.ErrNoRows) {
		return l, ErrNotFound
	}
	return l, err
}

// ActiveLessons lists the lessons that have not ended, oldest first.
func (s *DB) ActiveLessons(ctx context.Context) ([]Lesson, error) {
	rows, err := s.sql.QueryContext(ctx,
		`SELECT id, teacher_id, title, code_hash, created_at, ended_at FROM lessons
		 WHERE ended_at IS NULL ORDER BY created_at`)
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


func scanLesson(row scanner) (Lesson, error) {
	var l Lesson
	var created int64
	var ended sql.NullInt64
	if err := row.Scan(&l.ID, &l.TeacherID, &l.Title, &l.CodeHash, &created, &ended); err != nil {
		return l, err
	}
	l.CreatedAt = time.UnixMilli(created)
	if ended.Valid {
		l.EndedAt = time.UnixMilli(ended.Int64)
	}
	return l, nil
}
