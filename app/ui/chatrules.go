package ui

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"ersatzraum/app/i18n"
	"ersatzraum/app/protocol"
)

// ChatRules lets the teacher switch the class chat: on, questions to the
// teacher only, or off. The server enforces the choice.
type ChatRules struct {
	app.Compo
	Lang      i18n.Lang
	Mode      string
	Moderator chatModerator
}

// Render draws the choice as a group of radio buttons.
func (r *ChatRules) Render() app.UI {
	l := r.Lang
	modes := []struct{ mode, key string }{
		{protocol.ChatModeOn, "chat.mode.on"},
		{protocol.ChatModeTeacherOnly, "chat.mode.teacher"},
		{protocol.ChatModeOff, "chat.mode.off"},
	}
	return app.FieldSet().ID("chat-mode").Class("chat-mode").Body(
		app.Legend().Text(i18n.T(l, "chat.mode")),
		app.Range(modes).Slice(func(i int) app.UI {
			m := modes[i]
			return app.Label().Class("check").Body(
				app.Input().Type("radio").Name("chat-mode").ID("chat-mode-"+m.mode).Value(m.mode).
					Checked(r.Mode == m.mode).
					OnChange(func(app.Context, app.Event) {
						if r.Moderator != nil {
							r.Moderator.SetChatMode(m.mode)
						}
					}),
				app.Text(" "+i18n.T(l, m.key)),
			)
		}),
	)
}
