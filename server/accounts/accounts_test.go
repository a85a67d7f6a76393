package accounts

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"

	"ersatzraum/server/storage"
)

func TestLoginLinkOpensOneSession(t *testing.T) {
	ctx := context.Background()
	db, err := storage.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc := &Service{Store: db}
	teacher, created, err := svc.EnsureTeacher(ctx, "Lehrkraft")
	if err != nil || !created {
		t.Fatalf("EnsureTeacher on empty store: %v %v", created, err)
	}
	if again, created, _ := svc.EnsureTeacher(ctx, "Other"); created || again.ID != teacher.ID {
		t.Fatalf("EnsureTeacher created a second teacher")
	}
	token, err := svc.IssueLoginLink(ctx, teacher.ID)
	if err != nil {
		t.Fatal(err)
	}
	cookie, err := svc.RedeemLoginLink(ctx, token, false)
	if err != nil {
		t.Fatal(err)
	}
	if !cookie.HttpOnly || cookie.Value == "" || cookie.Value == token {
		t.Fatalf("bad session cookie: %+v", cookie)
	}
	if _, err := svc.RedeemLoginLink(ctx, token, false); !errors.Is(err, ErrInvalidLink) {
		t.Fatalf("second use of a login link: %v", err)
	}
	req := httptest.NewRequest("GET", "/", nil)
	req.AddCookie(cookie)
	got, err := svc.TeacherFromRequest(req)
	if err != nil || got.ID != teacher.ID {
		t.Fatalf("session does not identify the teacher: %+v %v", got, err)
	}
	if _, err := svc.Logout(req); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.TeacherFromRequest(req); err == nil {
		t.Fatal("session still valid after logout")
	}
	anon := httptest.NewRequest("GET", "/", nil)
	if _, err := svc.TeacherFromRequest(anon); err == nil {
		t.Fatal("anonymous request identified as teacher")
	}
}

func TestDemoTeacher(t *testing.T) {
	ctx := context.Background()
	db, err := storage.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc := &Service{Store: db}
	demo, created, ok, err := svc.DemoTeacher(ctx, "Lehrkraft")
	if err != nil || !created || !ok || demo.Name != "Lehrkraft" {
		t.Fatalf("empty folder: %+v %v %v %v", demo, created, ok, err)
	}
	svc.AddTeacher(ctx, "Anna Adler") // sorts before the demo account
	again, created, ok, _ := svc.DemoTeacher(ctx, "Lehrkraft")
	if created || !ok || again.ID != demo.ID {
		t.Fatalf("second start: %+v %v %v", again, created, ok)
	}
	db.DeleteTeacher(ctx, demo.ID)
	if _, created, ok, _ := svc.DemoTeacher(ctx, "Lehrkraft"); created || ok {
		t.Fatal("a removed demo account came back, or another teacher's link would be printed")
	}
}
