package ui

import (
	"slices"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"ersatzraum/app/i18n"
	"ersatzraum/app/live"
	"ersatzraum/app/protocol"
)

// The teacher's picture goes to every student: moderate size, so that a
// whole class fits a home upload line.
var teacherCamera = live.Constraints{Video: true, Audio: true, Width: 640, Height: 360, FPS: 15}

// TeacherRoom is the teacher's view of a running lesson: how to get in,
// a tile per student and the roll call.
type TeacherRoom struct {
	app.Compo

	lang     i18n.Lang
	lessonID string
	title    string
	code     string
	link     string
	entries  []protocol.Entry
	streams  map[string]live.Stream // by participant, UI goroutine only
	waiting  []protocol.Knock       // the lobby
	locked   bool
	announce string
	notice   string
	ended    bool
	closed   string

	client *live.Client
	local  live.Stream
	peers  map[string]*live.Peer // client goroutine only
	online map[string]bool       // signaling state per student, client goroutine only
	// audioOnly: students who get no video from the teacher; client goroutine only
	audioOnly map[string]bool
	ice       *protocol.ICEConfig     // client goroutine only
	relayed   map[string]bool         // students connected through the TURN relay, UI goroutine
	quality   map[string]live.Quality // how well each connection carries media, UI goroutine
}

// OnMount opens camera and microphone and connects as the lesson's teacher.
func (t *TeacherRoom) OnMount(ctx app.Context) {
	t.lang = currentLang(ctx)
	t.lessonID = strings.TrimPrefix(ctx.Page().URL().Path, "/lesson/")
	t.streams = make(map[string]live.Stream)
	t.peers = make(map[string]*live.Peer)
	t.online = make(map[string]bool)
	t.audioOnly = make(map[string]bool)
	t.relayed = make(map[string]bool)
	if l := recalledLesson(ctx, t.lessonID); l.Code != "" {
		t.code, t.link, t.title = l.Code, l.JoinURL, l.Title
	}
	ctx.Async(func() {
		local, err := live.UserMedia(teacherCamera)
		if err != nil {
			local, _ = live.UserMedia(live.Constraints{Audio: true})
		}
		t.local = local
		ctx.Dispatch(func(ctx app.Context) {
			if err != nil {
				t.notice = i18n.T(t.lang, "lesson.camera.failed", err.Error())
			}
			ctx.Defer(t.attach)
		})
		t.client = &live.Client{
			URL: signalingURL(),
			Hello: func() protocol.Hello {
				return protocol.Hello{Role: protocol.RoleTeacher, Lesson: t.lessonID, Fresh: len(t.peers) == 0}
			},
			OnMessage: func(env protocol.Envelope) { t.handle(ctx, env) },
			OnState: func(st live.State, code int, reason string) {
				if st == live.Closed {
					t.closePeers()
				}
				ctx.Dispatch(func(app.Context) {
					if st == live.Closed && !t.ended {
						t.closed = errorText(t.lang, reason)
					}
				})
			},
		}
		go t.watchRelays(ctx)
		t.client.Run()
	})
}

// relayCheckEvery is how often the teacher's page looks at how each
// student is connected.
const relayCheckEvery = 3 * time.Second

// watchRelays keeps the teacher informed which students reach them only
// through the TURN relay (a strict network on the student's side).
func (t *TeacherRoom) watchRelays(ctx app.Context) {
	tick := time.NewTicker(relayCheckEvery)
	defer tick.Stop()
	for range tick.C {
		done := make(chan struct{})
		client := t.client
		client.Do(func() {
			defer close(done)
			relayed := make(map[string]bool)
			quality := make(map[string]live.Quality)
			for id, p := range t.peers {
				link, err := p.Link()
				if err != nil {
					continue
				}
				if link.Relayed {
					relayed[id] = true
				}
				quality[id] = link.Quality()
			}
			ctx.Dispatch(func(app.Context) { t.relayed, t.quality = relayed, quality })
		})
		select {
		case <-done:
		case <-time.After(relayCheckEvery * 3):
			return // the client has stopped: the lesson is over for this page
		}
	}
}

// OnDismount hangs up.
func (t *TeacherRoom) OnDismount() {
	if t.client != nil {
		t.client.Stop()
	}
	t.local.Stop()
}

// attach puts every stream into its video element; it runs after each
// render because a re-render may have created the element.
func (t *TeacherRoom) attach(app.Context) {
	live.Attach("self-video", t.local, true)
	for id, st := range t.streams {
		live.Attach(VideoID(id), st, true)
	}
	// The teacher hears the student called on, not the whole class.
	for _, e := range t.entries {
		live.SetMuted(VideoID(e.ID), !e.Called)
	}
}

