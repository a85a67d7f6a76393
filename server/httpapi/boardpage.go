package httpapi

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"ersatzraum/server/codes"
	"ersatzraum/server/storage"
)

// A student's board page (/s/TOKEN/aufgaben) arrives with the board in
// it: on a first visit over a slow line the assignments are readable as
// soon as the page is, not once the whole wasm has arrived and asked
// /api/board. The page then holds the student's name and hand-ins, so it
// is sent no-store (no browser or service-worker copy; the app keeps the
// board itself, as the student chose, remember.go) and without an ETag.
// A wrong link is counted like one sent to the API (Guard) and gets the
// page without a board; the app then says the link is unknown.

// prerenderQueryKey carries extra parameters for go-app's prerender from
// the handler that knows them to inLanguage, which builds the address
// the prerender sees (the only channel to it).
type prerenderQueryKey struct{}

func withPrerenderQuery(r *http.Request, q url.Values) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), prerenderQueryKey{}, q))
}

func prerenderQuery(r *http.Request) url.Values {
	q, _ := r.Context().Value(prerenderQueryKey{}).(url.Values)
	return q
}

// boardPageToken is TOKEN of /s/TOKEN/aufgaben.
func boardPageToken(path string) (string, bool) {
	rest, ok := strings.CutPrefix(path, "/s/")
	if !ok {
		return "", false
	}
	token, ok := strings.CutSuffix(rest, "/aufgaben")
	if !ok || token == "" || strings.Contains(token, "/") {
		return "", false
	}
	return token, true
}

// boardPages puts the student's board into their board page, through
// PrerenderBoard; every other request passes unchanged.
func (s *Server) boardPages(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, ok := boardPageToken(r.URL.Path)
		if !ok || s.PrerenderBoard == nil || s.Board == nil || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
			next.ServeHTTP(w, r)
			return
		}
		w = &noStoreWriter{ResponseWriter: w}
		st, err := s.Board.RosterStudentByTokenHash(r.Context(), codes.HashToken(token))
		if errors.Is(err, storage.ErrNotFound) {
			if s.Guard != nil {
				s.Guard.TokenFailed(s.clientAddr(r))
			}
			next.ServeHTTP(w, r)
			return
		}
		if err != nil {
			s.Log.Error("board page: load student", "err", err)
			next.ServeHTTP(w, r)
			return
		}
		b, err := s.boardOf(r.Context(), st)
		if err != nil {
			s.Log.Error("board page: load board", "err", err)
			next.ServeHTTP(w, r)
			return
		}
		q, done := s.PrerenderBoard(b)
		defer done()
		next.ServeHTTP(w, withPrerenderQuery(r, q))
	})
}

// noStoreWriter makes an answer uncacheable whatever go-app set.
type noStoreWriter struct {
	http.ResponseWriter
	written bool
}

func (n *noStoreWriter) WriteHeader(code int) {
	if !n.written {
		n.written = true
		h := n.Header()
		h.Set("Cache-Control", "no-store")
		h.Del("ETag")
	}
	n.ResponseWriter.WriteHeader(code)
}

func (n *noStoreWriter) Write(b []byte) (int, error) {
	if !n.written {
		n.WriteHeader(http.StatusOK)
	}
	return n.ResponseWriter.Write(b)
}
