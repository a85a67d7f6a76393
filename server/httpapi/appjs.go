package httpapi

import (
	"bytes"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
)

// go-app's app.js starts fetching and compiling the wasm as soon as it
// runs, before the browser has drawn the prerendered page. Chromium then
// draws nothing until the Go program's first run has ended: the chunks of
// the wasm arriving and being compiled, and the run itself, keep the main
// thread busy, so the page a student could already read stays blank for
// a second on this machine (Lighthouse: first paint 1.2 s after
// navigation instead of 0.2 s; on a slow phone line the largest paint is
// counted after the whole wasm download). The patched script starts the
// wasm once the browser reports the page's first contentful paint.
const (
	appJSStartCall    = "\ngoappInitWebAssembly();\n"
	appJSStartPatched = "\nersatzraumAfterFirstPaint(goappInitWebAssembly);\n"
	appJSAfterPaint   = `
// Ersatzraum (server/httpapi/appjs.go): the wasm is fetched once the
// browser reports the prerendered page's first contentful paint (a frame
// begun is not yet a frame shown: busy with the wasm, Chromium may show
// it a second later). A hidden tab draws nothing and starts at once, as
// does a browser that does not report paints; one that reports none
// within 3 s starts then.
function ersatzraumAfterFirstPaint(start) {
  let started = false;
  const go = () => {
    if (!started) {
      started = true;
      start();
    }
  };
  const types = (window.PerformanceObserver && PerformanceObserver.supportedEntryTypes) || [];
  if (document.hidden || !types.includes("paint")) {
    go();
    return;
  }
  new PerformanceObserver((list, observer) => {
    if (list.getEntriesByName("first-contentful-paint").length > 0) {
      observer.disconnect();
      setTimeout(go, 0);
    }
  }).observe({ type: "paint", buffered: true });
  setTimeout(go, 3000);
}
`
)

// PatchAppJS returns go-app's app.js with the wasm started after the
// page's first paint. It fails when the script does not have go-app's
// start call exactly once (another go-app version): the caller keeps the
// original then, which works, only later.
func PatchAppJS(src []byte) ([]byte, error) {
	if n := bytes.Count(src, []byte(appJSStartCall)); n != 1 {
		return nil, errors.New("app.js: go-app's start call goappInitWebAssembly() found " + strconv.Itoa(n) + " times, expected once")
	}
	out := bytes.Replace(src, []byte(appJSStartCall), []byte(appJSStartPatched), 1)
	return append(out, appJSAfterPaint...), nil
}

// appScript serves go-app's /app.js patched by PatchAppJS. The script is
// the same for every request of one version, so it is made once.
type appScript struct {
	once   sync.Once
	status int
	header http.Header
	body   []byte
}

func (s *appScript) serve(next http.Handler, w http.ResponseWriter, r *http.Request) {
	s.once.Do(func() {
		r2 := r.Clone(r.Context())
		r2.Method = http.MethodGet
		r2.Header = http.Header{}
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r2)
		s.status, s.header, s.body = rec.Code, rec.Header().Clone(), rec.Body.Bytes()
		if s.status != http.StatusOK {
			return
		}
		patched, err := PatchAppJS(s.body)
		if err != nil {
			slog.Error("serving go-app's app.js unchanged", "err", err)
			return
		}
		s.body = patched
	})
	h := w.Header()
	for k, v := range s.header {
		if k != "Content-Length" {
			h[k] = v
		}
	}
	if etag := s.header.Get("ETag"); etag != "" && r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(s.body)))
	w.WriteHeader(s.status)
	if r.Method != http.MethodHead {
		w.Write(s.body)
	}
}
