//go:build wasm

package live

import (
	"errors"
	"syscall/js"
)

// SendAudio sends s's sound on this connection in place of what the
// audio sender carries now, without renegotiating; a stream without
// sound sends none.
func (p *Peer) SendAudio(s Stream) error {
	var track any = js.Null()
	if s.Valid() {
		if tracks := s.v.Call("getAudioTracks"); tracks.Length() > 0 {
			track = tracks.Index(0)
		}
	}
	return p.replaceSent("audio", track)
}

// BrowserMix mixes the teacher's voice and a student's sound (Web Audio)
// into one new stream; stop ends it. The teacher's microphone is the
// source itself, so muting it mutes the teacher in the mix as well.
func BrowserMix(voice, student Stream) (Stream, func(), error) {
	ctor := js.Global().Get("AudioContext")
	if !ctor.Truthy() || !student.Valid() || student.v.Call("getAudioTracks").Length() == 0 {
		return Stream{}, nil, errors.New("no sound to mix")
	}
	ctx := ctor.New()
	dst := ctx.Call("createMediaStreamDestination")
	if voice.HasAudio() {
		ctx.Call("createMediaStreamSource", voice.v).Call("connect", dst)
	}
	sound := js.Global().Get("MediaStream").New(student.v.Call("getAudioTracks"))
	ctx.Call("createMediaStreamSource", sound).Call("connect", dst)
	// Chromium feeds a remote track into Web Audio only while a media
	// element holds it; a muted one that is never shown is enough.
	holder := js.Global().Get("Audio").New()
	holder.Set("muted", true)
	holder.Set("srcObject", sound)
	// The page has been clicked (the teacher called the student on), so
	// the context may run; do not wait for it.
	ctx.Call("resume").Call("catch", ignoreRefusal)
	stop := func() {
		holder.Set("srcObject", js.Null())
		ctx.Call("close").Call("catch", ignoreRefusal)
	}
	return Stream{v: dst.Get("stream")}, stop, nil
}
