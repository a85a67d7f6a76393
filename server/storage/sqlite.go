package storage

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// The SQLite engine: one file in the data directory, its schema version in
// PRAGMA user_version.

// Open opens (creating if needed) the SQLite database in dir and migrates
// it.
func Open(ctx context.Context, dir string) (*DB, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("create data directory %s: %w", dir, err)
	}
	path := filepath.Join(dir, "ersatzraum.db")
	// The DSN is an SQLite URI: '%', '?' and '#' in a folder name would
	// start an escape, the options or a fragment (and silently open
	// another file), so they are escaped.
	dsn := "file:" + strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path) +
		"?_pragma=journal_mode(WAL)" +
		"&_pragma=synchronous(FULL)" +
		"&_pragma=busy_timeout(5000)" +
		"&_pragma=foreign_keys(1)" +
		"&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	// SQLite has one writer at a time; a few connections let reads run
	// beside it without piling up lock waits.
	db.SetMaxOpenConns(4)
	s := &DB{sql: db, engine: SQLite}
	if err := s.migrateSQLite(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate %s: %w", path, err)
	}
	return s, nil
}

func (s *DB) migrateSQLite(ctx context.Context) error {
	var version int
	if err := s.sql.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return err
	}
	for i := version; i < len(sqliteMigrations); i++ {
		tx, err := s.sql.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, sqliteMigrations[i]); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %d: %w", i+1, err)
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", i+1)); err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}

func sqliteUniqueViolation(err error, table, column string) bool {
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed: "+table+"."+column)
}

