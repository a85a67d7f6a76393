package ui

import (
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"ersatzraum/app/i18n"
	"ersatzraum/app/protocol"
)

// checkControls is what the teacher's quick-check panel asks of the
// running call (live.TeacherCall).
type checkControls interface {
	OpenCheck(question string, options []string, named bool)
	CloseCheck(id string)
	ShowCheck(id string, shown bool)
	SaveCheck(id string)
}

// TeacherCheck is the teacher's quick check: a form for a question with
// 2 to 6 answers (or "Ja / Nein" and "Daumen hoch / runter" at once),
// then the live tally, who has not answered, and close, show and save.
type TeacherCheck struct {
	app.Compo
	Lang     i18n.Lang
	Tally    *protocol.CheckTally
	Present  int // students online
	Controls checkControls

	question  string
	options   []string
	named     bool
	formErr   string
	composing bool   // the teacher asked for a new question while one is shown
	askedFor  string // Tally.ID when the teacher asked, to leave the form
}

// OnMount starts the form with two empty answers.
func (c *TeacherCheck) OnMount(app.Context) {
	c.options = []string{"", ""}
}

// OnUpdate leaves the form once the question the teacher asked arrives.
func (c *TeacherCheck) OnUpdate(app.Context) {
	if c.Tally != nil && c.composing && c.Tally.ID != c.askedFor {
		c.composing = false
	}
}

// Render draws the form or the tally.
func (c *TeacherCheck) Render() app.UI {
	l := c.Lang
	return app.Section().ID("check").Class("card check").Aria("labelledby", "check-heading").Body(
		app.H2().ID("check-heading").Text(i18n.T(l, "check.title")),
		app.If(c.Tally != nil && !c.composing, func() app.UI { return c.renderTally() }).
			Else(func() app.UI { return c.renderForm() }),
	)
}

func (c *TeacherCheck) renderForm() app.UI {
	l := c.Lang
	if len(c.options) < protocol.MinCheckOptions {
		c.options = []string{"", ""}
	}
	return app.Div().Body(
		app.Div().Class("actions-row").Aria("label", i18n.T(l, "check.presets")).Body(
			app.Button().ID("check-preset-yesno").Type("button").Class("button small secondary").
				Text(i18n.T(l, "check.preset.yesno")).
				OnClick(func(app.Context, app.Event) {
					c.ask(c.questionOr("check.preset.yesno.q"), []string{i18n.T(l, "check.yes"), i18n.T(l, "check.no")})
				}),
			app.Button().ID("check-preset-thumbs").Type("button").Class("button small secondary").
				Text(i18n.T(l, "check.preset.thumbs")).
				OnClick(func(app.Context, app.Event) {
					c.ask(c.questionOr("check.preset.thumbs.q"), []string{i18n.T(l, "check.thumbsup"), i18n.T(l, "check.thumbsdown")})
				}),
		),
		app.Form().ID("check-form").OnSubmit(func(ctx app.Context, e app.Event) {
			e.PreventDefault()
			c.ask(strings.TrimSpace(c.question), c.options)
		}).Body(app.FieldSet().Disabled(c.Controls == nil).Body(
			app.Label().For("check-question").Text(i18n.T(l, "check.question")),
			app.Input().ID("check-question").Type("text").MaxLength(protocol.MaxCheckRunes).Value(c.question).
				OnInput(c.ValueTo(&c.question)),
			app.Ol().Class("check-options").Body(
				app.Range(c.options).Slice(func(i int) app.UI {
					label := i18n.T(l, "check.option", i+1)
					return app.Li().Body(
						app.Input().Type("text").Class("check-option").ID("check-option-"+strconv.Itoa(i)).
							MaxLength(protocol.MaxCheckOptionRunes).Aria("label", label).Placeholder(label).Value(c.options[i]).
							OnInput(func(ctx app.Context, e app.Event) { c.options[i] = ctx.JSSrc().Get("value").String() }),
						app.If(len(c.options) > protocol.MinCheckOptions, func() app.UI {
							return app.Button().Type("button").Class("button small secondary").
								Aria("label", i18n.T(l, "check.remove", i+1)).Text("×").
								OnClick(func(app.Context, app.Event) {
									c.options = append(c.options[:i:i], c.options[i+1:]...)
								})
						}),
					)
				}),
			),
			app.If(len(c.options) < protocol.MaxCheckOptions, func() app.UI {
				return app.Button().ID("check-add").Type("button").Class("button small secondary").Text(i18n.T(l, "check.add")).
					OnClick(func(app.Context, app.Event) { c.options = append(c.options, "") })
			}),
			app.Label().Class("check").Body(
				app.Input().ID("check-named").Type("checkbox").Checked(c.named).
					OnChange(func(ctx app.Context, e app.Event) { c.named = ctx.JSSrc().Get("checked").Bool() }),
				app.Text(" "+i18n.T(l, "check.named")),
			),
			app.P().Class("hint").Text(i18n.T(l, "check.anon")),
			app.If(c.formErr != "", func() app.UI { return app.P().Class("error").Role("alert").Text(c.formErr) }),
			app.Button().ID("check-ask").Type("submit").Class("button").Text(i18n.T(l, "check.ask")),
		)),
	)
}

