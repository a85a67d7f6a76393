package ui

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"ersatzraum/app/i18n"
	"ersatzraum/app/protocol"
)

// checkAnswerer is what the student's quick check asks of the call
// (live.StudentCall).
type checkAnswerer interface {
	AnswerCheck(id string, option int)
}

// StudentCheckPanel shows the teacher's question with one button per
// answer; the student's answer is pressed and can be changed until the
// teacher closes the question. The class's result shows when the teacher
// shows it.
type StudentCheckPanel struct {
	app.Compo
	Lang     i18n.Lang
	Check    *protocol.StudentCheck
	Answerer checkAnswerer
}

// Render draws the question, or only the (empty) announcer.
func (p *StudentCheckPanel) Render() app.UI {
	l, q := p.Lang, p.Check
	announce := ""
	if q != nil && q.Open {
		announce = i18n.T(l, "check.announce", q.Question)
	}
	return app.Div().ID("student-check-wrap").Body(
		app.Div().ID("check-announcer").Class("visually-hidden").Aria("live", "polite").Text(announce),
		app.If(q != nil, func() app.UI { return p.renderQuestion() }),
	)
}

func (p *StudentCheckPanel) renderQuestion() app.UI {
	l, q := p.Lang, p.Check
	return app.Section().ID("student-check").Class("card check").DataSet("id", q.ID).DataSet("open", q.Open).
		Aria("labelledby", "student-check-heading").Body(
		app.H2().ID("student-check-heading").Text(i18n.T(l, "check.student.title")),
		app.P().Class("check-question").Text(q.Question),
		app.If(q.Open, func() app.UI { return app.P().Class("hint").Text(i18n.T(l, "check.student.hint")) }).
			Else(func() app.UI { return app.P().Class("notice").Text(i18n.T(l, "check.student.closed")) }),
		app.Div().Class("check-answers").Role("group").Aria("labelledby", "student-check-heading").Body(
			app.Range(q.Options).Slice(func(i int) app.UI {
				return app.Button().Class("button big check-answer").DataSet("option", i).
					Aria("pressed", q.Mine == i).Disabled(!q.Open).Text(q.Options[i]).
					OnClick(func(app.Context, app.Event) {
						if p.Answerer != nil {
							p.Answerer.AnswerCheck(q.ID, i)
						}
					})
			}),
		),
		app.If(q.Mine >= 0 && q.Mine < len(q.Options), func() app.UI {
			return app.P().ID("check-mine").Role("status").Text(i18n.T(l, "check.student.mine", q.Options[q.Mine]))
		}),
		app.If(len(q.Counts) == len(q.Options), func() app.UI {
			return app.Div().ID("check-result").Body(
				app.P().Body(app.Strong().Text(i18n.T(l, "check.result"))),
				app.Ol().Class("check-results").Body(
					app.Range(q.Options).Slice(func(i int) app.UI {
						return app.Li().DataSet("option", i).DataSet("count", q.Counts[i]).Body(
							app.Span().Class("label").Text(q.Options[i]),
							app.Strong().Class("count").Text(i18n.T(l, "check.count", q.Counts[i])),
						)
					}),
				),
			)
		}),
	)
}
