//go:build wasm

package live

import (
	"strings"
	"sync"
	"syscall/js"
	"time"

	"ersatzraum/app/protocol"
)

// Peer is one WebRTC connection between a student and the teacher.
// Methods that wait for the browser block: call them off the UI goroutine.
type Peer struct {
	pc        rtcPeer
	pending   []protocol.Candidate
	remoteSet bool
	handlers  map[string]js.Func // by event; removed and released on Close
	caps      *Caps
	added     bool // the local tracks are on the connection

	// mu guards the fields below: the browser reports candidates on
	// goroutines of their own while an offer is being made.
	mu sync.Mutex
	// gathering is set while an offer waits for its own candidates; they
	// travel inside the offer then, not one by one.
	gathering bool
	// offered holds the candidate lines the last offer carried, so that
	// a candidate reported late is not sent a second time.
	offered map[string]bool
}

// gatherFor bounds how long an offer waits for the connection's own
// candidates before it goes out. Sent inside the offer, they reach the
// teacher in one setRemoteDescription instead of one addIceCandidate
// each: in Chromium each of those calls waits for the signaling thread
// that every peer connection of the page shares, and with a class
// arriving at once that thread is busy for seconds, freezing the
// teacher's page. Host candidates come at once and the school's TURN
// relay answers within a round trip; whatever comes later still
// trickles.
const gatherFor = 2 * time.Second

// NewPeer creates a peer connection. It uses only the servers the school's
// own Ersatzraum named in ice (its TURN relay), never one from outside; on
// the school's network host candidates connect directly.
// onCandidate receives local ICE candidates to signal; onStream receives
// the remote media stream.
func NewPeer(ice *protocol.ICEConfig, onCandidate func(protocol.Candidate), onStream func(Stream), onState func(string)) (*Peer, error) {
	pc, err := newRTCPeer(ice)
	if err != nil {
		return nil, err
	}
	p := &Peer{pc: pc, handlers: map[string]js.Func{}}
	// Each handler only reads the event and hands it to a goroutine:
	// nothing may block inside a browser callback.
	p.on("icecandidate", func(ev js.Value) {
		c, ok := candidateOf(ev.Get("candidate"))
		if !ok {
			return // gathering complete
		}
		go func() {
			if !p.inOffer(c.Candidate) {
				onCandidate(c)
			}
		}()
	})
	p.on("connectionstatechange", func(js.Value) {
		state := pc.connectionState()
		go onState(state)
	})
	p.on("track", func(ev js.Value) {
		streams := ev.Get("streams")
		var stream js.Value
		if streams.Length() > 0 {
			stream = streams.Index(0)
		} else {
			stream = js.Global().Get("MediaStream").New()
			stream.Call("addTrack", ev.Get("track"))
		}
		go onStream(Stream{v: stream})
	})
	return p, nil
}

// on sets the connection's on<event> handler.
func (p *Peer) on(event string, handle func(ev js.Value)) {
	f := js.FuncOf(func(_ js.Value, args []js.Value) any {
		handle(args[0])
		return nil
	})
	p.handlers[event] = f
	p.pc.JSValue().Set("on"+event, f)
}

// AddStream sends every track of s.
func (p *Peer) AddStream(s Stream) {
	if p.addTracks(s) {
		p.applyCaps()
	}
}

// addTracks adds every track of s and reports whether there were any.
func (p *Peer) addTracks(s Stream) bool {
	if !s.Valid() {
		return false
	}
	tracks := s.v.Call("getTracks")
	p.added = p.added || tracks.Length() > 0
	for i := 0; i < tracks.Length(); i++ {
		if i > 0 {
			// addTrack waits for the browser's signaling thread, which
			// a class arriving at once keeps busy (a main-thread profile
			// measured about 0.2 s a call): one call per task.
			yieldToBrowser()
		}
		p.pc.JSValue().Call("addTrack", tracks.Index(i), s.v)
	}
	return tracks.Length() > 0
}

// SetCaps limits what this connection sends (bitrate, frame rate and
// size of the video; bitrate of the audio). It applies to the tracks sent
// now and is applied again whenever tracks are added or a description is
// set, so it may be called at any time after NewPeer.
func (p *Peer) SetCaps(c Caps) {
	p.caps = &c
	p.applyCaps()
}

// applyCaps sets the caps on every sender that has a track, through
// RTCRtpSender.setParameters. A sender without encodings yet (not
// negotiated) is skipped; the next description brings them.
func (p *Peer) applyCaps() {
	if p.caps == nil {
		return
	}
	senders := p.pc.JSValue().Call("getSenders")
	for i := 0; i < senders.Length(); i++ {
		sender := senders.Index(i)
		track := sender.Get("track")
		if !track.Truthy() {
			continue
		}
		want := p.caps.encoding(track.Get("kind").String())
		if len(want) == 0 {
			continue
		}
		params := sender.Call("getParameters")
		encodings := params.Get("encodings")
		if !encodings.Truthy() || encodings.Length() == 0 {
			continue
		}
		changed := p.caps.degradation(track.Get("kind").String(), params)
		for j := 0; j < encodings.Length(); j++ {
			enc := encodings.Index(j)
			for k, v := range want {
				if cur := enc.Get(k); cur.Type() != js.TypeNumber || cur.Float() != v {
					enc.Set(k, v)
					changed = true
				}
			}
		}
		if !changed {
			continue
		}
		if _, err := await(sender.Call("setParameters", params)); err != nil {
			js.Global().Get("console").Call("warn", "caps:", err.Error())
		}
	}
}

