package drill

import (
	"math/rand/v2"
	"slices"
	"sync"
	"time"
)

// maxSamples bounds the memory of one latency series; beyond it the series
// keeps a uniform random sample (reservoir sampling).
const maxSamples = 1 << 20

// latencies collects durations and summarises them as percentiles.
type latencies struct {
	mu      sync.Mutex
	samples []int64 // nanoseconds
	seen    int64
	max     int64
}

func (l *latencies) add(d time.Duration) {
	ns := int64(d)
	if ns < 0 {
		ns = 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.seen++
	l.max = max(l.max, ns)
	if len(l.samples) < maxSamples {
		l.samples = append(l.samples, ns)
		return
	}
	if i := rand.Int64N(l.seen); i < maxSamples {
		l.samples[i] = ns
	}
}

// Percentiles summarise a latency series in milliseconds.
type Percentiles struct {
	Count int64   `json:"count"`
	P50   float64 `json:"p50"`
	P95   float64 `json:"p95"`
	P99   float64 `json:"p99"`
	Max   float64 `json:"max"`
}

func (l *latencies) summary() Percentiles {
	l.mu.Lock()
	s := slices.Clone(l.samples)
	p := Percentiles{Count: l.seen, Max: ms(l.max)}
	l.mu.Unlock()
	if len(s) == 0 {
		return p
	}
	slices.Sort(s)
	at := func(q float64) float64 {
		// Nearest rank.
		i := int(q*float64(len(s))+0.999999) - 1
		return ms(s[min(max(i, 0), len(s)-1)])
	}
	p.P50, p.P95, p.P99 = at(0.50), at(0.95), at(0.99)
	return p
}

func ms(ns int64) float64 {
	return float64(ns/1000) / 1000 // microsecond resolution
}

// tally counts events by reason.
type tally struct {
	mu sync.Mutex
	m  map[string]int
}

func (t *tally) add(reason string) {
	t.mu.Lock()
	if t.m == nil {
		t.m = make(map[string]int)
	}
	t.m[reason]++
	t.mu.Unlock()
}

func (t *tally) snapshot() (map[string]int, int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make(map[string]int, len(t.m))
	n := 0
	for k, v := range t.m {
		out[k] = v
		n += v
	}
	return out, n
}
