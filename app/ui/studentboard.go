package ui

import (
	"encoding/base64"
	"encoding/json"
	"runtime"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"ersatzraum/app/i18n"
	"ersatzraum/app/live"
	"ersatzraum/app/protocol"
)

// cachedBoard is the last board a student saw, kept for offline use.
type cachedBoard struct {
	Board     protocol.StudentBoard `json:"board"`
	FetchedAt time.Time             `json:"fetchedAt"`
}

// StudentBoard is a student's view of the class board, reached by the
// personal link (/s/TOKEN/aufgaben). It works offline: the last board and
// drafts are kept in localStorage when the student had the device remember
// the link, else only for the tab (sessionStorage, remember.go); opened
// attachments in IndexedDB, and hand-ins go to an outbox that is sent when
// the network returns.
type StudentBoard struct {
	app.Compo

	lang      i18n.Lang
	mounted   bool
	token     string
	board     protocol.StudentBoard
	fetchedAt time.Time
	loaded    bool
	offline   bool
	err       string
	notice    string
	outbox    []outboxItem
	drafts    map[string]string
	cached    map[string]bool
	stop      chan struct{}
	online    app.Func
	// wiped: Safari on an iPad or iPhone outside the installed app, which
	// deletes the outbox after 7 days without use (InstallToKeep).
	wiped bool
	// prerendered is the board as base64 of its JSON in the server's
	// prerender (prerender.go), "" in the browser.
	prerendered string
}

// boardDataID is the element of the prerendered page that carries the
// board as base64 of its JSON (data-board).
const boardDataID = "board-data"

func boardToken(path string) string {
	return strings.TrimSuffix(strings.TrimPrefix(path, "/s/"), "/aufgaben")
}

// OnInit takes the board the server put into the page, before go-app's
// first render: the app draws the same board over the prerendered one
// instead of an empty page until the board is loaded again.
func (s *StudentBoard) OnInit() {
	if runtime.GOOS != "js" {
		return // the server's prerender fills the board in OnPreRender
	}
	s.token = boardToken(app.Window().URL().Path)
	el := app.Window().GetElementByID(boardDataID)
	if !el.Truthy() {
		return
	}
	data, err := base64.StdEncoding.DecodeString(el.Get("dataset").Get("board").String())
	var b protocol.StudentBoard
	if err == nil && json.Unmarshal(data, &b) == nil && b.ClassID != "" {
		s.board, s.loaded, s.fetchedAt = b, true, time.Now()
	}
}

// The board's keys name the link by a hash (remember.go): the key list of
// the browser's storage must not hand out the link itself.
func boardKey(token string) string      { return "ersatzraum.board." + linkID(token) }
func draftKey(token, aid string) string { return "ersatzraum.draft." + linkID(token) + "." + aid }

// OnMount shows the remembered board at once, then asks the server.
func (s *StudentBoard) OnMount(ctx app.Context) {
	s.lang, s.mounted = currentLang(ctx), true
	s.wiped = live.KeepsDataOnlyWhenInstalled()
	s.token = boardToken(ctx.Page().URL().Path)
	s.drafts, s.cached = map[string]string{}, map[string]bool{}
	forgetOldBoardKeys(s.token)
	var c cachedBoard
	switch {
	case s.loaded:
		// The board the page arrived with (OnInit) is newer than any
		// remembered one.
		s.loadDrafts(ctx)
	case boardStorage(ctx, s.token).Get(boardKey(s.token), &c) == nil && !c.FetchedAt.IsZero():
		s.board, s.fetchedAt, s.loaded = c.Board, c.FetchedAt, true
		s.loadDrafts(ctx)
	}
	s.sync(ctx)
	s.stop = make(chan struct{})
	stop := s.stop
	ctx.Async(func() {
		t := time.NewTicker(15 * time.Second)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				ctx.Dispatch(func(ctx app.Context) { s.sync(ctx) })
			}
		}
	})
	s.online = app.FuncOf(func(app.Value, []app.Value) any {
		ctx.Dispatch(func(ctx app.Context) { s.sync(ctx) })
		return nil
	})
	app.Window().Call("addEventListener", "online", s.online)
}

