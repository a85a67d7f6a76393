package cli

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"ersatzraum/app/protocol"
	"ersatzraum/server/codes"
	"ersatzraum/server/storage"
)

// A lesson left open two days ago is ended when the server starts again,
// its code refused; a lesson started an hour ago stays. Restarting must
// not keep forgotten lessons (and their join codes) alive.
func TestServeEndsLessonsLeftOpenAcrossRestarts(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	db, err := storage.Open(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	oldCode, newCode := codes.NewCode(), codes.NewCode()
	db.CreateTeacher(ctx, storage.Teacher{ID: "t1", Name: "Frau Weber", CreatedAt: time.Now()})
	for _, l := range []storage.Lesson{
		{ID: "old", TeacherID: "t1", Title: "vergessen", CodeHash: codes.HashCode(codes.NormalizeCode(oldCode)), CreatedAt: time.Now().Add(-48 * time.Hour)},
		{ID: "new", TeacherID: "t1", Title: "läuft", CodeHash: codes.HashCode(codes.NormalizeCode(newCode)), CreatedAt: time.Now().Add(-time.Hour)},
	} {
		if err := db.CreateLesson(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	r := startServe(t, "--addr", "127.0.0.1:0", "--data", data)
	wsURL := "ws" + strings.TrimPrefix(r.url, "http") + "/ws"
	for code, want := range map[string]string{oldCode: protocol.ErrUnknownLesson, newCode: protocol.TypeWaiting} {
		ws, _, err := websocket.DefaultDialer.Dial(wsURL, nil)
		if err != nil {
			t.Fatal(err)
		}
		send(t, ws, protocol.TypeHello, protocol.Hello{Role: protocol.RoleStudent, Code: code, Name: "Lea"})
		var env protocol.Envelope
		ws.SetReadDeadline(time.Now().Add(5 * time.Second))
		if err := ws.ReadJSON(&env); err != nil {
			t.Fatal(err)
		}
		got := env.Type
		if env.Type == protocol.TypeError {
			var e protocol.Error
			protocol.DecodeData(env, &e)
			got = e.Code
		}
		if got != want {
			t.Errorf("code of the lesson %s: %s, want %s", map[string]string{oldCode: "left open 2 days ago", newCode: "started an hour ago"}[code], got, want)
		}
		ws.Close()
	}
	r.shutdown(t)
	db, err = storage.Open(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	old, _ := db.Lesson(ctx, "old")
	fresh, _ := db.Lesson(ctx, "new")
	if old.EndedAt.IsZero() || !fresh.EndedAt.IsZero() {
		t.Fatalf("after the restart: old ended %v, new ended %v; want only the old one ended", old.EndedAt, fresh.EndedAt)
	}
}
