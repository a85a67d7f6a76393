package storage

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

// The PostgreSQL engine: a database on a server that any number of nodes
// share, reached through pgx's database/sql driver so that every query
// and scan is the same code as on SQLite. Its schema version is the
// highest row of schema_migrations.

// postgresConns bounds one node's connections. The writes on the hot path
// come from one roster writer per node; the rest is page and API traffic.
// Every node holds up to this many: five nodes fit PostgreSQL's default
// max_connections of 100 with room for the admin's own sessions.
const postgresConns = 16

// migrationLock is the key of the advisory lock that serialises
// migrations when several nodes start at once ("ersatzra" in ASCII).
// Advisory locks are per database, so two schools' databases on one
// server do not wait for each other.
const migrationLock int64 = 0x6572_7361_747a_7261

// OpenPostgres connects to the PostgreSQL database at url
// (postgres://user:password@host:5432/dbname?sslmode=…, or any form pgx
// understands, PGPASSWORD and ~/.pgpass included) and migrates it. The
// database must exist; its tables are created on first use.
func OpenPostgres(ctx context.Context, url string) (*DB, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		// pgx's message quotes the URL, password included: say less.
		return nil, errors.New("the PostgreSQL URL cannot be read (postgres://USER:PASSWORD@HOST:PORT/DATABASE)")
	}
	where := fmt.Sprintf("PostgreSQL %s/%s", cfg.Host, cfg.Database)
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(postgresConns)
	// database/sql keeps only 2 idle connections by default: a burst of
	// writes would open and close connections (a process each on the
	// server) all the time.
	db.SetMaxIdleConns(postgresConns)
	db.SetConnMaxIdleTime(5 * time.Minute)
	s := &DB{sql: db, engine: Postgres}
	if err := s.checkDurable(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	if err := s.migratePostgres(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate %s: %w", where, err)
	}
	return s, nil
}

// checkDurable refuses a server that acknowledges commits before they
// are on disk: with synchronous_commit off, a roll call that a teacher
// saw saved could be gone after PostgreSQL crashes.
func (s *DB) checkDurable(ctx context.Context) error {
	var mode string
	if err := s.sql.QueryRowContext(ctx, `SHOW synchronous_commit`).Scan(&mode); err != nil {
		return err
	}
	if mode == "off" {
		return errors.New("synchronous_commit is off: a write Ersatzraum reports as saved could be lost in a crash; set it to on (the default) for this database or role")
	}
	return nil
}

// migratePostgres applies the missing migrations in one transaction under
// a transaction-level advisory lock: a second node starting at the same
// moment waits, then finds the schema current. The lock goes with the
// transaction, also when a node dies in the middle, and so does every
// half-applied migration (PostgreSQL's DDL is transactional).
func (s *DB) migratePostgres(ctx context.Context) error {
	tx, err := s.sql.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, migrationLock); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		applied_at BIGINT NOT NULL
	)`); err != nil {
		return err
	}
	var version int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&version); err != nil {
		return err
	}
	if version > len(postgresMigrations) {
		return fmt.Errorf("the database is at schema version %d, this program knows %d: run the newer ersatzraum", version, len(postgresMigrations))
	}
	for i := version; i < len(postgresMigrations); i++ {
		if _, err := tx.ExecContext(ctx, postgresMigrations[i]); err != nil {
			return fmt.Errorf("migration %d: %w", i+1, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)`,
			i+1, time.Now().UnixMilli()); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// SchemaVersion returns the schema version: SQLite's user_version, or the
// highest applied migration on PostgreSQL.
func (s *DB) SchemaVersion(ctx context.Context) (int, error) {
	q := `PRAGMA user_version`
	if s.engine == Postgres {
		q = `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`
	}
	var v int
	err := s.sql.QueryRowContext(ctx, q).Scan(&v)
	return v, err
}

// pgUniqueViolation reads PostgreSQL's error: code 23505 on the
// constraint that a column's UNIQUE gets by default (table_column_key).
func pgUniqueViolation(err error, table, column string) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505" && pe.ConstraintName == table+"_"+column+"_key"
}

