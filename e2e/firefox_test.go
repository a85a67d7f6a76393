package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// firefox is one headless Firefox ESR driven over WebDriver BiDi (it has
// no CDP, so chromedp cannot drive it). Tests share one instance and open
// a tab each: starting Firefox costs about a second and 400 MB.
type firefox struct {
	cmd  *exec.Cmd
	done chan struct{}
	b    *bidi

	mu   sync.Mutex
	logs map[string]testing.TB // browsing context → the test that owns its tab
}

// firefoxPrefs make a profile for tests: fake camera and microphone
// without a prompt, real host addresses in ICE candidates (mDNS names
// would send multicast queries on the machine's link), storage without a
// prompt (persist() hangs otherwise), a German user, and none of the
// background services that call outside hosts.
var firefoxPrefs = map[string]any{
	"media.navigator.streams.fake":                      true,
	"media.navigator.permission.disabled":               true,
	"media.peerconnection.ice.obfuscate_host_addresses": false,
	"dom.storageManager.prompt.testing":                 true,
	"dom.storageManager.prompt.testing.allow":           true,
	"intl.accept_languages":                             "de-DE, de",
	// Firefox's own default, said here because the tests depend on it:
	// audible media waits for a gesture unless the page captures.
	"media.autoplay.default":                          1,
	"app.update.auto":                                 false,
	"app.update.enabled":                              false,
	"app.normandy.enabled":                            false,
	"browser.safebrowsing.malware.enabled":            false,
	"browser.safebrowsing.phishing.enabled":           false,
	"browser.safebrowsing.downloads.enabled":          false,
	"browser.safebrowsing.provider.mozilla.updateURL": "",
	"browser.search.update":                           false,
	"browser.shell.checkDefaultBrowser":               false,
	"browser.startup.homepage":                        "about:blank",
	"browser.newtabpage.enabled":                      false,
	"browser.region.network.url":                      "",
	"datareporting.policy.dataSubmissionEnabled":      false,
	"datareporting.healthreport.uploadEnabled":        false,
	"toolkit.telemetry.enabled":                       false,
	"toolkit.telemetry.unified":                       false,
	"toolkit.telemetry.server":                        "",
	"network.captive-portal-service.enabled":          false,
	"network.connectivity-service.enabled":            false,
	"network.dns.disablePrefetch":                     true,
	"network.http.speculative-parallel-limit":         0,
	"network.prefetch-next":                           false,
	"services.settings.server":                        "",
	"extensions.update.enabled":                       false,
	"extensions.blocklist.enabled":                    false,
	"extensions.getAddons.cache.enabled":              false,
	"media.gmp-manager.updateEnabled":                 false,
	"geo.provider.network.url":                        "",
	"security.OCSP.enabled":                           0,
}

var bidiListening = regexp.MustCompile(`WebDriver BiDi listening on (ws://\S+)`)

func firefoxPath(t testing.TB) string {
	t.Helper()
	for _, p := range []string{os.Getenv("FIREFOX"), "/usr/bin/firefox-esr", "/usr/lib/firefox-esr/firefox-esr"} {
		if p == "" {
			continue
		}
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	t.Fatal("Firefox ESR not found: install it (apt-get install firefox-esr) or set FIREFOX; .ci/run installs it")
	return ""
}

// startFirefox starts Firefox with a fresh profile; it is closed when t
// ends.
func startFirefox(t *testing.T) *firefox {
	t.Helper()
	profile := filepath.Join(t.TempDir(), "profile")
	os.MkdirAll(profile, 0o755)
	var js strings.Builder
	for k, v := range firefoxPrefs {
		b, _ := json.Marshal(v)
		js.WriteString("user_pref(" + jsString(k) + ", " + string(b) + ");\n")
	}
	if err := os.WriteFile(filepath.Join(profile, "user.js"), []byte(js.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(firefoxPath(t), "--headless", "--no-remote", "--profile", profile, "--remote-debugging-port=0", "about:blank")
	cmd.Env = append(os.Environ(), "MOZ_CRASHREPORTER_DISABLE=1")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start Firefox: %v", err)
	}
	ff := &firefox{cmd: cmd, done: make(chan struct{}), logs: map[string]testing.TB{}}
	go func() { cmd.Wait(); close(ff.done) }()
	t.Cleanup(ff.stop)

	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := bidiListening.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case found <- m[1]:
				default:
				}
			}
		}
	}()
	var url string
	select {
	case url = <-found:
	case <-ff.done:
		t.Fatal("Firefox exited before its BiDi server listened")
	case <-time.After(60 * time.Second):
		t.Fatal("Firefox's BiDi server did not listen within 60 s")
	}
	ff.b, err = dialBiDi(url+"/session", ff.event)
	if err != nil {
		t.Fatalf("connect to Firefox: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := ff.b.call(ctx, "session.new", map[string]any{"capabilities": map[string]any{}}, nil); err != nil {
		t.Fatal(err)
	}
	if err := ff.b.call(ctx, "session.subscribe", map[string]any{"events": []string{"log.entryAdded"}}, nil); err != nil {
		t.Fatal(err)
	}
	// Every page records its peer connections, as in Chromium.
	if err := ff.b.call(ctx, "script.addPreloadScript", map[string]any{"functionDeclaration": "() => { " + recordPeerConnections + " }"}, nil); err != nil {
		t.Fatal(err)
	}
	return ff
}

