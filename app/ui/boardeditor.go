package ui

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"ersatzraum/app/i18n"
	"ersatzraum/app/protocol"
)

// dueLayout is the value format of input type=datetime-local.
const dueLayout = "2006-01-02T15:04"

// The form asks for the grace window in whole days; the API counts
// minutes.
const (
	minutesPerDay = 24 * 60
	maxGraceDays  = protocol.MaxGraceMinutes / minutesPerDay
)

// BoardEditor is the teacher's assignment board of a class: the list with
// counts, a form to create and edit, order, archive, attachments, and per
// assignment who handed in what.
type BoardEditor struct {
	app.Compo
	ClassID string
	Lang    i18n.Lang

	loadedFor  string
	board      protocol.TeacherBoard
	editing    string // the assignment being edited, "" for a new one
	title      string
	body       string
	due        string
	grace      string
	busy       bool
	err        string
	info       string
	handinsFor string
	handins    protocol.HandInsView
}

// OnMount loads the board.
func (b *BoardEditor) OnMount(ctx app.Context) { b.load(ctx) }

// OnUpdate loads the board when the page learns its class.
func (b *BoardEditor) OnUpdate(ctx app.Context) {
	if app.IsClient {
		b.load(ctx)
	}
}

func (b *BoardEditor) base() string { return "/api/classes/" + b.ClassID + "/board" }

func (b *BoardEditor) load(ctx app.Context) {
	if b.ClassID == "" || b.ClassID == b.loadedFor {
		return
	}
	b.loadedFor = b.ClassID
	b.refresh(ctx)
}

func (b *BoardEditor) refresh(ctx app.Context) {
	path := b.base()
	ctx.Async(func() {
		var tb protocol.TeacherBoard
		err := apiCall("GET", path, nil, &tb)
		ctx.Dispatch(func(app.Context) {
			if err != nil {
				b.err = errorText(b.Lang, err.Error())
				return
			}
			b.board = tb
		})
	})
}

// Render draws the board section.
func (b *BoardEditor) Render() app.UI {
	l := b.Lang
	as := b.board.Assignments
	return app.Section().ID("board-editor").Class("card").Aria("labelledby", "board-heading").Body(
		app.H2().ID("board-heading").Text(i18n.T(l, "board.title")),
		app.If(len(as) == 0, func() app.UI { return app.P().Class("muted").Text(i18n.T(l, "board.empty")) }),
		app.Ul().ID("board-list").Class("board-list").Body(
			app.Range(as).Slice(func(i int) app.UI { return b.renderItem(i) }),
		),
		b.renderForm(),
		app.If(b.info != "", func() app.UI { return app.P().Class("notice").Role("status").Text(b.info) }),
		app.If(b.err != "", func() app.UI { return app.P().Class("error").Role("alert").Text(b.err) }),
	)
}

func (b *BoardEditor) renderItem(i int) app.UI {
	l := b.Lang
	a := b.board.Assignments[i]
	c := protocol.BoardCounts{}
	if a.Counts != nil {
		c = *a.Counts
	}
	archiveLabel := "board.archive"
	if a.Archived {
		archiveLabel = "board.unarchive"
	}
	return app.Li().Class("board-item").DataSet("title", a.Title).DataSet("archived", a.Archived).Body(
		app.Strong().Text(a.Title),
		app.If(a.Archived, func() app.UI { return app.Span().Class("badge").Text(i18n.T(l, "board.archived")) }),
		app.If(!a.Due.IsZero(), func() app.UI {
			return app.Span().Class("muted").Text(" · " + i18n.T(l, "board.due", dateTime(l, a.Due)))
		}),
		app.P().Class("counts").Text(i18n.T(l, "board.counts", c.HandedIn, c.Late, c.Done, c.Missing, c.Open)),
		app.If(len(a.Files) > 0, func() app.UI {
			return app.Ul().Class("attachments").Body(app.Range(a.Files).Slice(func(j int) app.UI {
				f := a.Files[j]
				return app.Li().Body(app.A().Href(serverURL() + b.base() + "/" + a.ID + "/files/" + f.Hash).Text(f.Name))
			}))
		}),
		app.Div().Class("actions-row").Body(
			app.Button().Class("button small secondary edit").Disabled(b.busy).Text(i18n.T(l, "board.edit")).
				Aria("label", i18n.T(l, "board.edit.one", a.Title)).
				OnClick(func(ctx app.Context, e app.Event) { b.edit(a) }),
			app.Button().Class("button small secondary up").Disabled(b.busy || i == 0).Text("↑").
				Aria("label", i18n.T(l, "board.up", a.Title)).
				OnClick(func(ctx app.Context, e app.Event) { b.move(ctx, i, -1) }),
			app.Button().Class("button small secondary down").Disabled(b.busy || i == len(b.board.Assignments)-1).Text("↓").
				Aria("label", i18n.T(l, "board.down", a.Title)).
				OnClick(func(ctx app.Context, e app.Event) { b.move(ctx, i, 1) }),
			app.Button().Class("button small secondary archive").Disabled(b.busy).Text(i18n.T(l, archiveLabel)).
				OnClick(func(ctx app.Context, e app.Event) {
					archived := !a.Archived
					b.send(ctx, "POST", "/"+a.ID+"/archive", protocol.ArchiveRequest{Archived: &archived}, "")
				}),
			app.Button().Class("button small show-handins").Disabled(b.busy).Text(i18n.T(l, "board.handins")).
				OnClick(func(ctx app.Context, e app.Event) { b.showHandIns(ctx, a.ID) }),
		),
		app.If(b.handinsFor == a.ID, func() app.UI { return b.renderHandIns(a) }),
	)
}

