package live

import (
	"sync/atomic"
	"time"

	"ersatzraum/app/protocol"
)

// StudentCamera is what a student's picture is taken at: a thumbnail for
// the teacher's grid, so that a class of 30 fits the teacher's download.
var StudentCamera = Constraints{Video: true, Audio: true, Width: 320, Height: 240, FPS: 15}

// StudentPhase is where a student is in a lesson.
type StudentPhase int

// Phases of a student's call.
const (
	PhaseJoining StudentPhase = iota // opening media, connecting
	PhaseLobby                       // waiting for the teacher to admit
	PhaseIn                          // in the lesson
	PhaseEnded                       // the teacher ended the lesson
	PhaseLeft                        // the student left
	PhaseClosed                      // the server refused or closed for good
)

// StudentView is what the student's page shows. A view is never changed
// after it was handed to OnView.
type StudentView struct {
	Phase          StudentPhase
	Name           string // as the server knows it (from the class list for a personal link)
	TeacherOnline  bool
	Reconnecting   bool
	NotStarted     bool // the class's lesson has not begun; the call keeps trying
	Called         bool
	HandUp         bool
	MicOff         bool
	AudioOnly      bool
	MutedByTeacher bool
	Local          Stream
	Remote         Stream // the teacher's picture and sound
	// Interrupted: the media to the teacher stopped while signaling is up
	// (the network dropped); it is being restored.
	Interrupted bool
	// Media says what of camera and microphone could not be opened, and
	// why; the student is in the lesson all the same.
	Media  MediaProblem
	Error  string // the last refusal's error code
	Closed string // PhaseClosed: the reason
	Chat   ChatView
	Check  *protocol.StudentCheck // the running quick check; nil: none
	Group  GroupView              // group work (groupmesh.go)
}

// ResumeStore keeps a student's resume token for the browser tab, so that
// a reload or reconnect keeps the student's identity.
type ResumeStore interface {
	Load() string
	Save(token string)
}

// StudentCall is a student's side of a live lesson: the signaling client
// and the one peer connection to the teacher, with its recovery (ICE
// restart, rebuild). Its state lives on the client's goroutine; the page
// gets snapshots through OnView and calls the intent methods.
type StudentCall struct {
	Code     string // join code, or
	Personal string // personal-link token
	Name     string // typed name (not for a personal link)
	Camera   bool   // the student chose to join with camera
	URL      string
	Resume   ResumeStore
	// OnView receives every new view on the call's goroutine; it must
	// return at once.
	OnView func(StudentView)
	// Peers, Media and Dial default to the browser's.
	Peers PeerFactory
	Media func(Constraints) (Stream, error)
	Dial  Dialer

	client  *Client
	leaving atomic.Bool // Leave was called; read when the client closes

	// Owned by the client's goroutine: everything below.
	view      StudentView
	pace      pacer
	peer      PeerConn
	teacherUp bool
	ice       *protocol.ICEConfig
	chat      chatBox
	mesh      groupMesh
}

// Timings of the student's recovery.
const (
	// iceRestartAfter is how long a connection may stay disconnected (a
	// moment without packets is normal on a weak line) before ICE
	// restarts.
	iceRestartAfter = 2 * time.Second
	// rebuildAfter is how long an ICE restart of a failed connection may
	// take before the student builds a new connection instead.
	rebuildAfter = 20 * time.Second
)

// Start opens the media the student chose and joins; it returns at once.
func (c *StudentCall) Start() {
	c.setup()
	go c.run()
}

func (c *StudentCall) setup() {
	useBrowser(&c.Peers, &c.Media)
	c.view.Name = c.Name
	c.client = &Client{
		URL:  c.URL,
		Dial: c.Dial,
		Hello: func() protocol.Hello {
			var resume string
			if c.Resume != nil {
				resume = c.Resume.Load()
			}
			return protocol.Hello{Role: protocol.RoleStudent, Code: c.Code, Personal: c.Personal,
				Name: c.Name, Camera: c.view.Local.HasVideo(), Resume: resume}
		},
		OnMessage: c.handle,
		OnState:   c.stateChanged,
	}
	c.chat.init(&c.view.Chat, c.client, c.changed)
}

func (c *StudentCall) run() {
	// What the student chose, falling back to less and then to nothing:
	// joining never fails because of a camera or a microphone.
	want := Constraints{Audio: true}
	if c.Camera {
		want = StudentCamera
	}
	c.view.Local, c.view.Media = openMedia(c.Media, want)
	c.changed()
	c.client.Run()
}

// Intents of the student. Each queues its work and returns at once.

// SetHand raises or lowers the hand.
func (c *StudentCall) SetHand(up bool) {
	c.do(func() {
		c.view.HandUp = up
		c.client.Send(protocol.TypeHand, protocol.Hand{Raised: up})
		c.changed()
	})
}

