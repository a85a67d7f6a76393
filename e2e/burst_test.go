package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	goruntime "runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

const (
	// burstSpread is the time in which the whole class joins.
	burstSpread = time.Second
	// burstBound is how long after the first join every picture must be
	// decoded on the teacher's page: generous, this is a test of
	// behaviour, not of speed.
	burstBound = 120 * time.Second
	// burstSettle and burstWindow: the steady state after the burst, when
	// the teacher's Chromium is measured.
	burstSettle = 5 * time.Second
	burstWindow = 20 * time.Second
	// pageCallLimit bounds every evaluation in the teacher's page from the
	// burst on: a page whose main thread hangs never answers, and
	// chromedp would wait for it forever.
	pageCallLimit = 3 * time.Second
	// clockTicks is the kernel's USER_HZ, the unit of /proc/<pid>/stat.
	clockTicks = 100
)

// TestBurstOf30Students lets a class of 30 arrive at once: 30 students (Go
// clients with pion, as in TestClassOf30FitsAHomeLine) join by personal
// link within one second, against the teacher in headless Chromium. It
// asserts that every student's picture is decoded on the teacher's page
// within burstBound, and reports, per run (fresh server, fresh teacher
// browser) and as median and max:
//
//   - the time from the first join until all 30 pictures are decoded (each
//     tile's video element has a decoded frame; getStats confirms
//     framesDecoded > 0 on every connection afterwards) and shown (a frame
//     presented in each tile, requestVideoFrameCallback);
//   - the longest main-thread stall of the teacher's page during the burst
//     (a timer in the page that asks to run every 50 ms records how late
//     it runs);
//   - the CPU (% of one core) and memory (PSS and RSS) of all processes of
//     the teacher's Chromium, by process type, in the steady state after
//     the burst.
//
// It takes about a minute per run and runs only with ERSATZRAUM_E2E_BURST=1
// (ERSATZRAUM_E2E_BURST_RUNS sets the number of runs, default 3;
// ERSATZRAUM_E2E_BURST_SPREAD the time in which the class joins, default 1s;
// ERSATZRAUM_E2E_BURST_STUDENTS the class size, default 30):
//
//	make burst
func TestBurstOf30Students(t *testing.T) {
	if os.Getenv("ERSATZRAUM_E2E_BURST") != "1" {
		t.Skip("burst benchmark (about a minute per run): run it with `make burst` (ERSATZRAUM_E2E_BURST=1)")
	}
	runs := 3
	if s := os.Getenv("ERSATZRAUM_E2E_BURST_RUNS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("ERSATZRAUM_E2E_BURST_RUNS=%q: want a number ≥ 1", s)
		}
		runs = n
	}
	spread := burstSpread
	if s := os.Getenv("ERSATZRAUM_E2E_BURST_SPREAD"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil {
			t.Fatalf("ERSATZRAUM_E2E_BURST_SPREAD=%q: want a duration such as 1s", s)
		}
		spread = d
	}
	size := classSize
	if s := os.Getenv("ERSATZRAUM_E2E_BURST_STUDENTS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("ERSATZRAUM_E2E_BURST_STUDENTS=%q: want a number ≥ 1", s)
		}
		size = n
	}
	clip := studentClip(t)
	camera, mic := teacherMedia(t)

	// Every run runs, also after a failed one, so that a flaky run still
	// leaves numbers; the summary names the failed runs.
	var results []burstResult
	var summary []string
	for i := 1; i <= runs; i++ {
		var r burstResult
		if t.Run(fmt.Sprintf("run%d", i), func(t *testing.T) { burstRun(t, clip, camera, mic, size, spread, &r) }) {
			results = append(results, r)
			summary = append(summary, fmt.Sprintf("run %d: %s", i, r.line()))
		} else {
			if r.failure == "" {
				r.failure = "see the run's log"
			}
			summary = append(summary, fmt.Sprintf("run %d: FAILED: %s", i, r.failure))
		}
	}
	lines := append([]string{fmt.Sprintf("burst of %d students joining within %v by personal link; %d runs (fresh server and teacher browser each), %d passed:",
		size, spread, runs, len(results))}, summary...)
	if len(results) == 0 {
		t.Log(strings.Join(lines, "\n"))
		return
	}
	pick := func(f func(burstResult) float64) []float64 {
		var v []float64
		for _, r := range results {
			v = append(v, f(r))
		}
		return v
	}
	stat := func(name, unit string, v []float64) string {
		return fmt.Sprintf("%-40s median %8.1f %-6s max %8.1f %s", name, median(v), unit, slices.Max(v), unit)
	}
	lines = append(lines,
		stat("first join → all connected (pion)", "s", pick(func(r burstResult) float64 { return r.connected.Seconds() })),
		stat("first join → all decoded (teacher)", "s", pick(func(r burstResult) float64 { return r.decoded.Seconds() })),
		stat("first join → all shown in tiles", "s", pick(func(r burstResult) float64 { return r.shown.Seconds() })),
		stat("longest main-thread stall, burst", "ms", pick(func(r burstResult) float64 { return float64(r.stall.Milliseconds()) })),
		stat("longest main-thread stall, steady", "ms", pick(func(r burstResult) float64 { return float64(r.steadyStall.Milliseconds()) })),
		stat("teacher Chromium CPU, burst", "%core", pick(func(r burstResult) float64 { return r.burstCPU })),
		stat("teacher Chromium CPU, steady", "%core", pick(func(r burstResult) float64 { return r.steady.cpu() })),
		stat("teacher Chromium PSS, steady", "MB", pick(func(r burstResult) float64 { return r.steady.pss() })),
		stat("teacher Chromium RSS (sum), steady", "MB", pick(func(r burstResult) float64 { return r.steady.rss() })),
	)
	last := results[len(results)-1]
	lines = append(lines, "by process type, steady state of the last run that passed:", last.steady.table())
	t.Log(strings.Join(lines, "\n"))
}

