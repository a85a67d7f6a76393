//go:build wasm

package live

import (
	"syscall/js"
	"time"
)

// Link reads the connection's statistics: the selected candidate pair
// (relayed? round trip) and the loss of incoming packets. It blocks on
// the browser: call it off the UI goroutine.
func (p *Peer) Link() (Link, error) {
	stats, err := await(p.pc.JSValue().Call("getStats"))
	if err != nil {
		return Link{}, err
	}
	var pairID string
	var lost, received float64
	visit := js.FuncOf(func(_ js.Value, args []js.Value) any {
		r := args[0]
		switch r.Get("type").String() {
		case "transport":
			if id := r.Get("selectedCandidatePairId"); id.Type() == js.TypeString {
				pairID = id.String()
			}
		case "inbound-rtp":
			if v := r.Get("packetsLost"); v.Type() == js.TypeNumber {
				lost += v.Float()
			}
			if v := r.Get("packetsReceived"); v.Type() == js.TypeNumber {
				received += v.Float()
			}
		}
		return nil
	})
	defer visit.Release()
	stats.Call("forEach", visit)
	var l Link
	if lost+received > 0 {
		l.Loss = lost / (lost + received)
	}
	pair := stats.Call("get", pairID)
	if pairID == "" || !pair.Truthy() {
		return l, nil
	}
	l.Known = true
	if rtt := pair.Get("currentRoundTripTime"); rtt.Type() == js.TypeNumber {
		l.RTT = time.Duration(rtt.Float() * float64(time.Second))
	}
	for _, side := range []string{"localCandidateId", "remoteCandidateId"} {
		c := stats.Call("get", pair.Get(side).String())
		if c.Truthy() && c.Get("candidateType").String() == "relay" {
			l.Relayed = true
		}
	}
	return l, nil
}
