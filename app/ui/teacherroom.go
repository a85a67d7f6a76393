package ui

import (
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"ersatzraum/app/i18n"
	"ersatzraum/app/live"
	"ersatzraum/app/protocol"
)

// TeacherRoom is the teacher's view of a running lesson: how to get in,
// a tile per student and the roll call. It renders the views of its call
// (live.TeacherCall) and hands the teacher's clicks to it.
type TeacherRoom struct {
	app.Compo

	lang     i18n.Lang
	lessonID string
	recalled struct{ title, code, link string } // from the start page, until the welcome
	view     live.TeacherView
	call     *live.TeacherCall
}

// OnNav sets the page's title.
func (t *TeacherRoom) OnNav(ctx app.Context) { setTitle(ctx, "title.lesson.teacher") }

// OnMount starts the call as the lesson's teacher.
func (t *TeacherRoom) OnMount(ctx app.Context) {
	t.lang = currentLang(ctx)
	t.lessonID = strings.TrimPrefix(ctx.Page().URL().Path, "/lesson/")
	if l := recalledLesson(ctx, t.lessonID); l.Code != "" {
		t.recalled.code, t.recalled.link, t.recalled.title = l.Code, l.JoinURL, l.Title
	}
	t.call = &live.TeacherCall{
		Lesson: t.lessonID,
		URL:    signalingURL(),
		OnView: func(v live.TeacherView) {
			ctx.Dispatch(func(ctx app.Context) {
				t.view = v
				ctx.Defer(t.attach)
			})
		},
	}
	t.call.Start()
}

// OnDismount hangs up.
func (t *TeacherRoom) OnDismount() {
	if t.call != nil {
		t.call.Stop()
	}
}

// attach shows the teacher's own picture; it runs after each render
// because a re-render may have created the element. Each tile shows its
// student's stream itself.
func (t *TeacherRoom) attach(app.Context) {
	live.Attach("self-video", t.view.Local, true)
}

// access is what the teacher hands out: title, code and link.
func (t *TeacherRoom) access() (title, code, link string) {
	title, code, link = t.recalled.title, t.recalled.code, t.recalled.link
	if t.view.Title != "" {
		title = t.view.Title
	}
	if t.view.Code != "" {
		code = t.view.Code
		link = app.Window().Get("location").Get("origin").String() + "/join/" + code
	}
	return title, code, link
}

