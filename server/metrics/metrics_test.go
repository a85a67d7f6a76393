package metrics

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestMetricsReportWhatHappened(t *testing.T) {
	r := New(func() int { return 3 })
	s := r.Signaling
	s.Connected(1)
	s.Connected(1)
	s.Connected(-1)
	s.Joined("student", "ok", time.Millisecond)
	s.Joined("student", "unknown-lesson", 0)
	s.Joined("", "bad-payload", 0)
	s.Relayed("offer", 50*time.Microsecond)
	s.Disconnected("rate-limited")

	rec := httptest.NewRecorder()
	r.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	text := string(body)
	for _, want := range []string{
		"ersatzraum_connections 1",
		"ersatzraum_lessons 3",
		`ersatzraum_joins_total{result="ok",role="student"} 1`,
		`ersatzraum_joins_total{result="unknown-lesson",role="student"} 1`,
		`ersatzraum_joins_total{result="bad-payload",role="unknown"} 1`,
		"ersatzraum_join_seconds_count 1",
		`ersatzraum_signals_relayed_total{kind="offer"} 1`,
		`ersatzraum_disconnects_total{reason="rate-limited"} 1`,
		"go_memstats_heap_inuse_bytes ",
		"process_resident_memory_bytes ",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}
