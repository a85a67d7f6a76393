package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"ersatzraum/server/backup"
	"ersatzraum/server/datadir"
)

// restoreCommand replaces the data directory with a backup.
func restoreCommand(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "./data", "data `DIR` to restore into")
	check := fs.Bool("check", false, "only verify FILE (checksums, database integrity), change nothing")
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: ersatzraum restore [--data DIR] [--check] FILE

Restores a backup made by ersatzraum backup. Stop the server first: restore
refuses while a server uses DIR. It verifies every checksum and the
database's integrity before it touches DIR, then swaps the directories; the
previous DIR is kept as DIR.before-restore-<time>.

Flags:
`)
		fs.PrintDefaults()
	}
	file, code := oneFileArg(fs, args, stderr)
	if code >= 0 {
		return code
	}
	if datadir.UsesPostgres(*data) && !*check {
		fmt.Fprint(stderr, postgresBackupNote("restore", *data))
		return 1
	}
	if *check {
		m, err := backup.Verify(file)
		if err != nil {
			fmt.Fprintln(stderr, "ersatzraum restore:", err)
			return 1
		}
		fmt.Fprintf(stdout, "Sicherung in Ordnung: %s vom %s, %d Dateien\n", file, m.Created.Local().Format("02.01.2006 15:04"), len(m.Members))
		return 0
	}
	res, err := backup.Restore(context.Background(), file, *data, time.Now())
	if err != nil {
		fmt.Fprintln(stderr, "ersatzraum restore:", err)
		return 1
	}
	fmt.Fprintf(stdout, "Wiederhergestellt: %s aus %s (Sicherung vom %s)\n", *data, file, res.Manifest.Created.Local().Format("02.01.2006 15:04"))
	if res.Previous != "" {
		fmt.Fprintf(stdout, "Die bisherigen Daten liegen in %s.\n", res.Previous)
	}
	return 0
}
