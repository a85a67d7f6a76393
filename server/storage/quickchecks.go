package storage

import (
	"context"
	"encoding/json"

	"ersatzraum/app/protocol"
)

// Saved quick-check results (protocol.CheckRecord): what a teacher chose
// to keep of a question asked in a lesson. Options and counts are stored
// as JSON arrays; they are only ever read whole.

// SaveCheck stores a result; saving the same question again replaces it.
func (s *DB) SaveCheck(ctx context.Context, rec protocol.CheckRecord) error {
	options, err := json.Marshal(rec.Options)
	if err != nil {
		return err
	}
	counts, err := json.Marshal(rec.Counts)
	if err != nil {
		return err
	}
	_, err = s.sql.ExecContext(ctx,
		`INSERT INTO quick_checks (id, lesson_id, question, options, counts, answered, present, saved_at)
		 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		 ON CONFLICT (id) DO UPDATE SET counts = excluded.counts, answered = excluded.answered,
		   present = excluded.present, saved_at = excluded.saved_at`,
		rec.ID, rec.LessonID, rec.Question, string(options), string(counts), rec.Answered, rec.Present, rec.SavedAt)
	return err
}

// LessonChecks returns a lesson's saved results in the order they were
// saved.
func (s *DB) LessonChecks(ctx context.Context, lessonID string) ([]protocol.CheckRecord, error) {
	return queryAll(ctx, s.sql, scanCheck,
		`SELECT id, lesson_id, question, options, counts, answered, present, saved_at
		 FROM quick_checks WHERE lesson_id = $1 ORDER BY saved_at, id`, lessonID)
}

// ClassChecks returns the saved results of a class's lessons, oldest
// first, with each lesson's title and start.
func (s *DB) ClassChecks(ctx context.Context, classID string) ([]protocol.CheckRecord, error) {
	return queryAll(ctx, s.sql, func(row scanner) (protocol.CheckRecord, error) {
		var rec protocol.CheckRecord
		var options, counts string
		if err := row.Scan(&rec.ID, &rec.LessonID, &rec.Question, &options, &counts, &rec.Answered, &rec.Present, &rec.SavedAt,
			&rec.LessonTitle, &rec.LessonStartedAt); err != nil {
			return rec, err
		}
		return rec, decodeCheck(&rec, options, counts)
	}, `SELECT q.id, q.lesson_id, q.question, q.options, q.counts, q.answered, q.present, q.saved_at, l.title, l.created_at
		 FROM quick_checks q JOIN lessons l ON l.id = q.lesson_id
		 WHERE l.class_id = $1 ORDER BY l.created_at, q.saved_at, q.id`, classID)
}

func scanCheck(row scanner) (protocol.CheckRecord, error) {
	var rec protocol.CheckRecord
	var options, counts string
	if err := row.Scan(&rec.ID, &rec.LessonID, &rec.Question, &options, &counts, &rec.Answered, &rec.Present, &rec.SavedAt); err != nil {
		return rec, err
	}
	return rec, decodeCheck(&rec, options, counts)
}

func decodeCheck(rec *protocol.CheckRecord, options, counts string) error {
	if err := json.Unmarshal([]byte(options), &rec.Options); err != nil {
		return err
	}
	return json.Unmarshal([]byte(counts), &rec.Counts)
}
