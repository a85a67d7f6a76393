//go:build !wasm

package live

import "ersatzraum/app/protocol"

// The stand-ins below let the server compile the UI for prerendering. A
// prerendered page never mounts, so none of them is ever called there.

// browserDial is not available outside the browser.
func browserDial(string, func(Event)) (Conn, error) { return nil, ErrNotInBrowser }

// Stream stands in for a MediaStream. The calls' tests label their fake
// streams to tell camera, screen and mix apart.
type Stream struct{ label string }

// Valid is always false outside the browser.
func (Stream) Valid() bool { return false }

// HasVideo is always false outside the browser.
func (Stream) HasVideo() bool { return false }

// Stop does nothing outside the browser.
func (Stream) Stop() {}

// Constraints mirrors the browser version.
type Constraints struct {
	Video, Audio       bool
	Width, Height, FPS int
}

// UserMedia is not available outside the browser.
func UserMedia(Constraints) (Stream, error) { return Stream{}, ErrNotInBrowser }

// Attach does nothing outside the browser.
func Attach(string, Stream, bool) bool { return false }

// Peer stands in for a WebRTC connection.
type Peer struct{}

// NewPeer is not available outside the browser.
func NewPeer(*protocol.ICEConfig, func(protocol.Candidate), func(Stream), func(string)) (*Peer, error) {
	return nil, ErrNotInBrowser
}

// AddStream does nothing outside the browser.
func (*Peer) AddStream(Stream) {}

// Receive does nothing outside the browser.
func (*Peer) Receive(string, Stream) {}

// UseICE is not available outside the browser.
func (*Peer) UseICE(*protocol.ICEConfig) error { return ErrNotInBrowser }

// State is empty outside the browser.
func (*Peer) State() string { return "" }

// Healthy is always false outside the browser.
func (*Peer) Healthy() bool { return false }

// Offer is not available outside the browser.
func (*Peer) Offer() (string, error) { return "", ErrNotInBrowser }

// RestartOffer is not available outside the browser.
func (*Peer) RestartOffer() (string, error) { return "", ErrNotInBrowser }

// Renegotiate is not available outside the browser.
func (*Peer) Renegotiate(string) (string, error) { return "", ErrNotInBrowser }

// Answer is not available outside the browser.
func (*Peer) Answer(string, Stream) (string, error) { return "", ErrNotInBrowser }

// Accept is not available outside the browser.
func (*Peer) Accept(string) error { return ErrNotInBrowser }

// AddCandidate is not available outside the browser.
func (*Peer) AddCandidate(protocol.Candidate) error { return ErrNotInBrowser }

// Close does nothing outside the browser.
func (*Peer) Close() {}

// SetCaps does nothing outside the browser.
func (*Peer) SetCaps(Caps) {}

// PendingOffer is empty outside the browser.
func (*Peer) PendingOffer() string { return "" }

// TabResume stands in for the tab's resume store.
type TabResume string

// Load is always empty outside the browser.
func (TabResume) Load() string { return "" }

// Save does nothing outside the browser.
func (TabResume) Save(string) {}

// yieldToBrowser has no browser to yield to.
func yieldToBrowser() {}
