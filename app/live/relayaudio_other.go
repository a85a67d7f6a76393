//go:build !wasm

package live

// SendAudio is not available outside the browser.
func (*Peer) SendAudio(Stream) error { return ErrNotInBrowser }

// BrowserMix is not available outside the browser.
func BrowserMix(Stream, Stream) (Stream, func(), error) { return Stream{}, nil, ErrNotInBrowser }
