package storage

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"ersatzraum/server/roster"
)

// WriteRollCall writes a batch of roll-call changes in one transaction
// (roster.BatchStore): the roster writer commits everything that queued
// up while it wrote the last batch at once, one commit (one WAL flush)
// for a whole burst of joins. The lines go in one statement (the last
// line of a participant wins, as if written one after the other), the
// events in another, in their order; ends and locks, which are rare, one
// by one, in order. Ending a lesson that has ended already is no error
// here: the batch goes on.
func (s *DB) WriteRollCall(ctx context.Context, changes []roster.Change) error {
	tx, err := s.sql.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var lines []roster.Line
	at := make(map[[2]string]int) // lesson and participant → index in lines
	var events []roster.Event
	for _, c := range changes {
		switch {
		case c.Line != nil:
			key := [2]string{c.Line.LessonID, c.Line.ParticipantID}
			if i, ok := at[key]; ok {
				lines[i] = *c.Line
			} else {
				at[key] = len(lines)
				lines = append(lines, *c.Line)
			}
		case c.Event != nil:
			events = append(events, *c.Event)
		case c.EndID != "":
			if err = endLesson(ctx, tx, c.EndID, c.EndAt); errors.Is(err, roster.ErrLessonEnded) {
				err = nil
			}
		case c.LockID != "":
			err = setLessonLocked(ctx, tx, c.LockID, c.Locked)
		}
		if err != nil {
			return err
		}
	}
	for len(lines) > 0 {
		n := min(len(lines), 500) // 9 parameters each, far below either engine's limit
		if err := putAttendances(ctx, tx, lines[:n]); err != nil {
			return err
		}
		lines = lines[n:]
	}
	for len(events) > 0 {
		n := min(len(events), 1000)
		if err := putEvents(ctx, tx, events[:n]); err != nil {
			return err
		}
		events = events[n:]
	}
	return tx.Commit()
}

// values writes "($1, $2, …), (…)" for rows of n columns.
func values(b *strings.Builder, rows, n int) {
	for r := range rows {
		if r > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for c := range n {
			if c > 0 {
				b.WriteString(", ")
			}
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(r*n + c + 1))
		}
		b.WriteByte(')')
	}
}

// putAttendances upserts lines of distinct participants in one statement.
func putAttendances(ctx context.Context, ex execer, lines []roster.Line) error {
	var b strings.Builder
	b.WriteString(`INSERT INTO attendance (lesson_id, participant_id, name, status, camera, joined_at, left_at, resume_hash, listed) VALUES `)
	values(&b, len(lines), 9)
	b.WriteString(` ON CONFLICT (lesson_id, participant_id) DO UPDATE SET
		   name = excluded.name, status = excluded.status, camera = excluded.camera,
		   joined_at = excluded.joined_at, left_at = excluded.left_at, resume_hash = excluded.resume_hash,
		   listed = excluded.listed`)
	args := make([]any, 0, 9*len(lines))
	for _, a := range lines {
		args = append(args, attendanceArgs(a)...)
	}
	_, err := ex.ExecContext(ctx, b.String(), args...)
	return err
}

// putEvents appends events in one statement, in their order.
func putEvents(ctx context.Context, ex execer, events []roster.Event) error {
	var b strings.Builder
	b.WriteString(`INSERT INTO attendance_events (lesson_id, participant_id, kind, status, at) VALUES `)
	values(&b, len(events), 5)
	args := make([]any, 0, 5*len(events))
	for _, e := range events {
		args = append(args, e.LessonID, e.ParticipantID, e.Kind, e.Status, e.At.UnixMilli())
	}
	_, err := ex.ExecContext(ctx, b.String(), args...)
	return err
}

var _ roster.BatchStore = (*DB)(nil)
