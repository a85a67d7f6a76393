package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"ersatzraum/server/backup"
	"ersatzraum/server/datadir"
)

// backupCommand writes a consistent backup of the data directory while
// the server may keep running.
func backupCommand(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "./data", "data `DIR` of the server")
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: ersatzraum backup [--data DIR] FILE

Writes a backup of the data directory to FILE (tar.gz): a consistent
snapshot of the database, taken while the server keeps running, the stored
files, the TURN secret and the ACME certificates, with a manifest of
SHA-256 sums. FILE appears only when complete. Restore it with
ersatzraum restore.

Flags:
`)
		fs.PrintDefaults()
	}
	file, code := oneFileArg(fs, args, stderr)
	if code >= 0 {
		return code
	}
	if datadir.UsesPostgres(*data) {
		fmt.Fprint(stderr, postgresBackupNote("backup", *data))
		return 1
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	m, err := backup.Create(ctx, *data, file, programVersion())
	if err != nil {
		fmt.Fprintln(stderr, "ersatzraum backup:", err)
		return 1
	}
	var size int64
	for _, mem := range m.Members {
		size += mem.Size
	}
	fmt.Fprintf(stdout, "Sicherung geschrieben: %s (%d Dateien, %d Bytes unkomprimiert, Schema %d)\n", file, len(m.Members), size, m.SchemaVersion)
	return 0
}

// postgresBackupNote tells an admin that backup and restore cover the
// SQLite database only, and what to use for PostgreSQL instead.
func postgresBackupNote(cmd, data string) string {
	return fmt.Sprintf(`ersatzraum %[1]s: the database of %[2]s is in PostgreSQL (serve --postgres);
ersatzraum backup and restore handle the SQLite database only.
For PostgreSQL use its own tools (docs/admin.md, "Running on PostgreSQL"):
  pg_dump --format=custom --file=ersatzraum.dump "$ERSATZRAUM_POSTGRES"
  pg_restore --clean --if-exists --dbname="$ERSATZRAUM_POSTGRES" ersatzraum.dump
and copy the data folder (stored files, keys, certificates) beside it:
  tar -czf ersatzraum-data.tar.gz -C %[2]s --exclude=ersatzraum.lock .
Die Datenbank liegt in PostgreSQL: sichern mit pg_dump, wiederherstellen mit
pg_restore, den Datenordner mit tar (docs/admin.md, „Betrieb mit PostgreSQL“).
`, cmd, data)
}

// oneFileArg parses flags and exactly one FILE argument, which may come
// before or after the flags. A code of 0 or more means: exit with it.
func oneFileArg(fs *flag.FlagSet, args []string, stderr io.Writer) (string, int) {
	var files []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return "", 0
			}
			return "", 2
		}
		if fs.NArg() == 0 {
			break
		}
		files = append(files, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(files) != 1 {
		fmt.Fprintf(stderr, "ersatzraum %s: give exactly one FILE\n", fs.Name())
		fs.Usage()
		return "", 2
	}
	return files[0], -1
}

// programVersion names this build for the backup manifest.
func programVersion() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := info.Main.Version
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" {
			v += " " + s.Value
		}
	}
	return v
}
