package cluster_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"ersatzraum/app/protocol"
)

// A node as its own process: `ersatzraum serve --postgres … --nats …`.

var loginLink = regexp.MustCompile(`http://\S+/login\?token=([0-9a-f]+)`)

type child struct {
	name, url, token string
	cmd              *exec.Cmd
	done             chan struct{}
	logs             *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// testCluster is the database of a test's nodes. Every node has its own
// data folder with the same code key (docs/admin.md: copied from the
// first node), on the one database and the one NATS. The key is the
// package's: all tests share the NATS server, where the first node
// recorded its key's fingerprint.
type testCluster struct {
	t        *testing.T
	postgres string
	nats     string        // "": the package's NATS
	lease    time.Duration // 0: testLease
}

var codeKey struct {
	sync.Mutex
	b []byte
}

func newCluster(t *testing.T) *testCluster {
	return &testCluster{t: t, postgres: pg.Database(t)}
}

// start runs a node and waits for its login link and /healthz.
func (tc *testCluster) start(name string) *child {
	t := tc.t
	t.Helper()
	dir := t.TempDir()
	codeKey.Lock()
	defer codeKey.Unlock()
	if codeKey.b != nil { // on another NATS too: any key shared by the nodes
		if err := os.WriteFile(filepath.Join(dir, "code-key"), codeKey.b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	bin := os.Getenv("ERSATZRAUM_BIN")
	// serve refuses ERSATZRAUM_ variables it does not know: not this
	// test's own knob.
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, killScaleEnv+"=") })
	if bin == "" {
		if bin, err = os.Executable(); err != nil {
			t.Fatal(err)
		}
		env = append(env, serveEnv+"=1")
	}
	natsURL, lease := tc.nats, tc.lease
	if natsURL == "" {
		natsURL, lease = natsSrv.URL(), testLease
	}
	cmd := exec.Command(bin, "serve", "--addr", addr, "--data", dir, "--log-level", "info",
		"--postgres", tc.postgres, "--nats", natsURL, "--node-id", name, "--nats-lease", lease.String())
	cmd.Env = env
	c := &child{name: name, url: "http://" + addr, cmd: cmd, done: make(chan struct{}), logs: &syncBuffer{}}
	cmd.Stderr = c.logs
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := loginLink.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case found <- m[1]:
				default:
				}
			}
		}
	}()
	go func() { cmd.Wait(); close(c.done) }()
	t.Cleanup(func() {
		c.kill(t)
		// Under -race the nodes are race-built too (this test binary).
		if strings.Contains(c.logs.String(), "WARNING: DATA RACE") {
			t.Errorf("node %s: data race", name)
		}
		if t.Failed() {
			t.Logf("node %s stderr:\n%s", name, c.logs.String())
		}
	})
	select {
	case c.token = <-found:
	case <-c.done:
		t.Fatalf("node %s exited before printing its login link", name)
	case <-time.After(30 * time.Second):
		t.Fatalf("node %s: no login link within 30 s", name)
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if resp, err := http.Get(c.url + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("node %s not healthy within 10 s", name)
		}
	}
	if codeKey.b == nil {
		if codeKey.b, err = os.ReadFile(filepath.Join(dir, "code-key")); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

// kill ends the node with SIGKILL: no shutdown code runs.
func (c *child) kill(t *testing.T) {
	c.cmd.Process.Signal(syscall.SIGKILL)
	select {
	case <-c.done:
	case <-time.After(10 * time.Second):
		t.Errorf("node %s did not die", c.name)
	}
}

// teacherHTTP signs in with a node's login link; its cookie is good on
// every node (sessions are in the database; cookies do not care for
// ports).
func teacherHTTP(t *testing.T, c *child) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := hc.PostForm(c.url+"/login", url.Values{"token": {c.token}})
	if err != nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %v %v", resp, err)
	}
	resp.Body.Close()
	return hc
}

