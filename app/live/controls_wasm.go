//go:build wasm

package live

import "syscall/js"

// SetAudioEnabled turns the stream's microphone on or off without
// renegotiating: a disabled track sends silence.
func (s Stream) SetAudioEnabled(on bool) {
	if !s.Valid() {
		return
	}
	tracks := s.v.Call("getAudioTracks")
	for i := 0; i < tracks.Length(); i++ {
		tracks.Index(i).Set("enabled", on)
	}
}

// SetVideoEnabled turns the stream's camera on or off without
// renegotiating: a disabled track sends black frames.
func (s Stream) SetVideoEnabled(on bool) {
	if !s.Valid() {
		return
	}
	tracks := s.v.Call("getVideoTracks")
	for i := 0; i < tracks.Length(); i++ {
		tracks.Index(i).Set("enabled", on)
	}
}

// HasAudio reports whether the stream carries a microphone track.
func (s Stream) HasAudio() bool {
	return s.Valid() && s.v.Call("getAudioTracks").Length() > 0
}

// SetMuted mutes or unmutes the media element with the given id (the
// teacher hears only the student called on).
func SetMuted(elementID string, muted bool) {
	el := js.Global().Get("document").Call("getElementById", elementID)
	if el.Truthy() && el.Get("muted").Bool() != muted {
		el.Set("muted", muted)
	}
}

// SendVideo starts or stops sending s's video on this connection, without
// renegotiating (for a student on a weak line who wants sound only). It
// blocks on the browser: call it off the UI goroutine.
func (p *Peer) SendVideo(s Stream, on bool) error {
	var track any = js.Null()
	if on && s.Valid() {
		tracks := s.v.Call("getVideoTracks")
		if tracks.Length() == 0 {
			return nil
		}
		track = tracks.Index(0)
	}
	return p.replaceSent("video", track)
}

// replaceSent puts track (or null: send nothing) on the sender of the
// connection's kind ("audio", "video") transceiver, without
// renegotiating.
func (p *Peer) replaceSent(kind string, track any) error {
	transceivers := p.pc.JSValue().Call("getTransceivers")
	for i := 0; i < transceivers.Length(); i++ {
		tr := transceivers.Index(i)
		if tr.Get("receiver").Get("track").Get("kind").String() != kind {
			continue
		}
		_, err := await(tr.Get("sender").Call("replaceTrack", track))
		return err
	}
	return nil
}

// Sound is a stream of s's microphone alone, the same track: muting the
// microphone mutes it here too. A group that may not see each other gets
// this one.
func (s Stream) Sound() Stream {
	if !s.Valid() {
		return s
	}
	return Stream{v: js.Global().Get("MediaStream").New(s.v.Call("getAudioTracks"))}
}