// Render draws the lesson.
func (t *TeacherRoom) Render() app.UI {
	l := t.lang
	if t.ended || t.closed != "" {
		text := t.closed
		if t.ended {
			text = i18n.T(l, "lesson.ended")
		}
		return app.Div().Class("app").Body(
			&Header{Lang: l},
			app.Main().ID(mainID).Class("page").Body(app.Section().Class("card").Body(
				app.P().ID("lesson-status").Role("status").Text(text),
				app.A().Href("/").Class("button").Text(i18n.T(l, "lesson.home")),
			)),
		)
	}
	return app.Div().Class("app").Body(
		&Header{Lang: l},
		app.Main().ID(mainID).Class("page teacher").Body(
			app.Section().Class("card access").Body(
				app.H1().Text(t.title),
				app.Dl().Body(
					app.Dt().Text(i18n.T(l, "lesson.code")),
					app.Dd().Body(app.If(t.code != "", func() app.UI {
						return app.Strong().ID("lesson-code").Class("code").Text(t.code)
					}).Else(func() app.UI {
						return app.Span().Class("muted").Text(i18n.T(l, "lesson.code.unknown"))
					})),
					app.If(t.link != "", func() app.UI {
						return app.Div().Body(
							app.Dt().Text(i18n.T(l, "lesson.link")),
							app.Dd().Body(app.A().ID("lesson-link").Href(t.link).Text(t.link)),
						)
					}),
				),
				app.Video().ID("self-video").Class("self").AutoPlay(true).Muted(true).Attr("playsinline", true).
					Aria("label", i18n.T(l, "lesson.self")),
				app.If(t.notice != "", func() app.UI {
					return app.P().Class("notice").Role("alert").Text(t.notice)
				}),
				app.Button().ID("end-lesson").Class("button danger").Text(i18n.T(l, "lesson.end")).
					OnClick(func(ctx app.Context, e app.Event) {
						if t.client != nil {
							t.client.Send(protocol.TypeEnd, nil)
						}
					}),
			),
			&LobbyPanel{Lang: l, Waiting: t.waiting, Locked: t.locked, Send: t.send},
			app.Section().Class("grid-wrap").Aria("labelledby", "students-heading").Body(
				app.H2().ID("students-heading").Text(i18n.T(l, "lesson.students")),
				app.If(len(t.entries) == 0, func() app.UI {
					return app.P().Class("muted").Text(i18n.T(l, "lesson.empty"))
				}),
				app.If(len(t.relayed) > 0, func() app.UI {
					return app.P().ID("relay-status").Class("notice").Role("status").
						Text(i18n.T(l, "lesson.relayed", len(t.relayed)))
				}),
				app.Div().ID("tiles").Class("grid").Body(
					app.Range(t.entries).Slice(func(i int) app.UI {
						e := t.entries[i]
						return &Tile{Lang: l, Entry: e, HasVideo: t.streams[e.ID].HasVideo(), Relayed: t.relayed[e.ID], Quality: t.quality[e.ID]}
					}),
				),
			),
			&Hands{Lang: l, Entries: t.entries, Send: t.send},
			&RollCall{Lang: l, Entries: t.entries, Send: t.send},
			app.Div().ID("announcer").Class("visually-hidden").Aria("live", "polite").Text(t.announce),
		),
	)
}

// handle runs on the client's goroutine, in message order.
func (t *TeacherRoom) handle(ctx app.Context, env protocol.Envelope) {
	switch env.Type {
	case protocol.TypeWelcome:
		var w protocol.Welcome
		if protocol.DecodeData(env, &w) != nil {
			return
		}
		for _, e := range w.RollCall {
			t.online[e.ID] = e.Online
			if p := t.peers[e.ID]; p != nil && t.audioOnly[e.ID] != e.AudioOnly {
				// A student on a weak line asked for sound only: stop sending
				// them video (and start again when they ask).
				t.audioOnly[e.ID] = e.AudioOnly
				p.SendVideo(t.local, !e.AudioOnly)
			}
		}
		t.ice = w.ICE
		ctx.Dispatch(func(app.Context) {
			t.waiting, t.locked = w.Lobby, w.Locked
			t.title, t.entries = w.Lesson.Title, w.RollCall
			if w.Lesson.Code != "" {
				t.code = w.Lesson.Code
				t.link = app.Window().Get("location").Get("origin").String() + "/join/" + w.Lesson.Code
			}
		})
	case protocol.TypeParticipant:
		var e protocol.Entry
		if protocol.DecodeData(env, &e) != nil {
			return
		}
		t.online[e.ID] = e.Online
		if !e.Online {
			// Signaling gone does not mean media gone (the student's line
			// may only have blipped). Hang up if the student stays away.
			id, client := e.ID, t.client
			time.AfterFunc(hangUpAfter, func() {
				client.Do(func() {
					if !t.online[id] {
						t.hangUp(ctx, id)
					}
				})
			})
		}
		ctx.Dispatch(func(ctx app.Context) {
			t.upsert(e)
			ctx.Defer(t.attach)
		})
	case protocol.TypeSignal:
		var sig protocol.Signal
		if protocol.DecodeData(env, &sig) != nil {
			return
		}
		t.signal(ctx, sig)
	case protocol.TypeLobby:
		var lobby protocol.LobbyState
		if protocol.DecodeData(env, &lobby) != nil {
			return
		}
		ctx.Dispatch(func(app.Context) {
			if len(lobby.Waiting) > len(t.waiting) {
				t.announce = i18n.T(t.lang, "lobby.announce", lobby.Waiting[len(lobby.Waiting)-1].Name)
			}
			t.waiting = lobby.Waiting
		})
	case protocol.TypeLessonState:
		var ls protocol.LockState
		if protocol.DecodeData(env, &ls) == nil {
			ctx.Dispatch(func(app.Context) { t.locked = ls.Locked })
		}
	case protocol.TypeLessonEnded:
		t.closePeers()
		ctx.Dispatch(func(app.Context) {
			t.ended = true
			t.local.Stop()
		})
	case protocol.TypeError:
		var e protocol.Error
		if protocol.DecodeData(env, &e) == nil {
			ctx.Dispatch(func(app.Context) { t.notice = errorText(t.lang, e.Code) })
		}
	}
}

