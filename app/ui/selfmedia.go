package ui

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"ersatzraum/app/i18n"
)

// selfMedia lets the teacher turn the own microphone and camera off and
// on again, for every student at once, and says while either is off. A
// button is offered only for what the browser could open. It is a part of
// the teacher's room, not a component of its own: it holds no state, and
// a component costs the wasm its share of app.Compo's methods.
func (t *TeacherRoom) selfMedia() app.UI {
	l, v := t.lang, t.view
	mic, camera := i18n.T(l, "lesson.mic.mute"), i18n.T(l, "lesson.camera.mute")
	if v.MicOff {
		mic = i18n.T(l, "lesson.mic.unmute")
	}
	if v.CameraOff {
		camera = i18n.T(l, "lesson.camera.unmute")
	}
	var buttons, status []app.UI
	if v.Local.HasAudio() {
		buttons = append(buttons, selfToggle("teacher-mic", mic, v.MicOff, t.toggleMic))
	}
	if v.Local.HasVideo() {
		buttons = append(buttons, selfToggle("teacher-camera", camera, v.CameraOff, t.toggleCamera))
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

// toggleMic and toggleCamera read the state when clicked: go-app keeps an
// element's first handler when a new one is the same function (a closure
// over an older view would send a stale intent).
func (t *TeacherRoom) toggleMic() {
	if t.call != nil {
		t.call.SetMic(t.view.MicOff)
	}
}

func (t *TeacherRoom) toggleCamera() {
	if t.call != nil {
		t.call.SetCamera(t.view.CameraOff)
	}
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
