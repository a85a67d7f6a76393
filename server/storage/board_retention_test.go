package storage

import (
	"context"
	"strings"
	"testing"
	"time"

	"ersatzraum/server/board"
)

// Hand-ins older than the cutoff go, with their file rows; newer ones and
// the assignment's own worksheet stay referenced.
func TestPurgeHandIns(t *testing.T) {
	onBoth(t, func(t *testing.T, p place) {
		ctx := context.Background()
		db := p.open(t)
		now := time.Now()
		db.CreateTeacher(ctx, Teacher{ID: "t1", Name: "A", CreatedAt: now})
		if err := db.CreateClass(ctx, Class{ID: "c1", TeacherID: "t1", Name: "7b", CodeHash: []byte{1}, CodeEnc: []byte{1}, CreatedAt: now}); err != nil {
			t.Fatal(err)
		}
		if err := db.AddRosterStudents(ctx, []RosterStudent{{ID: "s1", ClassID: "c1", Name: "Lea", TokenHash: []byte{2}, TokenEnc: []byte{2}, CreatedAt: now}}); err != nil {
			t.Fatal(err)
		}
		a, err := db.CreateAssignment(ctx, board.Assignment{ID: "a1", ClassID: "c1", Title: "Aufgabe", Created: now, Updated: now})
		if err != nil {
			t.Fatal(err)
		}
		sheet := strings.Repeat("a", 64)
		oldFile, newFile := strings.Repeat("b", 64), strings.Repeat("c", 64)
		if err := db.AddAssignmentFile(ctx, "c1", a.ID, board.File{Hash: sheet, Name: "blatt.pdf", Type: "application/pdf", Size: 1}, now); err != nil {
			t.Fatal(err)
		}
		for _, h := range []board.HandIn{
			{ID: "h-old", AssignmentID: a.ID, StudentID: "s1", Kind: "handin", Created: now.AddDate(-2, 0, 0), Files: []board.File{{Hash: oldFile, Name: "x.png", Type: "image/png", Size: 1}}},
			{ID: "h-new", AssignmentID: a.ID, StudentID: "s1", Kind: "handin", Created: now, Files: []board.File{{Hash: newFile, Name: "y.png", Type: "image/png", Size: 1}}},
		} {
			if err := db.PutHandIn(ctx, h); err != nil {
				t.Fatal(err)
			}
		}
		n, err := db.PurgeHandIns(ctx, now.AddDate(-1, 0, 0))
		if err != nil || n != 1 {
			t.Fatalf("purged %d (%v), want the old hand-in", n, err)
		}
		for hash, want := range map[string]bool{sheet: true, oldFile: false, newFile: true} {
			if used, err := db.FileInUse(ctx, hash); err != nil || used != want {
				t.Errorf("FileInUse(%s…) = %v %v, want %v", hash[:4], used, err, want)
			}
		}
	})
}
