package httpapi

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"ersatzraum/app/i18n"
)

// A page is prerendered in the visitor's language, so that the app, when
// its wasm starts, does not redraw it in another one (the largest paint
// would move to that moment). The server decides as the app does
// (app/ui/lang.go): the user's stored choice, which web/lang.js mirrors
// into a cookie, else the browser's languages, which it sends as
// Accept-Language; German when neither names a language we have.
//
// One address serves every language, so the answer says what it depends
// on (Vary: Cookie, Accept-Language) and which language it is in
// (Content-Language, which the service worker files its copy under), and
// its ETag names the language: a German copy never revalidates as the
// English page. Separate addresses per language (/en/...) would need every
// link, the join links handed out and the printed QR codes to carry the
// language, and the bare address would still have to choose.

// pageLang is the language the server draws r's page in.
func pageLang(r *http.Request) i18n.Lang {
	if c, err := r.Cookie(i18n.ChoiceKey); err == nil {
		switch l := i18n.Lang(c.Value); l {
		case i18n.German, i18n.English:
			return l
		}
	}
	return i18n.Preferred(acceptedLanguages(r.Header.Get("Accept-Language")))
}

// acceptedLanguages lists an Accept-Language header's tags by preference
// (q, then order), without those refused with q=0: the order of the
// browser's navigator.languages, which the app reads.
func acceptedLanguages(header string) []string {
	type tag struct {
		name string
		q    float64
	}
	var tags []tag
	for _, part := range strings.Split(header, ",") {
		fields := strings.Split(part, ";")
		name := strings.TrimSpace(fields[0])
		if name == "" || name == "*" {
			continue
		}
		q := 1.0
		for _, f := range fields[1:] {
			if v, ok := strings.CutPrefix(strings.TrimSpace(f), "q="); ok {
				if p, err := strconv.ParseFloat(v, 64); err == nil {
					q = p
				}
			}
		}
		if q > 0 {
			tags = append(tags, tag{name, q})
		}
	}
	slices.SortStableFunc(tags, func(a, b tag) int { return cmp.Compare(b.q, a.q) })
	names := make([]string, len(tags))
	for i, t := range tags {
		names[i] = t.name
	}
	return names
}

// goAppFiles are the files go-app's handler generates or proxies: the
// same for every language. Every other path it answers is a page.
var goAppFiles = map[string]bool{
	"/app.js": true, "/goapp.js": true, "/app-worker.js": true, "/wasm_exec.js": true,
	"/app.css": true, "/manifest.webmanifest": true, "/manifest.json": true,
	"/robots.txt": true, "/sitemap.xml": true, "/ads.txt": true,
}

func goAppFile(p, version string) bool {
	if version != "" {
		p = strings.TrimPrefix(p, "/"+version)
	}
	return goAppFiles[p]
}

// inLanguage hands go-app's prerender r's language (the only channel to
// it is the page's address: it sees no headers) and marks the answer as
// depending on it. r's query has been cleared (pagePaths).
func inLanguage(next http.Handler, version string, w http.ResponseWriter, r *http.Request) {
	lang := pageLang(r)
	r2 := r.Clone(r.Context())
	u := *r.URL
	q := url.Values{}
	for k, v := range prerenderQuery(r) { // boardpage.go
		q[k] = v
	}
	q.Set(i18n.PrerenderParam, string(lang))
	u.RawQuery = q.Encode()
	r2.URL = &u
	r2.RequestURI = u.RequestURI()
	// go-app answers 304 to its own ETag, the same for every language.
	r2.Header.Del("If-None-Match")

	etag := `"` + version + "-" + string(lang) + `"`
	h := w.Header()
	h.Add("Vary", "Cookie, Accept-Language")
	h.Set("Content-Language", string(lang))
	if r.Header.Get("If-None-Match") == etag {
		h.Set("ETag", etag)
		h.Set("Cache-Control", "no-cache")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	next.ServeHTTP(&etagWriter{ResponseWriter: w, etag: etag}, r2)
}

// etagWriter replaces go-app's ETag by the page's own when the answer
// starts.
type etagWriter struct {
	http.ResponseWriter
	etag    string
	written bool
}

func (e *etagWriter) WriteHeader(code int) {
	if !e.written {
		e.written = true
		if e.Header().Get("ETag") != "" {
			e.Header().Set("ETag", e.etag)
		}
	}
	e.ResponseWriter.WriteHeader(code)
}

func (e *etagWriter) Write(b []byte) (int, error) {
	if !e.written {
		e.WriteHeader(http.StatusOK)
	}
	return e.ResponseWriter.Write(b)
}
