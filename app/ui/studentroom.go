package ui

import (
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"ersatzraum/app/i18n"
	"ersatzraum/app/live"
	"ersatzraum/app/protocol"
)

// Student video is a thumbnail for the teacher's grid.
var studentCamera = live.Constraints{Video: true, Audio: true, Width: 320, Height: 240, FPS: 15}

type studentPhase int

const (
	phaseForm studentPhase = iota
	phaseJoining
	phaseLobby
	phaseIn
	phaseLeft
	phaseClosed
)

// StudentRoom is the page a student opens with a join link: a name, a
// choice of camera or no camera, then the teacher's picture and sound.
type StudentRoom struct {
	app.Compo

	lang          i18n.Lang
	mounted       bool // false in the prerendered page: controls stay disabled until the app runs
	code          string
	name          string
	nameErr       string
	phase         studentPhase
	teacherOnline bool
	reconnecting  bool
	notice        string
	closedText    string
	personal      string // personal-link token: the server knows the name
	handUp        bool
	called        bool
	micOff        bool
	audioOnly     bool
	notStarted    bool // the class's lesson has not begun; the client keeps trying

	// pageCtx is the component's own context. Work that outlives a click
	// dispatches through it: a click's context dies with its button, and
	// the join buttons disappear as soon as the student joins.
	pageCtx app.Context

	client    *live.Client
	local     live.Stream
	remote    live.Stream
	peer      *live.Peer // touched only on the client's goroutine
	teacherUp bool       // the teacher's signaling state, client goroutine
	ice       *protocol.ICEConfig
}

// OnMount reads the code from the address and the name remembered from
// the last time.
func (s *StudentRoom) OnMount(ctx app.Context) {
	s.lang, s.mounted, s.pageCtx = currentLang(ctx), true, ctx
	path := ctx.Page().URL().Path
	if token, ok := strings.CutPrefix(path, "/s/"); ok {
		// A personal link: remember it, so that the start page offers it
		// next time, even offline.
		s.personal = token
		ctx.LocalStorage().Set(personalKey, token)
		return
	}
	s.code = strings.TrimPrefix(path, "/join/")
	ctx.LocalStorage().Get("ersatzraum.name", &s.name)
}

// OnDismount leaves the lesson when the page is left.
func (s *StudentRoom) OnDismount() { s.leave() }

// Render draws the page for the current phase.
func (s *StudentRoom) Render() app.UI {
	l := s.lang
	var body app.UI
	switch s.phase {
	case phaseForm:
		body = s.renderForm()
	case phaseLeft, phaseClosed:
		text := s.closedText
		if s.phase == phaseLeft {
			text = i18n.T(l, "join.left")
		}
		body = app.Section().Class("card").Body(
			app.P().ID("join-status").DataSet("state", "closed").Role("status").Text(text),
			app.A().Href("/").Class("button").Text(i18n.T(l, "lesson.home")),
		)
	default:
		body = s.renderRoom()
	}
	return app.Div().Class("app").Body(
		&Header{Lang: l},
		app.Main().ID(mainID).Class("page student").Body(body),
	)
}

func (s *StudentRoom) renderForm() app.UI {
	l := s.lang
	return app.Section().Class("card primary").Aria("labelledby", "join-heading").Body(
		app.H1().ID("join-heading").Text(i18n.T(l, "join.title")),
		app.If(s.personal != "", func() app.UI {
			return app.P().Class("muted").Text(i18n.T(l, "join.personal"))
		}).Else(func() app.UI {
			return app.P().Class("muted").Text(i18n.T(l, "join.code", s.code))
		}),
		app.Form().OnSubmit(func(ctx app.Context, e app.Event) {
			e.PreventDefault()
			s.join(ctx, true)
		}).Body(app.FieldSet().Disabled(!s.mounted).Body(
			app.If(s.personal == "", func() app.UI { return s.renderName() }),
			app.Div().Class("actions").Body(
				app.Button().ID("join-camera").Type("submit").Class("button big").
					Text(i18n.T(l, "join.camera")),
				app.Button().ID("join-nocamera").Type("button").Class("button big secondary").
					Text(i18n.T(l, "join.nocamera")).
					OnClick(func(ctx app.Context, e app.Event) { s.join(ctx, false) }),
			),
			app.P().Class("hint").Text(i18n.T(l, "join.nocamera.hint")),
			app.If(s.personal != "", func() app.UI {
				return app.A().ID("board-link").Class("button secondary").Href("/s/" + s.personal + "/aufgaben").Text(i18n.T(l, "board.link"))
			}),
		)),
	)
}