// upsert puts an entry into the roll call. It builds a new slice: go-app
// compares a child's fields with the last render, and a slice changed in
// place would look unchanged to the RollCall component.
func (t *TeacherRoom) upsert(e protocol.Entry) {
	t.entries = slices.Clone(t.entries)
	for i := range t.entries {
		if t.entries[i].ID == e.ID {
			was := t.entries[i].Online
			t.entries[i] = e
			if was && !e.Online {
				t.announce = i18n.T(t.lang, "rollcall.announce.leave", e.Name)
			} else if !was && e.Online {
				t.announce = i18n.T(t.lang, "rollcall.announce.join", e.Name)
			}
			return
		}
	}
	t.entries = append(t.entries, e)
	t.announce = i18n.T(t.lang, "rollcall.announce.join", e.Name)
}

func (t *TeacherRoom) signal(ctx app.Context, sig protocol.Signal) {
	from := sig.From
	switch sig.Kind {
	case protocol.SignalOffer:
		client := t.client
		if p := t.peers[from]; p != nil && sig.Restart {
			// ICE restart: same connection, new network path.
			answer, err := p.Renegotiate(sig.SDP)
			if err != nil {
				app.Log("ice restart:", err)
				return
			}
			client.Send(protocol.TypeSignal, protocol.Signal{To: from, Kind: protocol.SignalAnswer, SDP: answer})
			return
		}
		// A new offer means the student (re)connected: start afresh.
		t.closePeer(from)
		var peer *live.Peer
		peer, err := live.NewPeer(t.ice,
			func(c protocol.Candidate) {
				client.Send(protocol.TypeSignal, protocol.Signal{To: from, Kind: protocol.SignalCandidate, Candidate: &c})
			},
			func(st live.Stream) {
				ctx.Dispatch(func(ctx app.Context) {
					t.streams[from] = st
					ctx.Defer(t.attach)
				})
			},
			func(state string) {
				switch state {
				case "closed":
					client.Do(func() {
						if t.peers[from] == peer {
							t.hangUp(ctx, from)
						}
					})
				case "failed":
					// The student may still restart ICE on this connection
					// (it does when its signaling is back); hang up only if
					// the connection stays failed and nothing replaced it.
					time.AfterFunc(hangUpAfter, func() {
						client.Do(func() {
							if t.peers[from] == peer && peer.State() == "failed" {
								t.hangUp(ctx, from)
							}
						})
					})
				}
			},
		)
		if err != nil {
			app.Log("peer:", err)
			return
		}
		peer.SetCaps(live.TeacherCaps)
		answer, err := peer.Answer(sig.SDP, t.local)
		if err != nil {
			app.Log("answer:", err)
			peer.Close()
			return
		}
		t.peers[from] = peer
		client.Send(protocol.TypeSignal, protocol.Signal{To: from, Kind: protocol.SignalAnswer, SDP: answer})
		if t.audioOnly[from] {
			peer.SendVideo(t.local, false)
		}
	case protocol.SignalCandidate:
		if p := t.peers[from]; p != nil && sig.Candidate != nil {
			p.AddCandidate(*sig.Candidate)
		}
	}
}

// hangUpAfter is how long a student's media is kept after its signaling
// went away, or after its connection failed (time for an ICE restart).
const hangUpAfter = 30 * time.Second

// hangUp closes the connection to a student and removes its picture.
func (t *TeacherRoom) hangUp(ctx app.Context, id string) {
	t.closePeer(id)
	ctx.Dispatch(func(app.Context) { delete(t.streams, id) })
}

func (t *TeacherRoom) closePeer(id string) {
	if p := t.peers[id]; p != nil {
		p.Close()
		delete(t.peers, id)
	}
}

func (t *TeacherRoom) closePeers() {
	for id := range t.peers {
		t.closePeer(id)
	}
}

// send sends a message on the teacher's signaling connection.
func (t *TeacherRoom) send(msgType string, data any) {
	if t.client != nil {
		t.client.Send(msgType, data)
	}
}