// postgresMigrations are applied in order; never edit one that has
// shipped, append. Migration 1 is the schema that SQLite reached with its
// migration 7, in PostgreSQL's types: BYTEA for hashes and sealed values,
// BIGINT for times (Unix milliseconds, as on SQLite), BOOLEAN for flags.
// A later change goes into both lists (TestSchemasMatch compares them).
var postgresMigrations = []string{
	`
CREATE TABLE teachers (
	id            TEXT PRIMARY KEY,
	name          TEXT NOT NULL UNIQUE,
	created_at    BIGINT NOT NULL,
	password_hash TEXT,
	admin         BOOLEAN NOT NULL DEFAULT FALSE
);
-- Three indexes more than on SQLite (login_tokens_teacher, sessions_teacher,
-- lessons_class): PostgreSQL does not index a referencing column by itself,
-- and the cascades from a removed teacher or class would scan the tables.
CREATE TABLE login_tokens (
	hash       BYTEA PRIMARY KEY,
	teacher_id TEXT NOT NULL REFERENCES teachers(id) ON DELETE CASCADE,
	expires_at BIGINT NOT NULL,
	used_at    BIGINT
);
CREATE INDEX login_tokens_teacher ON login_tokens(teacher_id);
CREATE TABLE sessions (
	hash       BYTEA PRIMARY KEY,
	teacher_id TEXT NOT NULL REFERENCES teachers(id) ON DELETE CASCADE,
	expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_teacher ON sessions(teacher_id);
CREATE TABLE classes (
	id                 TEXT PRIMARY KEY,
	teacher_id         TEXT NOT NULL REFERENCES teachers(id) ON DELETE CASCADE,
	name               TEXT NOT NULL,
	code_hash          BYTEA NOT NULL UNIQUE,
	code_enc           BYTEA NOT NULL,
	created_at         BIGINT NOT NULL,
	late_after_minutes INTEGER NOT NULL DEFAULT 5
);
CREATE INDEX classes_teacher ON classes(teacher_id);
CREATE TABLE roster (
	id         TEXT PRIMARY KEY,
	class_id   TEXT NOT NULL REFERENCES classes(id) ON DELETE CASCADE,
	name       TEXT NOT NULL,
	token_hash BYTEA NOT NULL UNIQUE,
	token_enc  BYTEA NOT NULL,
	created_at BIGINT NOT NULL
);
CREATE INDEX roster_class ON roster(class_id);
CREATE TABLE lessons (
	id         TEXT PRIMARY KEY,
	teacher_id TEXT NOT NULL REFERENCES teachers(id) ON DELETE CASCADE,
	title      TEXT NOT NULL,
	code_hash  BYTEA NOT NULL UNIQUE,
	created_at BIGINT NOT NULL,
	ended_at   BIGINT,
	class_id   TEXT REFERENCES classes(id) ON DELETE SET NULL,
	locked     BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX lessons_teacher ON lessons(teacher_id, created_at);
CREATE INDEX lessons_class ON lessons(class_id);
CREATE TABLE attendance (
	lesson_id      TEXT NOT NULL REFERENCES lessons(id) ON DELETE CASCADE,
	participant_id TEXT NOT NULL,
	name           TEXT NOT NULL,
	status         TEXT NOT NULL,
	camera         BOOLEAN NOT NULL,
	joined_at      BIGINT NOT NULL,
	left_at        BIGINT,
	resume_hash    BYTEA NOT NULL,
	listed         BOOLEAN NOT NULL DEFAULT FALSE,
	PRIMARY KEY (lesson_id, participant_id)
);
-- rowid: the order of writing, as SQLite's implicit rowid gives it, under
-- the same name so that one query orders both (LessonEvents).
CREATE TABLE attendance_events (
	rowid          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	lesson_id      TEXT NOT NULL REFERENCES lessons(id) ON DELETE CASCADE,
	participant_id TEXT NOT NULL,
	kind           TEXT NOT NULL,
	status         TEXT NOT NULL DEFAULT '',
	at             BIGINT NOT NULL
);
CREATE INDEX attendance_events_lesson ON attendance_events(lesson_id, at);
CREATE TABLE assignments (
	id            TEXT PRIMARY KEY,
	class_id      TEXT NOT NULL REFERENCES classes(id) ON DELETE CASCADE,
	title         TEXT NOT NULL,
	body          TEXT NOT NULL,
	due_at        BIGINT,
	grace_minutes INTEGER NOT NULL DEFAULT 0,
	position      INTEGER NOT NULL,
	archived_at   BIGINT,
	created_at    BIGINT NOT NULL,
	updated_at    BIGINT NOT NULL
);
CREATE INDEX assignments_class ON assignments(class_id, position);
CREATE TABLE assignment_files (
	assignment_id TEXT NOT NULL REFERENCES assignments(id) ON DELETE CASCADE,
	hash          TEXT NOT NULL,
	name          TEXT NOT NULL,
	type          TEXT NOT NULL,
	size          BIGINT NOT NULL,
	position      INTEGER NOT NULL,
	PRIMARY KEY (assignment_id, hash)
);
CREATE INDEX assignment_files_hash ON assignment_files(hash);
CREATE TABLE handins (
	id            TEXT PRIMARY KEY,
	assignment_id TEXT NOT NULL REFERENCES assignments(id) ON DELETE CASCADE,
	student_id    TEXT NOT NULL REFERENCES roster(id) ON DELETE CASCADE,
	kind          TEXT NOT NULL,
	text          TEXT NOT NULL DEFAULT '',
	created_at    BIGINT NOT NULL,
	client_at     BIGINT
);
CREATE INDEX handins_assignment ON handins(assignment_id, student_id, created_at);
CREATE INDEX handins_student ON handins(student_id);
CREATE TABLE handin_files (
	handin_id TEXT NOT NULL REFERENCES handins(id) ON DELETE CASCADE,
	hash      TEXT NOT NULL,
	name      TEXT NOT NULL,
	type      TEXT NOT NULL,
	size      BIGINT NOT NULL,
	position  INTEGER NOT NULL,
	PRIMARY KEY (handin_id, position)
);
CREATE INDEX handin_files_hash ON handin_files(hash);
CREATE TABLE quick_checks (
	id        TEXT PRIMARY KEY,
	lesson_id TEXT NOT NULL REFERENCES lessons(id) ON DELETE CASCADE,
	question  TEXT NOT NULL,
	options   TEXT NOT NULL,
	counts    TEXT NOT NULL,
	answered  INTEGER NOT NULL,
	present   INTEGER NOT NULL,
	saved_at  BIGINT NOT NULL
);
CREATE INDEX quick_checks_lesson ON quick_checks(lesson_id, saved_at);
`,
	// 2 (SQLite 8): a class's last grouping of group work (groupings.go).
	`
CREATE TABLE class_groupings (
	class_id TEXT PRIMARY KEY REFERENCES classes(id) ON DELETE CASCADE,
	members  TEXT NOT NULL,
	saved_at BIGINT NOT NULL
);
`,
}
