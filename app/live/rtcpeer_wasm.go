//go:build wasm

package live

import (
	"fmt"
	"syscall/js"

	"ersatzraum/app/protocol"
)

// rtcPeer is the browser's RTCPeerConnection, called through syscall/js.
// pion's js build wrapped it before, but only for its types it linked
// pion's ICE, STUN, SDP, RTP and DTLS packages into the wasm that every
// student downloads; the few calls a call needs are these.
type rtcPeer struct{ v js.Value }

// description is an RTCSessionDescription.
type description struct {
	Type string // "offer" or "answer"
	SDP  string
}

func (d description) js() map[string]any { return map[string]any{"type": d.Type, "sdp": d.SDP} }

// jsCatch turns the exception a synchronous browser call throws (it
// reaches Go as a panic with a js.Error) into an error.
func jsCatch(err *error) {
	if r := recover(); r != nil {
		if e, ok := r.(js.Error); ok {
			*err = e
			return
		}
		*err = fmt.Errorf("%v", r)
	}
}

func newRTCPeer(ice *protocol.ICEConfig) (pc rtcPeer, err error) {
	defer jsCatch(&err)
	return rtcPeer{v: js.Global().Get("RTCPeerConnection").New(configuration(ice))}, nil
}

// configuration is the RTCConfiguration for the school's own servers.
func configuration(ice *protocol.ICEConfig) map[string]any {
	servers := []any{}
	cfg := map[string]any{"iceServers": servers}
	if ice == nil {
		return cfg
	}
	for _, srv := range ice.Servers {
		urls := make([]any, len(srv.URLs))
		for i, u := range srv.URLs {
			urls[i] = u
		}
		servers = append(servers, map[string]any{"urls": urls, "username": srv.Username, "credential": srv.Credential})
	}
	cfg["iceServers"] = servers
	if ice.Policy == "relay" {
		cfg["iceTransportPolicy"] = "relay"
	}
	return cfg
}

// JSValue is the browser object, for the calls that have no method here.
func (pc rtcPeer) JSValue() js.Value { return pc.v }

func (pc rtcPeer) createOffer(iceRestart bool) (description, error) {
	return pc.describe(pc.v.Call("createOffer", map[string]any{"iceRestart": iceRestart}))
}

func (pc rtcPeer) createAnswer() (description, error) { return pc.describe(pc.v.Call("createAnswer")) }

func (pc rtcPeer) describe(promise js.Value) (description, error) {
	v, err := await(promise)
	if err != nil {
		return description{}, err
	}
	return description{Type: v.Get("type").String(), SDP: v.Get("sdp").String()}, nil
}

func (pc rtcPeer) setLocal(d description) error {
	_, err := await(pc.v.Call("setLocalDescription", d.js()))
	return err
}

func (pc rtcPeer) setRemote(d description) error {
	_, err := await(pc.v.Call("setRemoteDescription", d.js()))
	return err
}

// localSDP is the local description as the browser holds it now (with
// the candidates gathered so far), "" when there is none.
func (pc rtcPeer) localSDP() string {
	d := pc.v.Get("localDescription")
	if !d.Truthy() {
		return ""
	}
	return d.Get("sdp").String()
}

func (pc rtcPeer) addCandidate(c protocol.Candidate) error {
	init := map[string]any{"candidate": c.Candidate}
	if c.SDPMid != nil {
		init["sdpMid"] = *c.SDPMid
	}
	if c.SDPMLineIndex != nil {
		init["sdpMLineIndex"] = int(*c.SDPMLineIndex)
	}
	if c.UsernameFragment != nil {
		init["usernameFragment"] = *c.UsernameFragment
	}
	_, err := await(pc.v.Call("addIceCandidate", init))
	return err
}

// receiveOnly asks for kind ("audio" or "video") without sending any.
func (pc rtcPeer) receiveOnly(kind string) (err error) {
	defer jsCatch(&err)
	pc.v.Call("addTransceiver", kind, map[string]any{"direction": "recvonly"})
	return nil
}

func (pc rtcPeer) setConfiguration(ice *protocol.ICEConfig) (err error) {
	defer jsCatch(&err)
	pc.v.Call("setConfiguration", configuration(ice))
	return nil
}

func (pc rtcPeer) connectionState() string { return pc.v.Get("connectionState").String() }
func (pc rtcPeer) signalingState() string  { return pc.v.Get("signalingState").String() }
func (pc rtcPeer) gatheringState() string  { return pc.v.Get("iceGatheringState").String() }

// candidateOf reads an RTCIceCandidate; ok is false for the null that
// ends gathering.
func candidateOf(v js.Value) (c protocol.Candidate, ok bool) {
	if !v.Truthy() {
		return c, false
	}
	c.Candidate = v.Get("candidate").String()
	if c.Candidate == "" {
		return c, false // the empty end-of-candidates candidate
	}
	if mid := v.Get("sdpMid"); mid.Type() == js.TypeString {
		s := mid.String()
		c.SDPMid = &s
	}
	if idx := v.Get("sdpMLineIndex"); idx.Type() == js.TypeNumber {
		n := uint16(idx.Int())
		c.SDPMLineIndex = &n
	}
	if uf := v.Get("usernameFragment"); uf.Type() == js.TypeString {
		s := uf.String()
		c.UsernameFragment = &s
	}
	return c, true
}
