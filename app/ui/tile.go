package ui

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"ersatzraum/app/i18n"
	"ersatzraum/app/live"
	"ersatzraum/app/protocol"
)

// Tile shows one student in the teacher's grid: live video when the
// student sends it, the initials otherwise, greyed while offline.
type Tile struct {
	app.Compo
	Lang  i18n.Lang
	Entry protocol.Entry
	// Stream is the student's media; the tile shows it in its own video
	// element after every render, so a re-created element gets it again.
	Stream   live.Stream
	HasVideo bool
	Relayed  bool // connected through the school's TURN relay
	Quality  live.Quality
	// Interrupted: the student's media stopped while its signaling is up;
	// the picture froze and is being restored.
	Interrupted bool
	// Heard: the teacher hears this student (called on, or in the group
	// the teacher visits); Group is the student's group, 0 for none.
	Heard bool
	Group int
}

// VideoID is the id of the tile's video element, where the teacher's page
// attaches the student's stream.
func VideoID(participantID string) string { return "tile-video-" + participantID }

// OnMount shows the stream once the element exists.
func (t *Tile) OnMount(ctx app.Context) { ctx.Defer(t.attach) }

// OnUpdate shows a new stream, and lets the teacher hear the student
// called on (or the group visited), not the whole class.
func (t *Tile) OnUpdate(ctx app.Context) { ctx.Defer(t.attach) }

func (t *Tile) attach(app.Context) {
	id := VideoID(t.Entry.ID)
	live.Attach(id, t.Stream, true)
	live.SetMuted(id, !t.Heard)
}

// Render draws the tile.
func (t *Tile) Render() app.UI {
	e := t.Entry
	class := "tile"
	if !e.Online {
		class += " offline"
	}
	if t.HasVideo {
		class += " has-video"
	}
	if e.Called {
		class += " called"
	}
	if e.Hand != 0 {
		class += " hand"
	}
	if t.Interrupted {
		class += " interrupted"
	}
	return app.Figure().
		Class(class).
		DataSet("participant", e.ID).
		DataSet("name", e.Name).
		Body(
			// The video element always exists so that its identity, and
			// the stream attached to it, survive re-renders.
			app.Video().
				ID(VideoID(e.ID)).
				AutoPlay(true).
				Attr("playsinline", true).
				Aria("label", e.Name),
			app.If(!t.HasVideo, func() app.UI {
				return app.Div().Class("initials").Aria("hidden", true).Text(initials(e.Name))
			}),
			app.FigCaption().Body(
				// Long names wrap (web/app.css); the title repeats the
				// whole name for a pointer resting on it.
				app.Span().Class("name").Title(e.Name).Text(e.Name),
				app.If(e.Online && !e.Camera, func() app.UI {
					return app.Span().Class("badge").Text(i18n.T(t.Lang, "lesson.camera.off"))
				}),
				app.If(e.Online && !e.Mic, func() app.UI {
					return app.Span().Class("badge mic-off").Text(i18n.T(t.Lang, "lesson.mic.off"))
				}),
				app.If(e.AudioOnly, func() app.UI {
					return app.Span().Class("badge").Text(i18n.T(t.Lang, "lesson.audioonly"))
				}),
				app.If(e.Hand != 0, func() app.UI {
					return app.Span().Class("badge hand").Text(i18n.T(t.Lang, "lesson.hand"))
				}),
				app.If(!e.Online && e.JoinedAt == 0, func() app.UI {
					return app.Span().Class("badge").Text(i18n.T(t.Lang, "status."+e.Status))
				}),
				app.If(e.Online && t.Quality == live.QualityWeak, func() app.UI {
					return app.Span().Class("badge quality weak").Text(i18n.T(t.Lang, "lesson.quality.weak"))
				}),
				app.If(e.Online && t.Quality == live.QualityBad, func() app.UI {
					return app.Span().Class("badge quality bad").Text(i18n.T(t.Lang, "lesson.quality.bad"))
				}),
				app.If(e.Online && t.Interrupted, func() app.UI {
					return app.Span().Class("badge interrupted").Role("status").Text(i18n.T(t.Lang, "lesson.interrupted"))
				}),
				app.If(t.Group != 0, func() app.UI {
					return app.Span().Class("badge group").Text(i18n.T(t.Lang, "groups.group", t.Group))
				}),
				app.If(t.Relayed, func() app.UI {
					return app.Span().Class("badge relay").Title(i18n.T(t.Lang, "lesson.relay.hint")).
						Text(i18n.T(t.Lang, "lesson.relay"))
				}),
			),
		)
}