// questionOr is the typed question, or a preset's own.
func (c *TeacherCheck) questionOr(key string) string {
	if q := strings.TrimSpace(c.question); q != "" {
		return q
	}
	return i18n.T(c.Lang, key)
}

// ask opens the question if it is complete.
func (c *TeacherCheck) ask(question string, options []string) {
	var opts []string
	for _, o := range options {
		if o = strings.TrimSpace(o); o != "" {
			opts = append(opts, o)
		}
	}
	if question == "" || len(opts) < protocol.MinCheckOptions || len(opts) > protocol.MaxCheckOptions || c.Controls == nil {
		c.formErr = i18n.T(c.Lang, "check.bad")
		return
	}
	c.formErr = ""
	if c.Tally != nil {
		c.askedFor = c.Tally.ID
	} else {
		c.askedFor, c.composing = "", false
	}
	c.Controls.OpenCheck(question, opts, c.named)
	c.question, c.options = "", []string{"", ""}
}

func (c *TeacherCheck) renderTally() app.UI {
	l, t := c.Lang, c.Tally
	total := t.Answered + len(t.Waiting)
	max := 1
	for _, n := range t.Counts {
		max = maxInt(max, n)
	}
	byOption := make([][]string, len(t.Options))
	for _, a := range t.Answers {
		if a.Option >= 0 && a.Option < len(byOption) {
			byOption[a.Option] = append(byOption[a.Option], a.Name)
		}
	}
	return app.Div().ID("check-tally").DataSet("id", t.ID).DataSet("open", t.Open).Body(
		app.P().Class("check-question").Text(t.Question),
		app.Ol().Class("check-results").Body(
			app.Range(t.Options).Slice(func(i int) app.UI {
				n := 0
				if i < len(t.Counts) {
					n = t.Counts[i]
				}
				return app.Li().DataSet("option", i).DataSet("count", n).Body(
					app.Span().Class("label").Text(t.Options[i]),
					app.Span().Class("bar-track").Aria("hidden", true).Body(
						app.Span().Class("bar-fill").Style("width", strconv.Itoa(n*100/max)+"%"),
					),
					app.Strong().Class("count").Text(i18n.T(l, "check.count", n)),
					app.If(t.Named && len(byOption[i]) > 0, func() app.UI {
						return app.Span().Class("names muted").Text(strings.Join(byOption[i], ", "))
					}),
				)
			}),
		),
		app.P().ID("check-answered").Role("status").Text(i18n.T(l, "check.answered", t.Answered, total)),
		app.If(len(t.Waiting) > 0, func() app.UI {
			return app.P().ID("check-waiting").Class("muted").Text(i18n.T(l, "check.waiting", strings.Join(t.Waiting, ", ")))
		}).ElseIf(total > 0, func() app.UI {
			return app.P().ID("check-waiting").Class("muted").Text(i18n.T(l, "check.all"))
		}),
		app.If(!t.Open, func() app.UI { return app.P().Class("notice").Text(i18n.T(l, "check.closed")) }),
		app.If(t.Saved, func() app.UI {
			return app.P().ID("check-saved").Class("notice").Role("status").Text(i18n.T(l, "check.saved"))
		}),
		app.Div().Class("actions-row").Body(
			app.If(t.Open, func() app.UI {
				return app.Button().ID("check-close").Class("button").Text(i18n.T(l, "check.close")).
					OnClick(func(app.Context, app.Event) { c.Controls.CloseCheck(t.ID) })
			}),
			app.Button().ID("check-show").Class("button secondary").Aria("pressed", t.Shown).
				Text(i18n.T(l, map[bool]string{false: "check.show", true: "check.hide"}[t.Shown])).
				OnClick(func(app.Context, app.Event) { c.Controls.ShowCheck(t.ID, !t.Shown) }),
			app.Button().ID("check-save").Class("button secondary").Text(i18n.T(l, "check.save")).
				OnClick(func(app.Context, app.Event) { c.Controls.SaveCheck(t.ID) }),
			app.Button().ID("check-new").Class("button secondary").Text(i18n.T(l, "check.new")).
				OnClick(func(app.Context, app.Event) { c.composing = true }),
		),
	)
}

func maxInt(a, b int) int {
	if a > b {
		return a
	}
	return b
}

// online counts the students connected now.
func online(entries []protocol.Entry) int {
	n := 0
	for _, e := range entries {
		if e.Online {
			n++
		}
	}
	return n
}
