package storage

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"ersatzraum/server/board"
)

// The board on both engines: assignments in board order, reordering,
// attachments (the same file twice is one), hand-ins with their files, a
// replayed hand-in id, and the sums the quota check reads.
func TestBoardRoundTrip(t *testing.T) {
	onBoth(t, func(t *testing.T, p place) {
		ctx := context.Background()
		db := p.open(t)
		now := time.UnixMilli(time.Now().UnixMilli())
		must := fatalOn(t)
		must(db.CreateTeacher(ctx, Teacher{ID: "t1", Name: "Frau Weber", CreatedAt: now}))
		must(db.CreateClass(ctx, Class{ID: "c1", TeacherID: "t1", Name: "7b", CodeHash: []byte{1}, CodeEnc: []byte{1}, CreatedAt: now}))
		must(db.AddRosterStudents(ctx, []RosterStudent{
			{ID: "s1", ClassID: "c1", Name: "Lea", TokenHash: []byte{2}, TokenEnc: []byte{2}, CreatedAt: now},
			{ID: "s2", ClassID: "c1", Name: "Cem", TokenHash: []byte{3}, TokenEnc: []byte{3}, CreatedAt: now},
		}))
		var ids []string
		for i, title := range []string{"Bruchrechnen", "Gedicht", "Experiment"} {
			a, err := db.CreateAssignment(ctx, board.Assignment{ID: "a" + string(rune('1'+i)), ClassID: "c1", Title: title, Body: "Seite 12",
				Due: now.Add(24 * time.Hour), Grace: 15 * time.Minute, Created: now, Updated: now})
			must(err)
			if a.Position != i {
				t.Fatalf("assignment %d at position %d", i, a.Position)
			}
			ids = append(ids, a.ID)
		}
		if n, err := db.CountAssignments(ctx, "c1"); err != nil || n != 3 {
			t.Fatalf("count %d %v", n, err)
		}
		must(db.ReorderAssignments(ctx, "c1", []string{"a3", "a1"}, now))
		if err := db.ReorderAssignments(ctx, "c1", []string{"a9"}, now); !errors.Is(err, ErrNotFound) {
			t.Fatalf("reorder with a stranger: %v", err)
		}
		must(db.UpdateAssignment(ctx, board.Assignment{ID: "a2", ClassID: "c1", Title: "Gedicht lernen", Updated: now.Add(time.Minute)}))
		must(db.SetAssignmentArchived(ctx, "c1", "a2", now))
		sheet := board.File{Hash: strings.Repeat("a", 64), Name: "blatt.pdf", Type: "application/pdf", Size: 1200}
		must(db.AddAssignmentFile(ctx, "c1", "a1", sheet, now))
		must(db.AddAssignmentFile(ctx, "c1", "a1", board.File{Hash: sheet.Hash, Name: "again.pdf", Type: "application/pdf", Size: 1200}, now))
		extra := board.File{Hash: strings.Repeat("b", 64), Name: "extra.png", Type: "image/png", Size: 10}
		must(db.AddAssignmentFile(ctx, "c1", "a1", extra, now))
		must(db.AddAssignmentFile(ctx, "c1", "a2", extra, now))
		must(db.RemoveAssignmentFile(ctx, "c1", "a1", extra.Hash, now))
		if err := db.AddAssignmentFile(ctx, "other", "a1", sheet, now); !errors.Is(err, ErrNotFound) {
			t.Fatalf("attaching through another class: %v", err)
		}
		list, err := db.ClassAssignments(ctx, "c1")
		must(err)
		var order []string
		for _, a := range list {
			order = append(order, a.ID)
		}
		if !slices.Equal(order, []string{"a3", "a1", "a2"}) {
			t.Fatalf("board order %v", order)
		}
		a1 := list[1]
		if len(a1.Files) != 1 || a1.Files[0] != sheet || !a1.Due.Equal(now.Add(24*time.Hour)) || a1.Grace != 15*time.Minute {
			t.Fatalf("a1 read back as %+v", a1)
		}
		a2, err := db.Assignment(ctx, "c1", "a2")
		must(err)
		if a2.Title != "Gedicht lernen" || !a2.Due.IsZero() || !a2.Archived.Equal(now) || len(a2.Files) != 1 {
			t.Fatalf("a2 read back as %+v", a2)
		}
		if f, err := db.ClassAttachment(ctx, "c1", sheet.Hash); err != nil || f != sheet {
			t.Fatalf("attachment %+v %v", f, err)
		}
		// extra is attached only to the archived a2: not on the board.
		if _, err := db.ClassAttachment(ctx, "c1", extra.Hash); !errors.Is(err, ErrNotFound) {
			t.Fatalf("archived attachment: %v", err)
		}
		if _, err := db.Assignment(ctx, "c1", "a9"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("missing assignment: %v", err)
		}

		photo := board.File{Hash: strings.Repeat("c", 64), Name: "foto.jpg", Type: "image/jpeg", Size: 5000}
		h1 := board.HandIn{ID: "h1", AssignmentID: "a1", StudentID: "s1", Kind: "handin", Text: "Lösung: ½",
			Created: now, ClientAt: now.Add(-time.Hour), Files: []board.File{photo, sheet}}
		must(db.PutHandIn(ctx, h1))
		if err := db.PutHandIn(ctx, board.HandIn{ID: "h1", AssignmentID: "a3", StudentID: "s2", Kind: "done", Created: now}); !errors.Is(err, ErrExists) {
			t.Fatalf("replayed hand-in id: %v", err)
		}
		must(db.PutHandIn(ctx, board.HandIn{ID: "h2", AssignmentID: "a3", StudentID: "s2", Kind: "done", Created: now.Add(time.Second)}))
		got, err := db.HandIn(ctx, "h1")
		must(err)
		if got.Text != h1.Text || !got.ClientAt.Equal(h1.ClientAt) || !slices.Equal(got.Files, h1.Files) {
			t.Fatalf("hand-in read back as %+v", got)
		}
		if _, err := db.HandIn(ctx, "h9"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("missing hand-in: %v", err)
		}
		for name, q := range map[string]func() ([]board.HandIn, error){
			"class":      func() ([]board.HandIn, error) { return db.ClassHandIns(ctx, "c1") },
			"assignment": func() ([]board.HandIn, error) { return db.AssignmentHandIns(ctx, "a1") },
			"student":    func() ([]board.HandIn, error) { return db.StudentHandIns(ctx, "s1") },
			"states":     func() ([]board.HandIn, error) { return db.ClassHandInStates(ctx, "c1") },
			"receipt":    func() ([]board.HandIn, error) { return db.StudentAssignmentStates(ctx, "s1", "a1") },
		} {
			list, err := q()
			must(err)
			want := map[string]int{"class": 2, "assignment": 1, "student": 1, "states": 2, "receipt": 1}[name]
			if len(list) != want || list[0].ID != "h1" {
				t.Fatalf("%s hand-ins: %+v", name, list)
			}
			if name == "class" && (len(list[0].Files) != 2 || len(list[1].Files) != 0) {
				t.Fatalf("class hand-ins' files: %+v", list)
			}
		}
		student, class, onAssignment, err := db.HandInUsage(ctx, "s1", "c1", "a1")
		must(err)
		// The files' sizes plus the text in bytes ("½" is two).
		text := int64(len(h1.Text))
		if student != 6200+text || class != 6200+text || onAssignment != 1 {
			t.Fatalf("usage: student %d, class %d, on the assignment %d", student, class, onAssignment)
		}
		if used, err := db.FileInUse(ctx, strings.ToUpper(photo.Hash)); err != nil || !used {
			t.Fatalf("photo in use: %v %v", used, err)
		}
		// Removing Lea from the list removes her hand-in and its files.
		must(db.RemoveRosterStudent(ctx, "c1", "s1"))
		if used, err := db.FileInUse(ctx, photo.Hash); err != nil || used {
			t.Fatalf("photo still in use: %v %v", used, err)
		}
	})
}
