package ui

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"ersatzraum/app/i18n"
)

// SoundButton is shown where the browser would not start the teacher's
// sound without a tap (Safari; Firefox on a page that captures nothing):
// one clear button instead of silence. The click itself starts the
// element named by Target (live.AttachSound's data-plays: inside the
// gesture, as Safari requires); OnTap then lets the page hide the button.
type SoundButton struct {
	app.Compo
	Lang   i18n.Lang
	Target string // id of the media element to play
	OnTap  func()
}

// Render draws the notice with its button.
func (b *SoundButton) Render() app.UI {
	l := b.Lang
	return app.Div().ID("sound-blocked").Class("notice sound-blocked").Role("alert").Body(
		app.P().Text(i18n.T(l, "sound.blocked")),
		app.Button().ID("sound-on").Class("button big").DataSet("plays", b.Target).
			Text(i18n.T(l, "sound.on")).
			OnClick(func(app.Context, app.Event) {
				if b.OnTap != nil {
					b.OnTap()
				}
			}),
	)
}
