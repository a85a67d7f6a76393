package board_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"ersatzraum/server/cli"
	"ersatzraum/server/storage/pgtest"
)

// serveEnv makes this test binary act as the server when set: the
// durability test starts it as a child process running the real
// `ersatzraum serve`, so that it can kill it with SIGKILL. ERSATZRAUM_BIN
// (the built binary, as in `make e2e`) is used instead when set.
const serveEnv = "BOARD_TEST_RUN_SERVER"

// pg is the PostgreSQL the durability test runs the server on, besides
// SQLite; only the test process starts it, not the server it runs.
var pg *pgtest.Server

func TestMain(m *testing.M) {
	if os.Getenv(serveEnv) == "1" {
		os.Exit(cli.Main(append([]string{"ersatzraum"}, os.Args[1:]...), os.Stdout, os.Stderr))
	}
	os.Exit(pgtest.Run(m, &pg))
}

var loginLink = regexp.MustCompile(`http://\S+/login\?token=([0-9a-f]+)`)

type child struct {
	url, token string
	cmd        *exec.Cmd
	done       chan struct{}
}

// start runs `serve` on dir (with more flags, such as --postgres) and
// waits for its login link and /healthz.
func start(t *testing.T, dir string, flags ...string) *child {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	bin, env := os.Getenv("ERSATZRAUM_BIN"), os.Environ()
	if bin == "" {
		if bin, err = os.Executable(); err != nil {
			t.Fatal(err)
		}
		env = append(env, serveEnv+"=1")
	}
	cmd := exec.Command(bin, append([]string{"serve", "--addr", addr, "--data", dir, "--log-level", "warn"}, flags...)...)
	cmd.Env = env
	var logs bytes.Buffer // the server's stderr, shown if the test fails
	cmd.Stderr = &logs
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &child{url: "http://" + addr, cmd: cmd, done: make(chan struct{})}
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
		if t.Failed() {
			t.Logf("server stderr:\n%s", logs.String())
		}
	})
	select {
	case c.token = <-found:
	case <-c.done:
		t.Fatal("server exited before printing its login link")
	case <-time.After(20 * time.Second):
		t.Fatal("no login link within 20 s")
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if resp, err := http.Get(c.url + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return c
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("server not healthy within 10 s")
		}
	}
}

// kill ends the server with SIGKILL: no shutdown code runs.
func (c *child) kill(t *testing.T) {
	c.cmd.Process.Signal(syscall.SIGKILL)
	select {
	case <-c.done:
	case <-time.After(10 * time.Second):
		t.Error("server did not die")
	}
}

type client struct {
	t    *testing.T
	http *http.Client
	base string
	auth string // a student's personal link
}

func (c *client) do(method, path, contentType string, body io.Reader, want int, out any) {
	c.t.Helper()
	req, _ := http.NewRequest(method, c.base+path, body)
	if contentType == "" && body != nil {
		contentType = "application/json" // the API takes no other text body
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if c.auth != "" {
		req.Header.Set("Authorization", "Bearer "+c.auth)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		c.t.Fatalf("%s %s: %d %s, want %d", method, path, resp.StatusCode, b, want)
	}
	if out != nil {
		if p, ok := out.(*[]byte); ok {
			*p = b
		} else if err := json.Unmarshal(b, out); err != nil {
			c.t.Fatalf("%s %s: %v", method, path, err)
		}
	}
}

func teacher(t *testing.T, srv *child) *client {
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := hc.PostForm(srv.url+"/login", url.Values{"token": {srv.token}})
	if err != nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %v %v", resp, err)
	}
	resp.Body.Close()
	return &client{t: t, http: hc, base: srv.url}
}

func form(t *testing.T, fields []string, field, name string, content []byte) (string, io.Reader) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for i := 0; i+1 < len(fields); i += 2 {
		mw.WriteField(fields[i], fields[i+1])
	}
	fw, _ := mw.CreateFormFile(field, name)
	fw.Write(content)
	mw.Close()
	return mw.FormDataContentType(), &b
}

