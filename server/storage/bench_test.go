package storage

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"ersatzraum/server/board"
)

// What PostgreSQL costs on the hot write paths, against SQLite, both with
// their durable settings (SQLite synchronous=FULL; PostgreSQL with fsync
// and synchronous_commit on, on the same disk, over a unix socket):
//
//	go test -run '^$' -bench . -benchtime 3s ./server/storage/
//
// README.md ("Storage: SQLite or PostgreSQL") has the numbers.

// benchLesson is a database with teacher t1, class c1 with student s1,
// lesson l1 and assignment a1.
func benchLesson(b *testing.B, e Engine) *DB {
	b.Helper()
	ctx := context.Background()
	db := newPlace(b, e).open(b)
	now := time.Now()
	for _, err := range []error{
		db.CreateTeacher(ctx, Teacher{ID: "t1", Name: "Frau Weber", CreatedAt: now}),
		db.CreateClass(ctx, Class{ID: "c1", TeacherID: "t1", Name: "7b", CodeHash: []byte{1}, CodeEnc: []byte{1}, CreatedAt: now}),
		db.AddRosterStudents(ctx, []RosterStudent{{ID: "s1", ClassID: "c1", Name: "Lea", TokenHash: []byte{2}, TokenEnc: []byte{2}, CreatedAt: now}}),
		db.CreateLesson(ctx, Lesson{ID: "l1", TeacherID: "t1", Title: "7b Mathe", CodeHash: []byte{3}, ClassID: "c1", CreatedAt: now}),
	} {
		if err != nil {
			b.Fatal(err)
		}
	}
	if _, err := db.CreateAssignment(ctx, board.Assignment{ID: "a1", ClassID: "c1", Title: "Aufgabe", Created: now, Updated: now}); err != nil {
		b.Fatal(err)
	}
	return db
}

// A student joins: the roster writer stores the roll-call line and the
// join event, one after the other, as it does for every join.
func BenchmarkJoinWrite(b *testing.B) {
	for _, e := range engines {
		b.Run(string(e), func(b *testing.B) {
			db := benchLesson(b, e)
			ctx := context.Background()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				joinWrite(b, ctx, db, i)
			}
		})
	}
}

// The same, from 8 writers at once: several nodes' roster writers on one
// PostgreSQL, or what SQLite's single writer makes of such a load.
func BenchmarkJoinWriteParallel(b *testing.B) {
	for _, e := range engines {
		b.Run(string(e), func(b *testing.B) {
			db := benchLesson(b, e)
			ctx := context.Background()
			var n atomic.Int64
			b.SetParallelism(4) // 4 × GOMAXPROCS (2 here) = 8 writers
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					joinWrite(b, ctx, db, int(n.Add(1)))
				}
			})
		})
	}
}

func joinWrite(b *testing.B, ctx context.Context, db *DB, i int) {
	now := time.Now()
	id := fmt.Sprintf("p%d", i)
	if err := db.PutAttendance(ctx, Attendance{LessonID: "l1", ParticipantID: id, Name: "Schüler " + id, Status: "present",
		Camera: true, JoinedAt: now, ResumeHash: []byte("0123456789abcdef0123456789abcdef")}); err != nil {
		b.Fatal(err)
	}
	if err := db.PutEvent(ctx, Event{LessonID: "l1", ParticipantID: id, Kind: "join", At: now}); err != nil {
		b.Fatal(err)
	}
}

// A hand-in with text and one file: one transaction of two inserts.
func BenchmarkHandIn(b *testing.B) {
	for _, e := range engines {
		b.Run(string(e), func(b *testing.B) {
			db := benchLesson(b, e)
			ctx := context.Background()
			file := board.File{Hash: strings.Repeat("c", 64), Name: "foto.jpg", Type: "image/jpeg", Size: 250_000}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := db.PutHandIn(ctx, board.HandIn{ID: fmt.Sprintf("h%d", i), AssignmentID: "a1", StudentID: "s1", Kind: "handin",
					Text: "Meine Lösung", Created: time.Now(), Files: []board.File{file}}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
