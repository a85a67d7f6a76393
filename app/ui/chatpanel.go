package ui

import (
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"ersatzraum/app/i18n"
	"ersatzraum/app/live"
	"ersatzraum/app/protocol"
)

// chatWriter sends chat messages: the student's call, or the teacher's
// through teacherChat.
type chatWriter interface {
	SendChat(text string, toTeacher bool)
}

// chatModerator is what the teacher does to the chat.
type chatModerator interface {
	DeleteChat(id string)
	MuteChat(id string, muted bool)
	SetChatMode(mode string)
}

// teacherChat lets the teacher's call write through the panel (the
// teacher always writes to the class).
type teacherChat struct{ call *live.TeacherCall }

func (t teacherChat) SendChat(text string, _ bool) { t.call.SendChat(text) }

// ChatPanel is the lesson chat beside the video: the messages with names
// and times, what is still on its way, a form to write, and for the
// teacher the rules and a delete and mute per message. It can be folded
// away (on a phone the video comes first); folded, it counts what is
// unread. New messages from others are announced to screen readers.
type ChatPanel struct {
	app.Compo
	Lang    i18n.Lang
	View    live.ChatView
	Teacher bool
	// Writer and Moderator are the running call; nil in the prerendered
	// page. Moderator is the teacher's only.
	Writer    chatWriter
	Moderator chatModerator
	// Group is the student's group during group work (0: none): what
	// the student writes goes there, not to the class.
	Group int

	folded      bool
	seenSeq     int // View.Seq when the panel was last open
	seenRefusal int // View.RefusedSeq the student has seen (typing hides it)
	draft       string
	toTeacher   bool
	// announced is the newest message someone else wrote, for screen
	// readers; announcedSeq the View.Seq it was taken at (the history a
	// page gets on joining is not announced).
	announced    string
	announcedSeq int
}

// OnMount folds the chat away on a narrow screen, where the video comes
// first.
func (p *ChatPanel) OnMount(app.Context) {
	p.folded = app.Window().Get("innerWidth").Int() < 640
	p.seenSeq, p.seenRefusal, p.announcedSeq = p.View.Seq, p.View.RefusedSeq, p.View.Seq
}

// OnUpdate keeps what an open panel shows read, and the newest message
// in sight.
func (p *ChatPanel) OnUpdate(ctx app.Context) {
	if p.View.Seq != p.announcedSeq {
		p.announcedSeq = p.View.Seq
		p.announced = p.announcement()
	}
	if p.folded {
		return
	}
	if p.View.Seq != p.seenSeq {
		p.seenSeq = p.View.Seq
		ctx.Defer(scrollChatDown)
	}
}

func scrollChatDown(app.Context) {
	list := app.Window().GetElementByID("chat-messages")
	if list.Truthy() {
		list.Set("scrollTop", list.Get("scrollHeight"))
	}
}

// Render draws the panel.
func (p *ChatPanel) Render() app.UI {
	l, v := p.Lang, p.View
	unread := 0
	if p.folded {
		unread = v.Seq - p.seenSeq
	}
	toggleKey := "chat.hide"
	if p.folded {
		toggleKey = "chat.show"
	}
	return app.Section().ID("chat").Class("card chat").DataSet("folded", p.folded).Aria("labelledby", "chat-heading").Body(
		app.Div().Class("chat-head").Body(
			app.H2().ID("chat-heading").Text(i18n.T(l, "chat.title")),
			app.Button().ID("chat-toggle").Class("button small secondary").
				Aria("expanded", !p.folded).Aria("controls", "chat-body").
				Body(
					app.Text(i18n.T(l, toggleKey)),
					app.If(unread > 0, func() app.UI {
						return app.Span().ID("chat-unread").Class("badge").
							Aria("label", i18n.T(l, "chat.unread.label", unread)).
							Text(i18n.T(l, "chat.unread", unread))
					}),
				).
				OnClick(func(ctx app.Context, e app.Event) {
					p.folded = !p.folded
					if !p.folded {
						p.seenSeq = p.View.Seq
						ctx.Defer(scrollChatDown)
					}
				}),
		),
		app.If(!p.folded, func() app.UI { return p.renderBody() }),
		// Always in the page, folded or not: screen readers hear news.
		app.Div().ID("chat-announcer").Class("visually-hidden").Aria("live", "polite").Text(p.announced),
	)
}

