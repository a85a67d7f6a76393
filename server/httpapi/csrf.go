package httpapi

import (
	"mime"
	"net/http"
	"strings"

	"ersatzraum/app/protocol"
)

// Cross-site request forgery. The teacher's session cookie is
// SameSite=Lax, which keeps it off requests from other sites, but a
// sibling subdomain of the school (intranet.schule.example) is the same
// site: the browser sends the cookie along with its requests. So every
// state change checks, besides the cookie:
//
//   - where it comes from (sameSite: Origin names this server or an
//     allowed origin, Sec-Fetch-Site is not same-site/cross-site), and
//   - that its body has a type a foreign page cannot send without a CORS
//     preflight (which cors refuses for unlisted origins): JSON, the class
//     list as CSV, and multipart only where a file is uploaded. A form or
//     a no-cors fetch can send text/plain, a urlencoded form, multipart
//     or an untyped Blob, never JSON.
//
// Requests that carry a student's personal link (Authorization: Bearer)
// carry no ambient credential; a foreign page cannot add that header
// without a preflight either. They are left to their handlers.

// bodyTypes says which body types a state change may have, by route; a
// route not listed takes JSON. "*" matches one path segment.
var bodyTypes = []struct {
	method, pattern string
	types           []string
}{
	{"POST", "/login", []string{"application/x-www-form-urlencoded"}},
	{"POST", "/api/classes/*/students", []string{"application/json", "text/csv"}},
	{"POST", "/api/classes/*/board/*/files", []string{"multipart/form-data"}},
}

// matchPath reports whether path has the segments of pattern.
func matchPath(pattern, path string) bool {
	ps, qs := strings.Split(pattern, "/"), strings.Split(path, "/")
	if len(ps) != len(qs) {
		return false
	}
	for i := range ps {
		if ps[i] != "*" && ps[i] != qs[i] {
			return false
		}
	}
	return true
}

func allowedBodyTypes(r *http.Request) []string {
	for _, bt := range bodyTypes {
		if bt.method == r.Method && matchPath(bt.pattern, r.URL.Path) {
			return bt.types
		}
	}
	return []string{"application/json"}
}

// hasBody reports whether a request carries a body: a length above zero,
// or an unknown length (chunked).
func hasBody(r *http.Request) bool { return r.ContentLength != 0 }

// sameSiteWrites refuses state changes from other pages and with bodies
// of the wrong type (403 cross-site, 415 bad-payload) before any handler
// runs. Bodiless state changes (logout, renewing a code, deleting) need
// only the origin check: they have no type to check.
func (s *Server) sameSiteWrites(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			next.ServeHTTP(w, r)
			return
		}
		if StudentToken(r) != "" {
			next.ServeHTTP(w, r)
			return
		}
		if !sameSite(r, s.AllowedOrigins) {
			writeError(w, http.StatusForbidden, protocol.ErrCrossSite, "state changes only from this server's pages")
			return
		}
		ct := r.Header.Get("Content-Type")
		if ct == "" && !hasBody(r) {
			next.ServeHTTP(w, r)
			return
		}
		mt, _, err := mime.ParseMediaType(ct)
		allowed := allowedBodyTypes(r)
		if err != nil || !containsFold(allowed, mt) {
			writeError(w, http.StatusUnsupportedMediaType, protocol.ErrBadPayload, "send the body as "+strings.Join(allowed, " or "))
			return
		}
		next.ServeHTTP(w, r)
	})
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}