// burstResult is what one run measured.
type burstResult struct {
	connected, decoded, shown time.Duration // from the first join
	stall, steadyStall        time.Duration // longest main-thread stall
	stallAt                   time.Duration // when the longest stall ended, from the first join
	longStalls                int           // stalls of 100 ms or more during the burst
	burstCPU                  float64       // teacher's Chromium, % of one core, first join → all decoded
	steady                    usageByType
	serverCPU, testCPU        float64 // % of one core in the steady window: the ersatzraum server, this test process (the 30 pion students)
	otherBurst, otherSteady   float64 // % of one core: everything else on the machine (other tests), during the burst and the steady window
	load                      string  // /proc/loadavg before the run
	failure                   string  // why the run failed
}

func (r burstResult) line() string {
	return fmt.Sprintf("connected %.1f s, decoded %.1f s, shown %.1f s; stall max %d ms (at %.1f s, %d ≥ 100 ms), steady %d ms; "+
		"Chromium CPU burst %.0f%%, steady %.0f%%; PSS %.0f MB, RSS %.0f MB; steady: server %.0f%%, pion students %.0f%%; "+
		"rest of the machine burst %.0f%%, steady %.0f%% (of %d cores); load before %s",
		r.connected.Seconds(), r.decoded.Seconds(), r.shown.Seconds(), r.stall.Milliseconds(), r.stallAt.Seconds(), r.longStalls, r.steadyStall.Milliseconds(),
		r.burstCPU, r.steady.cpu(), r.steady.pss(), r.steady.rss(), r.serverCPU, r.testCPU, r.otherBurst, r.otherSteady, goruntime.NumCPU(), r.load)
}

