package ui

import (
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"ersatzraum/app/i18n"
	"ersatzraum/app/protocol"
)

// LobbyPanel shows the teacher who waits to be let in, with admit and
// reject for each and for all, and the lock of the lesson.
type LobbyPanel struct {
	app.Compo
	Lang    i18n.Lang
	Waiting []protocol.Knock
	Locked  bool
	// Controls is the running call; nil in the prerendered page.
	Controls lessonControls
}

// Render draws the panel.
func (p *LobbyPanel) Render() app.UI {
	l := p.Lang
	lockLabel, lockKey := i18n.T(l, "lobby.lock"), "false"
	if p.Locked {
		lockLabel, lockKey = i18n.T(l, "lobby.unlock"), "true"
	}
	return app.Section().ID("lobby").Class("card lobby").Aria("labelledby", "lobby-heading").Body(
		app.H2().ID("lobby-heading").Text(i18n.T(l, "lobby.title", len(p.Waiting))),
		app.If(len(p.Waiting) == 0, func() app.UI {
			return app.P().Class("muted").Text(i18n.T(l, "lobby.empty"))
		}),
		app.Ul().Body(
			app.Range(p.Waiting).Slice(func(i int) app.UI {
				k := p.Waiting[i]
				return app.Li().Class("knock").DataSet("name", k.Name).Body(
					app.Span().Class("name").Text(k.Name),
					app.Span().Class("muted").Text(i18n.T(l, "lobby.since", i18n.Clock(l, time.UnixMilli(k.At)))),
					app.Button().Class("button small admit").
						Aria("label", i18n.T(l, "lobby.admit.one", k.Name)).
						Text(i18n.T(l, "lobby.admit")).
						OnClick(func(app.Context, app.Event) { p.answer(true, k.ID) }),
					app.Button().Class("button small secondary reject").
						Aria("label", i18n.T(l, "lobby.reject.one", k.Name)).
						Text(i18n.T(l, "lobby.reject")).
						OnClick(func(app.Context, app.Event) { p.answer(false, k.ID) }),
				)
			}),
		),
		app.Div().Class("actions-row").Body(
			app.If(len(p.Waiting) > 1, func() app.UI {
				return app.Button().ID("admit-all").Class("button").Text(i18n.T(l, "lobby.admit.all")).
					OnClick(func(app.Context, app.Event) {
						ids := make([]string, len(p.Waiting))
						for i, k := range p.Waiting {
							ids[i] = k.ID
						}
						p.answer(true, ids...)
					})
			}),
			app.Button().ID("lock-lesson").Class("button secondary").
				DataSet("locked", lockKey).
				Aria("pressed", p.Locked).
				Text(lockLabel).
				OnClick(func(app.Context, app.Event) {
					if p.Controls != nil {
						p.Controls.SetLocked(!p.Locked)
					}
				}),
		),
		app.If(p.Locked, func() app.UI {
			return app.P().Class("notice").Role("status").Text(i18n.T(l, "lobby.locked"))
		}),
	)
}

// answer admits (admit true) or rejects waiting students.
func (p *LobbyPanel) answer(admit bool, ids ...string) {
	switch {
	case p.Controls == nil:
	case admit:
		p.Controls.Admit(ids...)
	default:
		p.Controls.Reject(ids...)
	}
}