// stop closes the browser, and kills it if it does not go.
func (ff *firefox) stop() {
	if ff.b != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		ff.b.call(ctx, "browser.close", nil, nil)
		cancel()
		ff.b.close()
	}
	select {
	case <-ff.done:
	case <-time.After(10 * time.Second):
		syscall.Kill(-ff.cmd.Process.Pid, syscall.SIGKILL)
		<-ff.done
	}
}

// event copies the console of a tab into its test's log.
func (ff *firefox) event(method string, params json.RawMessage) {
	if method != "log.entryAdded" {
		return
	}
	var e struct {
		Level  string `json:"level"`
		Text   string `json:"text"`
		Source struct {
			Context string `json:"context"`
		} `json:"source"`
	}
	if json.Unmarshal(params, &e) != nil {
		return
	}
	ff.mu.Lock()
	t := ff.logs[e.Source.Context]
	ff.mu.Unlock()
	if t != nil {
		t.Logf("firefox console.%s: %s", e.Level, e.Text)
	}
}

// ffPage is one tab of the shared Firefox.
type ffPage struct {
	ff      *firefox
	context string
	label   string
}

// tab opens a new tab for t, closed when t ends. Its preload scripts
// (page code run before the page's own) apply to this tab only.
func (ff *firefox) tab(t *testing.T, label string, preload ...string) *ffPage {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var r struct {
		Context string `json:"context"`
	}
	if err := ff.b.call(ctx, "browsingContext.create", map[string]any{"type": "tab"}, &r); err != nil {
		t.Fatal(err)
	}
	for _, src := range preload {
		if err := ff.b.call(ctx, "script.addPreloadScript", map[string]any{"functionDeclaration": "() => { " + src + " }", "contexts": []string{r.Context}}, nil); err != nil {
			t.Fatal(err)
		}
	}
	ff.mu.Lock()
	ff.logs[r.Context] = t
	ff.mu.Unlock()
	t.Cleanup(func() {
		ff.mu.Lock()
		delete(ff.logs, r.Context)
		ff.mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		ff.b.call(ctx, "browsingContext.close", map[string]any{"context": r.Context}, nil)
	})
	return &ffPage{ff: ff, context: r.Context, label: "firefox " + label}
}

func (p *ffPage) name() string { return p.label }

func (p *ffPage) navigate(t testing.TB, url string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	defer cancel()
	if err := p.ff.b.call(ctx, "browsingContext.navigate", map[string]any{"context": p.context, "url": url, "wait": "complete"}, nil); err != nil {
		t.Fatalf("%s: navigate to %s: %v", p.label, url, err)
	}
}

func (p *ffPage) evaluate(expr string, userGesture bool) (json.RawMessage, error) {
	// Bounded: a page whose main thread hangs never answers, and the test
	// must fail, not hang.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return p.ff.b.evaluate(ctx, p.context, expr, userGesture)
}
