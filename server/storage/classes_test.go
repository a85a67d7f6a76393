package storage

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"
)

// Classes and class lists on both engines: codes renew, a pasted list
// lands whole or not at all, and deleting a class keeps its lessons.
func TestClassesAndRosters(t *testing.T) {
	onBoth(t, func(t *testing.T, p place) {
		ctx := context.Background()
		db := p.open(t)
		now := time.UnixMilli(time.Now().UnixMilli())
		must := fatalOn(t)
		must(db.CreateTeacher(ctx, Teacher{ID: "t1", Name: "Frau Weber", CreatedAt: now}))
		must(db.CreateTeacher(ctx, Teacher{ID: "t2", Name: "Herr Kaya", CreatedAt: now}))
		must(db.CreateClass(ctx, Class{ID: "c1", TeacherID: "t1", Name: "7b", CodeHash: []byte{1}, CodeEnc: []byte{11}, CreatedAt: now}))
		must(db.CreateClass(ctx, Class{ID: "c2", TeacherID: "t2", Name: "5a", CodeHash: []byte{2}, CodeEnc: []byte{12}, CreatedAt: now}))
		if err := db.CreateClass(ctx, Class{ID: "c3", TeacherID: "t1", Name: "8c", CodeHash: []byte{1}, CodeEnc: []byte{13}, CreatedAt: now}); err == nil {
			t.Fatal("a second class with the same code hash was stored")
		}
		must(db.RenewClassCode(ctx, "c1", []byte{3}, []byte{33}))
		c, err := db.Class(ctx, "c1")
		must(err)
		if !bytes.Equal(c.CodeHash, []byte{3}) || !bytes.Equal(c.CodeEnc, []byte{33}) || c.LateAfterMinutes != 5 || !c.CreatedAt.Equal(now) {
			t.Fatalf("class after renewal: %+v", c)
		}
		must(db.SetLateAfter(ctx, "c1", 10))
		if m, err := db.LateAfter(ctx, "c1"); err != nil || m != 10 {
			t.Fatalf("late after %d %v", m, err)
		}
		if all, err := db.Classes(ctx, ""); err != nil || len(all) != 2 || all[0].Name != "5a" {
			t.Fatalf("all classes: %+v %v", all, err)
		}
		if mine, err := db.Classes(ctx, "t1"); err != nil || len(mine) != 1 || mine[0].ID != "c1" {
			t.Fatalf("t1's classes: %+v %v", mine, err)
		}

		student := func(id, name string, token byte) RosterStudent {
			return RosterStudent{ID: id, ClassID: "c1", Name: name, TokenHash: []byte{token}, TokenEnc: []byte{token, token}, CreatedAt: now}
		}
		must(db.AddRosterStudents(ctx, []RosterStudent{student("s1", "Lea", 1), student("s2", "Cem", 2)}))
		// The third repeats s1's token: none of the three lands.
		if err := db.AddRosterStudents(ctx, []RosterStudent{student("s3", "Ida", 3), student("s4", "Ole", 4), student("s5", "Mia", 1)}); err == nil {
			t.Fatal("a list with a repeated token was stored")
		}
		list, err := db.Roster(ctx, "c1")
		must(err)
		if len(list) != 2 || list[0].Name != "Cem" || list[1].Name != "Lea" {
			t.Fatalf("class list: %+v", list)
		}
		must(db.RenewRosterToken(ctx, "c1", "s1", []byte{9}, []byte{9, 9}))
		if r, err := db.RosterStudentByTokenHash(ctx, []byte{9}); err != nil || r.ID != "s1" || !bytes.Equal(r.TokenEnc, []byte{9, 9}) {
			t.Fatalf("student by new token: %+v %v", r, err)
		}
		if _, err := db.RosterStudentByTokenHash(ctx, []byte{1}); !errors.Is(err, ErrNotFound) {
			t.Fatalf("old token: %v", err)
		}
		if err := db.RemoveRosterStudent(ctx, "c2", "s2"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("removing from another class: %v", err)
		}
		must(db.RemoveRosterStudent(ctx, "c1", "s2"))

		must(db.CreateLesson(ctx, Lesson{ID: "l1", TeacherID: "t1", Title: "7b Mathe", CodeHash: []byte{7}, ClassID: "c1", CreatedAt: now}))
		must(db.DeleteClass(ctx, "c1"))
		if _, err := db.Class(ctx, "c1"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("deleted class: %v", err)
		}
		if l, err := db.Lesson(ctx, "l1"); err != nil || l.ClassID != "" {
			t.Fatalf("the deleted class's lesson: %+v %v", l, err)
		}
		if list, err := db.Roster(ctx, "c1"); err != nil || len(list) != 0 {
			t.Fatalf("the deleted class's list: %+v %v", list, err)
		}
	})
}
