package cli

import (
	"fmt"
	"path/filepath"

	"ersatzraum/server/codes"
)

// openSealer loads the key that seals class codes and personal links in
// the database (DATA/code-key, created on first start). Back it up with
// the database: without it, teachers cannot see their codes again.
func openSealer(dataDir string) (*codes.Sealer, error) {
	path := filepath.Join(dataDir, "code-key")
	s, err := codes.LoadOrCreateSealer(path)
	if err != nil {
		return nil, fmt.Errorf("code key %s: %w", path, err)
	}
	return s, nil
}
