//go:build !wasm

package main

import (
	"os"
	"testing"
)

// wasmBrotliBudget is the most app.wasm.br may weigh: what students
// download on every new release. Set from the size on 2026-11-27
// (1,711,846 B, with class lists and lobby) plus a small margin; raised
// the same day to 1,840,000 B for the roll call's controls and the
// offline assignment board (IndexedDB, outbox: 1,809,989 B), decided in
// that change. Lowered on 2026-12-02 to 1,780,000 B once the browser's
// RTCPeerConnection was called directly instead of through pion's js
// build (1,687,615 B), with chat, quick checks and screen sharing on top
// (1,752,210 B). Lowered on 2026-12-02 to 1,500,000 B once the wasm was
// built against go-app without its page server (server/assets/goappclient:
// no net/http, TLS or x509 any more; 1,776,731 B to 1,454,467 B), under
// the first-visit goal of 1.6 MB. Raising it is a decision, taken in the change that needs
// it, with the new size in README (Performance).
const wasmBrotliBudget = 1_500_000

var wasmFiles = []struct{ name, file string }{
	{"raw", "web/app.wasm"},
	{"gzip", "web/app.wasm.gz"},
	{"brotli", "web/app.wasm.br"},
}

// TestWasmBrotliBudget fails when the compressed wasm outgrows its budget.
// It measures bytes, not time, so it is stable on any machine.
func TestWasmBrotliBudget(t *testing.T) {
	st, err := os.Stat("web/app.wasm.br")
	if os.IsNotExist(err) {
		t.Skip("web/app.wasm.br is not built: run `make wasm` (make unit does)")
	}
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.Stat("web/app.wasm")
	if err == nil && raw.ModTime().After(st.ModTime()) {
		t.Fatal("web/app.wasm.br is older than web/app.wasm: run `make wasm`")
	}
	if st.Size() > wasmBrotliBudget {
		t.Errorf("app.wasm.br is %d B, over its budget of %d B by %d B: make it smaller, or raise wasmBrotliBudget on purpose", st.Size(), wasmBrotliBudget, st.Size()-wasmBrotliBudget)
	}
	t.Logf("app.wasm.br: %d B of %d B budget", st.Size(), wasmBrotliBudget)
}

// BenchmarkWasmSize reports the wasm sizes as benchmark metrics
// (go test -run '^$' -bench WasmSize .), so that size can be tracked with
// the same tools as speed.
func BenchmarkWasmSize(b *testing.B) {
	sizes := make([]int64, len(wasmFiles))
	for i, f := range wasmFiles {
		st, err := os.Stat(f.file)
		if err != nil {
			b.Skipf("%s: %v (run `make wasm`)", f.file, err)
		}
		sizes[i] = st.Size()
	}
	for b.Loop() {
	}
	for i, f := range wasmFiles {
		b.ReportMetric(float64(sizes[i]), f.name+"-B")
	}
}
