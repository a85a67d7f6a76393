package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"ersatzraum/server/board"
)

// The assignment board: assignments with their attached files, and the
// students' hand-ins. Every write runs in one transaction.

// ErrExists is returned when a row with the same key is already stored
// (a hand-in id sent again).
var ErrExists = errors.New("already exists")

// RosterStudentByTokenHash finds the student whose personal link hashes
// to hash.
func (s *DB) RosterStudentByTokenHash(ctx context.Context, hash []byte) (RosterStudent, error) {
	var r RosterStudent
	var created int64
	err := s.sql.QueryRowContext(ctx,
		`SELECT id, class_id, name, token_hash, token_enc, created_at FROM roster WHERE token_hash = $1`, hash).
		Scan(&r.ID, &r.ClassID, &r.Name, &r.TokenHash, &r.TokenEnc, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return r, ErrNotFound
	}
	r.CreatedAt = time.UnixMilli(created)
	return r, err
}

func nullTime(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.UnixMilli(), Valid: true}
}

func fromNull(n sql.NullInt64) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return time.UnixMilli(n.Int64)
}

// CreateAssignment adds an assignment at the end of its class's board
// (a.Position is set by the store) and returns it as stored.
func (s *DB) CreateAssignment(ctx context.Context, a board.Assignment) (board.Assignment, error) {
	tx, err := s.sql.BeginTx(ctx, nil)
	if err != nil {
		return a, err
	}
	defer tx.Rollback()
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(position) + 1, 0) FROM assignments WHERE class_id = $1`, a.ClassID).Scan(&a.Position); err != nil {
		return a, err
	}
	if _, err := tx.ExecContext(ctx,
		`INSERT INTO assignments (id, class_id, title, body, due_at, grace_minutes, position, archived_at, created_at, updated_at)
		 VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, $8, $9)`,
		a.ID, a.ClassID, a.Title, a.Body, nullTime(a.Due), int(a.Grace/time.Minute), a.Position,
		a.Created.UnixMilli(), a.Updated.UnixMilli()); err != nil {
		return a, err
	}
	return a, tx.Commit()
}

// CountAssignments counts a class's assignments, archived included.
func (s *DB) CountAssignments(ctx context.Context, classID string) (int, error) {
	var n int
	err := s.sql.QueryRowContext(ctx, `SELECT COUNT(*) FROM assignments WHERE class_id = $1`, classID).Scan(&n)
	return n, err
}

// UpdateAssignment changes title, body, due time and grace of an
// assignment of the class; hand-ins and files stay.
func (s *DB) UpdateAssignment(ctx context.Context, a board.Assignment) error {
	return execOne(ctx, s.sql,
		`UPDATE assignments SET title = $1, body = $2, due_at = $3, grace_minutes = $4, updated_at = $5 WHERE id = $6 AND class_id = $7`,
		a.Title, a.Body, nullTime(a.Due), int(a.Grace/time.Minute), a.Updated.UnixMilli(), a.ID, a.ClassID)
}

// SetAssignmentArchived archives an assignment (at) or brings it back
// (zero at).
func (s *DB) SetAssignmentArchived(ctx context.Context, classID, id string, at time.Time) error {
	return execOne(ctx, s.sql,
		`UPDATE assignments SET archived_at = $1, updated_at = $2 WHERE id = $3 AND class_id = $4`,
		nullTime(at), time.Now().UnixMilli(), id, classID)
}

// ReorderAssignments puts the listed assignments first, in the given
// order, and the class's others after them in their current order. An id
// that is not an assignment of the class is ErrNotFound; nothing changes.
func (s *DB) ReorderAssignments(ctx context.Context, classID string, ids []string, at time.Time) error {
	tx, err := s.sql.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	current, err := queryAll(ctx, tx, func(row scanner) (string, error) {
		var id string
		return id, row.Scan(&id)
	}, `SELECT id FROM assignments WHERE class_id = $1 ORDER BY position, created_at`, classID)
	if err != nil {
		return err
	}
	known := make(map[string]bool, len(current))
	for _, id := range current {
		known[id] = true
	}
	listed := make(map[string]bool, len(ids))
	order := make([]string, 0, len(current))
	for _, id := range ids {
		if !known[id] {
			return ErrNotFound
		}
		if listed[id] {
			continue
		}
		listed[id] = true
		order = append(order, id)
	}
	for _, id := range current {
		if !listed[id] {
			order = append(order, id)
		}
	}
	for i, id := range order {
		if _, err := tx.ExecContext(ctx, `UPDATE assignments SET position = $1, updated_at = $2 WHERE id = $3`, i, at.UnixMilli(), id); err != nil {
			return err
		}
	}
	return tx.Commit()
}

const assignmentColumns = `id, class_id, title, body, due_at, grace_minutes, position, archived_at, created_at, updated_at`

func scanAssignment(row scanner) (board.Assignment, error) {
	var a board.Assignment
	var due, archived sql.NullInt64
	var grace int
	var created, updated int64
	err := row.Scan(&a.ID, &a.ClassID, &a.Title, &a.Body, &due, &grace, &a.Position, &archived, &created, &updated)
	a.Due, a.Archived = fromNull(due), fromNull(archived)
	a.Grace = time.Duration(grace) * time.Minute
	a.Created, a.Updated = time.UnixMilli(created), time.UnixMilli(updated)
	return a, err
}

// Assignment loads one assignment of a class with its files.
func (s *DB) Assignment(ctx context.Context, classID, id string) (board.Assignment, error) {
	a, err := scanAssignment(s.sql.QueryRowContext(ctx,
		`SELECT `+assignmentColumns+` FROM assignments WHERE id = $1 AND class_id = $2`, id, classID))
	if errors.Is(err, sql.ErrNoRows) {
		return a, ErrNotFound
	}
	if err != nil {
		return a, err
	}
	byID, err := s.assignmentFiles(ctx, `assignment_id = $1`, id)
	a.Files = byID[id]
	return a, err
}

// ClassAssignments lists a class's assignments with their files, in board
// order, archived ones included.
func (s *DB) ClassAssignments(ctx context.Context, classID string) ([]board.Assignment, error) {
	out, err := queryAll(ctx, s.sql, scanAssignment,
		`SELECT `+assignmentColumns+` FROM assignments WHERE class_id = $1 ORDER BY position, created_at`, classID)
	if err != nil {
		return nil, err
	}
	byID, err := s.assignmentFiles(ctx, `assignment_id IN (SELECT id FROM assignments WHERE class_id = $1)`, classID)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Files = byID[out[i].ID]
	}
	return out, nil
}

// scanFile reads a file row: the id of what it is attached to, and the file.
func scanFile(row scanner) (string, board.File, error) {
	var id string
	var f board.File
	err := row.Scan(&id, &f.Hash, &f.Name, &f.Type, &f.Size)
	return id, f, err
}

func (s *DB) assignmentFiles(ctx context.Context, where string, arg any) (map[string][]board.File, error) {
	out := map[string][]board.File{}
	err := eachRow(ctx, s.sql, func(row scanner) error {
		id, f, err := scanFile(row)
		if err == nil {
			out[id] = append(out[id], f)
		}
		return err
	}, `SELECT assignment_id, hash, name, type, size FROM assignment_files WHERE `+where+` ORDER BY position`, arg)
	return out, err
}

// AddAssignmentFile attaches a stored file to an assignment of the class.
// The same content twice is one attachment (the first name stays).
func (s *DB) AddAssignmentFile(ctx context.Context, classID, assignmentID string, f board.File, at time.Time) error {
	tx, err := s.sql.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := execOne(ctx, tx, `UPDATE assignments SET updated_at = $1 WHERE id = $2 AND class_id = $3`, at.UnixMilli(), assignmentID, classID); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx,
		`INSERT INTO assignment_files (assignment_id, hash, name, type, size, position)
		 VALUES ($1, $2, $3, $4, $5, (SELECT COALESCE(MAX(position) + 1, 0) FROM assignment_files WHERE assignment_id = $1))
		 ON CONFLICT DO NOTHING`,
		assignmentID, f.Hash, f.Name, f.Type, f.Size); err != nil {
		return err
	}
	return tx.Commit()
}

// RemoveAssignmentFile detaches a file from an assignment of the class.
func (s *DB) RemoveAssignmentFile(ctx context.Context, classID, assignmentID, hash string, at time.Time) error {
	tx, err := s.sql.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := execOne(ctx, tx,
		`DELETE FROM assignment_files WHERE assignment_id = $1 AND hash = $2
		 AND assignment_id IN (SELECT id FROM assignments WHERE class_id = $3)`, assignmentID, hash, classID); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE assignments SET updated_at = $1 WHERE id = $2`, at.UnixMilli(), assignmentID); err != nil {
		return err
	}
	return tx.Commit()
}

