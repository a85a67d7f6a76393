package storage

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// Teacher is an account created by the admin.
type Teacher struct {
	ID        string
	Name      string
	CreatedAt time.Time
}

// CreateTeacher inserts a teacher.
func (s *DB) CreateTeacher(ctx context.Context, t Teacher) error {
	_, err := s.sql.ExecContext(ctx,
		`INSERT INTO teachers (id, name, created_at) VALUES (?, ?, ?)`,
		t.ID, t.Name, t.CreatedAt.UnixMilli())
	return err
}

// Teachers lists all teachers by name.
func (s *DB) Teachers(ctx context.Context) ([]Teacher, error) {
	rows, err := s.sql.QueryContext(ctx, `SELECT id, name, created_at FROM teachers ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Teacher
	for rows.Next() {
		var t Teacher
		var created int64
		if err := rows.Scan(&t.ID, &t.Name, &created); err != nil {
			return nil, err
		}
		t.CreatedAt = time.UnixMilli(created)
		out = append(out, t)
	}
	return out, rows.Err()
}

// Teacher loads one teacher by id.
func (s *DB) Teacher(ctx context.Context, id string) (Teacher, error) {
	var t Teacher
	var created int64
	err := s.sql.QueryRowContext(ctx, `SELECT id, name, created_at FROM teachers WHERE id = ?`, id).
		Scan(&t.ID, &t.Name, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return t, ErrNotFound
	}
	t.CreatedAt = time.UnixMilli(created)
	return t, err
}

// PutLoginToken stores the hash of a one-time login token.
func (s *DB) PutLoginToken(ctx context.Context, hash []byte, teacherID string, expires time.Time) error {
	_, err := s.sql.ExecContext(ctx,
		`INSERT INTO login_tokens (hash, teacher_id, expires_at) VALUES (?, ?, ?)`,
		hash, teacherID, expires.UnixMilli())
	return err
}

// ConsumeLoginToken marks an unused, unexpired token as used and returns
// its teacher. A second call with the same token returns ErrNotFound.
func (s *DB) ConsumeLoginToken(ctx context.Context, hash []byte, now time.Time) (string, error) {
	var teacherID string
	err := s.sql.QueryRowContext(ctx,
		`UPDATE login_tokens SET used_at = ?
		 WHERE hash = ? AND used_at IS NULL AND expires_at > ?
		 RETURNING teacher_id`,
		now.UnixMilli(), hash, now.UnixMilli()).Scan(&teacherID)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	return teacherID, err
}

// PutSession stores the hash of a session token.
func (s *DB) PutSession(ctx context.Context, hash []byte, teacherID string, expires time.Time) error {
	_, err := s.sql.ExecContext(ctx,
		`INSERT INTO sessions (hash, teacher_id, expires_at) VALUES (?, ?, ?)`,
		hash, teacherID, expires.UnixMilli())
	return err
}

// SessionTeacher returns the teacher of an unexpired session.
func (s *DB) SessionTeacher(ctx context.Context, hash []byte, now time.Time) (string, error) {
	var teacherID string
	err := s.sql.QueryRowContext(ctx,
		`SELECT teacher_id FROM sessions WHERE hash = ? AND expires_at > ?`,
		hash, now.UnixMilli()).Scan(&teacherID)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	return teacherID, err
}

// DeleteSession ends a session (logout).
func (s *DB) DeleteSession(ctx context.Context, hash []byte) error {
	_, err := s.sql.ExecContext(ctx, `DELETE FROM sessions WHERE hash = ?`, hash)
	return err
}