// burstProbe runs in the teacher's page from before the burst on. A timer
// that asks to run every 50 ms records how late it runs (the page's main
// thread was busy meanwhile). On each run it also stamps, with the wall
// clock that the Go students share, each tile's first decoded frame (its
// video element has a picture size: the student's stream is attached and
// a frame decoded) and, by requestVideoFrameCallback, the first frame
// presented. Both are cheap: the probe must not load the page it measures.
const burstProbe = `(() => {
  if (window.__burst) return true;
  const b = window.__burst = {decoded: {}, shown: {}};
  b.reset = () => { b.maxLate = 0; b.maxAt = 0; b.long = 0; b.ticks = 0; return true; };
  b.reset();
  let last = performance.now();
  const tick = () => {
    const now = performance.now();
    const late = now - last - 50;
    last = now;
    b.ticks++;
    if (late > b.maxLate) { b.maxLate = late; b.maxAt = Date.now(); }
    if (late >= 100) b.long++;
    document.querySelectorAll('.tile video').forEach(v => {
      const name = (v.closest('.tile') || {dataset: {}}).dataset.name || v.id;
      if (!b.decoded[name] && v.videoWidth > 0) b.decoded[name] = Date.now();
      if (v.__burst) return;
      v.__burst = true;
      v.requestVideoFrameCallback(() => { if (!b.shown[name]) b.shown[name] = Date.now(); });
    });
    setTimeout(tick, 50);
  };
  setTimeout(tick, 50);
  return true;
})()`

// decodingConnections counts the teacher's peer connections whose
// statistics report decoded video frames.
const decodingConnections = `Promise.all((window.__pcs || []).map(pc => pc.getStats().then(s => {
  let f = 0;
  s.forEach(r => { if (r.type === 'inbound-rtp' && r.kind === 'video') f += r.framesDecoded || 0; });
  return f > 0;
}, () => false))).then(v => v.filter(Boolean).length)`

// burstReadJS reads the probe.
const burstReadJS = `(() => {
  const b = window.__burst, pcs = window.__pcs || [];
  return {now: Date.now(), pcs: pcs.length, connected: pcs.filter(pc => pc.connectionState === 'connected').length,
    decoded: Object.values(b.decoded), shown: Object.values(b.shown),
    maxLate: b.maxLate, maxAt: b.maxAt, long: b.long, ticks: b.ticks};
})()`

type burstReading struct {
	Now       int64   `json:"now"`
	PCs       int     `json:"pcs"`
	Connected int     `json:"connected"`
	Decoded   []int64 `json:"decoded"`
	Shown     []int64 `json:"shown"`
	MaxLate   float64 `json:"maxLate"`
	MaxAt     int64   `json:"maxAt"`
	Long      int     `json:"long"`
	Ticks     int     `json:"ticks"`
}

// evalWithin evaluates in the page, waiting at most limit for the answer.
func evalWithin[T any](page context.Context, expr string, limit time.Duration) (T, error) {
	ctx, cancel := context.WithTimeout(page, limit)
	defer cancel()
	return chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
}

