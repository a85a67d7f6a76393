package cli

import (
	"context"
	"fmt"
	"path/filepath"

	"ersatzraum/server/codes"
	"ersatzraum/server/httpapi"
	"ersatzraum/server/roster"
	"ersatzraum/server/signaling"
	"ersatzraum/server/storage"
)

// restoreHub gives a starting hub what it held before: every class with
// its code and roster, and every lesson that has not ended, with its roll
// call, its class and its lock. After that, nothing on the signaling path
// needs the database.
func restoreHub(ctx context.Context, db *storage.DB, hub *signaling.Hub) error {
	classes, err := db.Classes(ctx, "")
	if err != nil {
		return fmt.Errorf("load classes: %w", err)
	}
	for _, c := range classes {
		students, err := db.Roster(ctx, c.ID)
		if err != nil {
			return fmt.Errorf("load class list of %s: %w", c.ID, err)
		}
		hub.SetClass(httpapi.HubClass(c, students))
	}
	lessons, err := db.ActiveLessons(ctx)
	if err != nil {
		return fmt.Errorf("load lessons: %w", err)
	}
	for _, l := range lessons {
		rows, err := db.LessonAttendance(ctx, l.ID)
		if err != nil {
			return fmt.Errorf("load roll call of lesson %s: %w", l.ID, err)
		}
		classID, err := db.LessonClass(ctx, l.ID)
		if err != nil {
			return fmt.Errorf("load class of lesson %s: %w", l.ID, err)
		}
		locked, err := db.LessonLocked(ctx, l.ID)
		if err != nil {
			return fmt.Errorf("load lock of lesson %s: %w", l.ID, err)
		}
		lines := make([]roster.Line, len(rows))
		for i, a := range rows {
			lines[i] = roster.Line(a)
		}
		hub.AddLesson(signaling.Lesson{
			ID: l.ID, TeacherID: l.TeacherID, Title: l.Title, CodeHash: l.CodeHash,
			ClassID: classID, Lobby: true, Locked: locked, Start: l.CreatedAt,
		}, lines)
	}
	return nil
}

// openSealer loads the key that seals class codes and personal links in
// the database (DATA/code-key, created on first start). Back it up with
// the database: without it, teachers cannot see their codes again.
func openSealer(dataDir string) (*codes.Sealer, error) {
	path := filepath.Join(dataDir, "code-key")
	s, err := codes.LoadOrCreateSealer(path)
	if err != nil {
		return nil, fmt.Errorf("code key %s: %w", path, err)
	}
	return s, nil
}