func (s *StudentRoom) renderName() app.UI {
	l := s.lang
	return app.Div().Body(
		app.Label().For("student-name").Text(i18n.T(l, "join.name")),
		app.Input().
			ID("student-name").
			Type("text").
			Required(true).
			MaxLength(protocol.MaxNameRunes).
			AutoComplete(true).
			Attr("autocomplete", "name").
			Aria("describedby", "name-hint").
			Value(s.name).
			OnInput(s.ValueTo(&s.name)),
		app.P().ID("name-hint").Class("hint").Text(i18n.T(l, "join.name.hint")),
		app.If(s.nameErr != "", func() app.UI {
			return app.P().Class("error").Role("alert").Text(s.nameErr)
		}),
	)
}

func (s *StudentRoom) renderRoom() app.UI {
	l := s.lang
	state, status := "connecting", i18n.T(l, "join.connecting")
	switch {
	case s.notStarted:
		state, status = "not-started", i18n.T(l, "join.notstarted")
	case s.phase == phaseLobby:
		state, status = "lobby", i18n.T(l, "join.lobby")
	case s.reconnecting:
		state, status = "reconnecting", i18n.T(l, "join.reconnecting")
	case s.phase == phaseIn && s.teacherOnline:
		state, status = "present", i18n.T(l, "join.present")
		if s.name != "" {
			status = i18n.T(l, "join.present.as", s.name)
		}
	case s.phase == phaseIn:
		state, status = "waiting", i18n.T(l, "join.waiting")
	}
	return app.Section().Class("room").Body(
		app.P().ID("join-status").DataSet("state", state).Role("status").Aria("live", "polite").Text(status),
		app.Figure().Class("stage").Body(
			app.Video().ID("teacher-video").AutoPlay(true).Attr("playsinline", true).
				Aria("label", i18n.T(l, "join.teacher")),
			app.FigCaption().Text(i18n.T(l, "join.teacher")),
		),
		app.If(s.notice != "", func() app.UI {
			return app.P().Class("notice").Role("alert").Text(s.notice)
		}),
		app.If(s.called, func() app.UI {
			return app.P().ID("called-notice").Class("notice called").Role("alert").Text(i18n.T(l, "join.called"))
		}),
		app.Div().Class("actions-row").Body(
			app.Button().ID("raise-hand").Class("button").Aria("pressed", s.handUp).
				Text(i18n.T(l, map[bool]string{false: "join.hand.raise", true: "join.hand.lower"}[s.handUp])).
				OnClick(func(app.Context, app.Event) {
					s.handUp = !s.handUp
					if s.client != nil {
						s.client.Send(protocol.TypeHand, protocol.Hand{Raised: s.handUp})
					}
				}),
			app.If(s.local.HasAudio(), func() app.UI {
				return app.Button().ID("toggle-mic").Class("button secondary").Aria("pressed", s.micOff).
					Text(i18n.T(l, map[bool]string{false: "join.mic.off", true: "join.mic.on"}[s.micOff])).
					OnClick(func(app.Context, app.Event) {
						s.micOff = !s.micOff
						s.local.SetAudioEnabled(!s.micOff)
						s.reportMedia()
					})
			}),
			app.Button().ID("audio-only").Class("button secondary").Aria("pressed", s.audioOnly).
				Title(i18n.T(l, "join.audioonly.hint")).
				Text(i18n.T(l, map[bool]string{false: "join.audioonly.on", true: "join.audioonly.off"}[s.audioOnly])).
				OnClick(func(app.Context, app.Event) {
					s.audioOnly = !s.audioOnly
					s.reportMedia()
				}),
		),
		app.Button().ID("leave").Class("button secondary").Text(i18n.T(l, "join.leave")).
			OnClick(func(ctx app.Context, e app.Event) {
				s.leave()
				s.phase = phaseLeft
			}),
	)
}