// burstRun is one run, from a fresh server and teacher browser; it fills r.
func burstRun(t *testing.T, c clip, camera, mic string, size int, spread time.Duration, r *burstResult) {
	r.load = loadavg()
	// fail records the first failure for the summary.
	fail := func(format string, args ...any) {
		t.Helper()
		msg := fmt.Sprintf(format, args...)
		if r.failure == "" {
			r.failure = msg
		}
		t.Error(msg)
	}
	srv := startServer(t, freeAddr(t), t.TempDir())
	teacher := newMediaTeacher(t, srv, camera, mic)
	class := openClassLesson(t, teacher, srv, fmt.Sprintf("Ansturm %d", size), size)
	browser := chromedp.FromContext(teacher).Browser.Process()
	if browser == nil {
		t.Fatal("no process of the teacher's Chromium")
	}
	if _, err := evalWithin[bool](teacher, burstProbe, 10*time.Second); err != nil {
		t.Fatalf("install the probe in the teacher's page: %v", err)
	}
	// The burst starts on an idle page: after loading, the page runs the
	// app's start (and a busy machine may slow it), so wait until the
	// timer has run on time for a second, at most 30 s.
	var idle burstReading
	for waited := time.Duration(0); ; waited += time.Second {
		if _, err := evalWithin[bool](teacher, `window.__burst.reset()`, 10*time.Second); err != nil {
			t.Fatalf("teacher's page before the burst: %v", err)
		}
		time.Sleep(time.Second)
		rd, err := evalWithin[burstReading](teacher, burstReadJS, 10*time.Second)
		if err != nil {
			t.Fatalf("teacher's page before the burst: %v", err)
		}
		idle = rd
		if rd.Ticks >= 15 && rd.MaxLate < 100 {
			break
		}
		if waited >= 30*time.Second {
			if rd.Ticks == 0 {
				t.Fatal("the probe's timer does not run in the teacher's page")
			}
			t.Logf("the teacher's page is not idle before the burst: its timer ran late by up to %.0f ms in the last second", rd.MaxLate)
			break
		}
	}
	t.Logf("teacher's page before the burst: timer late by at most %.0f ms over %d ticks in a second", idle.MaxLate, idle.Ticks)
	if _, err := evalWithin[bool](teacher, `window.__burst.reset()`, 10*time.Second); err != nil {
		t.Fatal(err)
	}

	// The pion students stand for 30 devices of their own: they stay off
	// the teacher's half of the cores (studentCores).
	release := confineStudentsHere(t)
	defer release()
	before := takeSnapshot(browser.Pid, srv.cmd.Process.Pid)
	ctx, cancel := context.WithCancel(context.Background())
	began := time.Now()
	students, wait := startStudents(ctx, srv.URL, class, c, spread/time.Duration(size))
	defer func() {
		cancel()
		wait()
	}()

	// Poll the page, each call bounded, until every picture is decoded.
	var last burstReading
	lastAnswer := began
	var unanswered int
	deadline := began.Add(burstBound)
	for {
		rd, err := evalWithin[burstReading](teacher, burstReadJS, pageCallLimit)
		if err == nil {
			last, lastAnswer = rd, time.Now()
			if len(rd.Decoded) >= size {
				break
			}
		} else {
			unanswered++
		}
		if time.Now().After(deadline) {
			r.failure = burstFailure(t, teacher, browser.Pid, srv.cmd.Process.Pid, before, students, last, lastAnswer, unanswered)
			t.Fatal(r.failure)
		}
		time.Sleep(500 * time.Millisecond)
	}
	burstEnd := takeSnapshot(browser.Pid, srv.cmd.Process.Pid)
	first := firstJoin(students, began)
	for _, st := range students {
		if st.connectedAt.Load() == 0 {
			// The teacher decoded its picture, so it is connected or is
			// about to be.
			select {
			case <-st.connected:
			case <-time.After(10 * time.Second):
				fail("%s: the teacher decodes the picture, but the student is not connected (%v)", st.name, st.failure())
			}
		}
	}
	var connectedLast int64
	for _, st := range students {
		connectedLast = max(connectedLast, st.connectedAt.Load())
	}
	r.connected = time.Duration(connectedLast-first) * time.Millisecond
	r.decoded = time.Duration(slices.Max(last.Decoded)-first) * time.Millisecond
	r.burstCPU = burstEnd.chrome.minus(before.chrome).cpu()
	r.otherBurst = burstEnd.others(before)
	t.Logf("%5.1fs all %d pictures decoded on the teacher's page (%d peer connections, %d connected)", r.decoded.Seconds(), size, last.PCs, last.Connected)

	// Every tile shows its picture soon after; the stall is read at the
	// end of the burst.
	for len(last.Shown) < size && time.Since(lastAnswer) < 10*time.Second {
		time.Sleep(250 * time.Millisecond)
		if rd, err := evalWithin[burstReading](teacher, burstReadJS, pageCallLimit); err == nil {
			last = rd
		}
	}
	if len(last.Shown) >= size {
		r.shown = time.Duration(slices.Max(last.Shown)-first) * time.Millisecond
	} else {
		fail("only %d of %d tiles presented a frame (requestVideoFrameCallback) within 10 s of the last decoded picture", len(last.Shown), size)
	}
	// WebRTC's own count agrees: every connection decoded frames.
	if n, err := evalWithin[int](teacher, decodingConnections, 10*time.Second); err != nil {
		fail("getStats of the teacher's connections: %v", err)
	} else if n < size {
		fail("getStats: %d of the teacher's connections decoded video, want %d", n, size)
	}
	r.stall = time.Duration(last.MaxLate) * time.Millisecond
	r.stallAt = time.Duration(last.MaxAt-first) * time.Millisecond
	r.longStalls = last.Long
	if _, err := evalWithin[bool](teacher, `window.__burst.reset()`, pageCallLimit); err != nil {
		fail("teacher's page after the burst: %v", err)
		return
	}

	// The steady state: the class is there, every picture flows.
	time.Sleep(burstSettle)
	s0 := takeSnapshot(browser.Pid, srv.cmd.Process.Pid)
	time.Sleep(burstWindow)
	s1 := takeSnapshot(browser.Pid, srv.cmd.Process.Pid)
	r.steady = s1.chrome.minus(s0.chrome)
	window := s1.chrome.at.Sub(s0.chrome.at).Seconds()
	r.serverCPU = float64(s1.server-s0.server) / clockTicks / window * 100
	r.testCPU = float64(s1.test-s0.test) / clockTicks / window * 100
	r.otherSteady = s1.others(s0)
	steady, err := evalWithin[burstReading](teacher, burstReadJS, pageCallLimit)
	if err != nil {
		fail("teacher's page in the steady state: %v", err)
		return
	}
	r.steadyStall = time.Duration(steady.MaxLate) * time.Millisecond
	for _, st := range students {
		if err := st.failure(); err != nil {
			fail("%s: %v", st.name, err)
		}
	}
	t.Logf("%s\nteacher's Chromium by process over the steady %v:\n%s", r.line(), burstWindow, r.steady.processes())
}