// An acknowledged write survives kill -9 of the server: an attachment
// upload and a hand-in with a file, each killed right after its 2xx. On
// SQLite and on PostgreSQL alike.
func TestAcknowledgedWritesSurviveKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the server three times on each engine")
	}
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			dir := t.TempDir()
			var flags []string
			if engine == "postgres" {
				flags = []string{"--postgres", pg.Database(t)}
			}
			srv := start(t, dir, flags...)
			alice := teacher(t, srv)
			var class struct {
				ID       string
				Students []struct{ ID, Link string }
			}
			alice.do("POST", "/api/classes", "", strings.NewReader(`{"name":"7b"}`), 201, &class)
			alice.do("POST", "/api/classes/"+class.ID+"/students", "", strings.NewReader(`{"names":["Lea"]}`), 200, &class)
			token := class.Students[0].Link[strings.LastIndex(class.Students[0].Link, "/")+1:]
			var a struct {
				ID    string
				Files []struct{ Hash string }
			}
			alice.do("POST", "/api/classes/"+class.ID+"/board", "", strings.NewReader(`{"title":"Bruchrechnung"}`), 201, &a)
			sheet := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("Arbeitsblatt "), 50_000)...)
			ct, body := form(t, nil, "file", "Blatt.pdf", sheet)
			alice.do("POST", "/api/classes/"+class.ID+"/board/"+a.ID+"/files", ct, body, 201, nil)
			srv.kill(t)

			srv = start(t, dir, flags...)
			alice = teacher(t, srv)
			lea := &client{t: t, http: &http.Client{Timeout: 10 * time.Second}, base: srv.url, auth: token}
			var board struct {
				Assignments []struct {
					ID    string
					Files []struct{ Hash, Name string }
				}
			}
			lea.do("GET", "/api/board", "", nil, 200, &board)
			if len(board.Assignments) != 1 || len(board.Assignments[0].Files) != 1 || board.Assignments[0].Files[0].Name != "Blatt.pdf" {
				t.Fatalf("after kill -9, the board is %+v", board)
			}
			var got []byte
			lea.do("GET", "/api/board/files/"+board.Assignments[0].Files[0].Hash, "", nil, 200, &got)
			if !bytes.Equal(got, sheet) {
				t.Fatal("worksheet bytes differ after kill -9")
			}

			photo := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{1, 2, 3, 4}, 300_000)...)
			ct, body = form(t, []string{"kind", "handin", "text", "Meine Lösung"}, "files", "Heft.png", photo)
			lea.do("PUT", "/api/board/"+a.ID+"/handins/01HZX3K6V9Q2W8KILL9", ct, body, 201, nil)
			srv.kill(t)

			srv = start(t, dir, flags...)
			alice = teacher(t, srv)
			var view struct {
				Students []struct {
					State   string
					HandIns []struct {
						ID, Text string
						Files    []struct{ Hash, Name string }
					}
				}
			}
			alice.do("GET", "/api/classes/"+class.ID+"/board/"+a.ID+"/handins", "", nil, 200, &view)
			if len(view.Students) != 1 || view.Students[0].State != "handed-in" || len(view.Students[0].HandIns) != 1 ||
				view.Students[0].HandIns[0].Text != "Meine Lösung" || len(view.Students[0].HandIns[0].Files) != 1 {
				t.Fatalf("after kill -9, the hand-ins are %+v", view)
			}
			h := view.Students[0].HandIns[0]
			alice.do("GET", "/api/classes/"+class.ID+"/board/"+a.ID+"/handins/"+h.ID+"/files/"+h.Files[0].Hash, "", nil, 200, &got)
			if !bytes.Equal(got, photo) {
				t.Fatal("handed-in bytes differ after kill -9")
			}
			// The outbox sending it once more after the restart changes nothing.
			ct, body = form(t, []string{"kind", "handin", "text", "Meine Lösung"}, "files", "Heft.png", photo)
			lea.base = srv.url
			lea.do("PUT", "/api/board/"+a.ID+"/handins/01HZX3K6V9Q2W8KILL9", ct, body, 200, nil)
		})
	}
}
