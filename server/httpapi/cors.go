package httpapi

import (
	"net/http"
	"strings"
)

// corsMaxAge is how long (seconds) a browser may remember a preflight.
const corsMaxAge = "600"

// cors lets pages from the allowed origins (the web server that hosts the
// exported static app, see `ersatzraum static`) call the JSON API. Only
// exact origins from the list are admitted, never "*": the teacher's
// session is a cookie, so the answer carries Allow-Credentials and must
// name the origin. Requests from other origins get no CORS headers, and
// their preflights are refused, so the browser keeps the answers from
// them. Same-origin requests do not need any of this.
func cors(allowed []string, next http.Handler) http.Handler {
	set := make(map[string]bool, len(allowed))
	for _, o := range allowed {
		set[strings.TrimRight(strings.ToLower(strings.TrimSpace(o)), "/")] = true
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/api/") {
			next.ServeHTTP(w, r)
			return
		}
		h := w.Header()
		h.Add("Vary", "Origin")
		origin := r.Header.Get("Origin")
		ok := origin != "" && set[strings.ToLower(origin)]
		preflight := r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != ""
		if ok {
			h.Set("Access-Control-Allow-Origin", origin)
			h.Set("Access-Control-Allow-Credentials", "true")
		}
		if !preflight {
			next.ServeHTTP(w, r)
			return
		}
		if !ok {
			http.Error(w, "origin not allowed", http.StatusForbidden)
			return
		}
		h.Set("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE")
		h.Set("Access-Control-Allow-Headers", "Content-Type, Authorization, If-None-Match")
		h.Set("Access-Control-Max-Age", corsMaxAge)
		w.WriteHeader(http.StatusNoContent)
	})
}
