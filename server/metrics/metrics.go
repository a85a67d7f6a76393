// Package metrics owns what the server tells Prometheus: the registry with
// Go runtime and process collectors, and the signaling counters that the
// hub and the WebSocket endpoint report through small interfaces of their
// own. It serves them at /metrics.
package metrics

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Signaling counts what the signaling server does.
type Signaling struct {
	connections prometheus.Gauge
	joins       *prometheus.CounterVec
	joinLatency prometheus.Histogram
	relayed     *prometheus.CounterVec
	relayTime   prometheus.Histogram
	dropped     *prometheus.CounterVec
}

// Registry holds every metric of one server process.
type Registry struct {
	reg       *prometheus.Registry
	Signaling *Signaling
}

// New creates the registry. lessons reports the number of live lessons
// when scraped.
func New(lessons func() int) *Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "ersatzraum_lessons",
			Help: "Live lessons held by the signaling hub.",
		}, func() float64 { return float64(lessons()) }),
	)
	s := &Signaling{
		connections: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "ersatzraum_connections",
			Help: "Open signaling WebSocket connections.",
		}),
		joins: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ersatzraum_joins_total",
			Help: "Hello messages handled, by role and result (ok or the error code).",
		}, []string{"role", "result"}),
		joinLatency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "ersatzraum_join_seconds",
			Help:    "Time the hub takes to accept a hello, from receipt to queued welcome.",
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1},
		}),
		relayed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ersatzraum_signals_relayed_total",
			Help: "Signals relayed between students and teachers, by kind.",
		}, []string{"kind"}),
		relayTime: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "ersatzraum_relay_seconds",
			Help:    "Time from receiving a signal to queueing it for its recipient.",
			Buckets: []float64{.00005, .0001, .00025, .0005, .001, .0025, .005, .01},
		}),
		dropped: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ersatzraum_disconnects_total",
			Help: "Connections the server closed for breaking a limit, by reason.",
		}, []string{"reason"}),
	}
	reg.MustRegister(s.connections, s.joins, s.joinLatency, s.relayed, s.relayTime, s.dropped)
	return &Registry{reg: reg, Signaling: s}
}

// Handler serves the metrics in Prometheus text format.
func (r *Registry) Handler() http.Handler {
	return promhttp.HandlerFor(r.reg, promhttp.HandlerOpts{})
}

// Register adds more collectors (storage, TURN) to the registry.
func (r *Registry) Register(c ...prometheus.Collector) { r.reg.MustRegister(c...) }

// Connected counts a connection opening (+1) or closing (-1).
func (s *Signaling) Connected(delta int) { s.connections.Add(float64(delta)) }

// Joined counts a handled hello; result is "ok" or an error code.
func (s *Signaling) Joined(role, result string, took time.Duration) {
	if role == "" {
		role = "unknown"
	}
	s.joins.WithLabelValues(role, result).Inc()
	if result == "ok" {
		s.joinLatency.Observe(took.Seconds())
	}
}

// Relayed counts a relayed signal.
func (s *Signaling) Relayed(kind string, took time.Duration) {
	s.relayed.WithLabelValues(kind).Inc()
	s.relayTime.Observe(took.Seconds())
}

// Disconnected counts a connection closed for breaking a limit.
func (s *Signaling) Disconnected(reason string) { s.dropped.WithLabelValues(reason).Inc() }