// Receive makes sure the connection asks for kind ("audio" or "video")
// even when it sends none of it.
func (p *Peer) Receive(kind string, sending Stream) {
	if sending.Valid() && sending.v.Call("get"+map[string]string{"audio": "Audio", "video": "Video"}[kind]+"Tracks").Length() > 0 {
		return
	}
	if err := p.pc.receiveOnly(kind); err != nil {
		logf("receive %s: %v", kind, err)
	}
}

// Healthy reports whether the connection is up or still coming up; a
// healthy connection is kept when signaling reconnects.
func (p *Peer) Healthy() bool {
	switch p.pc.connectionState() {
	case "new", "connecting", peerConnected:
		return true
	}
	return false
}

// UseICE switches the connection to a new ICE configuration (fresh TURN
// credentials after a reconnect); it takes effect with the next ICE
// restart.
func (p *Peer) UseICE(ice *protocol.ICEConfig) error {
	return p.pc.setConfiguration(ice)
}

// State is the connection state as the browser names it.
func (p *Peer) State() string { return p.pc.connectionState() }

// Offer creates and sets the local offer.
func (p *Peer) Offer() (string, error) { return p.offer(false) }

// RestartOffer creates an offer that restarts ICE on this connection: new
// candidates, same media and encryption.
func (p *Peer) RestartOffer() (string, error) {
	return p.offer(true)
}

// Renegotiate answers a new offer (an ICE restart) on this connection.
func (p *Peer) Renegotiate(offer string) (string, error) { return p.answer(offer, Stream{}) }

func (p *Peer) offer(iceRestart bool) (string, error) {
	offer, err := p.pc.createOffer(iceRestart)
	if err != nil {
		return "", err
	}
	p.mu.Lock()
	p.gathering = true
	p.mu.Unlock()
	if err := p.pc.setLocal(offer); err != nil {
		p.endGathering("")
		return "", err
	}
	p.applyCaps()
	p.awaitCandidates(gatherFor)
	sdp := offer.SDP
	if d := p.pc.localSDP(); d != "" {
		sdp = d // the browser has added the candidates gathered so far
	}
	p.endGathering(sdp)
	return sdp, nil
}

// awaitCandidates returns when the connection has gathered its
// candidates, or after at most limit.
func (p *Peer) awaitCandidates(limit time.Duration) {
	const every = 20 * time.Millisecond
	for waited := time.Duration(0); waited < limit; waited += every {
		if p.pc.gatheringState() == "complete" {
			return
		}
		time.Sleep(every)
	}
}

// endGathering lets candidates trickle again, except those sdp carries.
func (p *Peer) endGathering(sdp string) {
	offered := map[string]bool{}
	for _, line := range strings.Split(sdp, "\n") {
		if c, ok := strings.CutPrefix(strings.TrimSpace(line), "a="); ok && strings.HasPrefix(c, "candidate:") {
			offered[c] = true
		}
	}
	p.mu.Lock()
	p.gathering = false
	p.offered = offered
	p.mu.Unlock()
}

// inOffer reports whether a local candidate travels inside an offer (the
// one being made, or the last one sent) and so needs no message of its own.
func (p *Peer) inOffer(candidate string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.gathering || p.offered[candidate]
}

// Answer takes a remote offer, attaches local (reusing the offered
// transceivers, so one connection carries media both ways) and returns the
// answer.
func (p *Peer) Answer(offer string, local Stream) (string, error) { return p.answer(offer, local) }

func (p *Peer) answer(offer string, local Stream) (string, error) {
	if err := p.setRemote(description{Type: "offer", SDP: offer}); err != nil {
		return "", err
	}
	// Caps follow the answer below: each applyCaps asks every sender for
	// its parameters, a call that waits for the browser's signaling
	// thread, so one round per answer is enough.
	if !p.added {
		p.addTracks(local)
	}
	answer, err := p.pc.createAnswer()
	if err != nil {
		return "", err
	}
	if err := p.pc.setLocal(answer); err != nil {
		return "", err
	}
	p.applyCaps()
	return answer.SDP, nil
}

// Accept applies the remote answer to our offer.
func (p *Peer) Accept(answer string) error {
	if p.PendingOffer() == "" {
		// No offer of ours is waiting: a second answer to an offer that
		// was sent twice (signaling came back mid-restart). Nothing to do.
		return nil
	}
	if err := p.setRemote(description{Type: "answer", SDP: answer}); err != nil {
		return err
	}
	p.applyCaps()
	return nil
}

func (p *Peer) setRemote(d description) error {
	if err := p.pc.setRemote(d); err != nil {
		return err
	}
	p.remoteSet = true
	for _, c := range p.pending {
		p.addCandidate(c)
	}
	p.pending = nil
	return nil
}

// AddCandidate adds a remote ICE candidate, holding it until the remote
// description is known.
func (p *Peer) AddCandidate(c protocol.Candidate) error {
	if !p.remoteSet {
		p.pending = append(p.pending, c)
		return nil
	}
	return p.addCandidate(c)
}

func (p *Peer) addCandidate(c protocol.Candidate) error {
	return p.pc.addCandidate(c)
}

// Close ends the connection.
func (p *Peer) Close() {
	for event := range p.handlers {
		p.pc.JSValue().Set("on"+event, js.Null())
	}
	p.pc.JSValue().Call("close")
	for event, f := range p.handlers {
		f.Release()
		delete(p.handlers, event)
	}
}

// PendingOffer returns our offer while it waits for its answer, "" when
// none does.
func (p *Peer) PendingOffer() string {
	if p.pc.signalingState() != "have-local-offer" {
		return ""
	}
	return p.pc.localSDP()
}
