package ui

import (
	"fmt"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"ersatzraum/app/i18n"
)

// GroupTimer shows the time the groups have left, counting down once a
// second. The call computes EndsAt on this device's clock from the time
// left that the server sent, so a wrong clock does not matter.
type GroupTimer struct {
	app.Compo
	Lang   i18n.Lang
	EndsAt time.Time

	stop chan struct{} // closed on dismount: the ticker ends
}

// OnMount starts the ticker.
func (g *GroupTimer) OnMount(ctx app.Context) {
	g.stop = make(chan struct{})
	stop := g.stop
	go func() {
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				ctx.Dispatch(func(app.Context) {})
			}
		}
	}()
}

// OnDismount stops the ticker.
func (g *GroupTimer) OnDismount() {
	if g.stop != nil {
		close(g.stop)
		g.stop = nil
	}
}

// Render draws the time left.
func (g *GroupTimer) Render() app.UI {
	if g.EndsAt.IsZero() {
		return app.Span().ID("group-timer").Class("muted").Text(i18n.T(g.Lang, "groups.notimer"))
	}
	left := max(time.Until(g.EndsAt).Round(time.Second), 0)
	return app.Span().ID("group-timer").Role("timer").DataSet("seconds", int(left.Seconds())).
		Text(i18n.T(g.Lang, "groups.left", fmt.Sprintf("%d:%02d", int(left.Minutes()), int(left.Seconds())%60)))
}
