package live

import (
	"maps"
	"slices"
	"time"

	"ersatzraum/app/protocol"
)

// TeacherCamera is what the teacher's picture is taken at: moderate size,
// because it goes to every student over the teacher's home upload.
var TeacherCamera = Constraints{Video: true, Audio: true, Width: 640, Height: 360, FPS: 15}

// TeacherView is what the teacher's page shows of a running lesson. A view
// is never changed after it was handed to OnView.
type TeacherView struct {
	Title   string
	Code    string // the join code, "" when the server no longer knows it
	Entries []protocol.Entry
	Waiting []protocol.Knock
	Locked  bool
	Local   Stream
	Streams map[string]Stream // the students' media, by participant
	// Relayed: students reached only through the TURN relay.
	Relayed map[string]bool
	Quality map[string]Quality
	// Interrupted: students whose media stopped while their signaling is
	// up (their network dropped); it comes back by itself.
	Interrupted map[string]bool
	// Lines says, per student, what the page really knows of the
	// connection: the roll call's words for it (lines.go).
	Lines    map[string]Line
	Announce Announcement
	// Reconnecting: the signaling connection is down and being restored.
	// Media that flows goes on; the roll call, the lobby and the chat
	// are not current, and the teacher's clicks there reach no one.
	Reconnecting bool
	// Media says what of camera and microphone could not be opened.
	Media MediaProblem
	// MicOff, CameraOff: the teacher turned the own microphone or camera
	// off; every student gets silence or a black picture.
	MicOff    bool
	CameraOff bool
	Error     string // the last refusal's error code
	Ended     bool   // the lesson is over
	Closed    string // the connection ended for good, with this reason
	Chat      ChatView
	Tally     *protocol.CheckTally // the running quick check; nil: none
	// Sharing: the students get Screen in place of the camera.
	Sharing    bool
	Screen     Stream
	ShareError string // why the screen could not be shared: one of MediaReasons, "" when it could
	// Groups is the running group work (teachergroups.go); nil: the
	// class is together. GroupsEndsAt is when its timer runs out on this
	// device's clock (zero: no timer); GroupsLastMinute: a minute is left.
	Groups           *protocol.GroupsState
	GroupsEndsAt     time.Time
	GroupsLastMinute bool
}

// TeacherCall is the teacher's side of a live lesson: the signaling
// client, one peer connection per student, ICE restarts, hang-up timers,
// relay and quality polling. Its state lives on the client's goroutine;
// the page gets snapshots through OnView and calls the intent methods,
// which only queue work and return at once.
type TeacherCall struct {
	Lesson string
	URL    string
	// OnView receives every new view on the call's goroutine; it must
	// return at once (hand the view to the UI goroutine).
	OnView func(TeacherView)
	// Peers, Media and Dial default to the browser's.
	Peers PeerFactory
	Media func(Constraints) (Stream, error)
	Dial  Dialer
	// Display opens a screen to share; it defaults to the browser's
	// picker (DisplayMedia).
	Display func(ended func()) (Stream, error)
	// Mix mixes the teacher's voice with a called-on student's sound for
	// the class; it defaults to the browser's (BrowserMix).
	Mix func(voice, student Stream) (mix Stream, stop func(), err error)

	client *Client

	// Owned by the client's goroutine: everything below.
	view      TeacherView
	pace      pacer
	peers     map[string]PeerConn
	warm      map[string]PeerConn // built before the offer (warmpeers.go)
	online    map[string]bool     // signaling state per student
	linked    map[string]bool     // students whose media connection is up
	audioOnly map[string]bool     // students who get no video from the teacher
	ice       *protocol.ICEConfig
	over      bool // the call has ended; timers stop
	chat      chatBox
	share     screenShare
	relay     callOnRelay
}

// Timings of the teacher's call.
const (
	// hangUpAfter is how long a student's media is kept after its
	// signaling went away, or after its connection failed (time for an
	// ICE restart).
	hangUpAfter = 30 * time.Second
	// linkCheckEvery is how often the teacher's page reads how each
	// student is connected (relay, round trip, loss).
	linkCheckEvery = 3 * time.Second
	// viewPace is the shortest time between two views: a class arriving
	// at once is rendered a few times a second, not once per message
	// (rendering the grid takes tens of milliseconds in a busy browser).
	viewPace = 200 * time.Millisecond
)

// Start opens camera and microphone and connects; it returns at once.
func (c *TeacherCall) Start() {
	c.setup()
	go c.run()
}