// ClassAttachment finds a file attached to an assignment of the class
// that is on the board (not archived).
func (s *DB) ClassAttachment(ctx context.Context, classID, hash string) (board.File, error) {
	var f board.File
	err := s.sql.QueryRowContext(ctx,
		`SELECT f.hash, f.name, f.type, f.size FROM assignment_files f JOIN assignments a ON a.id = f.assignment_id
		 WHERE a.class_id = $1 AND a.archived_at IS NULL AND f.hash = $2 LIMIT 1`, classID, hash).
		Scan(&f.Hash, &f.Name, &f.Type, &f.Size)
	if errors.Is(err, sql.ErrNoRows) {
		return f, ErrNotFound
	}
	return f, err
}

// PutHandIn stores a hand-in with its files. An id already stored is
// ErrExists (whoever stored it); nothing changes then.
func (s *DB) PutHandIn(ctx context.Context, h board.HandIn) error {
	tx, err := s.sql.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx,
		`INSERT INTO handins (id, assignment_id, student_id, kind, text, created_at, client_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
		 ON CONFLICT (id) DO NOTHING`,
		h.ID, h.AssignmentID, h.StudentID, h.Kind, h.Text, h.Created.UnixMilli(), nullTime(h.ClientAt))
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrExists
	}
	for i, f := range h.Files {
		if _, err := tx.ExecContext(ctx,
			`INSERT INTO handin_files (handin_id, hash, name, type, size, position) VALUES ($1, $2, $3, $4, $5, $6)`,
			h.ID, f.Hash, f.Name, f.Type, f.Size, i); err != nil {
			return err
		}
	}
	return tx.Commit()
}