func (s *StudentRoom) join(_ app.Context, camera bool) {
	ctx := s.pageCtx
	name := ""
	if s.personal == "" {
		var ok bool
		if name, ok = protocol.CleanName(s.name, protocol.MaxNameRunes); !ok {
			s.nameErr = i18n.T(s.lang, "join.name.bad")
			return
		}
		ctx.LocalStorage().Set("ersatzraum.name", name)
	}
	s.name, s.nameErr, s.phase = name, "", phaseJoining
	ctx.Async(func() {
		local, notice := s.openMedia(camera)
		// Set before the client starts: its goroutine offers local media.
		s.local = local
		ctx.Dispatch(func(ctx app.Context) { s.notice = notice })
		resumeKey := "ersatzraum.resume." + s.code + s.personal
		s.client = &live.Client{
			URL: signalingURL(),
			Hello: func() protocol.Hello {
				var resume string
				ctx.SessionStorage().Get(resumeKey, &resume)
				return protocol.Hello{Role: protocol.RoleStudent, Code: s.code, Personal: s.personal, Name: name, Camera: local.HasVideo(), Resume: resume}
			},
			OnMessage: func(env protocol.Envelope) { s.handle(ctx, env, resumeKey) },
			OnState: func(st live.State, code int, reason string) {
				if st == live.Closed && s.peer != nil {
					s.peer.Close()
					s.peer = nil
				}
				ctx.Dispatch(func(app.Context) {
					s.reconnecting = st == live.Reconnecting
					if st == live.Reconnecting {
						s.notStarted = reason == protocol.ErrNotStarted
					}
					if st == live.Closed && s.phase != phaseLeft {
						s.phase = phaseClosed
						s.closedText = errorText(s.lang, reason)
						s.stopMedia()
					}
				})
			},
		}
		s.client.Run()
	})
}

// openMedia asks for what the student chose, falling back to the
// microphone alone and then to nothing: joining must never fail because of
// a camera.
func (s *StudentRoom) openMedia(camera bool) (live.Stream, string) {
	if camera {
		if st, err := live.UserMedia(studentCamera); err == nil {
			return st, ""
		}
	}
	st, err := live.UserMedia(live.Constraints{Audio: true})
	if err != nil {
		return live.Stream{}, i18n.T(s.lang, "join.media.failed", err.Error())
	}
	return st, ""
}

// handle runs on the client's goroutine, in message order.
func (s *StudentRoom) handle(ctx app.Context, env protocol.Envelope, resumeKey string) {
	switch env.Type {
	case protocol.TypeWelcome:
		var w protocol.Welcome
		if protocol.DecodeData(env, &w) != nil {
			return
		}
		if w.Resume != "" {
			ctx.SessionStorage().Set(resumeKey, w.Resume)
		}
		s.ice = w.ICE
		s.reportMedia()
		ctx.Dispatch(func(app.Context) {
			s.phase, s.teacherOnline, s.notStarted = phaseIn, w.TeacherOnline, false
			if w.Name != "" {
				s.name = w.Name
			}
		})
		s.teacherUp = w.TeacherOnline
		// After a signaling reconnect a working connection is kept: media
		// flowed on while the server was away.
		if w.TeacherOnline {
			s.recoverPeer(ctx, false)
		}
	case protocol.TypeCalled:
		var c protocol.Called
		if protocol.DecodeData(env, &c) == nil {
			ctx.Dispatch(func(app.Context) {
				s.called = c.On
				if c.On {
					s.handUp = false
				}
			})
		}
	case protocol.TypeMuted:
		ctx.Dispatch(func(app.Context) {
			s.micOff = true
			s.local.SetAudioEnabled(false)
			s.notice = i18n.T(s.lang, "join.muted")
			s.reportMedia()
		})
	case protocol.TypeWaiting:
		ctx.Dispatch(func(app.Context) { s.phase, s.notStarted = phaseLobby, false })
	case protocol.TypeTeacherStatus:
		var ts protocol.TeacherStatus
		if protocol.DecodeData(env, &ts) != nil {
			return
		}
		ctx.Dispatch(func(app.Context) { s.teacherOnline = ts.Online })
		s.teacherUp = ts.Online
		if ts.Online {
			s.recoverPeer(ctx, ts.Fresh)
		}
	case protocol.TypeSignal:
		var sig protocol.Signal
		if protocol.DecodeData(env, &sig) != nil || s.peer == nil {
			return
		}
		switch sig.Kind {
		case protocol.SignalAnswer:
			if err := s.peer.Accept(sig.SDP); err != nil {
				app.Log("accept answer:", err)
			}
		case protocol.SignalCandidate:
			s.peer.AddCandidate(*sig.Candidate)
		}
	case protocol.TypeLessonEnded:
		ctx.Dispatch(func(app.Context) {
			s.phase, s.closedText = phaseClosed, i18n.T(s.lang, "lesson.ended")
			s.leave()
		})
	case protocol.TypeError:
		var e protocol.Error
		if protocol.DecodeData(env, &e) == nil {
			ctx.Dispatch(func(app.Context) { s.notice = errorText(s.lang, e.Code) })
		}
	}
}

