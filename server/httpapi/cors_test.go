package httpapi

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestCORS(t *testing.T) {
	var reached int
	h := cors([]string{"https://schule.example/", "http://127.0.0.1:9000"}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached++
		w.Write([]byte("ok"))
	}))
	do := func(method, path, origin string, preflight bool) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, path, nil)
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		if preflight {
			req.Header.Set("Access-Control-Request-Method", "POST")
			req.Header.Set("Access-Control-Request-Headers", "content-type")
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}

	t.Run("allowed origin", func(t *testing.T) {
		rec := do("GET", "/api/me", "https://schule.example", false)
		if got := rec.Header().Get("Access-Control-Allow-Origin"); got != "https://schule.example" {
			t.Errorf("Allow-Origin = %q", got)
		}
		if rec.Header().Get("Access-Control-Allow-Credentials") != "true" {
			t.Error("no Allow-Credentials for an allowed origin")
		}
		if rec.Header().Get("Vary") != "Origin" {
			t.Errorf("Vary = %q", rec.Header().Get("Vary"))
		}
	})
	t.Run("allowed preflight", func(t *testing.T) {
		before := reached
		rec := do("OPTIONS", "/api/lessons", "http://127.0.0.1:9000", true)
		if rec.Code != http.StatusNoContent {
			t.Errorf("status %d", rec.Code)
		}
		if reached != before {
			t.Error("preflight reached the API")
		}
		if rec.Header().Get("Access-Control-Allow-Origin") != "http://127.0.0.1:9000" ||
			rec.Header().Get("Access-Control-Allow-Headers") != "Content-Type, Authorization, If-None-Match" ||
			rec.Header().Get("Access-Control-Allow-Methods") != "GET, POST, PUT, DELETE" {
			t.Errorf("preflight headers: %v", rec.Header())
		}
	})
	t.Run("other origin", func(t *testing.T) {
		for _, origin := range []string{"https://evil.example", "https://schule.example.evil", "null", "http://127.0.0.1:9001"} {
			rec := do("GET", "/api/me", origin, false)
			if v := rec.Header().Get("Access-Control-Allow-Origin"); v != "" {
				t.Errorf("%s: Allow-Origin = %q", origin, v)
			}
			if v := rec.Header().Get("Access-Control-Allow-Credentials"); v != "" {
				t.Errorf("%s: Allow-Credentials = %q", origin, v)
			}
			if rec := do("OPTIONS", "/api/lessons", origin, true); rec.Code != http.StatusForbidden || rec.Header().Get("Access-Control-Allow-Origin") != "" {
				t.Errorf("%s: preflight answered %d with %v", origin, rec.Code, rec.Header())
			}
		}
	})
	t.Run("no origin and no api", func(t *testing.T) {
		if rec := do("GET", "/api/me", "", false); rec.Header().Get("Access-Control-Allow-Origin") != "" || rec.Body.String() != "ok" {
			t.Errorf("same-origin request changed: %v", rec.Header())
		}
		if rec := do("GET", "/", "https://schule.example", false); rec.Header().Get("Access-Control-Allow-Origin") != "" || rec.Header().Get("Vary") != "" {
			t.Errorf("pages got CORS headers: %v", rec.Header())
		}
	})
}
