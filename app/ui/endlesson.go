package ui

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"ersatzraum/app/i18n"
)

// lessonEnder ends the running lesson (live.TeacherCall): it only queues
// the message and returns.
type lessonEnder interface{ End() }

// endDialogID is the id of the confirmation that "Unterricht beenden"
// opens (openEndDialog).
const endDialogID = "end-dialog"

// EndLessonDialog asks the teacher before the lesson ends, and says what
// ending does: everyone leaves, the lesson cannot be resumed, attendance
// is kept. It is the browser's modal <dialog>: the page behind it is
// inert, the keyboard focus starts on "Weiter unterrichten" (the safe
// choice, first in it), Escape cancels, and the focus returns to the
// button that opened it.
type EndLessonDialog struct {
	app.Compo
	Lang  i18n.Lang
	Ender lessonEnder
}

// openEndDialog shows the confirmation.
func openEndDialog() {
	if d := app.Window().GetElementByID(endDialogID); d.Truthy() && !d.Get("open").Bool() {
		d.Call("showModal")
	}
}

func closeEndDialog() {
	if d := app.Window().GetElementByID(endDialogID); d.Truthy() && d.Get("open").Bool() {
		d.Call("close")
	}
}

// Render draws the dialog (closed until openEndDialog).
func (d *EndLessonDialog) Render() app.UI {
	l := d.Lang
	return app.Dialog().ID(endDialogID).Class("confirm").
		Aria("labelledby", "end-dialog-title").
		Aria("describedby", "end-dialog-text").
		Body(
			app.H2().ID("end-dialog-title").Text(i18n.T(l, "end.confirm.title")),
			app.Div().ID("end-dialog-text").Body(
				app.P().Text(i18n.T(l, "end.confirm.students")),
				app.P().Text(i18n.T(l, "end.confirm.final")),
				app.P().Text(i18n.T(l, "end.confirm.kept", i18n.T(l, "recent.title"))),
			),
			app.Div().Class("actions-row").Body(
				app.Button().ID("end-cancel").Type("button").Class("button secondary").
					Text(i18n.T(l, "end.confirm.no")).
					OnClick(func(app.Context, app.Event) { closeEndDialog() }),
				app.Button().ID("end-confirm").Type("button").Class("button danger").
					Text(i18n.T(l, "end.confirm.yes")).
					OnClick(func(app.Context, app.Event) {
						closeEndDialog()
						if d.Ender != nil {
							d.Ender.End()
						}
					}),
			),
		)
}
