package storage

import (
	"context"
	"reflect"
	"testing"
	"time"
)

// A class's grouping comes back whole, a new one replaces it, a class
// without one has none, and deleting the class deletes it.
func TestGroupingRoundTripReplaceAndDelete(t *testing.T) {
	onBoth(t, func(t *testing.T, p place) { groupingRoundTrip(t, p.open(t)) })
}

func groupingRoundTrip(t *testing.T, db *DB) {
	ctx := context.Background()
	must := fatalOn(t)
	now := time.Now()
	must(db.CreateTeacher(ctx, Teacher{ID: "t1", Name: "Frau Weber", CreatedAt: now}))
	must(db.CreateClass(ctx, Class{ID: "c1", TeacherID: "t1", Name: "7b", CodeHash: []byte{1}, CodeEnc: []byte{1}, CreatedAt: now}))
	must(db.CreateClass(ctx, Class{ID: "c2", TeacherID: "t1", Name: "8a", CodeHash: []byte{2}, CodeEnc: []byte{2}, CreatedAt: now}))

	if got, err := db.LastGrouping(ctx, "c1"); err != nil || got != nil {
		t.Fatalf("before any grouping: %v, %v", got, err)
	}
	first := [][]string{{"r-lea", "r-oemer"}, {"r-ida"}}
	must(db.SaveGrouping(ctx, "c1", first))
	must(db.SaveGrouping(ctx, "c2", [][]string{{"r-x", "r-y"}}))
	got, err := db.LastGrouping(ctx, "c1")
	must(err)
	if !reflect.DeepEqual(got, first) {
		t.Fatalf("grouping = %v, want %v", got, first)
	}
	second := [][]string{{"r-lea", "r-ida"}, {"r-oemer", "r-tom"}}
	must(db.SaveGrouping(ctx, "c1", second))
	if got, err = db.LastGrouping(ctx, "c1"); err != nil || !reflect.DeepEqual(got, second) {
		t.Fatalf("after replacing: %v, %v", got, err)
	}

	must(db.DeleteClass(ctx, "c1"))
	var n int
	must(db.sql.QueryRowContext(ctx, `SELECT count(*) FROM class_groupings WHERE class_id = 'c1'`).Scan(&n))
	if n != 0 {
		t.Fatalf("%d groupings left of a deleted class", n)
	}
	if got, err = db.LastGrouping(ctx, "c2"); err != nil || len(got) != 1 {
		t.Fatalf("the other class's grouping: %v, %v", got, err)
	}
}