const handInColumns = `h.id, h.assignment_id, h.student_id, h.kind, h.text, h.created_at, h.client_at`

// HandIn loads one hand-in with its files.
func (s *DB) HandIn(ctx context.Context, id string) (board.HandIn, error) {
	list, err := s.handIns(ctx, `h.id = $1`, id)
	if err != nil {
		return board.HandIn{}, err
	}
	if len(list) == 0 {
		return board.HandIn{}, ErrNotFound
	}
	return list[0], nil
}

// AssignmentHandIns lists an assignment's hand-ins, oldest first.
func (s *DB) AssignmentHandIns(ctx context.Context, assignmentID string) ([]board.HandIn, error) {
	return s.handIns(ctx, `h.assignment_id = $1`, assignmentID)
}

// ClassHandIns lists the hand-ins of all assignments of a class.
func (s *DB) ClassHandIns(ctx context.Context, classID string) ([]board.HandIn, error) {
	return s.handIns(ctx, `h.assignment_id IN (SELECT id FROM assignments WHERE class_id = $1)`, classID)
}

// StudentHandIns lists one student's hand-ins, oldest first.
func (s *DB) StudentHandIns(ctx context.Context, studentID string) ([]board.HandIn, error) {
	return s.handIns(ctx, `h.student_id = $1`, studentID)
}

func (s *DB) handIns(ctx context.Context, where string, arg any) ([]board.HandIn, error) {
	out, err := queryAll(ctx, s.sql, func(row scanner) (board.HandIn, error) {
		var h board.HandIn
		var created int64
		var client sql.NullInt64
		err := row.Scan(&h.ID, &h.AssignmentID, &h.StudentID, &h.Kind, &h.Text, &created, &client)
		h.Created, h.ClientAt = time.UnixMilli(created), fromNull(client)
		return h, err
	}, `SELECT `+handInColumns+` FROM handins h WHERE `+where+` ORDER BY h.created_at, h.id`, arg)
	if err != nil || len(out) == 0 {
		return out, err
	}
	index := make(map[string]int, len(out))
	for i, h := range out {
		index[h.ID] = i
	}
	err = eachRow(ctx, s.sql, func(row scanner) error {
		id, f, err := scanFile(row)
		if i, ok := index[id]; ok && err == nil {
			out[i].Files = append(out[i].Files, f)
		}
		return err
	}, `SELECT f.handin_id, f.hash, f.name, f.type, f.size FROM handin_files f JOIN handins h ON h.id = f.handin_id
		 WHERE `+where+` ORDER BY f.handin_id, f.position`, arg)
	return out, err
}

