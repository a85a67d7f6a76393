package cli

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"time"

	"ersatzraum/server/files"
	"ersatzraum/server/retention"
	"ersatzraum/server/signaling"
	"ersatzraum/server/storage"
)

// keepConfig holds the retention limits, in days.
type keepConfig struct {
	attendance int
	lessons    int
	// idleHours ends lessons nobody was in for that long (idlelessons.go).
	idleHours int
}

func (c *keepConfig) flags(fs *flag.FlagSet) {
	fs.IntVar(&c.attendance, "keep-attendance", 365, "`DAYS` to keep roll-call lines (names, join and leave times) after the student left; 0 keeps them forever")
	fs.IntVar(&c.lessons, "keep-lessons", 365, "`DAYS` to keep ended lessons, with what is left of their roll call; 0 keeps them forever")
	fs.IntVar(&c.idleHours, "end-idle-lessons", int(signaling.DefaultIdleLessonEnd/time.Hour), "`HOURS` after which a lesson nobody is connected to ends by itself (its join code stops working); 0 leaves such lessons open")
}

func (c *keepConfig) check() error {
	if c.attendance < 0 {
		return fmt.Errorf("--keep-attendance %d: give days, or 0 to keep forever", c.attendance)
	}
	if c.lessons < 0 {
		return fmt.Errorf("--keep-lessons %d: give days, or 0 to keep forever", c.lessons)
	}
	if c.idleHours < 0 {
		return fmt.Errorf("--end-idle-lessons %d: give hours, or 0 to leave idle lessons open", c.idleHours)
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
		HandIns: db.PurgeHandIns,
		// Files nothing refers to any more (purged, detached, or left by
		// a failed upload a day ago) go on every run, also when hand-ins
		// are kept for ever (--keep-attendance 0).
		Sweep: func(ctx context.Context) (int64, error) {
			n, err := store.Sweep(func(hash string) (bool, error) { return db.FileInUse(ctx, hash) }, time.Now().Add(-retention.Day))
			return int64(n), err
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