func (p *ChatPanel) renderBody() app.UI {
	l, v := p.Lang, p.View
	state := ""
	switch {
	case p.Teacher:
	case v.Muted:
		state = i18n.T(l, "chat.state.muted")
	case v.Mode == protocol.ChatModeOff:
		state = i18n.T(l, "chat.state.off")
	case v.Mode == protocol.ChatModeTeacherOnly:
		state = i18n.T(l, "chat.state.teacher")
	}
	refusal := ""
	if v.Refused != "" && v.RefusedSeq > p.seenRefusal {
		refusal = chatErrorText(l, v.Refused)
	}
	return app.Div().ID("chat-body").Class("chat-body").Body(
		app.If(p.Teacher, func() app.UI {
			return &ChatRules{Lang: l, Mode: v.Mode, Moderator: p.Moderator}
		}),
		app.If(state != "", func() app.UI {
			return app.P().ID("chat-state").Class("notice").Role("status").Text(state)
		}),
		app.If(len(v.Messages) == 0 && len(v.Pending) == 0, func() app.UI {
			return app.P().Class("muted").Text(i18n.T(l, "chat.empty"))
		}),
		app.Ol().ID("chat-messages").Class("chat-messages").Body(
			app.Range(v.Messages).Slice(func(i int) app.UI { return p.renderMessage(v.Messages[i]) }),
			app.Range(v.Pending).Slice(func(i int) app.UI {
				m := v.Pending[i]
				return app.Li().Class("chat-msg mine pending").DataSet("to", m.To).Body(
					app.Div().Class("meta").Body(
						app.Span().Class("who").Text(i18n.T(l, "chat.you")),
						app.Span().Class("muted").Text(i18n.T(l, "chat.pending")),
					),
					app.P().Class("text").Body(chatText(m.Text)...),
				)
			}),
		),
		app.If(refusal != "", func() app.UI {
			return app.P().ID("chat-error").Class("error").Role("alert").Text(refusal)
		}),
		p.renderForm(),
		app.P().Class("hint").Text(i18n.T(l, "chat.privacy")),
	)
}

func (p *ChatPanel) renderMessage(m protocol.ChatMessage) app.UI {
	l := p.Lang
	who := m.Name
	switch {
	case m.Mine:
		who = i18n.T(l, "chat.you")
	case m.Teacher:
		who = i18n.T(l, "chat.teacher")
	}
	class := "chat-msg"
	if m.Mine {
		class += " mine"
	}
	if m.Teacher {
		class += " from-teacher"
	}
	if m.To == protocol.ChatToTeacher {
		class += " question"
	}
	canMute := p.Teacher && m.From != "" && m.From != protocol.TeacherPeer
	muted := p.View.MutedIDs[m.From]
	return app.Li().Class(class).DataSet("id", m.ID).DataSet("to", m.To).DataSet("name", m.Name).Body(
		app.Div().Class("meta").Body(
			app.Span().Class("who").Text(who),
			app.Time().Class("muted").DateTime(time.UnixMilli(m.At).UTC().Format(time.RFC3339)).
				Text(i18n.Clock(l, time.UnixMilli(m.At))),
			app.If(m.To == protocol.ChatToTeacher, func() app.UI {
				return app.Span().Class("tag").Text(i18n.T(l, "chat.question"))
			}),
			app.If(m.Group != 0, func() app.UI {
				return app.Span().Class("tag group").Text(i18n.T(l, "groups.group", m.Group))
			}),
			app.If(canMute && muted, func() app.UI {
				return app.Span().Class("tag muted-tag").Text(i18n.T(l, "chat.muted.badge"))
			}),
		),
		app.P().Class("text").Body(chatText(m.Text)...),
		app.If(p.Teacher, func() app.UI {
			return app.Div().Class("chat-actions").Body(
				app.Button().Class("button small secondary chat-delete").
					Aria("label", i18n.T(l, "chat.delete.one", who)).Text(i18n.T(l, "chat.delete")).
					OnClick(func(app.Context, app.Event) {
						if p.Moderator != nil {
							p.Moderator.DeleteChat(m.ID)
						}
					}),
				app.If(canMute, func() app.UI {
					key, label := "chat.mute", "chat.mute.one"
					if muted {
						key, label = "chat.unmute", "chat.unmute.one"
					}
					return app.Button().Class("button small secondary chat-mute").Aria("pressed", muted).
						Aria("label", i18n.T(l, label, m.Name)).Text(i18n.T(l, key)).
						OnClick(func(app.Context, app.Event) {
							if p.Moderator != nil {
								p.Moderator.MuteChat(m.From, !muted)
							}
						})
				}),
			)
		}),
	)
}

