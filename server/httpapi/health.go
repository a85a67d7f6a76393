package httpapi

import (
	"context"
	"net/http"
	"time"
)

// healthRoutes: liveness, readiness and metrics for the operator.
func (s *Server) healthRoutes(mux *http.ServeMux) {
	// Liveness does not touch storage: a slow database must not get the
	// process restarted.
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok\n")) })
	mux.HandleFunc("GET /readyz", s.ready)
	if s.Metrics != nil {
		mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, r *http.Request) {
			if s.MetricsAllowed != nil && !s.MetricsAllowed(r) {
				http.Error(w, "metrics are not available from your address", http.StatusForbidden)
				return
			}
			s.Metrics.ServeHTTP(w, r)
		})
	}
}

func (s *Server) ready(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.Lessons.Ping(ctx); err != nil {
		http.Error(w, "storage unreachable", http.StatusServiceUnavailable)
		return
	}
	if s.Ready != nil {
		if err := s.Ready(); err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
	}
	w.Write([]byte("ready\n"))
}
