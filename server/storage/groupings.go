package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"
)

// A class's last grouping of group work (server/signaling, groupings.go):
// the participant ids of its class-list students per group, one row per
// class, replaced by each new grouping and deleted with the class. The
// groups are a JSON array of arrays; they are only ever read whole.

// SaveGrouping replaces the class's last grouping.
func (s *DB) SaveGrouping(ctx context.Context, classID string, groups [][]string) error {
	text, err := json.Marshal(groups)
	if err != nil {
		return err
	}
	_, err = s.sql.ExecContext(ctx,
		`INSERT INTO class_groupings (class_id, members, saved_at) VALUES ($1, $2, $3)
		 ON CONFLICT (class_id) DO UPDATE SET members = excluded.members, saved_at = excluded.saved_at`,
		classID, string(text), time.Now().UnixMilli())
	return err
}

// LastGrouping returns the class's last grouping, nil (and no error) when
// it has none.
func (s *DB) LastGrouping(ctx context.Context, classID string) ([][]string, error) {
	var text string
	err := s.sql.QueryRowContext(ctx, `SELECT members FROM class_groupings WHERE class_id = $1`, classID).Scan(&text)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var groups [][]string
	if err := json.Unmarshal([]byte(text), &groups); err != nil {
		return nil, err
	}
	return groups, nil
}