// sqliteMigrations are applied in order; never edit one that has shipped,
// append (and add the same change to postgresMigrations:
// TestSchemasMatch compares the two).
var sqliteMigrations = []string{
	`
CREATE TABLE teachers (
	id         TEXT PRIMARY KEY,
	name       TEXT NOT NULL UNIQUE,
	created_at INTEGER NOT NULL
);
CREATE TABLE login_tokens (
	hash       BLOB PRIMARY KEY,
	teacher_id TEXT NOT NULL REFERENCES teachers(id) ON DELETE CASCADE,
	expires_at INTEGER NOT NULL,
	used_at    INTEGER
);
CREATE TABLE sessions (
	hash       BLOB PRIMARY KEY,
	teacher_id TEXT NOT NULL REFERENCES teachers(id) ON DELETE CASCADE,
	expires_at INTEGER NOT NULL
);
CREATE TABLE lessons (
	id         TEXT PRIMARY KEY,
	teacher_id TEXT NOT NULL REFERENCES teachers(id) ON DELETE CASCADE,
	title      TEXT NOT NULL,
	code_hash  BLOB NOT NULL UNIQUE,
	created_at INTEGER NOT NULL,
	ended_at   INTEGER
);
CREATE TABLE attendance (
	lesson_id      TEXT NOT NULL REFERENCES lessons(id) ON DELETE CASCADE,
	participant_id TEXT NOT NULL,
	name           TEXT NOT NULL,
	status         TEXT NOT NULL,
	camera         INTEGER NOT NULL,
	joined_at      INTEGER NOT NULL,
	left_at        INTEGER,
	resume_hash    BLOB NOT NULL,
	PRIMARY KEY (lesson_id, participant_id)
);
`,
	// 2: passwords and admins, classes with long-lived codes, rosters with
	// personal links, lessons that belong to a class and can be locked.
	// Codes and personal-link tokens are stored as a hash (for lookup) and
	// encrypted (so that their own teacher can see them again); a copy of
	// the database alone reveals neither.
	`
ALTER TABLE teachers ADD COLUMN password_hash TEXT;
ALTER TABLE teachers ADD COLUMN admin INTEGER NOT NULL DEFAULT 0;
CREATE TABLE classes (
	id         TEXT PRIMARY KEY,
	teacher_id TEXT NOT NULL REFERENCES teachers(id) ON DELETE CASCADE,
	name       TEXT NOT NULL,
	code_hash  BLOB NOT NULL UNIQUE,
	code_enc   BLOB NOT NULL,
	created_at INTEGER NOT NULL
);
CREATE INDEX classes_teacher ON classes(teacher_id);
CREATE TABLE roster (
	id         TEXT PRIMARY KEY,
	class_id   TEXT NOT NULL REFERENCES classes(id) ON DELETE CASCADE,
	name       TEXT NOT NULL,
	token_hash BLOB NOT NULL UNIQUE,
	token_enc  BLOB NOT NULL,
	created_at INTEGER NOT NULL
);
CREATE INDEX roster_class ON roster(class_id);
ALTER TABLE lessons ADD COLUMN class_id TEXT REFERENCES classes(id) ON DELETE SET NULL;
ALTER TABLE lessons ADD COLUMN locked INTEGER NOT NULL DEFAULT 0;
`,
	// 3: the roll call's history. A class says after how many minutes a
	// join counts as late. Every join, leave and status change of a lesson
	// is an event; attendance keeps the current line (joined_at 0: never
	// joined, e.g. a listed student who stayed absent).
	`
ALTER TABLE classes ADD COLUMN late_after_minutes INTEGER NOT NULL DEFAULT 5;
CREATE TABLE attendance_events (
	lesson_id      TEXT NOT NULL REFERENCES lessons(id) ON DELETE CASCADE,
	participant_id TEXT NOT NULL,
	kind           TEXT NOT NULL,
	status         TEXT NOT NULL DEFAULT '',
	at             INTEGER NOT NULL
);
CREATE INDEX attendance_events_lesson ON attendance_events(lesson_id, at);
`,
	// 4: the assignment board (server/board). Files live in DATA/files
	// under their SHA-256 (server/files); rows name them by hash. Hand-in
	// ids are chosen by the client, so that a replay is recognised.
	// Removing a student from the class list removes their hand-ins.
	`
CREATE TABLE assignments (
	id            TEXT PRIMARY KEY,
	class_id      TEXT NOT NULL REFERENCES classes(id) ON DELETE CASCADE,
	title         TEXT NOT NULL,
	body          TEXT NOT NULL,
	due_at        INTEGER,
	grace_minutes INTEGER NOT NULL DEFAULT 0,
	position      INTEGER NOT NULL,
	archived_at   INTEGER,
	created_at    INTEGER NOT NULL,
	updated_at    INTEGER NOT NULL
);
CREATE INDEX assignments_class ON assignments(class_id, position);
CREATE TABLE assignment_files (
	assignment_id TEXT NOT NULL REFERENCES assignments(id) ON DELETE CASCADE,
	hash          TEXT NOT NULL,
	name          TEXT NOT NULL,
	type          TEXT NOT NULL,
	size          INTEGER NOT NULL,
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
	created_at    INTEGER NOT NULL,
	client_at     INTEGER
);
CREATE INDEX handins_assignment ON handins(assignment_id, student_id, created_at);
CREATE INDEX handins_student ON handins(student_id);
CREATE TABLE handin_files (
	handin_id TEXT NOT NULL REFERENCES handins(id) ON DELETE CASCADE,
	hash      TEXT NOT NULL,
	name      TEXT NOT NULL,
	type      TEXT NOT NULL,
	size      INTEGER NOT NULL,
	position  INTEGER NOT NULL,
	PRIMARY KEY (handin_id, position)
);
CREATE INDEX handin_files_hash ON handin_files(hash);
`,
	// 5: whether a roll-call line is a class-list student's is a column
	// of its own. Until now it was read from the participant id's "r-"
	// prefix, so the lines written before say it that way.
	`
ALTER TABLE attendance ADD COLUMN listed INTEGER NOT NULL DEFAULT 0;
UPDATE attendance SET listed = 1 WHERE substr(participant_id, 1, 2) = 'r-';
`,
	// 6: quick-check results a teacher saved (server/signaling): counts
	// only, never who answered what. Kept as long as attendance.
	`
CREATE TABLE IF NOT EXISTS quick_checks (
	id        TEXT PRIMARY KEY,
	lesson_id TEXT NOT NULL REFERENCES lessons(id) ON DELETE CASCADE,
	question  TEXT NOT NULL,
	options   TEXT NOT NULL,
	counts    TEXT NOT NULL,
	answered  INTEGER NOT NULL,
	present   INTEGER NOT NULL,
	saved_at  INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS quick_checks_lesson ON quick_checks(lesson_id, saved_at);
`,
	// 7: a teacher's lessons by start, for the start page's list
	// (TeacherLessons).
	`
CREATE INDEX IF NOT EXISTS lessons_teacher ON lessons(teacher_id, created_at);
`,
	// 8: a class's last grouping of group work (groupings.go): participant
	// ids per group as a JSON array of arrays, replaced by the next one,
	// gone with the class.
	`
CREATE TABLE IF NOT EXISTS class_groupings (
	class_id TEXT PRIMARY KEY REFERENCES classes(id) ON DELETE CASCADE,
	members  TEXT NOT NULL,
	saved_at INTEGER NOT NULL
);
`,
}
