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
// idleSweepEvery until ctx ends. adopt, if set, runs before each sweep:
// with several nodes it brings the running lessons that no node hosts
// into this hub, so that they end too.
func startIdleLessons(ctx context.Context, hours int, hub *signaling.Hub, adopt func()) {
	if hours <= 0 {
		return
	}
	if adopt == nil {
		adopt = func() {}
	}
	idle := time.Duration(hours) * time.Hour
	adopt()
	hub.EndIdleLessons(idle)
	go func() {
		t := time.NewTicker(idleSweepEvery)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				adopt()
				hub.EndIdleLessons(idle)
			}
		}
	}()
}
