package e2e

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/inspector"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// server is one running ersatzraum process.
type server struct {
	URL      string
	LoginURL string
	cmd      *exec.Cmd
	done     chan error
}

var loginLine = regexp.MustCompile(`(http://\S+/login\?token=[0-9a-f]+)`)

func binary(t testing.TB) string {
	t.Helper()
	bin := os.Getenv("ERSATZRAUM_BIN")
	if bin == "" {
		t.Fatal("ERSATZRAUM_BIN is not set: run the browser tests with `make e2e` (it builds the binary first)")
	}
	return bin
}

func chromiumPath(t testing.TB) string {
	t.Helper()
	for _, p := range []string{os.Getenv("CHROMIUM"), "/usr/lib/chromium/chromium", "/usr/bin/chromium"} {
		if p == "" {
			continue
		}
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	t.Fatal("Chromium not found: install it (apt-get install chromium) or set CHROMIUM; .ci/run installs it")
	return ""
}

func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// startServer runs the binary on addr with its data in dir and waits until
// it answers. It is stopped with SIGTERM when the test ends.
func startServer(t testing.TB, addr, dir string, extra ...string) *server {
	t.Helper()
	level := os.Getenv("ERSATZRAUM_E2E_LOG")
	if level == "" {
		level = "warn"
	}
	args := append([]string{"serve", "--addr", addr, "--data", dir, "--log-level", level}, extra...)
	cmd := exec.Command(binary(t), args...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = &testLogWriter{t: t, prefix: "server: "}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{URL: "http://" + addr, cmd: cmd, done: make(chan error, 1)}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := loginLine.FindString(sc.Text()); m != "" {
				select {
				case found <- m:
				default:
				}
			}
		}
	}()
	go func() { s.done <- cmd.Wait() }()
	t.Cleanup(func() { s.stop(t) })
	select {
	case s.LoginURL = <-found:
	case err := <-s.done:
		t.Fatalf("server exited before printing its login link: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("server printed no login link within 30 s")
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get(s.URL + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return s
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("server did not become healthy: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// stop ends the server with SIGTERM, as an admin's systemd would.
func (s *server) stop(t testing.TB) {
	if s.cmd.ProcessState != nil {
		return
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(15 * time.Second):
		s.cmd.Process.Kill()
		<-s.done
		t.Errorf("server did not stop within 15 s of SIGTERM")
	}
}

type testLogWriter struct {
	t      testing.TB
	prefix string
}

func (w *testLogWriter) Write(p []byte) (int, error) {
	for _, line := range strings.Split(strings.TrimRight(string(p), "\n"), "\n") {
		w.t.Log(w.prefix + line)
	}
	return len(p), nil
}

// recordPeerConnections makes every RTCPeerConnection the page creates
// reachable as window.__pcs, so that tests can read getStats() as a
// person's browser would report it, and counts the remote candidates the
// page adds one by one in window.__addedCandidates. It does not change
// what the page's code does.
const recordPeerConnections = `(() => {
  if (window.__pcs) return;
  const Original = window.RTCPeerConnection;
  window.__pcs = [];
  window.__addedCandidates = 0;
  const addIceCandidate = Original.prototype.addIceCandidate;
  Original.prototype.addIceCandidate = function (...args) {
    if (args[0] && args[0].candidate) window.__addedCandidates++;
    return addIceCandidate.apply(this, args);
  };
  const Recorded = function (...args) {
    const pc = new Original(...args);
    window.__pcs.push(pc);
    return pc;
  };
  Recorded.prototype = Original.prototype;
  Object.setPrototypeOf(Recorded, Original);
  window.RTCPeerConnection = Recorded;
})();`

// newBrowser starts a headless Chromium with a fake camera and microphone.
func newBrowser(t testing.TB, name string) context.Context {
	return newBrowserWith(t, name)
}

// newBrowserWith also passes every page event to the listeners (they run
// on chromedp's reader goroutine and must be quick).
func newBrowserWith(t testing.TB, name string, listeners ...func(ev any)) context.Context {
	t.Helper()
	return newBrowserOpts(t, name, nil, listeners...)
}

// newBrowserOpts also adds allocator options (more Chromium flags).
func newBrowserOpts(t testing.TB, name string, extra []chromedp.ExecAllocatorOption, listeners ...func(ev any)) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.UserDataDir(filepath.Join(t.TempDir(), "profile")),
		chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("use-fake-device-for-media-stream", true),
		chromedp.Flag("use-fake-ui-for-media-stream", true),
		chromedp.Flag("allow-loopback-in-peer-connection", true),
		chromedp.Flag("autoplay-policy", "no-user-gesture-required"),
		chromedp.Flag("lang", "de-DE"),
		chromedp.Flag("accept-lang", "de-DE,de"),
		chromedp.WindowSize(1280, 900),
	}
	opts = append(chromedp.DefaultExecAllocatorOptions[:], opts...)
	opts = append(opts, extra...)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx,
		chromedp.WithLogf(func(string, ...any) {}),
		chromedp.WithListener(func(ev any) {
			logConsole(t, name, ev)
			for _, l := range listeners {
				l(ev)
			}
		}))
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	addScript := chromedp.Action[chromedp.Void](func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: recordPeerConnections})
		return chromedp.Void{}, err
	})
	if err := chromedp.Do(ctx, addScript); err != nil {
		t.Fatalf("install page hook: %v", err)
	}
	return ctx
}

