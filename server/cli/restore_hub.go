package cli

import (
	"context"
	"fmt"

	"ersatzraum/server/httpapi"
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
		lines, err := db.LessonAttendance(ctx, l.ID)
		if err != nil {
			return fmt.Errorf("load roll call of lesson %s: %w", l.ID, err)
		}
		hub.AddLesson(signaling.Lesson{
			ID: l.ID, TeacherID: l.TeacherID, Title: l.Title, CodeHash: l.CodeHash,
			ClassID: l.ClassID, Lobby: true, Locked: l.Locked, Start: l.CreatedAt,
		}, lines)
	}
	return nil
}
