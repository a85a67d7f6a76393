package e2e

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
)

// requestLog records the URL of every request a page makes.
type requestLog struct {
	mu   sync.Mutex
	urls []string
}

func (l *requestLog) listen(ev any) {
	if e, ok := ev.(*network.EventRequestWillBeSent); ok {
		l.mu.Lock()
		l.urls = append(l.urls, e.Request.URL)
		l.mu.Unlock()
	}
}

func (l *requestLog) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.urls...)
}

// The pages load nothing from another host: every request a teacher's and
// a student's browser make during a lesson goes to the school's server
// (or stays in the browser as data: or blob:). The server says so too,
// with a Content-Security-Policy.
func TestPagesTalkOnlyToTheirOwnServer(t *testing.T) {
	srv := startServer(t, freeAddr(t), t.TempDir())
	var teacherLog, studentLog requestLog
	teacher := newBrowserWith(t, "teacher", teacherLog.listen)
	student := newBrowserWith(t, "student", studentLog.listen)

	_, link, _ := startLesson(t, teacher, srv, "Datenschutz")
	joinAdmitted(t, teacher, student, link, "Lea Schulz", true)
	waitFor(t, student, "student receives the teacher", inboundStats+`.then(s => s.videoFrames > 5)`, 30*time.Second)

	for name, log := range map[string]*requestLog{"teacher": &teacherLog, "student": &studentLog} {
		urls := log.all()
		if len(urls) < 5 {
			t.Fatalf("%s: only %d requests recorded; the recorder does not work", name, len(urls))
		}
		for _, u := range urls {
			if !strings.HasPrefix(u, srv.URL+"/") && !strings.HasPrefix(u, "data:") && !strings.HasPrefix(u, "blob:") {
				t.Errorf("%s's page requested %s", name, u)
			}
		}
	}
	csp := eval[string](t, student, `fetch('/').then(r => r.headers.get('Content-Security-Policy'))`)
	for _, want := range []string{"default-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("Content-Security-Policy %q lacks %q", csp, want)
		}
	}
}