// burstFailure explains why the pictures did not all arrive.
func burstFailure(t *testing.T, teacher context.Context, browserPid, serverPid int, before snapshot, students []*goStudent, last burstReading, lastAnswer time.Time, unanswered int) string {
	t.Helper()
	now := takeSnapshot(browserPid, serverPid)
	burst := now.chrome.minus(before.chrome)
	connected := 0
	var failures []string
	for _, st := range students {
		if st.connectedAt.Load() != 0 {
			connected++
		}
		if err := st.failure(); err != nil && len(failures) < 5 {
			failures = append(failures, st.name+": "+err.Error())
		}
	}
	silent := time.Since(lastAnswer)
	page := fmt.Sprintf("the page answered the last time %.1f s ago (%d calls of at most %v unanswered)", silent.Seconds(), unanswered, pageCallLimit)
	if silent > 10*time.Second {
		how := "blocked (the renderer is idle: it waits)"
		if burst.cpuOf("renderer") >= 50 {
			how = "busy (the renderer computes all along: a loop, not a wait)"
		}
		page = fmt.Sprintf("the page's main thread has not answered for %.0f s (%d calls of at most %v unanswered): it is frozen, %s", silent.Seconds(), unanswered, pageCallLimit, how)
	}
	webrtc := "getStats did not answer"
	if n, err := evalWithin[int](teacher, decodingConnections, 5*time.Second); err == nil {
		webrtc = fmt.Sprintf("getStats: %d connections decode video", n)
	}
	screenshot(t, teacher, "burst")
	t.Logf("teacher's Chromium by process since the first join (%.0f s):\n%s", burst.window.Seconds(), burst.processes())
	return fmt.Sprintf("only %d of %d students' pictures decoded on the teacher's page (tiles with a picture) within %v of the first join; %s; "+
		"last answer: %d tiles presented a frame, %d peer connections, %d connected (%s), longest stall until then %.0f ms; %d of %d pion students connected; "+
		"teacher's renderer used %.0f%% of a core meanwhile, all of Chromium %.0f%%, the rest of the machine %.0f%%; student errors: %v",
		len(last.Decoded), len(students), burstBound, page,
		len(last.Shown), last.PCs, last.Connected, webrtc, last.MaxLate, connected, len(students),
		burst.cpuOf("renderer"), burst.cpu(), now.others(before), failures)
}

// snapshot is the CPU time so far of the teacher's Chromium (and its
// memory now), the server, this test process and the whole machine.
type snapshot struct {
	chrome                usageByType
	server, test, machine int64 // clock ticks
}

func takeSnapshot(browser, server int) snapshot {
	s := snapshot{chrome: chromiumUsage(browser), test: procTicks(os.Getpid()), machine: machineTicks()}
	if server != 0 {
		s.server = procTicks(server)
	}
	return s
}

