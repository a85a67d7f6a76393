package storage

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// Class is a teacher's class with its long-lived join code.
type Class struct {
	ID        string
	TeacherID string
	Name      string
	CodeHash  []byte
	CodeEnc   []byte // the code, encrypted for its teacher's eyes
	CreatedAt time.Time
	// LateAfterMinutes: a first join later than this counts as late.
	LateAfterMinutes int
}

// RosterStudent is a student on a class list, with a personal link.
type RosterStudent struct {
	ID        string
	ClassID   string
	Name      string
	TokenHash []byte
	TokenEnc  []byte
	CreatedAt time.Time
}

// CreateClass inserts a class.
func (s *DB) CreateClass(ctx context.Context, c Class) error {
	_, err := s.sql.ExecContext(ctx,
		`INSERT INTO classes (id, teacher_id, name, code_hash, code_enc, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		c.ID, c.TeacherID, c.Name, c.CodeHash, c.CodeEnc, c.CreatedAt.UnixMilli())
	return err
}

// RenewClassCode replaces a class's code; the old one stops working.
func (s *DB) RenewClassCode(ctx context.Context, id string, hash, enc []byte) error {
	return execOne(ctx, s.sql, `UPDATE classes SET code_hash = $1, code_enc = $2 WHERE id = $3`, hash, enc, id)
}

// DeleteClass removes a class with its roster; its lessons stay, without class.
func (s *DB) DeleteClass(ctx context.Context, id string) error {
	return execOne(ctx, s.sql, `DELETE FROM classes WHERE id = $1`, id)
}

// Class loads one class.
func (s *DB) Class(ctx context.Context, id string) (Class, error) {
	row := s.sql.QueryRowContext(ctx,
		`SELECT id, teacher_id, name, code_hash, code_enc, created_at, late_after_minutes FROM classes WHERE id = $1`, id)
	c, err := scanClass(row)
	if errors.Is(err, sql.ErrNoRows) {
		return c, ErrNotFound
	}
	return c, err
}

// Classes lists classes, of one teacher or (teacherID "") of all, by name.
func (s *DB) Classes(ctx context.Context, teacherID string) ([]Class, error) {
	q := `SELECT id, teacher_id, name, code_hash, code_enc, created_at, late_after_minutes FROM classes`
	var args []any
	if teacherID != "" {
		q += ` WHERE teacher_id = $1`
		args = append(args, teacherID)
	}
	return queryAll(ctx, s.sql, scanClass, q+` ORDER BY name, id`, args...)
}

func scanClass(row scanner) (Class, error) {
	var c Class
	var created int64
	err := row.Scan(&c.ID, &c.TeacherID, &c.Name, &c.CodeHash, &c.CodeEnc, &created, &c.LateAfterMinutes)
	c.CreatedAt = time.UnixMilli(created)
	return c, err
}

// AddRosterStudents inserts students in one transaction: a pasted list
// lands whole or not at all.
func (s *DB) AddRosterStudents(ctx context.Context, students []RosterStudent) error {
	tx, err := s.sql.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, r := range students {
		if _, err := tx.ExecContext(ctx,
			`INSERT INTO roster (id, class_id, name, token_hash, token_enc, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
			r.ID, r.ClassID, r.Name, r.TokenHash, r.TokenEnc, r.CreatedAt.UnixMilli()); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// RemoveRosterStudent takes a student off a class list.
func (s *DB) RemoveRosterStudent(ctx context.Context, classID, id string) error {
	return execOne(ctx, s.sql, `DELETE FROM roster WHERE id = $1 AND class_id = $2`, id, classID)
}

// RenewRosterToken replaces a student's personal link.
func (s *DB) RenewRosterToken(ctx context.Context, classID, id string, hash, enc []byte) error {
	return execOne(ctx, s.sql, `UPDATE roster SET token_hash = $1, token_enc = $2 WHERE id = $3 AND class_id = $4`, hash, enc, id, classID)
}

// Roster lists a class's students by name.
func (s *DB) Roster(ctx context.Context, classID string) ([]RosterStudent, error) {
	return queryAll(ctx, s.sql, func(row scanner) (RosterStudent, error) {
		var r RosterStudent
		var created int64
		err := row.Scan(&r.ID, &r.ClassID, &r.Name, &r.TokenHash, &r.TokenEnc, &created)
		r.CreatedAt = time.UnixMilli(created)
		return r, err
	}, `SELECT id, class_id, name, token_hash, token_enc, created_at FROM roster WHERE class_id = $1 ORDER BY name, id`, classID)
}
