package e2e

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// webkit is one WebKitWebDriver (WebKitGTK's driver, HTTP WebDriver)
// under a virtual X display: WebKitGTK has no headless mode. Each test
// opens its own session, a fresh MiniBrowser (0.3–0.5 s).
type webkit struct {
	url  string
	cmd  *exec.Cmd
	done chan struct{}
}

const miniBrowser = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser"

// startWebKit starts the driver; it is stopped when t ends.
func startWebKit(t *testing.T) *webkit {
	t.Helper()
	for _, bin := range []string{"xvfb-run", "WebKitWebDriver"} {
		if _, err := exec.LookPath(bin); err != nil {
			t.Fatalf("%s not found: install webkit2gtk-driver and xvfb (.ci/run installs them)", bin)
		}
	}
	if _, err := os.Stat(miniBrowser); err != nil {
		t.Fatalf("%s not found: install webkit2gtk-driver", miniBrowser)
	}
	port := strings.TrimPrefix(freeAddr(t), "127.0.0.1:")
	cmd := exec.Command("xvfb-run", "-a", "WebKitWebDriver", "--host=127.0.0.1", "--port="+port)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out, _ := cmd.StdoutPipe()
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatalf("start WebKitWebDriver: %v", err)
	}
	wk := &webkit{url: "http://127.0.0.1:" + port, cmd: cmd, done: make(chan struct{})}
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
		}
	}()
	go func() { cmd.Wait(); close(wk.done) }()
	t.Cleanup(func() {
		// The whole group: xvfb-run, Xvfb and the driver.
		syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-wk.done:
		case <-time.After(10 * time.Second):
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-wk.done
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		if c, err := net.Dial("tcp", "127.0.0.1:"+port); err == nil {
			c.Close()
			return wk
		}
		if time.Now().After(deadline) {
			t.Fatal("WebKitWebDriver did not listen within 30 s")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// wkPage is one WebDriver session: one MiniBrowser window.
type wkPage struct {
	base  string // the driver's URL of the session
	label string
}

// session opens a MiniBrowser with mock camera and microphone, deleted
// when t ends.
func (wk *webkit) session(t *testing.T, label string) *wkPage {
	t.Helper()
	caps := map[string]any{"capabilities": map[string]any{"alwaysMatch": map[string]any{
		"webkitgtk:browserOptions": map[string]any{
			"binary": miniBrowser,
			"args":   []string{"--automation", "--enable-mock-capture-devices=true", "--features=+StorageAPI,+StorageAPIEstimate"},
		},
	}}}
	var r struct {
		SessionID string `json:"sessionId"`
	}
	if err := wdCall("POST", wk.url+"/session", caps, &r); err != nil {
		t.Fatalf("new WebKit session: %v", err)
	}
	p := &wkPage{base: wk.url + "/session/" + r.SessionID, label: "webkit " + label}
	t.Cleanup(func() { wdCall("DELETE", p.base, nil, nil) })
	return p
}

// wdCall sends one WebDriver command and decodes its "value".
func wdCall(method, url string, body, out any) error {
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, url, r)
	req.Header.Set("Content-Type", "application/json")
	c := &http.Client{Timeout: 60 * time.Second}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var v struct {
		Value json.RawMessage `json:"value"`
	}
	raw, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(raw, &v); err != nil {
		return fmt.Errorf("%s %s: %s", method, url, raw)
	}
	if resp.StatusCode != 200 {
		var e struct {
			Error   string `json:"error"`
			Message string `json:"message"`
		}
		json.Unmarshal(v.Value, &e)
		return fmt.Errorf("%s: %s", e.Error, e.Message)
	}
	if out != nil {
		return json.Unmarshal(v.Value, out)
	}
	return nil
}

func (p *wkPage) name() string { return p.label }

func (p *wkPage) navigate(t testing.TB, url string) {
	t.Helper()
	if err := wdCall("POST", p.base+"/url", map[string]any{"url": url}, nil); err != nil {
		t.Fatalf("%s: navigate to %s: %v", p.label, url, err)
	}
}

// evaluate runs expr; WebDriver awaits a returned promise. A script has
// no user activation here: clicks go through click (a real click).
func (p *wkPage) evaluate(expr string, _ bool) (json.RawMessage, error) {
	script := `return (async () => { const v = await (` + expr + `); return v === undefined ? 'null' : JSON.stringify(v); })()`
	var s string
	if err := wdCall("POST", p.base+"/execute/sync", map[string]any{"script": script, "args": []any{}}, &s); err != nil {
		return nil, err
	}
	return json.RawMessage(s), nil
}

// click clicks the element as a user would (WebDriver's element click).
func (p *wkPage) click(t testing.TB, sel string) {
	t.Helper()
	var el map[string]string
	if err := wdCall("POST", p.base+"/element", map[string]any{"using": "css selector", "value": sel}, &el); err != nil {
		t.Fatalf("%s: find %s: %v", p.label, sel, err)
	}
	for _, id := range el {
		if err := wdCall("POST", p.base+"/element/"+id+"/click", map[string]any{}, nil); err != nil {
			t.Fatalf("%s: click %s: %v", p.label, sel, err)
		}
		return
	}
	t.Fatalf("%s: no element %s", p.label, sel)
}
