package storage

import (
	"context"
	"database/sql"
	"errors"
)

// The lookups below find the running lesson a student's hello names when
// the lesson may be hosted by another node (package cluster): a node that
// does not hold a lesson in its hub learns here which one it is, and then
// asks who hosts it.

// RunningLessonByCodeHash returns the running lesson whose join code
// hashes to hash or, when no lesson has that code, the newest running
// lesson of the class whose code it is. ErrNotFound when neither runs.
func (s *DB) RunningLessonByCodeHash(ctx context.Context, hash []byte) (Lesson, error) {
	l, err := scanLesson(s.sql.QueryRowContext(ctx,
		`SELECT `+lessonColumns+` FROM lessons WHERE code_hash = $1 AND ended_at IS NULL`, hash))
	if !errors.Is(err, sql.ErrNoRows) {
		return l, err
	}
	l, err = scanLesson(s.sql.QueryRowContext(ctx,
		`SELECT `+lessonColumns+` FROM lessons WHERE ended_at IS NULL
		 AND class_id = (SELECT id FROM classes WHERE code_hash = $1)
		 ORDER BY created_at DESC LIMIT 1`, hash))
	if errors.Is(err, sql.ErrNoRows) {
		return l, ErrNotFound
	}
	return l, err
}

// RunningLessonOfClass returns the newest running lesson of a class (the
// one its class code and personal links lead into), ErrNotFound if none.
func (s *DB) RunningLessonOfClass(ctx context.Context, classID string) (Lesson, error) {
	l, err := scanLesson(s.sql.QueryRowContext(ctx,
		`SELECT `+lessonColumns+` FROM lessons WHERE class_id = $1 AND ended_at IS NULL
		 ORDER BY created_at DESC LIMIT 1`, classID))
	if errors.Is(err, sql.ErrNoRows) {
		return l, ErrNotFound
	}
	return l, err
}
