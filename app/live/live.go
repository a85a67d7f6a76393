// Package live owns the browser side of a live lesson: the signaling
// WebSocket with reconnect and resume, the WebRTC peer connection (the
// browser's RTCPeerConnection, called through syscall/js) and the camera and
// microphone. The real implementations are built for js/wasm only; the
// server, which compiles the UI to prerender pages, gets stand-ins that
// report ErrNotInBrowser and are never called there.
package live

import (
	"errors"
	"math"
	"time"

	"ersatzraum/app/protocol"
)

// ErrNotInBrowser is returned by the stand-ins outside the browser.
var ErrNotInBrowser = errors.New("only available in the browser")

// EventKind says what happened on the signaling socket.
type EventKind int

// Socket events.
const (
	EventOpen EventKind = iota
	EventMessage
	EventClosed
)

// Event is one thing that happened on the signaling socket.
type Event struct {
	Kind   EventKind
	Env    protocol.Envelope
	Code   int    // close code, for EventClosed
	Reason string // close reason, for EventClosed
}

// Backoff returns how long to wait before reconnect attempt n (1, 2, …):
// doubling from half a second up to 30 s, spread by jitter in [0,1) to
// ±50 % so that a whole school does not reconnect in the same instant
// after a server restart.
func Backoff(attempt int, jitter float64) time.Duration {
	base := 500 * time.Millisecond * time.Duration(math.Pow(2, float64(min(attempt-1, 6))))
	base = min(base, 30*time.Second)
	return time.Duration(float64(base) * (0.5 + jitter))
}

// Final reports whether a close code means "do not come back": the server
// refused who we are or what we asked for, and trying again cannot help
// (protocol.FinalClose).
func Final(code int) bool { return protocol.FinalClose(code) }