// connectPeer (re)builds the connection to the teacher and sends the offer.
func (s *StudentRoom) connectPeer(ctx app.Context) {
	if s.peer != nil {
		s.peer.Close()
		s.peer = nil
	}
	client := s.client
	var peer *live.Peer
	peer, err := live.NewPeer(s.ice,
		func(c protocol.Candidate) {
			client.Send(protocol.TypeSignal, protocol.Signal{To: protocol.TeacherPeer, Kind: protocol.SignalCandidate, Candidate: &c})
		},
		func(st live.Stream) {
			ctx.Dispatch(func(ctx app.Context) {
				s.remote = st
				ctx.Defer(func(app.Context) { live.Attach("teacher-video", s.remote, false) })
			})
		},
		func(state string) { s.peerStateChanged(ctx, peer, state) },
	)
	if err != nil {
		app.Log("peer:", err)
		return
	}
	peer.SetCaps(live.StudentCaps)
	peer.AddStream(s.local)
	peer.Receive("audio", s.local)
	peer.Receive("video", s.local)
	offer, err := peer.Offer()
	if err != nil {
		app.Log("offer:", err)
		peer.Close()
		return
	}
	s.peer = peer
	client.Send(protocol.TypeSignal, protocol.Signal{To: protocol.TeacherPeer, Kind: protocol.SignalOffer, SDP: offer})
}

// peerStateChanged recovers a broken connection: a path that stays
// disconnected gets an ICE restart (same connection, new candidates); a
// failed connection is built anew.
func (s *StudentRoom) peerStateChanged(ctx app.Context, peer *live.Peer, state string) {
	client := s.client
	switch state {
	case "disconnected":
		time.AfterFunc(iceRestartAfter, func() {
			client.Do(func() {
				if s.peer == peer && peer.State() == "disconnected" {
					s.restartICE()
				}
			})
		})
	case "failed":
		// A failed connection can still be restarted (new candidates, same
		// keys); only if that does not bring it back is a new one built.
		client.Do(func() {
			if s.peer != peer || !s.teacherUp {
				return
			}
			s.restartICE()
			time.AfterFunc(rebuildAfter, func() {
				client.Do(func() {
					if s.peer == peer && !peer.Healthy() && s.teacherUp {
						s.connectPeer(ctx)
					}
				})
			})
		})
	}
}

// rebuildAfter is how long an ICE restart of a failed connection may take
// before the student builds a new connection instead.
const rebuildAfter = 20 * time.Second

// iceRestartAfter is how long a connection may stay disconnected (a
// moment without packets is normal on a weak line) before ICE restarts.
const iceRestartAfter = 2 * time.Second

// recoverPeer decides what a (re)connected signaling channel means for the
// media: a working connection is kept; a disconnected one (the network
// path broke, or the relay restarted) gets an ICE restart; a failed one, or
// a teacher whose page is new (fresh), gets a new connection.
func (s *StudentRoom) recoverPeer(ctx app.Context, fresh bool) {
	switch {
	case fresh || s.peer == nil:
		s.connectPeer(ctx)
	case s.peer.Healthy():
	case s.peer.State() == "disconnected" || s.peer.State() == "failed":
		s.restartICE()
	default: // closed
		s.connectPeer(ctx)
	}
}

func (s *StudentRoom) restartICE() {
	if s.ice != nil {
		// The welcome brought fresh TURN credentials; use them for the
		// new candidates.
		s.peer.UseICE(s.ice)
	}
	// One restart at a time: an offer still waiting for its answer (sent
	// while signaling was away, say) is sent again rather than replaced.
	offer := s.peer.PendingOffer()
	if offer == "" {
		var err error
		if offer, err = s.peer.RestartOffer(); err != nil {
			app.Log("ice restart:", err)
			return
		}
	}
	s.client.Send(protocol.TypeSignal, protocol.Signal{To: protocol.TeacherPeer, Kind: protocol.SignalOffer, Restart: true, SDP: offer})
}

func (s *StudentRoom) leave() {
	if s.client != nil {
		s.client.Stop()
	}
	s.stopMedia()
}

func (s *StudentRoom) stopMedia() {
	s.local.Stop()
	s.local = live.Stream{}
}

// personalKey is where the PWA remembers a student's personal link.
const personalKey = "ersatzraum.personal"

// reportMedia tells the teacher what this page sends and wants: camera,
// microphone, and sound only on a weak line.
func (s *StudentRoom) reportMedia() {
	if s.client == nil {
		return
	}
	s.client.Send(protocol.TypeMedia, protocol.Media{
		Camera:    s.local.HasVideo(),
		Mic:       s.local.HasAudio() && !s.micOff,
		AudioOnly: s.audioOnly,
	})
}