// SetMic turns the microphone on or off, without renegotiating.
func (c *StudentCall) SetMic(on bool) {
	c.do(func() {
		c.view.MicOff = !on
		c.view.Local.SetAudioEnabled(on)
		c.reportMedia()
		c.changed()
	})
}

// SetAudioOnly asks the teacher for sound only (a weak line), or for the
// picture again.
func (c *StudentCall) SetAudioOnly(on bool) {
	c.do(func() {
		c.view.AudioOnly = on
		c.reportMedia()
		c.changed()
	})
}

// Leave hangs up for good.
func (c *StudentCall) Leave() {
	if c.client == nil {
		return
	}
	c.leaving.Store(true)
	c.client.Stop()
}

func (c *StudentCall) do(f func()) {
	if c.client != nil {
		c.client.Do(f)
	}
}

func (c *StudentCall) changed() { c.pace.changed(c.client.Do, c.publish) }

// publish hands the page the current view.
func (c *StudentCall) publish() {
	if c.OnView != nil {
		c.OnView(c.view)
	}
}

func (c *StudentCall) stateChanged(st State, code int, reason string) {
	c.chat.connection(st)
	switch st {
	case Connected:
		c.view.Reconnecting = false
	case Reconnecting:
		c.view.Reconnecting = true
		c.view.NotStarted = reason == protocol.ErrNotStarted
	case Closed:
		c.closePeer()
		c.endGroups()
		c.stopMedia()
		c.view.Reconnecting = false
		switch {
		case c.view.Phase == PhaseEnded:
			// The end is an end: the client's own close that follows
			// it is no error.
		case c.leaving.Load():
			c.view.Phase = PhaseLeft
		default:
			c.view.Phase, c.view.Closed = PhaseClosed, reason
		}
		// The client's goroutine ends now: publish the last view here.
		c.pace.dirty = true
		c.publish()
		return
	}
	c.changed()
}

// handle runs on the client's goroutine, in message order.
func (c *StudentCall) handle(env protocol.Envelope) {
	switch env.Type {
	case protocol.TypeWelcome:
		var w protocol.Welcome
		if protocol.DecodeData(env, &w) != nil {
			return
		}
		if w.Resume != "" && c.Resume != nil {
			c.Resume.Save(w.Resume)
		}
		c.ice = w.ICE
		c.reportMedia()
		c.view.Phase, c.view.TeacherOnline, c.view.NotStarted = PhaseIn, w.TeacherOnline, false
		// After a server restart the call-on may be gone: the welcome
		// says, so that the student and the teacher agree.
		c.view.Called = w.Called
		if w.Name != "" {
			c.view.Name = w.Name
		}
		c.teacherUp = w.TeacherOnline
		c.chat.welcome(w.Chat)
		c.view.Check = checkOrNil(w.Check)
		c.groupsChanged(w.Groups)
		// After a signaling reconnect a working connection is kept:
		// media flowed on while the server was away.
		if w.TeacherOnline {
			c.recoverPeer(false)
		}
	case protocol.TypeCalled:
		var called protocol.Called
		if protocol.DecodeData(env, &called) != nil {
			return
		}
		c.view.Called = called.On
		if called.On {
			c.view.HandUp = false
		}
	case protocol.TypeMuted:
		c.view.MicOff, c.view.MutedByTeacher = true, true
		c.view.Local.SetAudioEnabled(false)
		c.reportMedia()
	case protocol.TypeWaiting:
		c.view.Phase, c.view.NotStarted = PhaseLobby, false
	case protocol.TypeTeacherStatus:
		var ts protocol.TeacherStatus
		if protocol.DecodeData(env, &ts) != nil {
			return
		}
		c.view.TeacherOnline, c.teacherUp = ts.Online, ts.Online
		if ts.Online {
			c.recoverPeer(ts.Fresh)
		}
	case protocol.TypeGroups:
		var st protocol.GroupsState
		if protocol.DecodeData(env, &st) != nil {
			return
		}
		c.groupsChanged(&st)
	case protocol.TypeGroupsNote:
		var n protocol.GroupsNote
		if protocol.DecodeData(env, &n) != nil {
			return
		}
		c.groupsNote(n)
	case protocol.TypeSignal:
		var sig protocol.Signal
		if protocol.DecodeData(env, &sig) != nil {
			return
		}
		if sig.From != "" && sig.From != protocol.TeacherPeer {
			c.groupSignal(sig) // a member of the group
			return
		}
		if c.peer == nil {
			return
		}
		switch sig.Kind {
		case protocol.SignalAnswer:
			if err := c.peer.Accept(sig.SDP); err != nil {
				logf("accept answer: %v", err)
			}
		case protocol.SignalCandidate:
			if sig.Candidate != nil {
				c.peer.AddCandidate(*sig.Candidate)
			}
		}
		return
	case protocol.TypeLessonEnded:
		c.view.Phase = PhaseEnded
		c.client.Stop()
	case protocol.TypeError:
		var e protocol.Error
		if protocol.DecodeData(env, &e) != nil {
			return
		}
		c.view.Error = e.Code
	default:
		if !c.chat.handle(env) {
			c.handleCheck(env)
		}
		return
	}
	c.changed()
}