func startLesson(t *testing.T, hc *http.Client, c *child, title string) protocol.CreatedLesson {
	t.Helper()
	resp, err := hc.Post(c.url+"/api/lessons", "application/json", strings.NewReader(`{"title":"`+title+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var l protocol.CreatedLesson
	if resp.StatusCode != http.StatusCreated {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("start lesson: %d %s", resp.StatusCode, b)
	}
	if err := json.NewDecoder(resp.Body).Decode(&l); err != nil {
		t.Fatal(err)
	}
	return l
}

// attendance is the stored roll call, read through node c.
func attendance(t *testing.T, hc *http.Client, c *child, lesson string) []protocol.AttendanceLine {
	t.Helper()
	resp, err := hc.Get(c.url + "/api/lessons/" + lesson + "/attendance")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out []protocol.AttendanceLine
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("attendance: %d %s", resp.StatusCode, b)
	}
	json.NewDecoder(resp.Body).Decode(&out)
	return out
}

// peer is a signaling client, as the browser's: one WebSocket.
type peer struct {
	t    *testing.T
	name string
	ws   *websocket.Conn
	in   chan protocol.Envelope
	// closed gets the close code when the connection ends.
	closed chan int
}

func dial(t *testing.T, c *child, name string, hc *http.Client) (*peer, error) {
	return dialFrom(t, c, name, hc, nil)
}

// dialFrom dials from a local address of its own (nil: any): a node lets
// each address open only so many connections a second.
func dialFrom(t *testing.T, c *child, name string, hc *http.Client, local net.Addr) (*peer, error) {
	t.Helper()
	u := "ws" + strings.TrimPrefix(c.url, "http") + "/ws"
	h := http.Header{}
	if hc != nil {
		pu, _ := url.Parse(c.url)
		for _, ck := range hc.Jar.Cookies(pu) {
			h.Add("Cookie", ck.String())
		}
	}
	d := *websocket.DefaultDialer
	if local != nil {
		nd := &net.Dialer{LocalAddr: local, Timeout: 10 * time.Second}
		d.NetDialContext = nd.DialContext
	}
	ws, _, err := d.Dial(u, h)
	if err != nil {
		return nil, err
	}
	p := &peer{t: t, name: name, ws: ws, in: make(chan protocol.Envelope, 256), closed: make(chan int, 1)}
	go func() {
		for {
			_, b, err := ws.ReadMessage()
			if err != nil {
				code := -1
				if ce, ok := err.(*websocket.CloseError); ok {
					code = ce.Code
				}
				p.closed <- code
				close(p.in)
				return
			}
			env, perr := protocol.Decode(b)
			if perr != nil {
				t.Errorf("%s: undecodable message %s", name, b)
				continue
			}
			p.in <- env
		}
	}()
	t.Cleanup(func() { ws.Close() })
	return p, nil
}

func (p *peer) send(typ string, data any) {
	p.t.Helper()
	if err := p.ws.WriteMessage(websocket.TextMessage, protocol.MustEncode(typ, data)); err != nil {
		p.t.Fatalf("%s: send %s: %v", p.name, typ, err)
	}
}

// await returns the next message of type typ (others are skipped); ok
// false when the connection closed or nothing came within 20 s.
func (p *peer) await(typ string) (protocol.Envelope, bool) {
	timeout := time.After(20 * time.Second)
	for {
		select {
		case env, open := <-p.in:
			if !open {
				return protocol.Envelope{}, false
			}
			if env.Type == typ {
				return env, true
			}
		case <-timeout:
			return protocol.Envelope{}, false
		}
	}
}

// await2 returns the next message of either type.
func (p *peer) await2(a, b string) (protocol.Envelope, bool) {
	timeout := time.After(20 * time.Second)
	for {
		select {
		case env, open := <-p.in:
			if !open {
				return protocol.Envelope{}, false
			}
			if env.Type == a || env.Type == b {
				return env, true
			}
		case <-timeout:
			return protocol.Envelope{}, false
		}
	}
}

// must is await that fails the test.
func (p *peer) must(typ string, into any) {
	p.t.Helper()
	env, ok := p.await(typ)
	if !ok {
		p.t.Fatalf("%s: no %s message", p.name, typ)
	}
	if into != nil {
		if perr := protocol.DecodeData(env, into); perr != nil {
			p.t.Fatalf("%s: %s: %v", p.name, typ, perr)
		}
	}
}
