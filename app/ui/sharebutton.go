package ui

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"ersatzraum/app/i18n"
	"ersatzraum/app/live"
)

// shareControls is what the share button asks of the running call
// (live.TeacherCall). Each method only queues work and returns.
type shareControls interface {
	ShareScreen()
	StopSharing()
}

// ShareButton lets the teacher share a screen, a window or a tab, and
// shows what is shared. Where the browser cannot share (iPad, phones) it
// offers no button and says why in one line.
type ShareButton struct {
	app.Compo
	Lang     i18n.Lang
	Sharing  bool
	Screen   live.Stream
	Error    string
	Controls shareControls // nil until the call runs

	mounted bool // the prerendered page cannot know what the browser can
	can     bool // the browser has getDisplayMedia
}

// OnMount asks the browser whether it can share a screen.
func (s *ShareButton) OnMount(ctx app.Context) {
	s.mounted, s.can = true, live.CanShareScreen()
	ctx.Defer(s.attach)
}

// OnUpdate shows a new screen in the preview.
func (s *ShareButton) OnUpdate(ctx app.Context) { ctx.Defer(s.attach) }

func (s *ShareButton) attach(app.Context) {
	live.Attach("screen-preview", s.Screen, true)
}

// Render draws the button, the preview while sharing, or the reason why
// this browser cannot share.
func (s *ShareButton) Render() app.UI {
	l := s.Lang
	if !s.mounted {
		return app.Div().Class("share")
	}
	if !s.can {
		return app.Div().Class("share").Body(
			app.P().ID("share-unavailable").Class("hint").Text(i18n.T(l, "share.unavailable")),
		)
	}
	return app.Div().Class("share").DataSet("sharing", s.Sharing).Body(
		app.If(s.Sharing, func() app.UI {
			return app.Button().ID("share-screen").Class("button danger").Aria("pressed", true).
				Text(i18n.T(l, "share.stop")).
				OnClick(func(app.Context, app.Event) {
					if s.Controls != nil {
						s.Controls.StopSharing()
					}
				})
		}).Else(func() app.UI {
			return app.Button().ID("share-screen").Class("button secondary").Aria("pressed", false).
				Title(i18n.T(l, "share.hint")).
				Text(i18n.T(l, "share.start")).
				OnClick(func(app.Context, app.Event) {
					if s.Controls != nil {
						s.Controls.ShareScreen()
					}
				})
		}),
		app.If(s.Sharing, func() app.UI {
			return app.P().ID("share-status").Class("notice").Role("status").Text(i18n.T(l, "share.on"))
		}),
		// The element always exists so that its stream survives re-renders.
		app.Video().ID("screen-preview").Class("screen-preview").Hidden(!s.Sharing).
			AutoPlay(true).Muted(true).Attr("playsinline", true).Aria("label", i18n.T(l, "share.preview")),
		app.If(s.Error != "", func() app.UI {
			return app.P().ID("share-error").Class("notice").Role("alert").Text(i18n.T(l, "share.failed."+s.Error) + " " + i18n.T(l, "share.failed.still"))
		}),
	)
}
