package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/tracing"
	"github.com/chromedp/chromedp"
)

// traceEvent is one event of a Chromium trace (the fields used here).
type traceEvent struct {
	Name string         `json:"name"`
	Ph   string         `json:"ph"`
	Ts   float64        `json:"ts"`
	Dur  float64        `json:"dur"`
	Tid  int64          `json:"tid"`
	Pid  int64          `json:"pid"`
	Args map[string]any `json:"args"`
}

// TestFirstLoadMainThread is a measuring tool, not a check: it loads the
// start page in a fresh browser (nothing cached) and logs where the main
// thread's time went. With ERSATZRAUM_E2E_TRACE set: the long tasks of a
// Chromium trace and, per long task, the trace events inside it. With
// ERSATZRAUM_E2E_PROFILE set: the CPU profile's functions
// (mainThreadProfile), for which the server needs a wasm built with names
// (ERSATZRAUM_E2E_WEB_DIR, see README "Where the blocking time goes").
// One at a time: the profiler costs the main thread time of its own.
func TestFirstLoadMainThread(t *testing.T) {
	trace := os.Getenv("ERSATZRAUM_E2E_TRACE") != ""
	if !trace && os.Getenv("ERSATZRAUM_E2E_PROFILE") == "" {
		t.Skip("a measuring tool: set ERSATZRAUM_E2E_TRACE or ERSATZRAUM_E2E_PROFILE")
	}
	var extra []string
	if dir := os.Getenv("ERSATZRAUM_E2E_WEB_DIR"); dir != "" {
		extra = append(extra, "--web-dir", dir)
	}
	srv := startServer(t, freeAddr(t), t.TempDir(), extra...)

	var mu sync.Mutex
	var events []traceEvent
	complete := make(chan struct{}, 1)
	b := newBrowserWith(t, "visitor", func(ev any) {
		switch e := ev.(type) {
		case *tracing.EventDataCollected:
			mu.Lock()
			for _, raw := range e.Value {
				var te traceEvent
				if json.Unmarshal(raw, &te) == nil {
					events = append(events, te)
				}
			}
			mu.Unlock()
		case *tracing.EventTracingComplete:
			complete <- struct{}{}
		}
	})
	// ERSATZRAUM_E2E_REPEAT=N: measure the visit after N earlier ones
	// (service worker cache, and the browser's compiled-code cache).
	repeat, _ := strconv.Atoi(os.Getenv("ERSATZRAUM_E2E_REPEAT"))
	for i := 0; i < repeat; i++ {
		do(t, b, "an earlier visit", chromedp.Navigate(srv.URL+"/"))
		waitFor(t, b, "app running", `(document.querySelector('#join-code') || {}).matches?.(':enabled')`, 60*time.Second)
		waitFor(t, b, "service worker active", workerReady, 60*time.Second)
		time.Sleep(2 * time.Second)
	}
	do(t, b, "open a blank page", chromedp.Navigate("about:blank"))
	if trace {
		do(t, b, "start tracing", chromedp.Action[chromedp.Void](func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
			_, err := cdp.Call(ctx, tg, tracing.Start, tracing.StartParams{
				TransferMode: tracing.StartTransferModeReportEvents,
				TraceConfig: &tracing.TraceConfig{IncludedCategories: []string{
					"toplevel", "devtools.timeline", "v8", "v8.wasm", "v8.execute", "blink",
					"loading", "disabled-by-default-devtools.timeline",
				}},
			})
			return chromedp.Void{}, err
		}))
	}
	prof := startProfile(t, b)
	start := time.Now()
	do(t, b, "open the start page", chromedp.Navigate(srv.URL+"/"))
	waitFor(t, b, "app running", `(document.querySelector('#join-code') || {}).matches?.(':enabled')`, 60*time.Second)
	t.Logf("app running %v after navigation", time.Since(start).Round(time.Millisecond))
	time.Sleep(2 * time.Second)
	prof.stop()
	if !trace {
		return
	}
	do(t, b, "end tracing", chromedp.Action[chromedp.Void](func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, tg, tracing.End, cdp.Empty{})
		return chromedp.Void{}, err
	}))
	select {
	case <-complete:
	case <-time.After(60 * time.Second):
		t.Fatal("the trace never completed")
	}
	mu.Lock()
	defer mu.Unlock()
	t.Log(summarizeMainThread(events))
}

// summarizeMainThread finds the renderer's main thread and reports its
// long tasks (over 50 ms: what Total Blocking Time counts beyond 50 ms)
// and, for each, the longest events nested in it.
func summarizeMainThread(events []traceEvent) string {
	var pid, tid int64
	for _, e := range events {
		if e.Ph == "M" && e.Name == "thread_name" && e.Args["name"] == "CrRendererMain" {
			// The last renderer named is the page's (about:blank came first).
			pid, tid = e.Pid, e.Tid
		}
	}
	var main []traceEvent
	for _, e := range events {
		if e.Pid == pid && e.Tid == tid && e.Ph == "X" {
			main = append(main, e)
		}
	}
	slices.SortFunc(main, func(a, b traceEvent) int {
		if a.Ts != b.Ts {
			return int(a.Ts - b.Ts)
		}
		return int(b.Dur - a.Dur)
	})
	var out strings.Builder
	var blocking, busy float64
	for _, task := range main {
		if task.Name != "RunTask" {
			continue
		}
		busy += task.Dur
		if task.Dur < 50_000 {
			continue
		}
		blocking += task.Dur - 50_000
		fmt.Fprintf(&out, "long task %.0f ms:\n", task.Dur/1000)
		byName := map[string]float64{}
		for _, e := range main {
			if e.Ts >= task.Ts && e.Ts+e.Dur <= task.Ts+task.Dur && e.Name != task.Name && e.Dur > 2000 {
				name := e.Name
				if fn, ok := e.Args["data"].(map[string]any); ok {
					if u, ok := fn["url"].(string); ok && u != "" {
						name += " " + u[strings.LastIndex(u, "/")+1:]
					}
					if f, ok := fn["functionName"].(string); ok && f != "" {
						name += " " + f
					}
				}
				byName[name] += e.Dur
			}
		}
		type row struct {
			name string
			d    float64
		}
		var rows []row
		for k, v := range byName {
			rows = append(rows, row{k, v})
		}
		slices.SortFunc(rows, func(a, b row) int { return int(b.d - a.d) })
		for i, r := range rows {
			if i == 15 {
				break
			}
			fmt.Fprintf(&out, "  %7.1f ms %s\n", r.d/1000, r.name)
		}
	}
	fmt.Fprintf(&out, "main thread busy %.0f ms in tasks; blocking (beyond 50 ms per task) %.0f ms\n", busy/1000, blocking/1000)
	return out.String()
}
