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
// needs the database. With lessons false (several nodes: package
// cluster), only the classes: a lesson comes into this hub when this node
// claims it.
func restoreHub(ctx context.Context, db *storage.DB, hub *signaling.Hub, lessons bool) error {
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
	if !lessons {
		return nil
	}
	active, err := db.ActiveLessons(ctx)
	if err != nil {
		return fmt.Errorf("load lessons: %w", err)
	}
	for _, l := range active {
		lines, err := db.LessonAttendance(ctx, l.ID)
		if err != nil {
			return fmt.Errorf("load roll call of lesson %s: %w", l.ID, err)
		}
		hub.AddLesson(httpapi.HubLesson(l), lines)
	}
	return nil
}
