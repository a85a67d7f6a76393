package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// StorageTimer observes how long storage writes take, by operation.
type StorageTimer struct{ h *prometheus.HistogramVec }

// NewStorageTimer creates the storage latency histogram; add it with
// Registry.Register(t.Collector()).
func NewStorageTimer() *StorageTimer {
	h := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "ersatzraum_storage_write_seconds",
		Help:    "Time a storage write of the roll call takes (fsync included), by operation.",
		Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
	}, []string{"op", "result"})
	for _, op := range []string{"attendance", "lesson-end"} {
		h.WithLabelValues(op, "ok") // shown from the start, at zero
	}
	return &StorageTimer{h: h}
}

// Collector returns what to register.
func (t *StorageTimer) Collector() prometheus.Collector { return t.h }

// Observe records one write; err decides the result label.
func (t *StorageTimer) Observe(op string, took time.Duration, err error) {
	result := "ok"
	if err != nil {
		result = "error"
	}
	t.h.WithLabelValues(op, result).Observe(took.Seconds())
}

// TURNAllocations reports the embedded TURN server's live relay
// allocations when scraped.
func TURNAllocations(count func() int) prometheus.Collector {
	return prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "ersatzraum_turn_allocations",
		Help: "Relay allocations held on the embedded TURN server.",
	}, func() float64 { return float64(count()) })
}
