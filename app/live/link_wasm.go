//go:build wasm

package live

import (
	"encoding/json"
	"syscall/js"
)

// Link reads the connection's statistics: the selected candidate pair
// (relayed? round trip) and the loss of incoming packets. It blocks on
// the browser: call it off the UI goroutine.
//
// The report crosses into Go as one JSON string. Visiting its entries
// with a Go callback (forEach) calls back into Go once per entry, and a
// report has dozens (candidates, pairs, codecs, streams): with 30
// students checked every few seconds on a busy machine, that held the
// teacher's page for seconds.
func (p *Peer) Link() (Link, error) {
	stats, err := await(p.pc.JSValue().Call("getStats"))
	if err != nil {
		return Link{}, err
	}
	entries := js.Global().Get("Array").Call("from", stats.Call("values"))
	// Only the fields linkOf reads cross: a whole report is tens of
	// kilobytes, and decoding it in Go for every student every few
	// seconds was the longest stall left on the teacher's page.
	raw := js.Global().Get("JSON").Call("stringify", entries, statsFields).String()
	var read []statsEntry
	if err := json.Unmarshal([]byte(raw), &read); err != nil {
		return Link{}, err
	}
	return linkOf(read), nil
}

// statsFields is the JSON.stringify allowlist: statsEntry's fields.
var statsFields = js.ValueOf([]any{"id", "type", "selectedCandidatePairId", "packetsLost", "packetsReceived",
	"currentRoundTripTime", "localCandidateId", "remoteCandidateId", "candidateType"})
