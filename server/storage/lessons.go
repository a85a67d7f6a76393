package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"ersatzraum/server/roster"
)

// Lesson is one live lesson of a teacher.
type Lesson struct {
	ID        string
	TeacherID string
	Title     string
	CodeHash  []byte
	ClassID   string // "" for an ad-hoc lesson
	Locked    bool   // admits nobody new
	CreatedAt time.Time
	EndedAt   time.Time // zero while the lesson runs
}

// lessonColumns are read by scanLesson, in its order.
const lessonColumns = `id, teacher_id, title, code_hash, class_id, locked, created_at, ended_at`

// CreateLesson inserts a lesson with its class and lock in one write.
func (s *DB) CreateLesson(ctx context.Context, l Lesson) error {
	_, err := s.sql.ExecContext(ctx,
		`INSERT INTO lessons (id, teacher_id, title, code_hash, class_id, locked, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		l.ID, l.TeacherID, l.Title, l.CodeHash, sql.NullString{String: l.ClassID, Valid: l.ClassID != ""}, l.Locked, l.CreatedAt.UnixMilli())
	return err
}

// errEnded is ErrNotFound for callers of storage and roster.ErrLessonEnded
// for the roster writer, which then counts the end as written.
var errEnded = fmt.Errorf("%w: %w", ErrNotFound, roster.ErrLessonEnded)

// EndLesson records the end of a lesson. A lesson that has already ended
// (or does not exist) is ErrNotFound.
func (s *DB) EndLesson(ctx context.Context, id string, at time.Time) error {
	return endLesson(ctx, s.sql, id, at)
}

func endLesson(ctx context.Context, ex execer, id string, at time.Time) error {
	err := execOne(ctx, ex, `UPDATE lessons SET ended_at = $1 WHERE id = $2 AND ended_at IS NULL`, at.UnixMilli(), id)
	if errors.Is(err, ErrNotFound) {
		return errEnded
	}
	return err
}

// Lesson loads one lesson.
func (s *DB) Lesson(ctx context.Context, id string) (Lesson, error) {
	l, err := scanLesson(s.sql.QueryRowContext(ctx, `SELECT `+lessonColumns+` FROM lessons WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return l, ErrNotFound
	}
	return l, err
}

// ActiveLessons lists the lessons that have not ended, oldest first, each
// with its class and lock: what a starting hub needs.
func (s *DB) ActiveLessons(ctx context.Context) ([]Lesson, error) {
	return queryAll(ctx, s.sql, scanLesson,
		`SELECT `+lessonColumns+` FROM lessons WHERE ended_at IS NULL ORDER BY created_at`)
}

// ClassLessons lists the lessons of a class, newest first.
func (s *DB) ClassLessons(ctx context.Context, classID string) ([]Lesson, error) {
	return queryAll(ctx, s.sql, scanLesson,
		`SELECT `+lessonColumns+` FROM lessons WHERE class_id = $1 ORDER BY created_at DESC`, classID)
}

// TeacherLessons lists a teacher's lessons for the start page: every
// lesson still running, and the ended ones started at or after since;
// running ones first, then newest first, at most limit.
func (s *DB) TeacherLessons(ctx context.Context, teacherID string, since time.Time, limit int) ([]Lesson, error) {
	return queryAll(ctx, s.sql, scanLesson,
		`SELECT `+lessonColumns+` FROM lessons
		 WHERE teacher_id = $1 AND (ended_at IS NULL OR created_at >= $2)
		 ORDER BY ended_at IS NOT NULL, created_at DESC, id LIMIT $3`,
		teacherID, since.UnixMilli(), limit)
}

// SetLessonLocked records whether a lesson admits new students.
func (s *DB) SetLessonLocked(ctx context.Context, lessonID string, locked bool) error {
	return setLessonLocked(ctx, s.sql, lessonID, locked)
}

func setLessonLocked(ctx context.Context, ex execer, lessonID string, locked bool) error {
	_, err := ex.ExecContext(ctx, `UPDATE lessons SET locked = $1 WHERE id = $2`, locked, lessonID)
	return err
}

func scanLesson(row scanner) (Lesson, error) {
	var l Lesson
	var class sql.NullString
	var created int64
	var ended sql.NullInt64
	if err := row.Scan(&l.ID, &l.TeacherID, &l.Title, &l.CodeHash, &class, &l.Locked, &created, &ended); err != nil {
		return l, err
	}
	l.ClassID = class.String
	l.CreatedAt = time.UnixMilli(created)
	l.EndedAt = fromNull(ended)
	return l, nil
}
