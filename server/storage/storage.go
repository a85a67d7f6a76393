// Package storage owns durable state: teachers, their login tokens and
// sessions, classes and lessons, the roll call, the assignment board and
// saved quick checks. It keeps them in one of two engines behind the same
// DB type: an embedded SQLite database in the data directory
// (modernc.org/sqlite, pure Go; the default), or a PostgreSQL server
// (pgx's database/sql driver) when several nodes share one database.
// Callers depend on small interfaces of their own.
//
// The queries are written once for both engines: numbered parameters
// ($1, which modernc's SQLite binds by number as PostgreSQL does), and SQL
// that both understand (ON CONFLICT upserts, RETURNING, octet_length).
// What differs is in sqlite.go and postgres.go: opening, the schema's
// column types, the migrations' bookkeeping and how a unique violation
// reads.
//
// Durability: once a method returns without error, its write is
// committed. SQLite runs every write with synchronous=FULL in WAL mode;
// PostgreSQL commits with synchronous_commit on (OpenPostgres refuses a
// server where it is off).
package storage

import (
	"context"
	"database/sql"
	"errors"
)

// ErrNotFound is returned when a looked-up row does not exist (or, for
// tokens and sessions, is expired or used).
var ErrNotFound = errors.New("not found")

// Engine names the database behind a DB.
type Engine string

// The engines.
const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// DB is the store, on either engine.
type DB struct {
	sql    *sql.DB
	engine Engine
}

// Engine tells which database this is.
func (s *DB) Engine() Engine { return s.engine }

// Close closes the database.
func (s *DB) Close() error { return s.sql.Close() }

// Ping reports whether the database answers.
func (s *DB) Ping(ctx context.Context) error { return s.sql.PingContext(ctx) }

// uniqueViolation reports whether err is the engine refusing a second row
// with the same value in table.column.
func (s *DB) uniqueViolation(err error, table, column string) bool {
	if s.engine == Postgres {
		return pgUniqueViolation(err, table, column)
	}
	return sqliteUniqueViolation(err, table, column)
}