// OnDismount stops the timers.
func (s *StudentBoard) OnDismount() {
	if s.stop != nil {
		close(s.stop)
		s.stop = nil
	}
	if s.online != nil {
		app.Window().Call("removeEventListener", "online", s.online)
		s.online.Release()
		s.online = nil
	}
}

func (s *StudentBoard) loadDrafts(ctx app.Context) {
	for _, a := range s.board.Assignments {
		if _, ok := s.drafts[a.ID]; ok {
			continue
		}
		var d string
		boardStorage(ctx, s.token).Get(draftKey(s.token, a.ID), &d)
		s.drafts[a.ID] = d
	}
}

// sync sends the outbox, then loads the board and checks which
// attachments are kept offline.
func (s *StudentBoard) sync(ctx app.Context) {
	token := s.token
	if token == "" {
		return
	}
	ctx.Async(func() {
		warnings, _ := outboxFlush(token)
		items, _ := outboxList(token)
		var b protocol.StudentBoard
		err := fetchAPI("GET", "/api/board", nil, bearer(token), &b)
		cached := map[string]bool{}
		list := b.Assignments
		if err != nil {
			list = s.board.Assignments
		}
		for _, a := range list {
			for _, f := range a.Files {
				if v, e := idbGet(storeFiles, f.Hash); e == nil && v.Truthy() {
					cached[f.Hash] = true
				}
			}
		}
		ctx.Dispatch(func(ctx app.Context) {
			s.outbox, s.cached = items, cached
			if len(warnings) > 0 {
				s.notice = i18n.T(s.lang, "board.conflict")
			}
			if err != nil {
				if _, refused := isRefusal(err); refused {
					s.err, s.offline = errorText(s.lang, err.Error()), false
				} else {
					s.offline = true
				}
				return
			}
			s.err, s.offline, s.loaded = "", false, true
			s.board, s.fetchedAt = b, time.Now()
			boardStorage(ctx, token).Set(boardKey(token), cachedBoard{Board: b, FetchedAt: s.fetchedAt})
			s.loadDrafts(ctx)
		})
	})
}

// Render draws the board.
func (s *StudentBoard) Render() app.UI {
	l := s.lang
	waiting, failed := 0, []outboxItem{}
	for _, it := range s.outbox {
		if it.Error == "" {
			waiting++
		} else {
			failed = append(failed, it)
		}
	}
	waitText := i18n.T(l, "board.waiting.none")
	switch {
	case waiting == 1:
		waitText = i18n.T(l, "board.waiting.one")
	case waiting > 1:
		waitText = i18n.T(l, "board.waiting.many", waiting)
	}
	return app.Div().Class("app").Body(
		&Header{Lang: l},
		app.Main().ID(mainID).Class("page student-board").Body(
			app.Section().Class("card primary").Aria("labelledby", "board-title").Body(
				app.H1().ID("board-title").Text(i18n.T(l, "board.student.title")),
				app.If(s.board.ClassName != "", func() app.UI {
					return app.P().Class("muted").Text(s.board.ClassName + " · " + s.board.Student.Name)
				}),
				app.If(s.offline && !s.fetchedAt.IsZero(), func() app.UI {
					return app.P().ID("board-updated").Class("notice").Role("status").
						Text(i18n.T(l, "board.offline") + " " + i18n.T(l, "board.updated", dateTime(l, s.fetchedAt)))
				}),
				app.If(s.offline && s.fetchedAt.IsZero(), func() app.UI {
					return app.P().ID("board-updated").Class("notice").Role("status").Text(i18n.T(l, "board.offline.none"))
				}),
				app.P().ID("outbox-status").DataSet("count", waiting).Role("status").Class("outbox").Text(waitText),
				app.If(waiting > 0 && s.wiped, func() app.UI { return &InstallToKeep{Lang: l} }),
				app.Range(failed).Slice(func(i int) app.UI {
					it := failed[i]
					return app.P().Class("error outbox-failed").Role("alert").Body(
						app.Text(s.failedText(it)+" "),
						app.Button().Class("button small secondary").Text(i18n.T(l, "board.drop")).
							OnClick(func(ctx app.Context, e app.Event) { s.drop(ctx, it.Seq) }),
					)
				}),
				app.If(s.notice != "", func() app.UI { return app.P().Class("notice").Role("status").Text(s.notice) }),
				app.If(s.err != "", func() app.UI { return app.P().Class("error").Role("alert").Text(s.err) }),
				app.If(s.loaded && len(s.board.Assignments) == 0, func() app.UI {
					return app.P().Class("muted").Text(i18n.T(l, "board.empty"))
				}),
				app.A().Href("/s/"+s.token).Class("button secondary").Text(i18n.T(l, "board.tolesson")),
			),
			app.Range(s.board.Assignments).Slice(func(i int) app.UI { return s.renderAssignment(s.board.Assignments[i]) }),
			app.If(s.prerendered != "", func() app.UI {
				return app.Div().ID(boardDataID).Hidden(true).DataSet("board", s.prerendered)
			}),
		),
	)
}

