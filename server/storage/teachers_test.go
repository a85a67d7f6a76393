package storage

import (
	"context"
	"errors"
	"testing"
	"time"
)

// Accounts on both engines: a taken name is ErrTeacherExists (each
// engine says it in its own words), passwords and admin rights round-trip,
// and ending sessions and links ends exactly those asked for.
func TestTeacherAccounts(t *testing.T) {
	onBoth(t, func(t *testing.T, p place) {
		ctx := context.Background()
		db := p.open(t)
		now := time.UnixMilli(time.Now().UnixMilli())
		must := fatalOn(t)
		must(db.CreateTeacher(ctx, Teacher{ID: "t1", Name: "Frau Weber", CreatedAt: now}))
		must(db.CreateTeacher(ctx, Teacher{ID: "t2", Name: "Herr Kaya", CreatedAt: now, Admin: true}))
		if err := db.CreateTeacher(ctx, Teacher{ID: "t3", Name: "Frau Weber", CreatedAt: now}); !errors.Is(err, ErrTeacherExists) {
			t.Fatalf("taken name: %v", err)
		}
		// Another unique key failing is not "the name is taken".
		if err := db.CreateTeacher(ctx, Teacher{ID: "t1", Name: "Frau Roth", CreatedAt: now}); err == nil || errors.Is(err, ErrTeacherExists) {
			t.Fatalf("taken id: %v", err)
		}
		must(db.SetPassword(ctx, "t1", "hash-1"))
		if h, err := db.PasswordHash(ctx, "t1"); err != nil || h != "hash-1" {
			t.Fatalf("password hash %q %v", h, err)
		}
		must(db.SetAdmin(ctx, "t1", true))
		all, err := db.Teachers(ctx)
		must(err)
		if len(all) != 2 || all[0].Name != "Frau Weber" || !all[0].Admin || !all[0].HasPassword || all[1].HasPassword || !all[0].CreatedAt.Equal(now) {
			t.Fatalf("teachers: %+v", all)
		}
		must(db.SetPassword(ctx, "t1", ""))
		if tch, err := db.TeacherByName(ctx, "Frau Weber"); err != nil || tch.HasPassword {
			t.Fatalf("after removing the password: %+v %v", tch, err)
		}
		if _, err := db.Teacher(ctx, "nobody"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("missing teacher: %v", err)
		}
		if err := db.SetAdmin(ctx, "nobody", true); !errors.Is(err, ErrNotFound) {
			t.Fatalf("admin for a missing teacher: %v", err)
		}

		for _, h := range []string{"a", "b", "c"} {
			must(db.PutSession(ctx, []byte(h), "t1", now.Add(time.Hour)))
		}
		must(db.PutSession(ctx, []byte("k"), "t2", now.Add(-time.Hour)))
		must(db.DeleteOtherSessions(ctx, "t1", []byte("b")))
		counts, err := db.ActiveSessions(ctx, now)
		must(err)
		if len(counts) != 1 || counts["t1"] != 1 {
			t.Fatalf("active sessions %v, want only t1's kept one", counts)
		}
		must(db.PutLoginToken(ctx, []byte("x"), "t1", now.Add(time.Hour)))
		must(db.InvalidateLoginTokens(ctx, "t1"))
		if _, err := db.ConsumeLoginToken(ctx, []byte("x"), now); !errors.Is(err, ErrNotFound) {
			t.Fatalf("invalidated token used: %v", err)
		}
		must(db.DeleteSessions(ctx, "t1"))
		if _, err := db.SessionTeacher(ctx, []byte("b"), now); !errors.Is(err, ErrNotFound) {
			t.Fatalf("ended session: %v", err)
		}
		n, err := db.PurgeSessions(ctx, now)
		must(err)
		if n != 1 {
			t.Fatalf("purged %d expired sessions, want t2's", n)
		}
		must(db.DeleteTeacher(ctx, "t2"))
		if err := db.DeleteTeacher(ctx, "t2"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("deleting twice: %v", err)
		}
	})
}
