package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"ersatzraum/server/config"
	"ersatzraum/server/files"
	"ersatzraum/server/metrics"
	"ersatzraum/server/retention"
	"ersatzraum/server/roster"
	"ersatzraum/server/storage"
)

// envPrefix starts the environment variables that set serve's flags.
const envPrefix = "ERSATZRAUM_"

// loadConfig fills the flags that the command line left unset from the
// environment and from --config (or ERSATZRAUM_CONFIG), and applies the
// defaults that depend on other settings.
func loadConfig(fs *flag.FlagSet, cfg *serveConfig) (*config.Result, error) {
	file := cfg.configFile
	if file == "" {
		file = os.Getenv(envPrefix + "CONFIG")
	}
	res, err := config.Apply(fs, config.Options{
		Prefix:  envPrefix,
		Environ: os.Environ(),
		File:    file,
		// ERSATZRAUM_BIN and ERSATZRAUM_E2E_* belong to the browser tests.
		Ignore: []string{envPrefix + "BIN", envPrefix + "E2E_"},
		Skip:   []string{"config"},
	})
	if err != nil {
		return nil, err
	}
	if cfg.tls.domain != "" {
		if !res.IsSet("addr") {
			fs.Set("addr", ":443")
		}
		if !res.IsSet("http-addr") {
			fs.Set("http-addr", ":80")
		}
	}
	return res, nil
}

// printConfig shows the effective configuration at start, secrets masked:
// as lines that could go into a config file (text logs) or as one record
// (JSON logs).
func printConfig(w io.Writer, log *slog.Logger, format string, res *config.Result) {
	settings := res.Effective()
	if format == "json" {
		attrs := make([]any, 0, len(settings))
		for _, s := range settings {
			attrs = append(attrs, slog.String(s.Name, s.Value))
		}
		log.Info("configuration", attrs...)
		return
	}
	fmt.Fprintln(w, "# ersatzraum serve: effective configuration (key = value  # source)")
	for _, s := range settings {
		fmt.Fprintf(w, "%s = %q  # %s\n", s.Name, s.Value, s.Source)
	}
}

// keepConfig holds the retention limits, in days.
type keepConfig struct {
	attendance int
	lessons    int
}

func (c *keepConfig) flags(fs *flag.FlagSet) {
	fs.IntVar(&c.attendance, "keep-attendance", 365, "`DAYS` to keep roll-call lines (names, join and leave times) after the student left; 0 keeps them forever")
	fs.IntVar(&c.lessons, "keep-lessons", 365, "`DAYS` to keep ended lessons, with what is left of their roll call; 0 keeps them forever")
}

func (c *keepConfig) check() error {
	if c.attendance < 0 {
		return fmt.Errorf("--keep-attendance %d: give days, or 0 to keep forever", c.attendance)
	}
	if c.lessons < 0 {
		return fmt.Errorf("--keep-lessons %d: give days, or 0 to keep forever", c.lessons)
	}
	return nil
}

// startRetention runs the purge now and every 24 hours until ctx ends;
// the returned function waits for a run in progress to finish.
func startRetention(ctx context.Context, c keepConfig, db *storage.DB, store *files.Store, log *slog.Logger) (wait func()) {
	p := &retention.Purger{
		Store: db,
		Policy: retention.Policy{
			Attendance: time.Duration(c.attendance) * retention.Day,
			Lessons:    time.Duration(c.lessons) * retention.Day,
			AuthGrace:  retention.DefaultPolicy.AuthGrace,
			// Hand-ins are schoolwork of the same students: kept as long as
			// their attendance.
			HandIns: time.Duration(c.attendance) * retention.Day,
		},
		HandIns: func(ctx context.Context, before time.Time) (int64, error) {
			n, err := db.PurgeHandIns(ctx, before)
			if err != nil {
				return n, err
			}
			// Files nothing refers to any more (purged, detached, or left
			// by a failed upload a day ago) go too.
			_, err = store.Sweep(func(hash string) (bool, error) { return db.FileInUse(ctx, hash) }, time.Now().Add(-retention.Day))
			return n, err
		},
		Log: log,
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		p.Run(ctx, retention.Day)
	}()
	return func() { <-done }
}

// rosterStore adapts storage to the roster writer and times every write.
type rosterStore struct {
	db    *storage.DB
	timer *metrics.StorageTimer
}

func (s rosterStore) PutLine(ctx context.Context, l roster.Line) error {
	start := time.Now()
	err := s.db.PutAttendance(ctx, storage.Attendance(l))
	s.timer.Observe("attendance", time.Since(start), err)
	return err
}

func (s rosterStore) EndLesson(ctx context.Context, id string, at time.Time) error {
	start := time.Now()
	err := s.db.EndLesson(ctx, id, at)
	if errors.Is(err, storage.ErrNotFound) {
		err = nil // already ended: nothing to do
	}
	s.timer.Observe("lesson-end", time.Since(start), err)
	return err
}