// waitFor evaluates a JavaScript expression until it is truthy; the
// expression may return a promise.
func waitFor(t testing.TB, ctx context.Context, what, expr string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var last any
	for {
		// Bound each evaluation: a page whose main thread hangs never
		// answers, and the test must fail, not hang.
		ectx, cancel := context.WithTimeout(ctx, max(time.Until(deadline), time.Second))
		v, err := chromedp.Run(ectx, chromedp.Evaluate[any](expr, chromedp.EvalAwaitPromise))
		cancel()
		if err == nil && truthy(v) {
			return
		}
		if err != nil {
			last = err
		} else {
			last = v
		}
		if time.Now().After(deadline) {
			screenshot(t, ctx, what)
			t.Fatalf("%s: not true within %v (last value: %v)", what, timeout, last)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func truthy(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		return x
	case float64:
		return x != 0
	case string:
		return x != ""
	}
	return true
}

// eval runs an expression (awaiting a promise) and returns its value.
func eval[T any](t testing.TB, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

func do(t testing.TB, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, 45*time.Second)
	defer cancel()
	if err := chromedp.Do(tctx, steps...); err != nil {
		screenshot(t, ctx, what)
		t.Fatalf("%s: %v", what, err)
	}
}

// screenshot keeps a picture of the page for a failing test in
// e2e/artifacts/ (ignored by git).
func screenshot(t testing.TB, ctx context.Context, name string) {
	sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	png, err := chromedp.Run(sctx, chromedp.CaptureScreenshot())
	if err != nil {
		return
	}
	dir := "artifacts"
	os.MkdirAll(dir, 0o755)
	file := filepath.Join(dir, fmt.Sprintf("%s-%s.png", sanitize(t.Name()), sanitize(name)))
	os.WriteFile(file, png, 0o644)
	t.Logf("screenshot: e2e/%s", file)
}

func sanitize(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '/' || r == ' ' || r == ':' {
			return '_'
		}
		return r
	}, s)
}

// clickAction clicks the element matching a CSS selector.
func clickAction(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Click(chromedp.CSS(sel))
}

// logConsole copies the page's console output and uncaught exceptions into
// the test log, so that a failing run explains itself.
func logConsole(t testing.TB, name string, ev any) {
	switch e := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		var parts []string
		for _, a := range e.Args {
			if a.Value != nil {
				parts = append(parts, strings.Trim(string(a.Value), `"`))
			} else {
				parts = append(parts, a.Description)
			}
		}
		t.Logf("%s console.%s: %s", name, e.Type, strings.Join(parts, " "))
	case *runtime.EventExceptionThrown:
		t.Logf("%s exception: %s %v", name, e.ExceptionDetails.Text, e.ExceptionDetails.Exception)
	case *inspector.EventTargetCrashed:
		// A page that stops answering the harness may have crashed,
		// which a timed-out evaluation cannot tell from a busy page.
		t.Logf("%s: the page's renderer crashed", name)
	}
}

// kill ends the server abruptly (SIGKILL), as a crash or a power cut would.
func (s *server) kill(t testing.TB) {
	if s.cmd.ProcessState != nil {
		return
	}
	s.cmd.Process.Kill()
	<-s.done
}
