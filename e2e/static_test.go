package e2e

import (
	"net"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestStaticExportJoin exports the app with `ersatzraum static`, serves
// the files from a plain file server on another port (the school's own
// web server), and has a student join a lesson through it: API calls
// (CORS) and the signaling WebSocket (origin check) go to the main server,
// which allows that origin explicitly.
func TestStaticExportJoin(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	staticOrigin := "http://" + ln.Addr().String()
	mainAddr := freeAddr(t)

	out := t.TempDir()
	cmd := exec.Command(binary(t), "static", "--out", out, "--server", "http://"+mainAddr)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ersatzraum static: %v\n%s", err, msg)
	}
	files := &http.Server{Handler: http.FileServer(http.Dir(out))}
	go files.Serve(ln)
	t.Cleanup(func() { files.Close() })

	srv := startServer(t, mainAddr, t.TempDir(), "--allowed-origins", staticOrigin)
	teacher := newBrowser(t, "teacher")
	student := newBrowser(t, "student")
	code, _, _ := startLesson(t, teacher, srv, "7b Mathe")

	start := time.Now()
	do(t, student, "open the static page", chromedp.Navigate(staticOrigin+"/"))
	waitFor(t, student, "join field", `(document.querySelector('#join-code') || {}).matches?.(':enabled')`, 60*time.Second)
	if got := eval[string](t, student, `location.origin`); got != staticOrigin {
		t.Fatalf("page origin %s", got)
	}
	// The page asked the main server who is signed in, across origins: the
	// answer must be readable (401), not a CORS failure.
	if got := eval[float64](t, student, `fetch(`+jsString(srv.URL+"/api/me")+`, {credentials: 'include'}).then(r => r.status, () => -1)`); got != 401 {
		t.Errorf("cross-origin /api/me: %v, want 401", got)
	}
	do(t, student, "type the code",
		chromedp.SendKeys(chromedp.CSS("#join-code"), strings.ToLower(code)),
		chromedp.Click(chromedp.CSS("#join-submit")),
	)
	waitFor(t, student, "name field", `(document.querySelector('#student-name') || {}).matches?.(':enabled')`, 30*time.Second)
	do(t, student, "join without camera",
		chromedp.SendKeys(chromedp.CSS("#student-name"), "Mia"),
		chromedp.Click(chromedp.CSS("#join-nocamera")),
	)
	admit(t, teacher, "Mia") // an ad-hoc lesson's code leads to the lobby first
	waitFor(t, student, "student is present", `document.querySelector('#join-status[data-state=present]')`, 30*time.Second)
	waitFor(t, teacher, "teacher sees Mia", rollCallEntry("Mia", "present", "true"), 30*time.Second)
	t.Logf("joined through %s in %v", staticOrigin, time.Since(start).Round(time.Millisecond))
	if got := eval[string](t, student, `location.origin + location.pathname`); got != staticOrigin+"/join/"+code {
		t.Errorf("student page at %s", got)
	}
}
