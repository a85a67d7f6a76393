package storage

import (
	"context"
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
)

// The two engines' schemas have the same tables with the same columns,
// nullable alike: a migration added to one list and forgotten in the
// other fails here, before any query does.
func TestSchemasMatch(t *testing.T) {
	ctx := context.Background()
	lite := newPlace(t, SQLite).open(t)
	pgdb := newPlace(t, Postgres).open(t)
	columns := func(db *DB, query string) map[string][]string {
		t.Helper()
		out := map[string][]string{}
		err := eachRow(ctx, db.sql, func(row scanner) error {
			var table, column string
			var notNull bool
			if err := row.Scan(&table, &column, &notNull); err != nil {
				return err
			}
			out[table] = append(out[table], fmt.Sprintf("%s notnull=%v", column, notNull))
			return nil
		}, query)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	// SQLite's "id TEXT PRIMARY KEY" admits NULL by an old quirk; the
	// program never writes one, and PostgreSQL's primary keys never do.
	got := columns(lite, `SELECT m.name, p.name, p."notnull" OR p.pk > 0 FROM sqlite_master m, pragma_table_info(m.name) p
		WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, p.name`)
	// rowid is SQLite's implicit column, made explicit on PostgreSQL.
	want := columns(pgdb, `SELECT table_name, column_name, is_nullable = 'NO' FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name <> 'schema_migrations'
		AND NOT (table_name = 'attendance_events' AND column_name = 'rowid') ORDER BY table_name, column_name`)
	if len(got) < 12 || !reflect.DeepEqual(got, want) {
		t.Fatalf("schemas differ:\nSQLite     %v\nPostgreSQL %v", got, want)
	}
}

// Nodes that start at the same moment on an empty database all come up,
// and the migrations ran once: the advisory lock made the others wait.
func TestPostgresNodesStartingAtOnceMigrateOnce(t *testing.T) {
	ctx := context.Background()
	p := newPlace(t, Postgres)
	const nodes = 4
	var wg sync.WaitGroup
	errs := make(chan error, nodes)
	start := make(chan struct{})
	for range nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			db, err := OpenPostgres(ctx, p.url)
			if err == nil {
				err = db.Close()
			}
			errs <- err
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("a node failed to start: %v", err)
		}
	}
	db := p.open(t)
	var n, max int
	if err := db.sql.QueryRowContext(ctx, `SELECT COUNT(*), MAX(version) FROM schema_migrations`).Scan(&n, &max); err != nil {
		t.Fatal(err)
	}
	if n != len(postgresMigrations) || max != len(postgresMigrations) {
		t.Fatalf("schema_migrations holds %d rows up to version %d, want each of the %d migrations once", n, max, len(postgresMigrations))
	}
	if v, err := db.SchemaVersion(ctx); err != nil || v != len(postgresMigrations) {
		t.Fatalf("schema version %d (%v)", v, err)
	}
}

// A database that a newer program migrated further is not touched by an
// older one.
func TestPostgresRefusesANewerSchema(t *testing.T) {
	ctx := context.Background()
	p := newPlace(t, Postgres)
	db := p.open(t)
	if _, err := db.sql.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (999, 0)`); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenPostgres(ctx, p.url); err == nil || !strings.Contains(err.Error(), "schema version 999") {
		t.Fatalf("opening a newer schema: %v", err)
	}
}

// A server that acknowledges commits before they are durable is refused:
// a roll call shown as saved must survive a crash.
func TestPostgresRefusesSynchronousCommitOff(t *testing.T) {
	p := newPlace(t, Postgres)
	u, err := url.Parse(p.url)
	if err != nil {
		t.Fatal(err)
	}
	pg.Exec(t, `ALTER DATABASE `+strings.TrimPrefix(u.Path, "/")+` SET synchronous_commit = off`)
	_, err = OpenPostgres(context.Background(), p.url)
	if err == nil || !strings.Contains(err.Error(), "synchronous_commit is off") {
		t.Fatalf("opened with synchronous_commit off: %v", err)
	}
}

// A URL that cannot be read is refused without repeating it (it may hold
// a password).
func TestPostgresBadURLKeepsThePassword(t *testing.T) {
	_, err := OpenPostgres(context.Background(), "postgres://lehrer:geheim@db:notaport/ersatzraum")
	if err == nil || strings.Contains(err.Error(), "geheim") {
		t.Fatalf("bad URL: %v", err)
	}
}