func (b *BoardEditor) renderHandIns(a protocol.BoardAssignment) app.UI {
	l := b.Lang
	v := b.handins
	return app.Div().ID("handins").Class("handins").Body(
		app.A().ID("handins-zip").Class("button small").Href(serverURL()+b.base()+"/"+a.ID+"/handins.zip").
			Attr("download", "Abgaben.zip").Text(i18n.T(l, "board.zip")),
		app.Table().Class("handins-table").Body(
			app.THead().Body(app.Tr().Body(
				app.Th().Text(i18n.T(l, "board.col.student")),
				app.Th().Text(i18n.T(l, "board.col.state")),
				app.Th().Text(i18n.T(l, "board.col.time")),
				app.Th().Text(i18n.T(l, "board.col.handin")),
			)),
			app.TBody().Body(app.Range(v.Students).Slice(func(i int) app.UI {
				st := v.Students[i]
				when := ""
				if !st.ReceivedAt.IsZero() {
					when = dateTime(l, st.ReceivedAt)
				}
				return app.Tr().Class("handin-row").DataSet("name", st.Student.Name).DataSet("state", st.State).
					DataSet("count", len(st.HandIns)).Body(
					app.Td().Text(st.Student.Name),
					app.Td().Class("state").Text(stateText(l, st.State)),
					app.Td().Text(when),
					app.Td().Body(app.Range(st.HandIns).Slice(func(j int) app.UI {
						h := st.HandIns[j]
						return app.Div().Class("handin").DataSet("id", h.ID).Body(
							app.If(h.Kind == protocol.HandInKindDone, func() app.UI { return app.Span().Text(i18n.T(l, "board.state.done")) }),
							app.If(h.Text != "", func() app.UI { return app.P().Class("handin-text").Text(h.Text) }),
							app.Range(h.Files).Slice(func(k int) app.UI {
								f := h.Files[k]
								return app.A().Class("handin-file").
									Href(serverURL() + b.base() + "/" + a.ID + "/handins/" + h.ID + "/files/" + f.Hash).Text(f.Name)
							}),
						)
					})),
				)
			})),
		),
	)
}

func (b *BoardEditor) renderForm() app.UI {
	l := b.Lang
	heading := "board.new"
	if b.editing != "" {
		heading = "board.editing"
	}
	return app.Form().ID("board-form").OnSubmit(b.save).Body(app.FieldSet().Disabled(b.busy).Body(
		app.Legend().Text(i18n.T(l, heading)),
		app.Label().For("board-title").Text(i18n.T(l, "board.field.title")),
		app.Input().ID("board-title").Type("text").MaxLength(protocol.MaxAssignmentTitleRunes).Required(true).Value(b.title).OnInput(b.ValueTo(&b.title)),
		app.Label().For("board-body").Text(i18n.T(l, "board.field.body")),
		app.Textarea().ID("board-body").Rows(6).Text(b.body).OnInput(b.ValueTo(&b.body)),
		app.Label().For("board-due").Text(i18n.T(l, "board.field.due")),
		app.Input().ID("board-due").Type("datetime-local").Value(b.due).OnInput(b.ValueTo(&b.due)),
		app.Label().For("board-grace").Text(i18n.T(l, "board.field.grace")),
		app.Input().ID("board-grace").Type("number").Min(0).Max(maxGraceDays).Value(b.grace).OnInput(b.ValueTo(&b.grace)),
		app.Label().For("board-file").Text(i18n.T(l, "board.field.files")),
		app.Input().ID("board-file").Type("file").Multiple(true).Accept(strings.Join(protocol.AttachmentTypes, ",")),
		app.Div().Class("actions-row").Body(
			app.Button().ID("board-save").Type("submit").Class("button").Text(i18n.T(l, "board.save")),
			app.If(b.editing != "", func() app.UI {
				return app.Button().Type("button").Class("button secondary").Text(i18n.T(l, "board.cancel")).
					OnClick(func(ctx app.Context, e app.Event) { b.edit(protocol.BoardAssignment{}) })
			}),
		),
	))
}

