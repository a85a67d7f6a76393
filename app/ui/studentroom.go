package ui

import (
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"ersatzraum/app/i18n"
	"ersatzraum/app/live"
	"ersatzraum/app/protocol"
)

// StudentRoom is the page a student opens with a join link: a name, a
// choice of camera or no camera, then the teacher's picture and sound. It
// renders the views of its call (live.StudentCall) and hands the
// student's clicks to it.
type StudentRoom struct {
	app.Compo

	lang     i18n.Lang
	mounted  bool // false in the prerendered page: controls stay disabled until the app runs
	code     string
	personal string // personal-link token: the server knows the name
	remember bool   // keep the personal link on this device (remember.go)
	name     string // as typed in the form
	nameErr  string
	joined   bool // the form was sent: the call runs (or ran)
	canCall  bool // the browser has WebRTC (live.CanCall)
	// soundBlocked: the browser refused to play the teacher's sound
	// without a tap; the page offers a button (SoundButton).
	soundBlocked bool

	// pageCtx is the component's own context. The call's views are
	// dispatched through it: a click's context dies with its button, and
	// the join buttons disappear as soon as the student joins.
	pageCtx app.Context

	view live.StudentView
	call *live.StudentCall
}

// OnNav sets the page's title.
func (s *StudentRoom) OnNav(ctx app.Context) { setTitle(ctx, "title.lesson.student") }

// OnInit reads the address before go-app's first render in the browser
// (OnMount comes after it), so that the page the app draws over the
// prerendered one says the same. On the server the window has no
// address; OnPreRender reads it there.
func (s *StudentRoom) OnInit() { s.readAddress(app.Window().URL().Path) }

// OnMount reads the code from the address and the name remembered from
// the last time.
func (s *StudentRoom) OnMount(ctx app.Context) {
	s.lang, s.mounted, s.pageCtx = currentLang(ctx), true, ctx
	s.canCall = live.CanCall()
	s.readAddress(ctx.Page().URL().Path)
	if s.personal != "" {
		// A personal link. The start page offers it next time only if the
		// student asks (remember.go): on a shared computer the next
		// person would otherwise be one click away from this seat.
		s.remember = rememberedPersonal(ctx) == s.personal
		return
	}
	ctx.LocalStorage().Get(nameKey, &s.name)
}

// readAddress takes the class code or the personal link from the page's
// address: in the browser and in the server's prerender alike, so that
// the page the server sends says what the app then draws.
func (s *StudentRoom) readAddress(path string) {
	if token, ok := strings.CutPrefix(path, "/s/"); ok {
		s.personal = token
		return
	}
	s.code = strings.TrimPrefix(path, "/join/")
}

// OnDismount leaves the lesson when the page is left.
func (s *StudentRoom) OnDismount() {
	if s.call != nil {
		s.call.Leave()
	}
}

