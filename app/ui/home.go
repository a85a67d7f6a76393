package ui

import (
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"ersatzraum/app/i18n"
	"ersatzraum/app/protocol"
)

// Home is the start page. The two things people come for are the first
// things on it: the join field for students and, for a signed-in teacher,
// the start-lesson form, then the teacher's running and recent lessons
// (the way back in, and their attendance) and classes.
type Home struct {
	app.Compo

	lang     i18n.Lang
	mounted  bool   // false in the prerendered page: controls stay disabled until the app runs
	teacher  string // name of the signed-in teacher, "" if none
	code     string
	codeErr  string
	title    string
	startErr string
	busy     bool
}

// OnMount asks the server who is signed in.
func (h *Home) OnMount(ctx app.Context) {
	h.lang, h.mounted = currentLang(ctx), true
	ctx.Async(func() {
		var me protocol.Me
		if err := apiCall("GET", "/api/me", nil, &me); err != nil {
			return // not a teacher: the page stays a join page
		}
		ctx.Dispatch(func(app.Context) { h.teacher = me.Teacher.Name })
	})
}

// Render draws the page.
func (h *Home) Render() app.UI {
	l := h.lang
	return app.Div().Class("app").Body(
		&Header{Lang: l},
		app.Main().ID(mainID).Class("page home").Body(
			app.H1().Class("visually-hidden").Text(i18n.T(l, "app.name")),
			app.P().Class("tagline").Text(i18n.T(l, "app.tagline")),
			app.If(h.teacher != "", func() app.UI { return h.renderStart() }),
			app.If(h.teacher != "", func() app.UI { return &RecentLessons{Lang: l} }),
			app.If(h.teacher != "", func() app.UI { return &ClassList{Lang: l} }),
			&PersonalLinkOffer{Lang: l},
			h.renderJoin(),
			app.If(h.teacher == "", func() app.UI { return &TeacherLogin{} }),
			&InstallHint{Lang: l},
		),
	)
}

func (h *Home) renderStart() app.UI {
	l := h.lang
	return app.Section().Class("card primary").Aria("labelledby", "start-heading").Body(
		app.H2().ID("start-heading").Text(i18n.T(l, "home.start.title")),
		app.P().Class("muted").Text(i18n.T(l, "home.teacher.hello", h.teacher)),
		&TeacherBar{Lang: l},
		app.Form().OnSubmit(h.start).Body(app.FieldSet().Disabled(!h.mounted).Body(
			app.Label().For("lesson-title").Text(i18n.T(l, "home.start.subject")),
			app.Input().
				ID("lesson-title").
				Type("text").
				Required(true).
				MaxLength(protocol.MaxTitleRunes).
				AutoComplete(false).
				Placeholder(i18n.T(l, "home.start.subject.placeholder")).
				Value(h.title).
				OnInput(h.ValueTo(&h.title)),
			app.Button().ID("start-lesson").Type("submit").Class("button big").Disabled(h.busy).
				Text(i18n.T(l, "home.start.submit")),
			app.If(h.startErr != "", func() app.UI {
				return app.P().Class("error").Role("alert").Text(h.startErr)
			}),
		)),
	)
}

func (h *Home) renderJoin() app.UI {
	l := h.lang
	return app.Section().Class("card").Aria("labelledby", "join-heading").Body(
		app.H2().ID("join-heading").Text(i18n.T(l, "home.join.title")),
		app.Form().OnSubmit(h.join).Body(app.FieldSet().Disabled(!h.mounted).Body(
			app.Label().For("join-code").Text(i18n.T(l, "home.join.code")),
			app.Input().
				ID("join-code").
				Type("text").
				Class("code-input").
				AutoComplete(false).
				Attr("autocapitalize", "characters").
				Attr("spellcheck", "false").
				Aria("describedby", "join-hint").
				Placeholder("ABCD-EFGH").
				Value(h.code).
				OnInput(h.ValueTo(&h.code)),
			app.P().ID("join-hint").Class("hint").Text(i18n.T(l, "home.join.hint")),
			app.Button().ID("join-submit").Type("submit").Class("button big").Text(i18n.T(l, "home.join.submit")),
			app.If(h.codeErr != "", func() app.UI {
				return app.P().Class("error").Role("alert").Text(h.codeErr)
			}),
		)),
	)
}

func (h *Home) join(ctx app.Context, e app.Event) {
	e.PreventDefault()
	code := normalizeTypedCode(h.code)
	if code == "" {
		h.codeErr = i18n.T(h.lang, "home.join.bad")
		return
	}
	ctx.Navigate("/join/" + code)
}

// normalizeTypedCode accepts "abcd efgh", "ABCD-EFGH" and the like and
// returns "ABCD-EFGH", or "" when it cannot be a code. The server checks
// the alphabet; this only catches typos early.
func normalizeTypedCode(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		switch {
		case r == ' ' || r == '-':
		case (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9'):
			b.WriteRune(r)
		default:
			return ""
		}
	}
	if b.Len() != 8 {
		return ""
	}
	c := b.String()
	return c[:4] + "-" + c[4:]
}

func (h *Home) start(ctx app.Context, e app.Event) {
	e.PreventDefault()
	title := strings.TrimSpace(h.title)
	if title == "" || h.busy {
		return
	}
	h.busy, h.startErr = true, ""
	ctx.Async(func() {
		var created protocol.CreatedLesson
		err := apiCall("POST", "/api/lessons", protocol.CreateLessonRequest{Title: title}, &created)
		ctx.Dispatch(func(ctx app.Context) {
			h.busy = false
			if err != nil {
				h.startErr = i18n.T(h.lang, "home.start.failed", errorText(h.lang, err.Error()))
				return
			}
			rememberLesson(ctx, created)
			ctx.Navigate("/lesson/" + created.ID)
		})
	})
}

// rememberLesson keeps the join code and link on this device: the server
// stores only the code's hash and cannot show it again after a restart.
func rememberLesson(ctx app.Context, l protocol.CreatedLesson) {
	ctx.LocalStorage().Set("ersatzraum.lesson."+l.ID, l)
}

func recalledLesson(ctx app.Context, id string) protocol.CreatedLesson {
	var l protocol.CreatedLesson
	ctx.LocalStorage().Get("ersatzraum.lesson."+id, &l)
	return l
}

// OnNav names the page in the browser's tab.
func (h *Home) OnNav(ctx app.Context) { setTitle(ctx, "title.home") }