func (c *TeacherCall) setup() {
	useBrowser(&c.Peers, &c.Media)
	if c.Display == nil {
		c.Display = DisplayMedia
	}
	if c.Mix == nil {
		c.Mix = BrowserMix
	}
	c.peers = make(map[string]PeerConn)
	c.warm = make(map[string]PeerConn)
	c.online = make(map[string]bool)
	c.linked = make(map[string]bool)
	c.audioOnly = make(map[string]bool)
	c.view.Streams = make(map[string]Stream)
	c.view.Relayed = make(map[string]bool)
	c.view.Quality = make(map[string]Quality)
	c.view.Interrupted = make(map[string]bool)
	c.client = &Client{
		URL:  c.URL,
		Dial: c.Dial,
		Hello: func() protocol.Hello {
			return protocol.Hello{Role: protocol.RoleTeacher, Lesson: c.Lesson, Fresh: len(c.peers) == 0}
		},
		OnMessage: c.handle,
		OnState:   c.stateChanged,
	}
	c.chat.init(&c.view.Chat, c.client, c.changed)
}

// run opens the media, then serves the connection until the end. The
// client has not started yet while the media opens, so the fields set
// here are set before its goroutine (this one) owns them.
func (c *TeacherCall) run() {
	c.view.Local, c.view.Media = openMedia(c.Media, TeacherCamera)
	c.changed()
	c.scheduleLinkCheck()
	c.client.Run()
}

// Stop hangs up and turns camera and microphone off (when the client
// reports itself closed, on its goroutine).
func (c *TeacherCall) Stop() {
	if c.client != nil {
		c.client.Stop()
	}
}

// Intents of the teacher. Each only queues a message.

// End ends the lesson for everyone.
func (c *TeacherCall) End() { c.send(protocol.TypeEnd, nil) }

// Admit lets waiting students in.
func (c *TeacherCall) Admit(ids ...string) {
	c.send(protocol.TypeAdmit, protocol.Admission{IDs: ids})
}

// Reject sends waiting students away.
func (c *TeacherCall) Reject(ids ...string) {
	c.send(protocol.TypeReject, protocol.Admission{IDs: ids})
}

// SetLocked locks or unlocks the lesson.
func (c *TeacherCall) SetLocked(locked bool) {
	c.send(protocol.TypeLock, protocol.LockState{Locked: locked})
}

// Mark sets a student's roll-call status.
func (c *TeacherCall) Mark(id, status string) {
	c.send(protocol.TypeMark, protocol.Mark{ID: id, Status: status})
}

// CallOn calls on a student; "" calls on nobody.
func (c *TeacherCall) CallOn(id string) { c.send(protocol.TypeCall, protocol.Target{ID: id}) }

// Mute asks a student to turn the microphone off.
func (c *TeacherCall) Mute(id string) { c.send(protocol.TypeMute, protocol.Target{ID: id}) }

// Remove sends a student out of the lesson.
func (c *TeacherCall) Remove(id string) { c.send(protocol.TypeRemove, protocol.Target{ID: id}) }

// SetMic turns the teacher's microphone on or off for every student,
// without renegotiating: the track itself is disabled, and it is also
// the source of the mix in which the class hears a called-on student
// (relayaudio.go), so the teacher is silent there too while the student
// is still heard.
func (c *TeacherCall) SetMic(on bool) {
	c.do(func() {
		c.view.MicOff = !on
		c.view.Local.SetAudioEnabled(on)
		c.changed()
	})
}

// SetCamera turns the teacher's camera on or off for every student,
// without renegotiating: a disabled track sends black frames. A shared
// screen is a track of its own and goes on.
func (c *TeacherCall) SetCamera(on bool) {
	c.do(func() {
		c.view.CameraOff = !on
		c.view.Local.SetVideoEnabled(on)
		c.changed()
	})
}

func (c *TeacherCall) send(msgType string, data any) {
	if c.client != nil {
		c.client.Send(msgType, data)
	}
}

// changed notes that the view changed and makes sure a view follows
// within viewPace.
func (c *TeacherCall) changed() { c.pace.changed(c.client.Do, c.publish) }

// publish hands the page the current view.
func (c *TeacherCall) publish() {
	if c.OnView != nil {
		c.OnView(c.snapshot())
	}
}

// snapshot copies the view: the page may keep it while the call goes on.
func (c *TeacherCall) snapshot() TeacherView {
	v := c.view
	v.Entries = slices.Clone(v.Entries)
	v.Waiting = slices.Clone(v.Waiting)
	v.Streams = maps.Clone(v.Streams)
	v.Relayed = maps.Clone(v.Relayed)
	v.Quality = maps.Clone(v.Quality)
	v.Interrupted = maps.Clone(v.Interrupted)
	v.Lines = c.lines()
	return v
}

func (c *TeacherCall) stateChanged(st State, code int, reason string) {
	c.chat.connection(st)
	switch st {
	case Connected:
		c.view.Reconnecting = false
		c.changed()
		return
	case Reconnecting:
		c.view.Reconnecting = true
		c.changed()
		return
	case Connecting:
		return
	}
	c.view.Reconnecting = false
	c.over = true
	c.closePeers()
	c.view.Local.Stop()
	c.view.Screen.Stop()
	c.endRelay()
	if !c.view.Ended {
		c.view.Closed = reason
	}
	// The client's goroutine ends now: publish the last view here.
	c.pace.dirty = true
	c.pace.flush(c.publish)
}