// Render draws the lesson.
func (t *TeacherRoom) Render() app.UI {
	l, v := t.lang, t.view
	if v.Ended || v.Closed != "" {
		text := errorText(l, v.Closed)
		if v.Ended {
			text = i18n.T(l, "lesson.ended")
		}
		return app.Div().Class("app").Body(
			&Header{Lang: l},
			app.Main().ID(mainID).Class("page").Body(app.Section().Class("card").Body(
				app.P().ID("lesson-status").Role("status").Text(text),
				app.If(v.Ended, func() app.UI { return t.endedRecords() }),
				app.A().ID("lesson-home").Href("/").Class("button").Text(i18n.T(l, "lesson.home")),
			)),
		)
	}
	var controls lessonControls
	var writer chatWriter
	var moderator chatModerator
	var checks checkControls
	var ender lessonEnder
	var groups groupControls
	if t.call != nil {
		controls, writer, moderator, checks, ender, groups = t.call, teacherChat{t.call}, t.call, t.call, t.call, t.call
	}
	title, code, link := t.access()
	notice := ""
	if v.Error != "" {
		notice = errorText(l, v.Error)
	}
	media := mediaProblemText(l, v.Media, true)
	return app.Div().Class("app").Body(
		&Header{Lang: l},
		app.Main().ID(mainID).Class("page teacher").Body(
			app.If(v.Reconnecting, func() app.UI {
				// The students see "Verbindung unterbrochen" on their
				// pages; the teacher is told as plainly.
				return app.P().ID("lesson-connection").Class("notice").DataSet("state", "reconnecting").
					Role("alert").Text(i18n.T(l, "lesson.reconnecting"))
			}),
			app.Section().Class("card access").Body(
				app.H1().Text(title),
				app.Dl().Body(
					app.Dt().Text(i18n.T(l, "lesson.code")),
					app.Dd().Body(app.If(code != "", func() app.UI {
						return app.Strong().ID("lesson-code").Class("code").Text(code)
					}).Else(func() app.UI {
						return app.Span().Class("muted").Text(i18n.T(l, "lesson.code.unknown"))
					})),
					app.If(link != "", func() app.UI {
						return app.Div().Body(
							app.Dt().Text(i18n.T(l, "lesson.link")),
							app.Dd().Body(app.A().ID("lesson-link").Href(link).Text(link)),
						)
					}),
				),
				app.Video().ID("self-video").Class("self").AutoPlay(true).Muted(true).Attr("playsinline", true).
					Aria("label", i18n.T(l, "lesson.self")),
				t.selfMedia(),
				app.If(notice != "", func() app.UI {
					return app.P().Class("notice").Role("alert").Text(notice)
				}),
				app.If(media != "", func() app.UI {
					return app.P().ID("media-problem").Class("notice").Role("status").DataSet("reason", v.Media.Reason).Text(media)
				}),
				t.shareButton(),
				// Ending asks first (EndLessonDialog, at the end of the page).
				app.Button().ID("end-lesson").Type("button").Class("button danger").Text(i18n.T(l, "lesson.end")).
					Aria("haspopup", "dialog").Aria("controls", endDialogID).
					OnClick(func(app.Context, app.Event) { openEndDialog() }),
			),
			&LobbyPanel{Lang: l, Waiting: v.Waiting, Locked: v.Locked, Controls: controls},
			app.Section().Class("grid-wrap").Aria("labelledby", "students-heading").Body(
				app.H2().ID("students-heading").Text(i18n.T(l, "lesson.students")),
				app.If(len(v.Entries) == 0, func() app.UI {
					return app.P().Class("muted").Text(i18n.T(l, "lesson.empty"))
				}),
				app.If(len(v.Relayed) > 0, func() app.UI {
					return app.P().ID("relay-status").Class("notice").Role("status").
						Text(i18n.T(l, "lesson.relayed", len(v.Relayed)))
				}),
				app.Div().ID("tiles").Class("grid").DataSet("streams", len(v.Streams)).Body(
					app.Range(v.Entries).Slice(func(i int) app.UI {
						e := v.Entries[i]
						return &Tile{Lang: l, Entry: e, Stream: v.Streams[e.ID], HasVideo: v.Streams[e.ID].HasVideo(),
							Relayed: v.Relayed[e.ID], Quality: v.Quality[e.ID], Interrupted: v.Interrupted[e.ID],
							Heard: e.Called || v.Hears(e.ID), Group: v.GroupOf(e.ID)}
					}),
				),
			),
			app.If(v.Groups != nil, func() app.UI {
				return &GroupBoard{Lang: l, State: v.Groups, EndsAt: v.GroupsEndsAt, LastMinute: v.GroupsLastMinute, Controls: groups}
			}).Else(func() app.UI {
				return &GroupSetup{Lang: l, Present: presentStudents(v.Entries), Controls: groups}
			}),
			&ChatPanel{Lang: l, View: v.Chat, Teacher: true, Writer: writer, Moderator: moderator},
			&TeacherCheck{Lang: l, Tally: v.Tally, Present: online(v.Entries), Controls: checks},
			&Hands{Lang: l, Entries: v.Entries, Controls: controls},
			&RollCall{Lang: l, Entries: v.Entries, Lines: v.Lines, Controls: controls},
			app.Div().ID("announcer").Class("visually-hidden").Aria("live", "polite").Text(announcement(l, v.Announce)),
			&EndLessonDialog{Lang: l, Ender: ender},
		),
	)
}

// endedRecords are the ways to the attendance of the lesson just ended;
// the start page lists it too.
func (t *TeacherRoom) endedRecords() app.UI {
	l, base := t.lang, serverURL()
	return app.Div().Body(
		app.P().ID("lesson-kept").Text(i18n.T(l, "lesson.ended.kept", i18n.T(l, "recent.title"))),
		app.P().Class("actions-row").Body(
			app.A().ID("ended-print").Class("button secondary").Href(base+"/lessons/"+t.lessonID+"/print").
				Target("_blank").Rel("noopener").Text(i18n.T(l, "lesson.ended.print")),
			app.A().ID("ended-csv").Class("button secondary").Href(base+"/api/lessons/"+t.lessonID+"/attendance.csv").
				Download(downloadName).Text(i18n.T(l, "lesson.ended.csv")),
		),
	)
}

// shareButton is the screen sharing of the running call.
func (t *TeacherRoom) shareButton() app.UI {
	b := &ShareButton{Lang: t.lang, Sharing: t.view.Sharing, Screen: t.view.Screen, Error: t.view.ShareError}
	if t.call != nil {
		b.Controls = t.call
	}
	return b
}

// announcement is what the screen reader is told.
func announcement(l i18n.Lang, a live.Announcement) string {
	switch a.Kind {
	case live.AnnounceJoin:
		return i18n.T(l, "rollcall.announce.join", a.Name)
	case live.AnnounceLeave:
		return i18n.T(l, "rollcall.announce.leave", a.Name)
	case live.AnnounceKnock:
		return i18n.T(l, "lobby.announce", a.Name)
	}
	return ""
}

// presentStudents are the students online now, the ones group work
// splits.
func presentStudents(entries []protocol.Entry) []protocol.Entry {
	var out []protocol.Entry
	for _, e := range entries {
		if e.Online {
			out = append(out, e)
		}
	}
	return out
}