func (b *BoardEditor) edit(a protocol.BoardAssignment) {
	b.editing, b.title, b.body, b.due, b.grace = a.ID, a.Title, a.Body, "", ""
	if !a.Due.IsZero() {
		b.due = a.Due.Local().Format(dueLayout)
		b.grace = strconv.Itoa(a.GraceMinutes / minutesPerDay)
	}
	for id, v := range map[string]string{"board-title": b.title, "board-body": b.body, "board-due": b.due, "board-grace": b.grace} {
		if el := app.Window().GetElementByID(id); el.Truthy() {
			el.Set("value", v)
		}
	}
}

func (b *BoardEditor) save(ctx app.Context, e app.Event) {
	e.PreventDefault()
	req := protocol.AssignmentRequest{Title: strings.TrimSpace(b.title), Body: b.body}
	if d := strings.TrimSpace(b.due); d != "" {
		t, err := time.ParseInLocation(dueLayout, d, time.Local)
		if err != nil {
			b.err = i18n.T(b.Lang, "board.bad.due")
			return
		}
		req.Due = &t
		if g := strings.TrimSpace(b.grace); g != "" {
			days, err := strconv.Atoi(g)
			if err != nil || days < 0 || days > maxGraceDays {
				b.err = i18n.T(b.Lang, "board.bad.grace")
				return
			}
			req.GraceMinutes = days * minutesPerDay
		}
	}
	var files []app.Value
	if input := app.Window().GetElementByID("board-file"); input.Truthy() {
		fl := input.Get("files")
		for i := 0; i < fl.Length(); i++ {
			files = append(files, fl.Index(i))
		}
	}
	method, path := "POST", b.base()
	if b.editing != "" {
		method, path = "PUT", b.base()+"/"+b.editing
	}
	b.busy, b.err, b.info = true, "", ""
	base := b.base()
	ctx.Async(func() {
		var a protocol.BoardAssignment
		err := apiCall(method, path, req, &a)
		for _, f := range files {
			if err != nil {
				break
			}
			err = uploadFile(base+"/"+a.ID+"/files", f, nil)
		}
		ctx.Dispatch(func(ctx app.Context) {
			b.busy = false
			if err != nil {
				b.err = errorText(b.Lang, err.Error())
				return
			}
			b.info = i18n.T(b.Lang, "board.saved")
			b.edit(protocol.BoardAssignment{})
			if input := app.Window().GetElementByID("board-file"); input.Truthy() {
				input.Set("value", "")
			}
			b.refresh(ctx)
		})
	})
}

// send makes a change and reloads the board.
func (b *BoardEditor) send(ctx app.Context, method, sub string, body any, done string) {
	b.busy, b.err, b.info = true, "", ""
	path := b.base() + sub
	ctx.Async(func() {
		err := apiCall(method, path, body, nil)
		ctx.Dispatch(func(ctx app.Context) {
			b.busy = false
			if err != nil {
				b.err = errorText(b.Lang, err.Error())
				return
			}
			if done != "" {
				b.info = i18n.T(b.Lang, done)
			}
			b.refresh(ctx)
		})
	})
}

func (b *BoardEditor) move(ctx app.Context, i, dir int) {
	as := b.board.Assignments
	j := i + dir
	if j < 0 || j >= len(as) {
		return
	}
	ids := make([]string, len(as))
	for k, a := range as {
		ids[k] = a.ID
	}
	ids[i], ids[j] = ids[j], ids[i]
	b.send(ctx, "POST", "/order", protocol.BoardOrder{IDs: ids}, "")
}

func (b *BoardEditor) showHandIns(ctx app.Context, aid string) {
	if b.handinsFor == aid {
		b.handinsFor = ""
		return
	}
	path := fmt.Sprintf("%s/%s/handins", b.base(), aid)
	ctx.Async(func() {
		var v protocol.HandInsView
		err := apiCall("GET", path, nil, &v)
		ctx.Dispatch(func(app.Context) {
			if err != nil {
				b.err = errorText(b.Lang, err.Error())
				return
			}
			b.handinsFor, b.handins = aid, v
		})
	})
}
