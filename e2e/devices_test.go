package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/performance"
	"github.com/chromedp/chromedp"
)

// In a lesson every student sits at their own device; in these tests six
// student browsers share the machine with the teacher's. On the 2-core
// machine they took the teacher's cores: its page's main thread waited
// for its own WebRTC threads for up to 2.5 s, and once for more than 10 s
// (README, "A class at once"). studentCores keeps the students' browsers
// on the upper half of the cores, standing in for their own devices;
// the teacher's browser and the server keep all cores, so the teacher
// still shares them with the students, as much as they leave. On a
// machine with one core, or without taskset, nothing is confined.
func studentCores() string {
	n := runtime.NumCPU()
	if n < 2 {
		return ""
	}
	if _, err := exec.LookPath("taskset"); err != nil {
		return ""
	}
	if n == 2 {
		return "1"
	}
	return fmt.Sprintf("%d-%d", n/2, n-1)
}

// onStudentCores is the allocator option that starts a browser on
// studentCores (none when they are not confined).
func onStudentCores() []chromedp.ExecAllocatorOption {
	cores := studentCores()
	if cores == "" {
		return nil
	}
	taskset, _ := exec.LookPath("taskset")
	return []chromedp.ExecAllocatorOption{chromedp.ModifyCmdFunc(func(cmd *exec.Cmd) {
		// taskset replaces itself with the browser (same process), and
		// every process the browser starts inherits the cores.
		cmd.Args = append([]string{taskset, "-c", cores, cmd.Path}, cmd.Args[1:]...)
		cmd.Path = taskset
	})}
}

// newStudentDevice is newBrowser for a student in a test of a whole class.
func newStudentDevice(t testing.TB, name string) context.Context {
	t.Helper()
	return newBrowserOpts(t, name, onStudentCores())
}

// mainThreadTime reads how long, in seconds, the page's main thread has
// been busy with tasks since the first call (Chromium's Performance
// domain counts from when it is enabled), and how much of that was script.
func mainThreadTime(t testing.TB, page context.Context) (tasks, script float64) {
	t.Helper()
	res, err := chromedp.Run(page, chromedp.Action[performance.GetMetricsResult](func(ctx context.Context, tg *chromedp.Target) (performance.GetMetricsResult, error) {
		// Enabling twice is harmless and keeps counting.
		cdp.Call(ctx, tg, performance.Enable, performance.EnableParams{})
		return cdp.Call(ctx, tg, performance.GetMetrics, cdp.Empty{})
	}))
	if err != nil {
		t.Logf("main thread metrics: %v", err)
		return 0, 0
	}
	for _, m := range res.Metrics {
		switch m.Name {
		case "TaskDuration":
			tasks = m.Value
		case "ScriptDuration":
			script = m.Value
		}
	}
	return tasks, script
}

// confineStudentsHere keeps this test process, whose goroutines play
// the pion students, on studentCores until the returned function is
// called; the server and the teacher's browser, started before, keep all
// cores. Threads the process starts meanwhile inherit the confinement.
func confineStudentsHere(t testing.TB) (release func()) {
	t.Helper()
	cores := studentCores()
	if cores == "" {
		return func() {}
	}
	pid := strconv.Itoa(os.Getpid())
	if out, err := exec.Command("taskset", "-a", "-p", "-c", cores, pid).CombinedOutput(); err != nil {
		t.Logf("students not confined to cores %s: %v %s", cores, err, out)
		return func() {}
	}
	all := fmt.Sprintf("0-%d", runtime.NumCPU()-1)
	return func() { exec.Command("taskset", "-a", "-p", "-c", all, pid).Run() }
}
