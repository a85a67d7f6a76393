package storage

import (
	"context"
	"database/sql"
)

// The few shapes every query here takes, written once: a row scanned into
// a value, all rows of a query, a statement that must touch one row. They
// take a *sql.DB or a *sql.Tx alike.

// scanner is a *sql.Row or *sql.Rows: scan functions serve QueryRow and
// queryAll alike.
type scanner interface{ Scan(dest ...any) error }

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// eachRow runs a query and calls each for every row, closing the rows
// before it returns (so that a transaction can go on with its next
// statement).
func eachRow(ctx context.Context, q querier, each func(scanner) error, query string, args ...any) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := each(rows); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return rows.Close()
}

// queryAll runs a query and returns every row as scanned by scan.
func queryAll[T any](ctx context.Context, q querier, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	var out []T
	err := eachRow(ctx, q, func(row scanner) error {
		v, err := scan(row)
		if err == nil {
			out = append(out, v)
		}
		return err
	}, query, args...)
	return out, err
}

// execOne runs a statement that must change exactly one row; none is
// ErrNotFound.
func execOne(ctx context.Context, ex execer, query string, args ...any) error {
	res, err := ex.ExecContext(ctx, query, args...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return ErrNotFound
	}
	return nil
}
