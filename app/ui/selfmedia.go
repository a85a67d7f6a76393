package ui

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"ersatzraum/app/i18n"
	"ersatzraum/app/live"
)

// selfMediaControls is what the teacher's own microphone and camera
// buttons ask of the running call (live.TeacherCall). Each only queues
// the intent and returns.
type selfMediaControls interface {
	SetMic(on bool)
	SetCamera(on bool)
}

// selfMedia lets the teacher turn the own microphone and camera off and
// on again, for every student at once, and says while either is off. A
// button is offered only for what the browser could open; controls is
// nil until the call runs. It is a part of the teacher's room, not a
// component of its own: it holds no state, and a component costs the
// wasm its share of app.Compo's methods.
func selfMedia(l i18n.Lang, v live.TeacherView, controls selfMediaControls) app.UI {
	set := func(f func(selfMediaControls)) {
		if controls != nil {
			f(controls)
		}
	}
	mic, camera := i18n.T(l, "lesson.mic.mute"), i18n.T(l, "lesson.camera.mute")
	if v.MicOff {
		mic = i18n.T(l, "lesson.mic.unmute")
	}
	if v.CameraOff {
		camera = i18n.T(l, "lesson.camera.unmute")
	}
	var buttons, status []app.UI
	if v.Local.HasAudio() {
		buttons = append(buttons, selfToggle("teacher-mic", mic, v.MicOff, func() { set(func(c selfMediaControls) { c.SetMic(v.MicOff) }) }))
	}
	if v.Local.HasVideo() {
		buttons = append(buttons, selfToggle("teacher-camera", camera, v.CameraOff, func() { set(func(c selfMediaControls) { c.SetCamera(v.CameraOff) }) }))
	}
	if v.MicOff {
		status = append(status, selfStatus("teacher-mic-status", i18n.T(l, "lesson.mic.muted")))
	}
	if v.CameraOff {
		status = append(status, selfStatus("teacher-camera-status", i18n.T(l, "lesson.camera.muted")))
	}
	return app.Div().ID("self-media").Class("self-media").Body(
		app.Div().Class("actions-row").Role("group").Aria("label", i18n.T(l, "lesson.selfmedia")).Body(buttons...),
		app.Div().Body(status...),
	)
}

// selfToggle is one of the teacher's own switches; pressed means off.
func selfToggle(id, text string, off bool, click func()) app.UI {
	return app.Button().ID(id).Class("button secondary").Aria("pressed", off).Text(text).
		OnClick(func(app.Context, app.Event) { click() })
}

// selfStatus says what of the teacher's own is off.
func selfStatus(id, text string) app.UI {
	return app.P().ID(id).Class("notice").Role("status").Text(text)
}
