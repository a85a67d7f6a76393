package metrics

import (
	"errors"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestStorageAndTURNMetrics(t *testing.T) {
	r := New(func() int { return 0 })
	st := NewStorageTimer()
	allocs := 7
	r.Register(st.Collector(), TURNAllocations(func() int { return allocs }))
	st.Observe("attendance", 3*time.Millisecond, nil)
	st.Observe("attendance", time.Second, errors.New("disk full"))
	st.Observe("lesson-end", time.Millisecond, nil)

	rec := httptest.NewRecorder()
	r.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	text := string(body)
	for _, want := range []string{
		`ersatzraum_storage_write_seconds_count{op="attendance",result="ok"} 1`,
		`ersatzraum_storage_write_seconds_count{op="attendance",result="error"} 1`,
		`ersatzraum_storage_write_seconds_bucket{op="attendance",result="ok",le="0.005"} 1`,
		`ersatzraum_storage_write_seconds_count{op="lesson-end",result="ok"} 1`,
		"ersatzraum_turn_allocations 7",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}