func (s *StudentBoard) failedText(it outboxItem) string {
	l := s.lang
	title := it.AID
	for _, a := range s.board.Assignments {
		if a.ID == it.AID {
			title = a.Title
		}
	}
	if it.Error == protocol.ErrClosed {
		return i18n.T(l, "board.closed", title)
	}
	return i18n.T(l, "board.refused", title, errorText(l, it.Error))
}

func (s *StudentBoard) renderAssignment(a protocol.BoardAssignment) app.UI {
	l := s.lang
	pending := 0
	for _, it := range s.outbox {
		if it.AID == a.ID && it.Error == "" {
			pending++
		}
	}
	sec := app.Section().Class("card assignment").DataSet("id", a.ID)
	if runtime.GOOS == "js" {
		// Not in the prerender: go-app quotes attribute values the Go way
		// there, and a title with a quote in it would end the attribute.
		sec = sec.DataSet("title", a.Title)
	}
	return sec.Body(
		app.H2().Text(a.Title),
		app.P().Class("assignment-state").Body(
			app.Span().Class("state state-"+a.State).DataSet("state", a.State).Text(stateText(l, a.State)),
			app.If(pending > 0, func() app.UI {
				return app.Span().Class("state pending").Text(" · " + i18n.T(l, "board.pending"))
			}),
		),
		app.If(!a.Due.IsZero(), func() app.UI {
			return app.P().Class("due").Text(i18n.T(l, "board.due", dateTime(l, a.Due)))
		}),
		app.Div().Class("board-body").Body(paragraphs(a.Body)...),
		app.If(len(a.Files) > 0, func() app.UI {
			return app.Ul().Class("attachments").Body(
				app.Range(a.Files).Slice(func(i int) app.UI {
					f := a.Files[i]
					return app.Li().Body(
						app.A().Class("attachment").Href("#").DataSet("hash", f.Hash).DataSet("cached", s.cached[f.Hash]).
							Text(f.Name).OnClick(func(ctx app.Context, e app.Event) {
							e.PreventDefault()
							s.openFile(ctx, f)
						}),
						app.If(s.cached[f.Hash], func() app.UI {
							return app.Span().Class("muted").Text(" · " + i18n.T(l, "board.file.offline"))
						}),
					)
				}),
			)
		}),
		app.If(len(a.HandIns) > 0, func() app.UI {
			return app.Ul().Class("my-handins").Body(
				app.Range(a.HandIns).Slice(func(i int) app.UI {
					h := a.HandIns[i]
					text := i18n.T(l, "board.handedin.at", dateTime(l, h.ReceivedAt))
					if h.Kind == protocol.HandInKindDone {
						text = i18n.T(l, "board.done.at", dateTime(l, h.ReceivedAt))
					}
					return app.Li().Text(text)
				}),
			)
		}),
		app.Form().Class("handin-form").OnSubmit(func(ctx app.Context, e app.Event) {
			e.PreventDefault()
			s.handIn(ctx, a.ID, protocol.HandInKindHandIn)
		}).Body(
			app.Label().For("handin-text-"+a.ID).Text(i18n.T(l, "board.handin.text")),
			app.Textarea().ID("handin-text-"+a.ID).Class("handin-text").Rows(4).Text(s.drafts[a.ID]).
				OnInput(func(ctx app.Context, e app.Event) {
					v := ctx.JSSrc().Get("value").String()
					s.drafts[a.ID] = v
					boardStorage(ctx, s.token).Set(draftKey(s.token, a.ID), v)
				}),
			app.Label().For("handin-files-"+a.ID).Text(i18n.T(l, "board.handin.files")),
			app.Input().ID("handin-files-"+a.ID).Class("handin-files").Type("file").Multiple(true).
				Accept(strings.Join(protocol.HandInTypes, ",")),
			app.Div().Class("actions-row").Body(
				app.Button().Type("submit").Class("button handin-submit").Disabled(!s.mounted).
					Text(i18n.T(l, "board.handin.submit")),
				app.If(a.State == protocol.BoardStateOpen, func() app.UI {
					return app.Button().Type("button").Class("button secondary mark-done").Disabled(!s.mounted).
						Text(i18n.T(l, "board.markdone")).
						OnClick(func(ctx app.Context, e app.Event) { s.handIn(ctx, a.ID, protocol.HandInKindDone) })
				}),
			),
		),
	)
}

