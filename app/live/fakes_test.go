package live

import (
	"encoding/json"
	"sync"
	"testing"
	"time"

	"ersatzraum/app/protocol"
)

// fakeConn is a signaling connection that records what the call sends;
// the test delivers the server's messages with deliver.
type fakeConn struct {
	mu      sync.Mutex // guards sent, closed
	sent    []protocol.Envelope
	closed  bool
	deliver func(Event)
}

func (f *fakeConn) Send(msgType string, data any) error {
	raw, err := protocol.Encode(msgType, data)
	if err != nil {
		return err
	}
	env, _ := protocol.Decode(raw)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sent = append(f.sent, env)
	return nil
}

func (f *fakeConn) Close() {
	f.mu.Lock()
	f.closed = true
	f.mu.Unlock()
	f.deliver(Event{Kind: EventClosed, Code: protocol.CloseNormal, Reason: "bye"})
}

// sentOf returns the payloads of the messages of one type, in order.
func (f *fakeConn) sentOf(msgType string) []json.RawMessage {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []json.RawMessage
	for _, e := range f.sent {
		if e.Type == msgType {
			out = append(out, e.Data)
		}
	}
	return out
}

// fakeNet hands out fake connections and keeps the last.
type fakeNet struct {
	mu    sync.Mutex // guards conns, holdOpen
	conns []*fakeConn
	dials chan *fakeConn
	// holdOpen: connections dialled from now on open only when the
	// test calls open (the server is still away).
	holdOpen bool
}

func newFakeNet() *fakeNet { return &fakeNet{dials: make(chan *fakeConn, 16)} }

func (n *fakeNet) dial(_ string, deliver func(Event)) (Conn, error) {
	c := &fakeConn{deliver: deliver}
	n.mu.Lock()
	n.conns = append(n.conns, c)
	hold := n.holdOpen
	n.mu.Unlock()
	n.dials <- c
	if !hold {
		c.open()
	}
	return c, nil
}

// hold makes the connections dialled from now on wait for open.
func (n *fakeNet) hold(on bool) {
	n.mu.Lock()
	n.holdOpen = on
	n.mu.Unlock()
}

// open reports the connection open, as the browser does once the server
// answers.
func (f *fakeConn) open() { f.deliver(Event{Kind: EventOpen}) }

func (n *fakeNet) next(t *testing.T) *fakeConn {
	t.Helper()
	select {
	case c := <-n.dials:
		return c
	case <-time.After(5 * time.Second):
		t.Fatal("no connection dialled")
		return nil
	}
}

// message delivers one server message to a connection.
func message(c *fakeConn, msgType string, data any) {
	raw := protocol.MustEncode(msgType, data)
	env, _ := protocol.Decode(raw)
	c.deliver(Event{Kind: EventMessage, Env: env})
}

// fakePeer is a connection that answers at once. Like the browser, it
// reports the remote stream while the remote description is applied,
// before Answer returns.
type fakePeer struct {
	mu         sync.Mutex // guards the fields below
	ev         PeerEvents
	state      string
	closed     bool
	videoOn    bool
	videoCalls int
	candidates int
	restarts   int
	streams    int // AddStream calls
	pending    string
	picture    Stream // what SendVideo sent last
	audio      Stream // what SendAudio sent last
	caps       Caps
}

func (p *fakePeer) SetCaps(c Caps) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.caps = c
}

func (p *fakePeer) AddStream(Stream) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.streams++
}

func (p *fakePeer) Receive(string, Stream)           {}
func (p *fakePeer) Offer() (string, error)           { return "offer", nil }
func (p *fakePeer) UseICE(*protocol.ICEConfig) error { return nil }
func (p *fakePeer) Link() (Link, error)              { return Link{}, nil }
func (p *fakePeer) Accept(string) error              { return nil }

func (p *fakePeer) RestartOffer() (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.restarts++
	return "restart-offer", nil
}

func (p *fakePeer) Renegotiate(string) (string, error) { return "restart-answer", nil }

func (p *fakePeer) Answer(_ string, local Stream) (string, error) {
	// The browser fires ontrack during setRemoteDescription.
	p.ev.Stream(Stream{})
	p.mu.Lock()
	p.videoOn, p.picture, p.audio = true, local, local
	p.mu.Unlock()
	return "answer", nil
}

func (p *fakePeer) AddCandidate(protocol.Candidate) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.candidates++
	return nil
}

func (p *fakePeer) PendingOffer() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.pending
}

func (p *fakePeer) State() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.state
}

func (p *fakePeer) Healthy() bool {
	s := p.State()
	return s == "" || s == "new" || s == "connecting" || s == peerConnected
}

func (p *fakePeer) SendVideo(s Stream, on bool) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.videoOn = on
	if on {
		p.picture = s
	}
	p.videoCalls++
	return nil
}

func (p *fakePeer) SendAudio(s Stream) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.audio = s
	return nil
}

func (p *fakePeer) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
}

// setState changes the connection's state as the browser would report it.
func (p *fakePeer) setState(s string) {
	p.mu.Lock()
	p.state = s
	p.mu.Unlock()
	p.ev.State(s)
}

// sending reports what the connection sends: picture (when video is on),
// sound and caps.
func (p *fakePeer) sending() (picture, audio Stream, caps Caps) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.videoOn {
		picture = p.picture
	}
	return picture, p.audio, p.caps
}

func (p *fakePeer) video() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.videoOn
}

// fakePeers makes fake peers and keeps them in order.
type fakePeers struct {
	mu    sync.Mutex // guards peers
	peers []*fakePeer
}

func (f *fakePeers) make(_ *protocol.ICEConfig, ev PeerEvents) (PeerConn, error) {
	p := &fakePeer{ev: ev}
	f.mu.Lock()
	f.peers = append(f.peers, p)
	f.mu.Unlock()
	return p, nil
}

func (f *fakePeers) all() []*fakePeer {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*fakePeer(nil), f.peers...)
}

func noMedia(Constraints) (Stream, error) { return Stream{}, nil }

// eventually waits until cond holds, for state that the call's goroutine
// changes.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 5 s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// views collects the views a call hands out.
type views[V any] struct {
	mu   sync.Mutex // guards last, n
	last V
	n    int
}

func (v *views[V]) on(view V) {
	v.mu.Lock()
	v.last = view
	v.n++
	v.mu.Unlock()
}

func (v *views[V]) get() V {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.last
}
