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
	// Admin marks a teacher who may manage the school's accounts.
	Admin bool
	// HasPassword reports whether a password is set (the hash itself is
	// read only by PasswordHash).
	HasPassword bool
}

// ErrTeacherExists is returned when a teacher's name is taken.
var ErrTeacherExists = errors.New("already exists")

const teacherColumns = `id, name, created_at, admin, password_hash IS NOT NULL`

func scanTeacher(row scanner) (Teacher, error) {
	var t Teacher
	var created int64
	err := row.Scan(&t.ID, &t.Name, &created, &t.Admin, &t.HasPassword)
	t.CreatedAt = time.UnixMilli(created)
	return t, err
}

// CreateTeacher inserts a teacher. A taken name gives ErrTeacherExists.
func (s *DB) CreateTeacher(ctx context.Context, t Teacher) error {
	_, err := s.sql.ExecContext(ctx,
		`INSERT INTO teachers (id, name, created_at, admin) VALUES ($1, $2, $3, $4)`,
		t.ID, t.Name, t.CreatedAt.UnixMilli(), t.Admin)
	if s.uniqueViolation(err, "teachers", "name") {
		return ErrTeacherExists
	}
	return err
}

// Teachers lists all teachers by name.
func (s *DB) Teachers(ctx context.Context) ([]Teacher, error) {
	return queryAll(ctx, s.sql, scanTeacher, `SELECT `+teacherColumns+` FROM teachers ORDER BY name`)
}

// Teacher loads one teacher by id.
func (s *DB) Teacher(ctx context.Context, id string) (Teacher, error) {
	t, err := scanTeacher(s.sql.QueryRowContext(ctx, `SELECT `+teacherColumns+` FROM teachers WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Teacher{}, ErrNotFound
	}
	return t, err
}

// TeacherByName loads one teacher by exact name.
func (s *DB) TeacherByName(ctx context.Context, name string) (Teacher, error) {
	t, err := scanTeacher(s.sql.QueryRowContext(ctx, `SELECT `+teacherColumns+` FROM teachers WHERE name = $1`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return Teacher{}, ErrNotFound
	}
	return t, err
}

// SetPassword stores a teacher's password hash; "" removes the password.
func (s *DB) SetPassword(ctx context.Context, teacherID, hash string) error {
	var v any
	if hash != "" {
		v = hash
	}
	return execOne(ctx, s.sql, `UPDATE teachers SET password_hash = $1 WHERE id = $2`, v, teacherID)
}

// PasswordHash returns a teacher's password hash, "" when none is set.
func (s *DB) PasswordHash(ctx context.Context, teacherID string) (string, error) {
	var hash sql.NullString
	err := s.sql.QueryRowContext(ctx, `SELECT password_hash FROM teachers WHERE id = $1`, teacherID).Scan(&hash)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	return hash.String, err
}

// SetAdmin grants or withdraws a teacher's admin rights.
func (s *DB) SetAdmin(ctx context.Context, teacherID string, admin bool) error {
	return execOne(ctx, s.sql, `UPDATE teachers SET admin = $1 WHERE id = $2`, admin, teacherID)
}

// DeleteTeacher removes a teacher and, by cascade, their sessions, login
// tokens, classes (with rosters) and lessons (with attendance).
func (s *DB) DeleteTeacher(ctx context.Context, teacherID string) error {
	return execOne(ctx, s.sql, `DELETE FROM teachers WHERE id = $1`, teacherID)
}

// DeleteSessions ends every session of a teacher.
func (s *DB) DeleteSessions(ctx context.Context, teacherID string) error {
	_, err := s.sql.ExecContext(ctx, `DELETE FROM sessions WHERE teacher_id = $1`, teacherID)
	return err
}

// InvalidateLoginTokens makes every unused login token of a teacher
// unusable.
func (s *DB) InvalidateLoginTokens(ctx context.Context, teacherID string) error {
	_, err := s.sql.ExecContext(ctx, `DELETE FROM login_tokens WHERE teacher_id = $1 AND used_at IS NULL`, teacherID)
	return err
}

// ActiveSessions counts the unexpired sessions of every teacher who has any.
func (s *DB) ActiveSessions(ctx context.Context, now time.Time) (map[string]int, error) {
	out := map[string]int{}
	err := eachRow(ctx, s.sql, func(row scanner) error {
		var id string
		var n int
		err := row.Scan(&id, &n)
		out[id] = n
		return err
	}, `SELECT teacher_id, COUNT(*) FROM sessions WHERE expires_at > $1 GROUP BY teacher_id`, now.UnixMilli())
	return out, err
}

// PutLoginToken stores the hash of a one-time login token.
func (s *DB) PutLoginToken(ctx context.Context, hash []byte, teacherID string, expires time.Time) error {
	_, err := s.sql.ExecContext(ctx,
		`INSERT INTO login_tokens (hash, teacher_id, expires_at) VALUES ($1, $2, $3)`,
		hash, teacherID, expires.UnixMilli())
	return err
}

// ConsumeLoginToken marks an unused, unexpired token as used and returns
// its teacher. A second call with the same token returns ErrNotFound.
func (s *DB) ConsumeLoginToken(ctx context.Context, hash []byte, now time.Time) (string, error) {
	var teacherID string
	err := s.sql.QueryRowContext(ctx,
		`UPDATE login_tokens SET used_at = $1
		 WHERE hash = $2 AND used_at IS NULL AND expires_at > $3
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
		`INSERT INTO sessions (hash, teacher_id, expires_at) VALUES ($1, $2, $3)`,
		hash, teacherID, expires.UnixMilli())
	return err
}

// SessionTeacher returns the teacher of an unexpired session.
func (s *DB) SessionTeacher(ctx context.Context, hash []byte, now time.Time) (string, error) {
	var teacherID string
	err := s.sql.QueryRowContext(ctx,
		`SELECT teacher_id FROM sessions WHERE hash = $1 AND expires_at > $2`,
		hash, now.UnixMilli()).Scan(&teacherID)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	return teacherID, err
}

// DeleteSession ends a session (logout).
func (s *DB) DeleteSession(ctx context.Context, hash []byte) error {
	_, err := s.sql.ExecContext(ctx, `DELETE FROM sessions WHERE hash = $1`, hash)
	return err
}

// DeleteOtherSessions ends every session of a teacher but the one with
// hash keep (the device that just changed the password).
func (s *DB) DeleteOtherSessions(ctx context.Context, teacherID string, keep []byte) error {
	_, err := s.sql.ExecContext(ctx, `DELETE FROM sessions WHERE teacher_id = $1 AND hash != $2`, teacherID, keep)
	return err
}