func (c *TeacherCall) announce(kind AnnounceKind, name string) {
	c.view.Announce = Announcement{Kind: kind, Name: name, Seq: c.view.Announce.Seq + 1}
}

// handle runs on the client's goroutine, in message order.
func (c *TeacherCall) handle(env protocol.Envelope) {
	switch env.Type {
	case protocol.TypeWelcome:
		var w protocol.Welcome
		if protocol.DecodeData(env, &w) != nil {
			return
		}
		c.ice = w.ICE
		c.dropWarm("") // built with the credentials before
		c.view.Waiting, c.view.Locked = w.Lobby, w.Locked
		c.view.Title, c.view.Entries = w.Lesson.Title, w.RollCall
		if w.Lesson.Code != "" {
			c.view.Code = w.Lesson.Code
		}
		for _, e := range w.RollCall {
			c.track(e)
		}
		c.chat.welcome(w.Chat)
		c.view.Tally = tallyOrNil(w.Tally)
		c.groupsChanged(w.Groups)
		c.followCallOn(false)
	case protocol.TypeParticipant:
		var e protocol.Entry
		if protocol.DecodeData(env, &e) != nil {
			return
		}
		c.track(e)
		c.upsert(e)
		c.followCallOn(false)
	case protocol.TypeSignal:
		var sig protocol.Signal
		if protocol.DecodeData(env, &sig) != nil {
			return
		}
		c.signal(sig)
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
	case protocol.TypeLobbyAdd, protocol.TypeLobbyRemove:
		c.lobbyChange(env)
	case protocol.TypeLessonState:
		var ls protocol.LockState
		if protocol.DecodeData(env, &ls) != nil {
			return
		}
		c.view.Locked = ls.Locked
	case protocol.TypeLessonEnded:
		c.over = true
		c.closePeers()
		c.view.Ended = true
		c.view.Local.Stop()
		c.view.Screen.Stop()
		c.endRelay()
	case protocol.TypeError:
		var e protocol.Error
		if protocol.DecodeData(env, &e) != nil {
			return
		}
		c.view.Error = e.Code
	default:
		if !c.chat.handle(env) {
			c.handleTally(env)
		}
		return
	}
	c.changed()
}

// track follows what a roll-call entry says about the student's
// connection: signaling state, and sound only on a weak line.
func (c *TeacherCall) track(e protocol.Entry) {
	c.online[e.ID] = e.Online
	if e.Online {
		c.warmUp(e.ID)
	} else {
		c.dropWarm(e.ID)
	}
	if c.audioOnly[e.ID] != e.AudioOnly {
		// A student on a weak line asked for sound only (or for the
		// picture again): stop or start sending them video.
		c.audioOnly[e.ID] = e.AudioOnly
		if p := c.peers[e.ID]; p != nil {
			p.SendVideo(c.picture(), c.videoFor(e.ID))
		}
	}
	if !e.Online {
		// Signaling gone does not mean media gone (the student's line
		// may only have blipped). Hang up if the student stays away.
		id := e.ID
		time.AfterFunc(hangUpAfter, func() {
			c.client.Do(func() {
				if !c.online[id] {
					c.hangUp(id)
				}
			})
		})
	}
}

// upsert puts an entry into the roll call. It builds a new slice: a view
// handed out earlier keeps its own.
func (c *TeacherCall) upsert(e protocol.Entry) {
	entries := slices.Clone(c.view.Entries)
	defer func() { c.view.Entries = entries }()
	for i := range entries {
		if entries[i].ID == e.ID {
			was := entries[i].Online
			entries[i] = e
			if was && !e.Online {
				c.announce(AnnounceLeave, e.Name)
			} else if !was && e.Online {
				c.announce(AnnounceJoin, e.Name)
			}
			return
		}
	}
	entries = append(entries, e)
	c.announce(AnnounceJoin, e.Name)
}

// lobbyChange applies a change of the lobby (the welcome carried all of
// it): a knock is appended and announced, students who left are dropped.
// The view gets a new slice, so that a published view never changes.
func (c *TeacherCall) lobbyChange(env protocol.Envelope) {
	switch env.Type {
	case protocol.TypeLobbyAdd:
		var k protocol.Knock
		if protocol.DecodeData(env, &k) != nil || slices.ContainsFunc(c.view.Waiting, func(w protocol.Knock) bool { return w.ID == k.ID }) {
			return
		}
		c.view.Waiting = append(slices.Clip(c.view.Waiting), k)
		c.announce(AnnounceKnock, k.Name)
	case protocol.TypeLobbyRemove:
		var r protocol.LobbyRemoval
		if protocol.DecodeData(env, &r) != nil {
			return
		}
		c.view.Waiting = slices.DeleteFunc(slices.Clone(c.view.Waiting), func(w protocol.Knock) bool { return slices.Contains(r.IDs, w.ID) })
	}
}
