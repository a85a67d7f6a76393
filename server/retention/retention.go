// Package retention owns the daily purge of old personal data: roll-call
// lines, ended lessons, expired sessions and login tokens, and the hand-ins
// of the assignment board with the files only they refer to. It runs once
// at start and then every 24 hours, and logs how many records of each kind
// it deleted, never which.
//
// The defaults are in DefaultPolicy and documented in docs/admin.md; a zero
// duration keeps that kind of data forever.
package retention

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// Store is what the purge needs from storage.
type Store interface {
	PurgeAttendance(ctx context.Context, before time.Time) (int64, error)
	PurgeEndedLessons(ctx context.Context, before time.Time) (int64, error)
	PurgeSessions(ctx context.Context, before time.Time) (int64, error)
	PurgeLoginTokens(ctx context.Context, before time.Time) (int64, error)
}

// Day is 24 hours; retention limits are given in days.
const Day = 24 * time.Hour

// Policy says how long each kind of data is kept.
type Policy struct {
	Attendance time.Duration // roll-call lines, from the student's leave time
	Lessons    time.Duration // ended lessons (and their roll call), from the end
	// AuthGrace is how long expired sessions and expired or used login
	// tokens stay, so that a log line about a failed login can still be
	// matched for a day.
	AuthGrace time.Duration
	HandIns   time.Duration // hand-ins, from the hand-in time (see Purger.HandIns)
}

// DefaultPolicy keeps the roll call and lessons for 365 days: a school year
// plus margin to settle questions about absences before the next report
// card. The official record is the school's class register, not Ersatzraum.
var DefaultPolicy = Policy{
	Attendance: 365 * Day,
	Lessons:    365 * Day,
	AuthGrace:  Day,
	HandIns:    365 * Day,
}

// Purger runs the purge.
type Purger struct {
	Store  Store
	Policy Policy
	// HandIns deletes hand-ins (and files only they refer to) made before
	// the cutoff. It is a function rather than part of Store because the
	// files live outside the database (server/cli wires storage and the
	// file store together); nil purges no hand-ins.
	HandIns func(ctx context.Context, before time.Time) (int64, error)
	// Sweep removes stored files nothing refers to any more. It runs on
	// every purge whatever the policy: keeping hand-ins for ever is no
	// reason to keep files that belong to nothing. nil sweeps nothing.
	Sweep func(ctx context.Context) (int64, error)
	Log   *slog.Logger
	Now   func() time.Time                     // time.Now when nil
	After func(time.Duration) <-chan time.Time // time.After when nil
}

// Counts is what one purge deleted, by kind.
type Counts struct {
	Attendance, Lessons, Sessions, LoginTokens, HandIns int64
	OrphanFiles                                         int64
}

// Once purges everything older than the policy allows, as of Now.
func (p *Purger) Once(ctx context.Context) (Counts, error) {
	now := time.Now
	if p.Now != nil {
		now = p.Now
	}
	t := now()
	var c Counts
	var errs []error
	step := func(what string, keep time.Duration, purge func(context.Context, time.Time) (int64, error), n *int64) {
		if keep <= 0 || purge == nil {
			return
		}
		got, err := purge(ctx, t.Add(-keep))
		*n = got
		if err != nil {
			errs = append(errs, fmt.Errorf("purge %s: %w", what, err))
		}
	}
	step("lessons", p.Policy.Lessons, p.Store.PurgeEndedLessons, &c.Lessons)
	step("attendance", p.Policy.Attendance, p.Store.PurgeAttendance, &c.Attendance)
	step("sessions", p.Policy.AuthGrace, p.Store.PurgeSessions, &c.Sessions)
	step("login tokens", p.Policy.AuthGrace, p.Store.PurgeLoginTokens, &c.LoginTokens)
	step("hand-ins", p.Policy.HandIns, p.HandIns, &c.HandIns)
	if p.Sweep != nil {
		n, err := p.Sweep(ctx)
		c.OrphanFiles = n
		if err != nil {
			errs = append(errs, fmt.Errorf("sweep files: %w", err))
		}
	}
	return c, errors.Join(errs...)
}

// Run purges at once and then every interval until ctx ends. Failures are
// logged and retried at the next run.
func (p *Purger) Run(ctx context.Context, interval time.Duration) {
	after := time.After
	if p.After != nil {
		after = p.After
	}
	for {
		c, err := p.Once(ctx)
		if err != nil && ctx.Err() == nil {
			p.Log.Error("retention purge failed", "err", err)
		}
		p.Log.Info("retention purge", "attendance", c.Attendance, "lessons", c.Lessons,
			"sessions", c.Sessions, "login_tokens", c.LoginTokens, "hand_ins", c.HandIns, "orphan_files", c.OrphanFiles)
		select {
		case <-ctx.Done():
			return
		case <-after(interval):
		}
	}
}
