package httpapi

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"sort"
	"strconv"
	"strings"
)

// WasmLengthHeader carries app.wasm's uncompressed size, so that the
// loading bar of go-app's app.js is right when the wasm arrives compressed.
const WasmLengthHeader = "X-Wasm-Content-Length"

// servedTypes are the file types served from /web/; everything else in the
// folder (Go sources, notes) stays private.
var servedTypes = map[string]string{
	".wasm":  "application/wasm",
	".css":   "text/css; charset=utf-8",
	".png":   "image/png",
	".svg":   "image/svg+xml",
	".ico":   "image/x-icon",
	".woff2": "font/woff2",
	".js":    "text/javascript; charset=utf-8",
	".json":  "application/json",
}

// Assets serves the embedded /web/ folder with build-time compressed copies,
// and resolves resource paths for go-app's Handler.
type Assets struct {
	files   fs.FS
	version string
}

// NewAssets indexes files and derives the version from their content: the
// same build gives the same version on every start and every server.
func NewAssets(files fs.FS) (*Assets, error) {
	var names []string
	err := fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		names = append(names, p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	h := sha256.New()
	for _, n := range names {
		b, err := fs.ReadFile(files, n)
		if err != nil {
			return nil, err
		}
		h.Write([]byte(n))
		h.Write(b)
	}
	return &Assets{files: files, version: hex.EncodeToString(h.Sum(nil))[:16]}, nil
}

// Version identifies this build's assets.
func (a *Assets) Version() string { return a.version }

// WasmSize returns the uncompressed size of app.wasm, 0 when it is missing.
func (a *Assets) WasmSize() int64 {
	st, err := fs.Stat(a.files, "app.wasm")
	if err != nil {
		return 0
	}
	return st.Size()
}

// Resolve implements go-app's ResourceResolver. The wasm URL carries the
// version, so that caches can keep it forever and a new release can never
// be mixed with an old wasm.
func (a *Assets) Resolve(location string) string {
	if location == "/web/app.wasm" || location == "web/app.wasm" {
		return "/web/app.wasm?v=" + a.version
	}
	if strings.HasPrefix(location, "web/") {
		return "/" + location
	}
	return location
}

// ServeHTTP serves a file from /web/, choosing a precompressed copy when
// the browser accepts one.
func (a *Assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(path.Clean(r.URL.Path), "/web/")
	ext := path.Ext(name)
	ctype, ok := servedTypes[ext]
	if !ok || strings.HasPrefix(name, ".") {
		http.NotFound(w, r)
		return
	}
	body, err := fs.ReadFile(a.files, name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	hdr := w.Header()
	hdr.Set("Content-Type", ctype)
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Add("Vary", "Accept-Encoding")
	if r.URL.Query().Get("v") == a.version {
		hdr.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		hdr.Set("Cache-Control", "no-cache")
	}
	if ext == ".wasm" {
		hdr.Set(WasmLengthHeader, strconv.Itoa(len(body)))
	}
	accept := r.Header.Get("Accept-Encoding")
	for _, enc := range []struct{ token, suffix string }{{"br", ".br"}, {"gzip", ".gz"}} {
		if !acceptsEncoding(accept, enc.token) {
			continue
		}
		if packed, err := fs.ReadFile(a.files, name+enc.suffix); err == nil {
			hdr.Set("Content-Encoding", enc.token)
			body = packed
			break
		}
	}
	hdr.Set("ETag", `"`+a.version+hdr.Get("Content-Encoding")+`"`)
	if r.Header.Get("If-None-Match") == hdr.Get("ETag") {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	hdr.Set("Content-Length", strconv.Itoa(len(body)))
	if r.Method == http.MethodHead {
		return
	}
	w.Write(body)
}

// acceptsEncoding reports whether an Accept-Encoding header allows token
// (and does not refuse it with q=0).
func acceptsEncoding(header, token string) bool {
	for _, part := range strings.Split(header, ",") {
		fields := strings.Split(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(fields[0]), token) {
			continue
		}
		for _, f := range fields[1:] {
			if q, ok := strings.CutPrefix(strings.TrimSpace(f), "q="); ok {
				if v, err := strconv.ParseFloat(q, 64); err == nil && v == 0 {
					return false
				}
			}
		}
		return true
	}
	return false
}

func init() {
	// Some minimal container images have no /etc/mime.types; make sure the
	// types go-app relies on are known.
	mime.AddExtensionType(".wasm", "application/wasm")
	mime.AddExtensionType(".webmanifest", "application/manifest+json")
}