// handIn puts a hand-in (or a "done" mark) into the outbox and sends it
// when it can.
func (s *StudentBoard) handIn(ctx app.Context, aid, kind string) {
	text, files := "", app.Value(nil)
	if kind == protocol.HandInKindHandIn {
		text = strings.TrimSpace(s.drafts[aid])
		if input := app.Window().GetElementByID("handin-files-" + aid); input.Truthy() {
			files = input.Get("files")
		}
		if text == "" && (files == nil || files.Length() == 0) {
			s.notice = i18n.T(s.lang, "board.handin.empty")
			return
		}
	}
	token := s.token
	ctx.Async(func() {
		err := outboxAdd(token, aid, kind, text, files)
		ctx.Dispatch(func(ctx app.Context) {
			if err != nil {
				s.err = errorText(s.lang, err.Error())
				return
			}
			s.notice = i18n.T(s.lang, "board.queued")
			if kind == protocol.HandInKindHandIn {
				s.drafts[aid] = ""
				boardStorage(ctx, token).Del(draftKey(token, aid))
				if t := app.Window().GetElementByID("handin-text-" + aid); t.Truthy() {
					t.Set("value", "")
				}
				if f := app.Window().GetElementByID("handin-files-" + aid); f.Truthy() {
					f.Set("value", "")
				}
			}
			s.sync(ctx)
		})
	})
}

func (s *StudentBoard) drop(ctx app.Context, seq int) {
	ctx.Async(func() {
		outboxDrop(seq)
		ctx.Dispatch(func(ctx app.Context) { s.sync(ctx) })
	})
}

// openFile shows an attachment: from IndexedDB if it was opened before,
// else downloaded (with the personal link) and kept there.
func (s *StudentBoard) openFile(ctx app.Context, f protocol.BoardFile) {
	token := s.token
	win := app.Window().Call("open", "", "_blank")
	ctx.Async(func() {
		var blob app.Value
		kept, err := idbGet(storeFiles, f.Hash)
		if err == nil && kept.Truthy() {
			blob = idbBlob(kept)
		} else {
			blob, err = fetchBlob("/api/board/files/"+f.Hash, bearer(token))
			var rec map[string]any
			if err == nil {
				rec, err = idbBytes(blob)
			}
			if err == nil {
				err = idbPut(storeFiles, rec, f.Hash)
			}
		}
		ctx.Dispatch(func(ctx app.Context) {
			if err != nil {
				if win.Truthy() {
					win.Call("close")
				}
				s.err = i18n.T(s.lang, "board.file.failed")
				return
			}
			s.cached[f.Hash] = true
			url := app.Window().Get("URL").Call("createObjectURL", blob).String()
			if win.Truthy() {
				win.Get("location").Set("href", url)
			} else {
				app.Window().Call("open", url, "_blank")
			}
		})
	})
}

// OnNav names the page in the browser's tab.
func (s *StudentBoard) OnNav(ctx app.Context) { setTitle(ctx, "title.board") }
