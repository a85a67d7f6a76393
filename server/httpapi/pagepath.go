package httpapi

import (
	"net/http"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// The app's own addresses (app/ui/routes.go, go-app's generated files,
// /web/ assets) use only these characters: codes, tokens and ids are
// letters, digits and "-". go-app prerenders pages with the request path
// in attributes (og:url) quoted the Go way, not HTML-escaped, so a quote
// or "<" in the path would become markup in the page. pagePaths keeps
// every other character away from go-app, whatever go-app does with it.
func safePagePath(p string) bool {
	if p == "" || p[0] != '/' {
		return false
	}
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case c == '/', c == '-', c == '.', c == '_', c == '~':
		default:
			return false
		}
	}
	return true
}

// pageNotFound is what an address with other characters gets: not the
// app shell (it would carry the address), no echo of the address.
const pageNotFound = `<!doctype html>
<html lang="de"><head><meta charset="utf-8"><title>Ersatzraum</title></head>
<body><main>
<p>Diese Adresse gibt es nicht. Bitte den Link noch einmal genau abschreiben oder von der Startseite aus beitreten.</p>
<p lang="en">This address does not exist. Please copy the link again exactly, or join from the start page.</p>
<p><a href="/">Zur Startseite / Start page</a></p>
</main></body></html>
`

// isAsset: files under /web/ (also go-app's versioned /VERSION/web/) and
// the wasm, served by Assets, never prerendered.
func isAsset(p, version string) bool {
	return strings.HasPrefix(p, "/web/") || (version != "" && strings.HasPrefix(p, "/"+version+"/web/")) ||
		p == "/app.wasm" || p == "/goapp.wasm"
}

// pagePaths hands go-app only safe paths, and no query except to the
// assets and the page's language (pagelang.go): the pages read their
// parameters from the path, never from the visitor's query on the server.
// 404
// keeps the service worker's offline fallback to the app shell working.
func pagePaths(next *app.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !safePagePath(r.URL.Path) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Cache-Control", "no-store")
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(pageNotFound))
			return
		}
		if isAsset(r.URL.Path, next.Version) {
			next.ServeHTTP(w, r) // the assets read ?v= (assets.go)
			return
		}
		if r.URL.RawQuery != "" || r.URL.RawPath != "" || r.URL.Fragment != "" {
			r2 := r.Clone(r.Context())
			u := *r.URL
			u.RawQuery, u.RawPath, u.Fragment, u.ForceQuery = "", "", "", false
			r2.URL = &u
			r2.RequestURI = u.RequestURI()
			r = r2
		}
		if goAppFile(r.URL.Path, next.Version) {
			next.ServeHTTP(w, r)
			return
		}
		inLanguage(next, next.Version, w, r) // pagelang.go
	})
}
