package storage

import (
	"context"
	"os"
	"testing"

	"ersatzraum/server/storage/pgtest"
)

// Every test of this package that is not about one engine's own matter
// (SQLite's file URI, its historical migrations) runs on both engines:
// once on SQLite in a temporary directory, once on a real PostgreSQL that
// TestMain starts for the package, each time in a fresh database.

var pg *pgtest.Server

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m, &pg)) }

// place is one test's database on one engine: empty at first, and the
// same data every time it is opened again.
type place struct {
	engine Engine
	dir    string // SQLite's data directory
	url    string // PostgreSQL's database
}

// open opens the database at p, closed when the test ends.
func (p place) open(t testing.TB) *DB {
	t.Helper()
	var db *DB
	var err error
	if p.engine == Postgres {
		db, err = OpenPostgres(context.Background(), p.url)
	} else {
		db, err = Open(context.Background(), p.dir)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// engines lists the engines every test runs on.
var engines = []Engine{SQLite, Postgres}

// newPlace makes a fresh, empty database on engine e for one test.
func newPlace(t testing.TB, e Engine) place {
	if e == Postgres {
		return place{engine: e, url: pg.Database(t)}
	}
	return place{engine: e, dir: t.TempDir()}
}

// onBoth runs test as a subtest on each engine, each in a fresh database.
func onBoth(t *testing.T, test func(t *testing.T, p place)) {
	for _, e := range engines {
		t.Run(string(e), func(t *testing.T) { test(t, newPlace(t, e)) })
	}
}

// fatalOn returns a check that ends test t at the first error.
func fatalOn(t *testing.T) func(error) {
	return func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
}