func (p *ChatPanel) renderForm() app.UI {
	l := p.Lang
	return app.Form().ID("chat-form").Class("chat-form").OnSubmit(func(ctx app.Context, e app.Event) {
		e.PreventDefault()
		p.send()
	}).Body(app.FieldSet().Disabled(p.Writer == nil).Body(
		app.Label().For("chat-input").Class("visually-hidden").Text(i18n.T(l, "chat.input")),
		app.Textarea().ID("chat-input").Rows(2).MaxLength(protocol.MaxChatRunes).
			Placeholder(i18n.T(l, "chat.placeholder")).
			Text(p.draft).
			OnInput(func(ctx app.Context, e app.Event) {
				p.draft = ctx.JSSrc().Get("value").String()
				p.seenRefusal = p.View.RefusedSeq
			}).
			OnKeyDown(func(ctx app.Context, e app.Event) {
				// Enter sends, Shift+Enter breaks the line.
				if e.Get("key").String() == "Enter" && !e.Get("shiftKey").Bool() && !e.Get("isComposing").Bool() {
					e.PreventDefault()
					p.send()
				}
			}),
		app.If(p.Group != 0, func() app.UI {
			return app.P().ID("chat-to-group").Class("hint").Text(i18n.T(l, "groups.chat", p.Group))
		}),
		app.Div().Class("actions-row").Body(
			app.If(!p.Teacher, func() app.UI {
				return app.Label().Class("check").Body(
					app.Input().ID("chat-to-teacher").Type("checkbox").Checked(p.toTeacher).
						OnChange(func(ctx app.Context, e app.Event) { p.toTeacher = ctx.JSSrc().Get("checked").Bool() }),
					app.Text(" "+i18n.T(l, "chat.toteacher")),
				)
			}),
			app.Button().ID("chat-send").Type("submit").Class("button").Text(i18n.T(l, "chat.send")),
		),
	))
}

// send hands the draft to the call and empties the field; the message
// shows as pending until the server takes it.
func (p *ChatPanel) send() {
	text := strings.TrimSpace(p.draft)
	if text == "" || p.Writer == nil {
		return
	}
	p.Writer.SendChat(text, p.toTeacher)
	p.draft = ""
	p.seenRefusal = p.View.RefusedSeq
	if in := app.Window().GetElementByID("chat-input"); in.Truthy() {
		in.Set("value", "")
	}
}

// announcement is what screen readers are told: the newest message
// someone else wrote.
func (p *ChatPanel) announcement() string {
	msgs := p.View.Messages
	for i := len(msgs) - 1; i >= 0; i-- {
		m := msgs[i]
		if m.Mine {
			continue
		}
		who := m.Name
		if m.Teacher {
			who = i18n.T(p.Lang, "chat.teacher")
		}
		key := "chat.announce"
		if m.To == protocol.ChatToTeacher {
			key = "chat.announce.question"
		}
		return i18n.T(p.Lang, key, who, m.Text)
	}
	return ""
}

// chatErrorText names a refusal of the chat or a quick check.
func chatErrorText(l i18n.Lang, code string) string {
	switch code {
	case protocol.ErrChatOff, protocol.ErrChatTeacherOnly, protocol.ErrChatMuted, protocol.ErrChatTooLong,
		protocol.ErrChatEmpty, protocol.ErrUnknownCheck, protocol.ErrCheckClosed, protocol.ErrSaveFailed,
		protocol.ErrNoGroups, protocol.ErrNotInGroup:
		return i18n.T(l, "error."+code)
	}
	return errorText(l, code)
}
