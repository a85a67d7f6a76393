package e2e

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/profiler"
	"github.com/chromedp/chromedp"
)

// mainThreadProfile records a CPU profile of a page's main thread while
// it runs, when ERSATZRAUM_E2E_PROFILE is set, and logs where the time
// went by function (self time). Build the wasm without -s -w for names:
// a stripped one shows wasm-function[N]. It is a tool for finding stalls,
// not a check: it asserts nothing.
type mainThreadProfile struct {
	t    testing.TB
	page context.Context
	on   bool
}

func startProfile(t testing.TB, page context.Context) *mainThreadProfile {
	p := &mainThreadProfile{t: t, page: page, on: os.Getenv("ERSATZRAUM_E2E_PROFILE") != ""}
	if !p.on {
		return p
	}
	err := chromedp.Do(page, chromedp.Action[chromedp.Void](func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		if _, err := cdp.Call(ctx, tg, profiler.Enable, cdp.Empty{}); err != nil {
			return chromedp.Void{}, err
		}
		cdp.Call(ctx, tg, profiler.SetSamplingInterval, profiler.SetSamplingIntervalParams{Interval: 1000})
		_, err := cdp.Call(ctx, tg, profiler.Start, cdp.Empty{})
		return chromedp.Void{}, err
	}))
	if err != nil {
		t.Logf("profile: %v", err)
		p.on = false
	}
	return p
}

func (p *mainThreadProfile) stop() {
	if !p.on {
		return
	}
	ctx, cancel := context.WithTimeout(p.page, 60*time.Second)
	defer cancel()
	res, err := chromedp.Run(ctx, chromedp.Action[profiler.StopResult](func(ctx context.Context, tg *chromedp.Target) (profiler.StopResult, error) {
		return cdp.Call(ctx, tg, profiler.Stop, cdp.Empty{})
	}))
	if err != nil || res.Profile == nil {
		p.t.Logf("profile: %v", err)
		return
	}
	prof := res.Profile
	self := map[string]time.Duration{}
	byID := map[int64]string{}
	for _, n := range prof.Nodes {
		name := n.CallFrame.FunctionName
		if name == "" {
			name = "(anonymous " + n.CallFrame.URL + ")"
		}
		byID[n.ID] = name
	}
	var total time.Duration
	for i, id := range prof.Samples {
		if i >= len(prof.TimeDeltas) {
			break
		}
		d := time.Duration(prof.TimeDeltas[i]) * time.Microsecond
		self[byID[id]] += d
		total += d
	}
	type row struct {
		name string
		d    time.Duration
	}
	var rows []row
	for k, v := range self {
		rows = append(rows, row{k, v})
	}
	slices.SortFunc(rows, func(a, b row) int { return int(b.d - a.d) })
	var b strings.Builder
	for i, r := range rows {
		if i == 40 {
			break
		}
		fmt.Fprintf(&b, "  %6.1f%% %8v %s\n", 100*float64(r.d)/float64(total), r.d.Round(time.Millisecond), r.name)
	}
	p.t.Logf("main thread, %v sampled, by self time:\n%s", total.Round(time.Millisecond), b.String())

	// The longest stretch without idle samples: one long task, and what
	// it spent its time in.
	var bestStart, bestEnd, start int
	var bestLen, cur time.Duration
	for i, id := range prof.Samples {
		if i >= len(prof.TimeDeltas) {
			break
		}
		if byID[id] == "(idle)" {
			cur, start = 0, i+1
			continue
		}
		cur += time.Duration(prof.TimeDeltas[i]) * time.Microsecond
		if cur > bestLen {
			bestLen, bestStart, bestEnd = cur, start, i
		}
	}
	parent := map[int64]int64{}
	for _, n := range prof.Nodes {
		for _, c := range n.Children {
			parent[c] = n.ID
		}
	}
	inTask := map[string]time.Duration{}
	for i := bestStart; i <= bestEnd && i < len(prof.Samples); i++ {
		d := time.Duration(prof.TimeDeltas[i]) * time.Microsecond
		// Count the sample for every frame on its stack (inclusive time).
		seen := map[string]bool{}
		for id := prof.Samples[i]; id != 0; id = parent[id] {
			if n := byID[id]; !seen[n] {
				seen[n] = true
				inTask[n] += d
			}
		}
	}
	rows = rows[:0]
	for k, v := range inTask {
		rows = append(rows, row{k, v})
	}
	slices.SortFunc(rows, func(a, b row) int { return int(b.d - a.d) })
	b.Reset()
	for i, r := range rows {
		if i == 50 {
			break
		}
		fmt.Fprintf(&b, "  %8v %s\n", r.d.Round(time.Millisecond), r.name)
	}
	p.t.Logf("longest busy stretch %v, inclusive time:\n%s", bestLen.Round(time.Millisecond), b.String())
}