// others is what the rest of the machine used since earlier, in % of one
// core: other tests on a shared machine make every number here worse.
func (s snapshot) others(earlier snapshot) float64 {
	d := s.chrome.minus(earlier.chrome)
	var chrome int64
	for _, p := range d.procs {
		chrome += p.ticks
	}
	rest := (s.machine - earlier.machine) - chrome - (s.server - earlier.server) - (s.test - earlier.test)
	return float64(max(rest, 0)) / clockTicks / d.window.Seconds() * 100
}

// machineTicks is the CPU time the machine's cores spent busy so far
// (user, nice, system, irq, softirq, steal), from /proc/stat.
func machineTicks() int64 {
	b, _ := os.ReadFile("/proc/stat")
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	var sum int64
	for _, i := range []int{1, 2, 3, 6, 7, 8} {
		if i < len(f) {
			v, _ := strconv.ParseInt(f[i], 10, 64)
			sum += v
		}
	}
	return sum
}

// firstJoin is when the first student opened its signaling socket.
func firstJoin(students []*goStudent, fallback time.Time) int64 {
	first := int64(0)
	for _, st := range students {
		if j := st.joinedAt.Load(); j != 0 && (first == 0 || j < first) {
			first = j
		}
	}
	if first == 0 {
		return fallback.UnixMilli()
	}
	return first
}

// chromeProc is one process of a Chromium: its type, CPU time so far and
// memory now.
type chromeProc struct {
	pid      int
	kind     string
	ticks    int64 // utime + stime, in clock ticks
	pss, rss int64 // kB
}

// usageByType is a snapshot of every process of one Chromium (or, after
// minus, the CPU between two snapshots and the memory of the later one).
type usageByType struct {
	at     time.Time
	window time.Duration
	procs  []chromeProc
}

// chromiumUsage reads every process of the Chromium whose browser process
// is pid: the browser and all its descendants (zygotes, renderers, GPU,
// utilities), from /proc.
func chromiumUsage(pid int) usageByType {
	u := usageByType{at: time.Now()}
	for _, p := range descendants(pid) {
		cp := chromeProc{pid: p, kind: "browser", ticks: procTicks(p)}
		if p != pid {
			cp.kind = processType(p)
		}
		cp.pss, cp.rss = procMemory(p)
		u.procs = append(u.procs, cp)
	}
	return u
}

// descendants lists pid and all processes below it.
func descendants(pid int) []int {
	children := map[int][]int{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if pp := procField(p, 1); pp != "" {
			ppid, _ := strconv.Atoi(pp)
			children[ppid] = append(children[ppid], p)
		}
	}
	out := []int{pid}
	for i := 0; i < len(out); i++ {
		out = append(out, children[out[i]]...)
	}
	return out
}

// procField is field n of /proc/<pid>/stat after the command name (0 is
// the state, 1 the parent's pid, 11 utime, 12 stime).
func procField(pid, n int) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return ""
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return ""
	}
	f := strings.Fields(s[i+1:])
	if n >= len(f) {
		return ""
	}
	return f[n]
}

// procTicks is the CPU time of a process so far (user and system).
func procTicks(pid int) int64 {
	u, _ := strconv.ParseInt(procField(pid, 11), 10, 64)
	s, _ := strconv.ParseInt(procField(pid, 12), 10, 64)
	return u + s
}

// procMemory is a process's proportional and resident set size in kB,
// from smaps_rollup (PSS shares the pages that Chromium's processes have
// in common; the sum of RSS counts them in every process).
func procMemory(pid int) (pss, rss int64) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/smaps_rollup", pid))
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		v, _ := strconv.ParseInt(f[1], 10, 64)
		switch f[0] {
		case "Pss:":
			pss = v
		case "Rss:":
			rss = v
		}
	}
	return pss, rss
}

