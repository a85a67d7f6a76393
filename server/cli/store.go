package cli

import (
	"context"
	"fmt"
	"os"
	"strings"

	"ersatzraum/server/config"
	"ersatzraum/server/datadir"
	"ersatzraum/server/storage"
)

// The storage that serve and the admin commands share: the SQLite
// database in the data directory, or the PostgreSQL database that
// --postgres names (then the data directory still holds the stored
// files, the keys and the certificates).

// postgresEnv sets --postgres for serve (through server/config) and for
// the teacher command alike, so that an admin who put the URL into the
// server's environment gives it to neither command by hand.
const postgresEnv = envPrefix + "POSTGRES"

const postgresUsage = "`URL` of a PostgreSQL database to keep the data in instead of SQLite in the data directory: postgres://USER:PASSWORD@HOST:5432/DATABASE (the password may instead come from PGPASSWORD or ~/.pgpass)"

// checkPostgresURL accepts only the URL form: it is the one whose
// password the printed configuration can mask.
func checkPostgresURL(u string) error {
	if u == "" || strings.HasPrefix(u, "postgres://") || strings.HasPrefix(u, "postgresql://") {
		return nil
	}
	return fmt.Errorf("--postgres: give a URL like postgres://ersatzraum@db.schule.example:5432/ersatzraum")
}

// openStore opens PostgreSQL when postgresURL is given, else the SQLite
// database in data, which must not be a folder of a server on
// PostgreSQL: its SQLite file, if any, is not the school's data.
func openStore(ctx context.Context, data, postgresURL string) (*storage.DB, error) {
	if postgresURL != "" {
		return storage.OpenPostgres(ctx, postgresURL)
	}
	if datadir.UsesPostgres(data) {
		return nil, fmt.Errorf("the database of %s is in PostgreSQL (%s): give --postgres URL (or %s); remove that file only to go back to SQLite on purpose",
			data, datadir.PostgresNote, postgresEnv)
	}
	return storage.Open(ctx, data)
}

// postgresFromEnv is --postgres's default for the commands that do not
// read the whole configuration.
func postgresFromEnv() string { return os.Getenv(postgresEnv) }

// postgresArg is the --postgres part of a printed command line, its
// password masked ("" on SQLite).
func postgresArg(u string) string {
	if u == "" {
		return ""
	}
	return " --postgres '" + config.MaskURLPassword(u) + "'"
}
