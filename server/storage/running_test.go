package storage

import (
	"context"
	"errors"
	"testing"
	"time"
)

// A student's code or class leads to the running lesson, the newest of a
// class; an ended lesson, an unknown code or a class without a running
// lesson lead nowhere.
func TestRunningLessonByCodeAndClass(t *testing.T) {
	onBoth(t, func(t *testing.T, p place) {
		ctx := context.Background()
		db := p.open(t)
		now := time.UnixMilli(time.Now().UnixMilli())
		must := fatalOn(t)
		must(db.CreateTeacher(ctx, Teacher{ID: "t1", Name: "Frau Weber", CreatedAt: now}))
		must(db.CreateClass(ctx, Class{ID: "c1", TeacherID: "t1", Name: "7b", CodeHash: []byte{7}, CodeEnc: []byte{7}, CreatedAt: now}))
		must(db.CreateClass(ctx, Class{ID: "c2", TeacherID: "t1", Name: "8a", CodeHash: []byte{8}, CodeEnc: []byte{8}, CreatedAt: now}))
		must(db.CreateLesson(ctx, Lesson{ID: "old", TeacherID: "t1", Title: "7b", CodeHash: []byte{1}, ClassID: "c1", CreatedAt: now}))
		must(db.CreateLesson(ctx, Lesson{ID: "new", TeacherID: "t1", Title: "7b", CodeHash: []byte{2}, ClassID: "c1", CreatedAt: now.Add(time.Second)}))
		must(db.CreateLesson(ctx, Lesson{ID: "gone", TeacherID: "t1", Title: "AG", CodeHash: []byte{3}, CreatedAt: now}))
		must(db.EndLesson(ctx, "gone", now))

		for _, c := range []struct {
			hash []byte
			want string
		}{{[]byte{1}, "old"}, {[]byte{2}, "new"}, {[]byte{7}, "new"}, {[]byte{3}, ""}, {[]byte{8}, ""}, {[]byte{9}, ""}} {
			l, err := db.RunningLessonByCodeHash(ctx, c.hash)
			switch {
			case c.want == "" && !errors.Is(err, ErrNotFound):
				t.Errorf("code %v: %v %q, want ErrNotFound", c.hash, err, l.ID)
			case c.want != "" && (err != nil || l.ID != c.want):
				t.Errorf("code %v: %v %q, want %q", c.hash, err, l.ID, c.want)
			}
		}
		if l, err := db.RunningLessonOfClass(ctx, "c1"); err != nil || l.ID != "new" || l.ClassID != "c1" {
			t.Errorf("class c1: %v %+v", err, l)
		}
		must(db.EndLesson(ctx, "new", now))
		if l, err := db.RunningLessonOfClass(ctx, "c1"); err != nil || l.ID != "old" {
			t.Errorf("class c1 after the newest ended: %v %+v", err, l)
		}
		if _, err := db.RunningLessonOfClass(ctx, "c2"); !errors.Is(err, ErrNotFound) {
			t.Errorf("class c2: %v, want ErrNotFound", err)
		}
	})
}