// Render draws the page for the current phase.
func (s *StudentRoom) Render() app.UI {
	l := s.lang
	var body app.UI
	switch {
	case !s.joined:
		body = s.renderForm()
	case s.view.Phase == live.PhaseLeft, s.view.Phase == live.PhaseEnded, s.view.Phase == live.PhaseClosed:
		text := errorText(l, s.view.Closed)
		switch s.view.Phase {
		case live.PhaseLeft:
			text = i18n.T(l, "join.left")
		case live.PhaseEnded:
			text = i18n.T(l, "lesson.ended")
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
		app.If(s.mounted && !s.canCall, func() app.UI { return &CallUnavailable{Lang: l} }),
		app.Form().OnSubmit(func(ctx app.Context, e app.Event) {
			e.PreventDefault()
			s.join(ctx, s.canCall)
		}).Body(app.FieldSet().Disabled(!s.mounted).Body(
			app.If(s.personal == "", func() app.UI { return s.renderName() }),
			app.If(s.personal != "", func() app.UI { return renderRemember(l, &s.remember) }),
			app.Div().Class("actions").Body(
				// Without WebRTC a camera sends nothing: no button for it.
				app.If(!s.mounted || s.canCall, func() app.UI {
					return app.Button().ID("join-camera").Type("submit").Class("button big").
						Text(i18n.T(l, "join.camera"))
				}),
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

// status is the line at the top of the room: where the student is.
func (s *StudentRoom) status() (state, text string) {
	l, v := s.lang, s.view
	switch {
	case v.NotStarted:
		return "not-started", i18n.T(l, "join.notstarted")
	case v.Phase == live.PhaseLobby:
		return "lobby", i18n.T(l, "join.lobby")
	case v.Reconnecting:
		return "reconnecting", i18n.T(l, "join.reconnecting")
	case v.Phase == live.PhaseIn && v.TeacherOnline && v.Interrupted:
		return "interrupted", i18n.T(l, "join.interrupted")
	case v.Phase == live.PhaseIn && v.TeacherOnline && v.Name != "":
		return "present", i18n.T(l, "join.present.as", v.Name)
	case v.Phase == live.PhaseIn && v.TeacherOnline:
		return "present", i18n.T(l, "join.present")
	case v.Phase == live.PhaseIn:
		return "waiting", i18n.T(l, "join.waiting")
	}
	return "connecting", i18n.T(l, "join.connecting")
}

func (s *StudentRoom) renderRoom() app.UI {
	l, v := s.lang, s.view
	state, status := s.status()
	notice := ""
	switch {
	case v.Error != "":
		notice = errorText(l, v.Error)
	case v.MutedByTeacher:
		notice = i18n.T(l, "join.muted")
	}
	media := mediaProblemText(l, v.Media, false)
	return app.Section().Class("room").Body(
		app.P().ID("join-status").DataSet("state", state).Role("status").Aria("live", "polite").Text(status),
		app.Figure().Class(stageClass(v.Group)).Body(
			app.Video().ID("teacher-video").AutoPlay(true).Attr("playsinline", true).
				Aria("label", i18n.T(l, "join.teacher")),
			app.FigCaption().Text(i18n.T(l, "join.teacher")),
		),
		app.If(!s.canCall, func() app.UI { return &CallUnavailable{Lang: l} }),
		app.If(s.soundBlocked && v.Remote.Valid(), func() app.UI {
			return &SoundButton{Lang: l, Target: "teacher-video", OnTap: s.soundTapped}
		}),
		app.If(notice != "", func() app.UI {
			return app.P().Class("notice").Role("alert").Text(notice)
		}),
		app.If(media != "" && s.canCall, func() app.UI {
			return app.P().ID("media-problem").Class("notice").Role("status").DataSet("reason", v.Media.Reason).Text(media)
		}),
		app.If(v.Called, func() app.UI {
			return app.P().ID("called-notice").Class("notice called").Role("alert").Text(i18n.T(l, "join.called"))
		}),
		// The handlers read s.view when clicked: go-app keeps an element's
		// first handler while a new one is the same function, so a closure
		// over this render's view would send a stale intent next time.
		app.Div().Class("actions-row").Body(
			app.Button().ID("raise-hand").Class("button").Aria("pressed", v.HandUp).
				Text(i18n.T(l, map[bool]string{false: "join.hand.raise", true: "join.hand.lower"}[v.HandUp])).
				OnClick(func(app.Context, app.Event) { s.call.SetHand(!s.view.HandUp) }),
			app.If(v.Local.HasAudio(), func() app.UI {
				return app.Button().ID("toggle-mic").Class("button secondary").Aria("pressed", v.MicOff).
					Text(i18n.T(l, map[bool]string{false: "join.mic.off", true: "join.mic.on"}[v.MicOff])).
					OnClick(func(app.Context, app.Event) { s.call.SetMic(s.view.MicOff) })
			}),
			app.Button().ID("audio-only").Class("button secondary").Aria("pressed", v.AudioOnly).
				Title(i18n.T(l, "join.audioonly.hint")).
				Text(i18n.T(l, map[bool]string{false: "join.audioonly.on", true: "join.audioonly.off"}[v.AudioOnly])).
				OnClick(func(app.Context, app.Event) { s.call.SetAudioOnly(!s.view.AudioOnly) }),
		),
		app.If(v.Phase == live.PhaseIn && v.Group.Active, func() app.UI {
			return &GroupPanel{Lang: l, Group: v.Group, Helper: s.call}
		}),
		app.If(v.Phase == live.PhaseIn, func() app.UI {
			return app.Div().Class("student-panels").Body(
				&StudentCheckPanel{Lang: l, Check: v.Check, Answerer: s.call},
				&ChatPanel{Lang: l, View: v.Chat, Writer: s.call, Group: v.Group.N},
			)
		}),
		app.Button().ID("leave").Class("button secondary").Text(i18n.T(l, "join.leave")).
			OnClick(func(app.Context, app.Event) { s.call.Leave() }),
	)
}

// join starts the call with what the student chose.
func (s *StudentRoom) join(_ app.Context, camera bool) {
	ctx := s.pageCtx
	name := ""
	if s.personal != "" {
		rememberPersonal(ctx, s.personal, s.remember)
	}
	if s.personal == "" {
		var ok bool
		if name, ok = protocol.CleanName(s.name, protocol.MaxNameRunes); !ok {
			s.nameErr = i18n.T(s.lang, "join.name.bad")
			return
		}
		ctx.LocalStorage().Set(nameKey, name)
	}
	s.name, s.nameErr, s.joined = name, "", true
	s.view = live.StudentView{Phase: live.PhaseJoining, Name: name}
	s.call = &live.StudentCall{
		Code:     s.code,
		Personal: s.personal,
		Name:     name,
		Camera:   camera,
		URL:      signalingURL(),
		Resume:   live.TabResume("ersatzraum.resume." + s.code + s.personal),
		OnView: func(v live.StudentView) {
			ctx.Dispatch(func(ctx app.Context) {
				s.view = v
				ctx.Defer(s.attach)
			})
		},
	}
	s.call.Start()
}

// attach shows the teacher's picture and sound; it runs after each render
// because a re-render may have created the element.
func (s *StudentRoom) attach(app.Context) {
	report := func(playing bool) {
		s.pageCtx.Dispatch(func(app.Context) { s.soundBlocked = !playing })
	}
	live.AttachSound("teacher-video", s.view.Remote, report)
	for _, m := range s.view.Group.Members {
		live.AttachSound(GroupMediaID(m.Tag), m.Stream, report)
	}
}

// soundTapped hides the sound button: the tap started the sound (or the
// browser refuses again, and AttachSound's report brings it back).
func (s *StudentRoom) soundTapped() {
	s.pageCtx.Dispatch(func(app.Context) { s.soundBlocked = false })
}

// stageClass hides the teacher's picture during group work while the
// teacher is with another group (it would stand still); the element
// stays, and plays the teacher's voice when the teacher visits.
func stageClass(g live.GroupView) string {
	if g.Active && !g.Visited {
		return "stage away"
	}
	return "stage"
}

// Where the PWA remembers a student's personal link and typed name.
const (
	personalKey = "ersatzraum.personal"
	nameKey     = "ersatzraum.name"
)
