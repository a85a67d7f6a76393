package httpapi

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// go-app's own app.js, as its handler sends it, gets the start after the
// first paint: the test fails when a go-app update moves the start call.
func TestAppJSStartsTheWasmAfterTheFirstPaint(t *testing.T) {
	h := pagePaths(&app.Handler{Name: "Ersatzraum", Version: "v1"})
	for _, path := range []string{"/app.js", "/v1/app.js"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: %d", path, rec.Code)
		}
		js := rec.Body.String()
		if strings.Contains(js, appJSStartCall) {
			t.Errorf("%s still starts the wasm at once", path)
		}
		if !strings.Contains(js, "\nersatzraumAfterFirstPaint(goappInitWebAssembly);\n") || !strings.Contains(js, "function ersatzraumAfterFirstPaint(start)") {
			t.Errorf("%s does not start the wasm after the first paint", path)
		}
		if !strings.Contains(js, "async function goappInitWebAssembly()") {
			t.Errorf("%s lost go-app's loader", path)
		}
		if got := rec.Header().Get("Content-Length"); got != "" && got != strconv.Itoa(len(js)) {
			t.Errorf("%s: Content-Length %s for %d bytes", path, got, len(js))
		}
		if ct := rec.Header().Get("Content-Type"); !strings.Contains(ct, "javascript") {
			t.Errorf("%s: Content-Type %q", path, ct)
		}
	}
}

func TestPatchAppJSRefusesAnUnknownScript(t *testing.T) {
	for _, src := range []string{"", "goappInitWebAssembly();", "\ngoappInitWebAssembly();\n\ngoappInitWebAssembly();\n"} {
		if _, err := PatchAppJS([]byte(src)); err == nil {
			t.Errorf("patched %q", src)
		}
	}
}