// connectPeer (re)builds the connection to the teacher and sends the
// offer.
func (c *StudentCall) connectPeer() {
	c.closePeer()
	yieldToBrowser()
	var peer PeerConn
	peer, err := c.Peers(c.ice, PeerEvents{
		Candidate: func(cand protocol.Candidate) {
			c.client.Send(protocol.TypeSignal, protocol.Signal{To: protocol.TeacherPeer, Kind: protocol.SignalCandidate, Candidate: &cand})
		},
		Stream: func(st Stream) {
			c.client.Do(func() {
				if c.peer == peer {
					c.view.Remote = st
					c.changed()
				}
			})
		},
		State: func(state string) { c.client.Do(func() { c.peerState(peer, state) }) },
	})
	if err != nil {
		logf("peer: %v", err)
		return
	}
	peer.SetCaps(StudentCaps)
	peer.AddStream(c.view.Local)
	peer.Receive("audio", c.view.Local)
	peer.Receive("video", c.view.Local)
	offer, err := peer.Offer()
	if err != nil {
		logf("offer: %v", err)
		peer.Close()
		return
	}
	c.peer = peer
	c.client.Send(protocol.TypeSignal, protocol.Signal{To: protocol.TeacherPeer, Kind: protocol.SignalOffer, SDP: offer})
}

// peerState recovers a broken connection: a path that stays disconnected
// gets an ICE restart (same connection, new candidates); a failed
// connection is restarted and, if that does not bring it back, built
// anew. The page says meanwhile that the picture is interrupted.
func (c *StudentCall) peerState(peer PeerConn, state string) {
	if c.peer != peer {
		return
	}
	switch state {
	case peerConnected:
		c.view.Interrupted = false
	case peerDisconnected:
		c.view.Interrupted = true
		time.AfterFunc(iceRestartAfter, func() {
			c.client.Do(func() {
				if c.peer == peer && peer.State() == peerDisconnected {
					c.restartICE()
				}
			})
		})
	case peerFailed:
		c.view.Interrupted = true
		// A failed connection can still be restarted (new candidates,
		// same keys); only if that does not bring it back is a new one
		// built.
		if c.teacherUp {
			c.restartICE()
			time.AfterFunc(rebuildAfter, func() {
				c.client.Do(func() {
					if c.peer == peer && !peer.Healthy() && c.teacherUp {
						c.connectPeer()
					}
				})
			})
		}
	default:
		return
	}
	c.changed()
}

// recoverPeer decides what a (re)connected signaling channel means for
// the media: a working connection is kept; a disconnected one (the
// network path broke, or the relay restarted) gets an ICE restart; a
// failed one, or a teacher whose page is new (fresh), gets a new
// connection.
func (c *StudentCall) recoverPeer(fresh bool) {
	switch {
	case fresh || c.peer == nil:
		c.connectPeer()
	case c.peer.Healthy():
	case c.peer.State() == peerDisconnected || c.peer.State() == peerFailed:
		c.restartICE()
	default: // closed
		c.connectPeer()
	}
}

func (c *StudentCall) restartICE() {
	if c.ice != nil {
		// The welcome brought fresh TURN credentials; use them for the
		// new candidates.
		c.peer.UseICE(c.ice)
	}
	// One restart at a time: an offer still waiting for its answer (sent
	// while signaling was away, say) is sent again rather than replaced.
	offer := c.peer.PendingOffer()
	if offer == "" {
		var err error
		if offer, err = c.peer.RestartOffer(); err != nil {
			logf("ice restart: %v", err)
			return
		}
	}
	c.client.Send(protocol.TypeSignal, protocol.Signal{To: protocol.TeacherPeer, Kind: protocol.SignalOffer, Restart: true, SDP: offer})
}

func (c *StudentCall) closePeer() {
	if c.peer != nil {
		c.peer.Close()
		c.peer = nil
	}
	c.view.Remote = Stream{}
}

func (c *StudentCall) stopMedia() {
	c.view.Local.Stop()
	c.view.Local = Stream{}
}

// reportMedia tells the teacher what this page sends and wants: camera,
// microphone, and sound only on a weak line.
func (c *StudentCall) reportMedia() {
	c.client.Send(protocol.TypeMedia, protocol.Media{
		Camera:    c.view.Local.HasVideo(),
		Mic:       c.view.Local.HasAudio() && !c.view.MicOff,
		AudioOnly: c.view.AudioOnly,
	})
}
