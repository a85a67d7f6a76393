package cli

import (
	"context"
	"time"

	"ersatzraum/server/signaling"
)

// idleSweepEvery is how often idle lessons are looked for: a lesson ends
// at most this long after its limit.
const idleSweepEvery = 10 * time.Minute

// startIdleLessons ends lessons nobody was connected to for hours (0: never),
// now (restored lessons may be idle for days already) and every
// idleSweepEvery until ctx ends.
func startIdleLessons(ctx context.Context, hours int, hub *signaling.Hub) {
	if hours <= 0 {
		return
	}
	idle := time.Duration(hours) * time.Hour
	hub.EndIdleLessons(idle)
	go func() {
		t := time.NewTicker(idleSweepEvery)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				hub.EndIdleLessons(idle)
			}
		}
	}()
}
