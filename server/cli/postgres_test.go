package cli

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ersatzraum/server/datadir"
	"ersatzraum/server/storage"
	"ersatzraum/server/storage/pgtest"
)

var pg *pgtest.Server

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m, &pg)) }

// A server on PostgreSQL and the admin commands beside it: serve keeps
// its data in the database and notes that in the data folder; teacher
// works with the same URL (flag or environment) and refuses the folder
// without it; backup and restore point to pg_dump and pg_restore; serve
// without --postgres refuses the folder rather than start an empty
// school on SQLite.
func TestServeAndAdminCommandsOnPostgres(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	dbURL := pg.Database(t)
	r := startServe(t, "--addr", "127.0.0.1:0", "--data", data, "--postgres", dbURL)
	if !strings.Contains(r.stderr.String(), "storage=postgres") {
		t.Fatalf("serve does not say it runs on PostgreSQL:\n%s", r.stderr.String())
	}
	if !datadir.UsesPostgres(data) {
		t.Fatal("no note in the data folder that its database is in PostgreSQL")
	}
	if _, err := os.Stat(filepath.Join(data, datadir.DBFile)); err == nil {
		t.Fatal("serve --postgres created an SQLite database too")
	}

	// While it runs: a teacher added by flag, listed by environment.
	if _, stderr, code := runCLI(t, "teacher", "add", "Frau Roth", "--data", data, "--postgres", dbURL); code != 0 {
		t.Fatalf("teacher add on PostgreSQL: %d %s", code, stderr)
	}
	if _, stderr, code := runCLI(t, "teacher", "list", "--data", data); code != 1 || !strings.Contains(stderr, "--postgres") {
		t.Fatalf("teacher list without the URL: %d %q", code, stderr)
	}
	t.Setenv(postgresEnv, dbURL+"&password=geheim")
	if out, _, _ := runCLI(t, "teacher", "--help"); strings.Contains(out, "geheim") {
		t.Fatalf("teacher --help shows the URL from the environment:\n%s", out)
	}
	out, stderr, code := runCLI(t, "teacher", "list", "--data", data)
	if code != 0 || !strings.Contains(out, "Frau Roth") || !strings.Contains(out, "Lehrkraft") {
		t.Fatalf("teacher list on PostgreSQL: %d %q %s", code, out, stderr)
	}
	db, err := storage.OpenPostgres(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if all, err := db.Teachers(context.Background()); err != nil || len(all) != 2 {
		t.Fatalf("teachers in PostgreSQL: %+v %v", all, err)
	}

	for _, cmd := range []string{"backup", "restore"} {
		file := filepath.Join(t.TempDir(), "sicherung.tar.gz")
		_, stderr, code := runCLI(t, cmd, "--data", data, file)
		if code != 1 || !strings.Contains(stderr, "pg_dump") || !strings.Contains(stderr, "pg_restore") {
			t.Fatalf("%s of a PostgreSQL folder: %d %q", cmd, code, stderr)
		}
		if _, err := os.Stat(file); err == nil {
			t.Fatalf("%s wrote %s", cmd, file)
		}
	}
	r.shutdown(t)

	t.Setenv(postgresEnv, "")
	fs, cfg := serveFlags(&syncBuffer{})
	fs.Parse([]string{"--addr", "127.0.0.1:0", "--data", data})
	if err := run(context.Background(), cfg, &syncBuffer{}, slog.New(slog.DiscardHandler)); err == nil || !strings.Contains(err.Error(), "--postgres") {
		t.Fatalf("serve on SQLite in a PostgreSQL folder: %v", err)
	}
}

// Only the URL form is taken: it is the one whose password can be masked.
func TestPostgresFlagWantsAURL(t *testing.T) {
	for _, args := range [][]string{
		{"serve", "--postgres", "host=db password=geheim"},
		{"teacher", "list", "--postgres", "host=db password=geheim"},
	} {
		_, stderr, code := runCLI(t, args...)
		if code != 2 || !strings.Contains(stderr, "postgres://") || strings.Contains(stderr, "geheim") {
			t.Fatalf("%v: %d %q", args, code, stderr)
		}
	}
}