// processType names a process below Chromium's browser process by its
// --type= flag and, for utilities, the service it runs.
func processType(pid int) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil {
		return "?"
	}
	// Chromium rewrites its command line into one string with spaces.
	args := strings.FieldsFunc(string(b), func(r rune) bool { return r == 0 || r == ' ' })
	if len(args) == 0 {
		return "?"
	}
	typ, sub := "", ""
	for _, a := range args {
		if v, ok := strings.CutPrefix(a, "--type="); ok {
			typ = v
		}
		if v, ok := strings.CutPrefix(a, "--utility-sub-type="); ok {
			sub = v
		}
	}
	switch typ {
	case "":
		return "other: " + filepath.Base(args[0])
	case "gpu-process":
		return "gpu"
	case "utility":
		switch sub {
		case "network.mojom.NetworkService":
			return "utility: network"
		case "audio.mojom.AudioService":
			return "utility: audio"
		case "storage.mojom.StorageService":
			return "utility: storage"
		case "video_capture.mojom.VideoCaptureService":
			return "utility: video capture"
		}
		return "utility: " + sub
	}
	return typ
}

// minus is the CPU used from an earlier snapshot to this one, with this
// one's memory. Processes that ended meanwhile are left out; those that
// started count from their start.
func (u usageByType) minus(earlier usageByType) usageByType {
	prev := map[int]int64{}
	for _, p := range earlier.procs {
		prev[p.pid] = p.ticks
	}
	out := usageByType{at: u.at, window: u.at.Sub(earlier.at)}
	for _, p := range u.procs {
		p.ticks -= prev[p.pid]
		out.procs = append(out.procs, p)
	}
	return out
}

// cpuOver is the CPU of all processes in % of one core over d.
func (u usageByType) cpuOver(d time.Duration) float64 {
	var ticks int64
	for _, p := range u.procs {
		ticks += p.ticks
	}
	return float64(ticks) / clockTicks / d.Seconds() * 100
}

func (u usageByType) cpu() float64 { return u.cpuOver(u.window) }

// cpuOf is the CPU of the processes of one type in % of one core.
func (u usageByType) cpuOf(kind string) float64 {
	var ticks int64
	for _, p := range u.procs {
		if p.kind == kind {
			ticks += p.ticks
		}
	}
	return float64(ticks) / clockTicks / u.window.Seconds() * 100
}

// pss and rss are the memory of all processes in MB.
func (u usageByType) pss() float64 {
	var kb int64
	for _, p := range u.procs {
		kb += p.pss
	}
	return float64(kb) / 1024
}

func (u usageByType) rss() float64 {
	var kb int64
	for _, p := range u.procs {
		kb += p.rss
	}
	return float64(kb) / 1024
}

// table sums CPU and memory by process type, the largest PSS first.
func (u usageByType) table() string {
	type row struct {
		kind            string
		n               int
		ticks, pss, rss int64
	}
	rows := map[string]*row{}
	for _, p := range u.procs {
		r := rows[p.kind]
		if r == nil {
			r = &row{kind: p.kind}
			rows[p.kind] = r
		}
		r.n++
		r.ticks += p.ticks
		r.pss += p.pss
		r.rss += p.rss
	}
	var sorted []*row
	for _, r := range rows {
		sorted = append(sorted, r)
	}
	slices.SortFunc(sorted, func(a, b *row) int { return int(b.pss - a.pss) })
	lines := []string{"  type                     | procs |  CPU %core |  PSS MB |  RSS MB"}
	for _, r := range sorted {
		lines = append(lines, fmt.Sprintf("  %-24s | %5d | %10.1f | %7.1f | %7.1f", r.kind, r.n, float64(r.ticks)/clockTicks/u.window.Seconds()*100, float64(r.pss)/1024, float64(r.rss)/1024))
	}
	lines = append(lines, fmt.Sprintf("  %-24s | %5d | %10.1f | %7.1f | %7.1f", "all", len(u.procs), u.cpu(), u.pss(), u.rss()))
	return strings.Join(lines, "\n")
}

// processes lists every process, then the table by type.
func (u usageByType) processes() string {
	var lines []string
	for _, p := range u.procs {
		lines = append(lines, fmt.Sprintf("  pid %-7d %-24s CPU %6.1f%%  PSS %7.1f MB  RSS %7.1f MB", p.pid, p.kind,
			float64(p.ticks)/clockTicks/u.window.Seconds()*100, float64(p.pss)/1024, float64(p.rss)/1024))
	}
	return strings.Join(lines, "\n") + "\n" + u.table()
}

func loadavg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
