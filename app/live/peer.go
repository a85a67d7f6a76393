package live

import "ersatzraum/app/protocol"

// PeerConn is what a call needs of one WebRTC connection. *Peer, the
// browser's, is the real one; the calls' tests use fakes. Methods that
// wait for the browser block: calls use them on their own goroutine only.
type PeerConn interface {
	SetCaps(Caps)
	AddStream(Stream)
	Receive(kind string, sending Stream)
	Offer() (string, error)
	RestartOffer() (string, error)
	Renegotiate(offer string) (string, error)
	Answer(offer string, local Stream) (string, error)
	Accept(answer string) error
	AddCandidate(protocol.Candidate) error
	UseICE(*protocol.ICEConfig) error
	PendingOffer() string
	State() string
	Healthy() bool
	SendVideo(s Stream, on bool) error
	SendAudio(s Stream) error
	Link() (Link, error)
	Close()
}

// PeerEvents are what a connection reports. Each callback must return at
// once: the calls only queue the event for their goroutine.
type PeerEvents struct {
	Candidate func(protocol.Candidate)
	Stream    func(Stream)
	State     func(string)
}

// PeerFactory makes a connection with the given network configuration.
type PeerFactory func(ice *protocol.ICEConfig, ev PeerEvents) (PeerConn, error)

// BrowserPeers makes the browser's connections.
func BrowserPeers(ice *protocol.ICEConfig, ev PeerEvents) (PeerConn, error) {
	p, err := NewPeer(ice, ev.Candidate, ev.Stream, ev.State)
	if err != nil {
		return nil, err
	}
	return p, nil
}

// Peer connection states as the browser names them.
const (
	peerConnected    = "connected"
	peerDisconnected = "disconnected"
	peerFailed       = "failed"
	peerClosed       = "closed"
)

// useBrowser fills in the browser's peers and media where a call was given
// none (tests give fakes).
func useBrowser(peers *PeerFactory, media *func(Constraints) (Stream, error)) {
	if *peers == nil {
		*peers = BrowserPeers
	}
	if *media == nil {
		*media = UserMedia
	}
}