// PurgeHandIns deletes hand-ins received before the cutoff, with their
// file rows (the files themselves go with FileInUse and files.Sweep).
func (s *DB) PurgeHandIns(ctx context.Context, before time.Time) (int64, error) {
	return s.purge(ctx, `DELETE FROM handins WHERE created_at < $1`, before.UnixMilli())
}

// FileInUse reports whether an assignment or a hand-in refers to a file.
func (s *DB) FileInUse(ctx context.Context, hash string) (bool, error) {
	var n int
	err := s.sql.QueryRowContext(ctx,
		`SELECT (SELECT COUNT(*) FROM assignment_files WHERE hash = $1) + (SELECT COUNT(*) FROM handin_files WHERE hash = $1)`,
		strings.ToLower(hash)).Scan(&n)
	return n > 0, err
}

// HandInUsage is what a student and the student's class store in
// hand-ins: the bytes of their files (a file handed in twice counts
// twice) plus the bytes of their texts, and how many hand-ins the student
// has on one assignment. It sums in SQL, so the quota check loads no
// hand-in.
func (s *DB) HandInUsage(ctx context.Context, studentID, classID, assignmentID string) (student, class int64, onAssignment int, err error) {
	// The sums are cast back to an integer: PostgreSQL sums BIGINTs into
	// a NUMERIC.
	const sum = `SELECT CAST(COALESCE((SELECT SUM(f.size) FROM handin_files f JOIN handins h ON h.id = f.handin_id WHERE %[1]s), 0)
		+ COALESCE((SELECT SUM(octet_length(h.text)) FROM handins h WHERE %[1]s), 0) AS BIGINT)`
	if err = s.sql.QueryRowContext(ctx, fmt.Sprintf(sum, `h.student_id = $1`), studentID).Scan(&student); err != nil {
		return
	}
	if err = s.sql.QueryRowContext(ctx, fmt.Sprintf(sum, `h.assignment_id IN (SELECT id FROM assignments WHERE class_id = $1)`), classID).Scan(&class); err != nil {
		return
	}
	err = s.sql.QueryRowContext(ctx, `SELECT COUNT(*) FROM handins WHERE student_id = $1 AND assignment_id = $2`, studentID, assignmentID).Scan(&onAssignment)
	return
}

// ClassHandInStates lists the hand-ins of a class's assignments without
// their texts and files: what a board's counts need, and no more.
func (s *DB) ClassHandInStates(ctx context.Context, classID string) ([]board.HandIn, error) {
	return s.handInStates(ctx, `h.assignment_id IN (SELECT id FROM assignments WHERE class_id = $1)`, classID)
}

// StudentAssignmentStates lists one student's hand-ins of one assignment
// without texts and files (a receipt's state).
func (s *DB) StudentAssignmentStates(ctx context.Context, studentID, assignmentID string) ([]board.HandIn, error) {
	return s.handInStates(ctx, `h.student_id = $1 AND h.assignment_id = $2`, studentID, assignmentID)
}

func (s *DB) handInStates(ctx context.Context, where string, args ...any) ([]board.HandIn, error) {
	return queryAll(ctx, s.sql, func(row scanner) (board.HandIn, error) {
		var h board.HandIn
		var created int64
		err := row.Scan(&h.ID, &h.AssignmentID, &h.StudentID, &h.Kind, &created)
		h.Created = time.UnixMilli(created)
		return h, err
	}, `SELECT h.id, h.assignment_id, h.student_id, h.kind, h.created_at FROM handins h WHERE `+where+` ORDER BY h.created_at, h.id`, args...)
}
