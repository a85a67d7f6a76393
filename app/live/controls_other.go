//go:build !wasm

package live

// SetAudioEnabled does nothing outside the browser.
func (Stream) SetAudioEnabled(bool) {}

// SetVideoEnabled does nothing outside the browser.
func (Stream) SetVideoEnabled(bool) {}

// HasAudio is always false outside the browser.
func (Stream) HasAudio() bool { return false }

// SetMuted does nothing outside the browser.
func SetMuted(string, bool) {}

// SendVideo is not available outside the browser.
func (*Peer) SendVideo(Stream, bool) error { return ErrNotInBrowser }

// Link is not available outside the browser.
func (*Peer) Link() (Link, error) { return Link{}, ErrNotInBrowser }

// Sound is the stream itself outside the browser (the calls' tests tell
// streams apart by label).
func (s Stream) Sound() Stream { return s }
