package signaling

import (
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"ersatzraum/app/protocol"
)

// wsTestServer serves a hub over real WebSockets. The teacher identity is
// read from a "teacher" cookie, standing in for the session cookie.
func wsTestServer(t *testing.T) (*testHub, *httptest.Server) {
	t.Helper()
	h := newTestHub(t)
	h.now = time.Now
	ep := &Endpoint{
		Hub: h.Hub,
		Identify: func(r *http.Request) Identity {
			if c, err := r.Cookie("teacher"); err == nil {
				return Identity{TeacherID: c.Value}
			}
			return Identity{}
		},
		Log: slog.New(slog.DiscardHandler),
	}
	srv := httptest.NewServer(ep)
	t.Cleanup(srv.Close)
	return h, srv
}

type wsClient struct {
	t  *testing.T
	ws *websocket.Conn
}

func dial(t *testing.T, srv *httptest.Server, teacherID string) *wsClient {
	t.Helper()
	hdr := http.Header{}
	if teacherID != "" {
		hdr.Set("Cookie", "teacher="+teacherID)
	}
	ws, resp, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(srv.URL, "http"), hdr)
	if err != nil {
		t.Fatalf("dial: %v (%v)", err, resp)
	}
	t.Cleanup(func() { ws.Close() })
	return &wsClient{t: t, ws: ws}
}

func (c *wsClient) send(typ string, data any) {
	c.t.Helper()
	if err := c.ws.WriteMessage(websocket.TextMessage, protocol.MustEncode(typ, data)); err != nil {
		c.t.Fatalf("write %s: %v", typ, err)
	}
}

// read returns the next message; it fails the test after a deadline.
func (c *wsClient) read() (protocol.Envelope, error) {
	c.t.Helper()
	c.ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, raw, err := c.ws.ReadMessage()
	if err != nil {
		return protocol.Envelope{}, err
	}
	env, perr := protocol.Decode(raw)
	if perr != nil {
		c.t.Fatalf("server sent %s: %v", raw, perr)
	}
	return env, nil
}

func (c *wsClient) expect(typ string, v any) {
	c.t.Helper()
	env, err := c.read()
	if err != nil {
		c.t.Fatalf("waiting for %q: %v", typ, err)
	}
	if env.Type != typ {
		c.t.Fatalf("expected %q, got %q: %s", typ, env.Type, env.Data)
	}
	if v != nil {
		if perr := protocol.DecodeData(env, v); perr != nil {
			c.t.Fatal(perr)
		}
	}
}

// expectClose reads until the server's close frame and checks its code.
func (c *wsClient) expectClose(code int) {
	c.t.Helper()
	for {
		env, err := c.read()
		if err == nil {
			c.t.Fatalf("expected close %d, got message %q: %s", code, env.Type, env.Data)
		}
		var ce *websocket.CloseError
		if !errors.As(err, &ce) {
			c.t.Fatalf("expected close %d, got %v", code, err)
		}
		if ce.Code != code {
			c.t.Fatalf("expected close %d, got %d (%q)", code, ce.Code, ce.Text)
		}
		return
	}
}

func TestWebSocketSignalingExchange(t *testing.T) {
	h, srv := wsTestServer(t)
	h.addLesson("lesson-a", "t-alice", "Mathe", codeA)

	teacher := dial(t, srv, "t-alice")
	teacher.send(protocol.TypeHello, protocol.Hello{Role: protocol.RoleTeacher, Lesson: "lesson-a"})
	var tw protocol.Welcome
	teacher.expect(protocol.TypeWelcome, &tw)
	if tw.Lesson.Code != codeA || tw.Self != protocol.TeacherPeer {
		t.Fatalf("teacher welcome = %+v", tw)
	}

	stu := dial(t, srv, "")
	stu.send(protocol.TypeHello, protocol.Hello{Role: protocol.RoleStudent, Code: "abcd efgh", Name: "Ada", Camera: true})
	var sw protocol.Welcome
	stu.expect(protocol.TypeWelcome, &sw)
	if !sw.TeacherOnline || sw.Resume == "" || sw.Lesson.ID != "lesson-a" {
		t.Fatalf("student welcome = %+v", sw)
	}
	var e protocol.Entry
	teacher.expect(protocol.TypeParticipant, &e)
	if e.ID != sw.Self || !e.Online || e.Name != "Ada" {
		t.Fatalf("join entry = %+v", e)
	}

	// Offer, answer and candidates both ways.
	stu.send(protocol.TypeSignal, protocol.Signal{To: protocol.TeacherPeer, Kind: protocol.SignalOffer, SDP: "v=0 offer"})
	var sig protocol.Signal
	teacher.expect(protocol.TypeSignal, &sig)
	if sig.From != sw.Self || sig.Kind != protocol.SignalOffer || sig.SDP != "v=0 offer" {
		t.Fatalf("teacher got %+v", sig)
	}
	teacher.send(protocol.TypeSignal, protocol.Signal{To: sw.Self, Kind: protocol.SignalAnswer, SDP: "v=0 answer"})
	stu.expect(protocol.TypeSignal, &sig)
	if sig.From != protocol.TeacherPeer || sig.Kind != protocol.SignalAnswer || sig.SDP != "v=0 answer" {
		t.Fatalf("student got %+v", sig)
	}
	teacher.send(protocol.TypeSignal, protocol.Signal{To: sw.Self, Kind: protocol.SignalCandidate, Candidate: &protocol.Candidate{Candidate: "candidate:t"}})
	stu.expect(protocol.TypeSignal, &sig)
	if sig.Candidate == nil || sig.Candidate.Candidate != "candidate:t" {
		t.Fatalf("student got %+v", sig)
	}
	stu.send(protocol.TypeSignal, protocol.Signal{Kind: protocol.SignalCandidate, Candidate: &protocol.Candidate{Candidate: "candidate:s"}})
	teacher.expect(protocol.TypeSignal, &sig)
	if sig.From != sw.Self || sig.Candidate == nil || sig.Candidate.Candidate != "candidate:s" {
		t.Fatalf("teacher got %+v", sig)
	}

	// A second student joins; the first one drops its socket and the
	// teacher learns it once the transport notices.
	bea := dial(t, srv, "")
	bea.send(protocol.TypeHello, protocol.Hello{Role: protocol.RoleStudent, Code: codeA, Name: "Bea"})
	var bw protocol.Welcome
	bea.expect(protocol.TypeWelcome, &bw)
	teacher.expect(protocol.TypeParticipant, &e)
	if e.ID != bw.Self {
		t.Fatalf("join entry = %+v", e)
	}
	stu.ws.Close()
	teacher.expect(protocol.TypeParticipant, &e)
	if e.ID != sw.Self || e.Online || e.LeftAt == 0 {
		t.Fatalf("leave entry = %+v", e)
	}

	// Ending the lesson reaches the student before its close frame.
	teacher.send(protocol.TypeEnd, nil)
	bea.expect(protocol.TypeLessonEnded, nil)
	bea.expectClose(protocol.CloseLessonEnded)
	teacher.expect(protocol.TypeLessonEnded, nil)
	teacher.expectClose(protocol.CloseNormal)
	if _, ends := h.rec.snapshot(); len(ends) != 1 || ends[0].lessonID != "lesson-a" {
		t.Fatalf("recorded ends = %+v", ends)
	}
}

func TestWebSocketRefusalIsExplained(t *testing.T) {
	h, srv := wsTestServer(t)
	h.addLesson("lesson-a", "t-alice", "Mathe", codeA)
	// No teacher cookie: the error is flushed before the close frame.
	c := dial(t, srv, "")
	c.send(protocol.TypeHello, protocol.Hello{Role: protocol.RoleTeacher, Lesson: "lesson-a"})
	var perr protocol.Error
	c.expect(protocol.TypeError, &perr)
	if perr.Code != protocol.ErrUnauthorized {
		t.Fatalf("error = %+v", perr)
	}
	c.expectClose(protocol.CloseUnauthorized)

	// Binary frames are not our protocol.
	b := dial(t, srv, "")
	if err := b.ws.WriteMessage(websocket.BinaryMessage, []byte{1, 2, 3}); err != nil {
		t.Fatal(err)
	}
	b.expect(protocol.TypeError, &perr)
	if perr.Code != protocol.ErrMalformed {
		t.Fatalf("error = %+v", perr)
	}
	b.expectClose(protocol.CloseProtocolError)
}

func TestWebSocketTooLarge(t *testing.T) {
	h, srv := wsTestServer(t)
	h.addLesson("lesson-a", "t-alice", "Mathe", codeA)
	teacher := dial(t, srv, "t-alice")
	teacher.send(protocol.TypeHello, protocol.Hello{Role: protocol.RoleTeacher, Lesson: "lesson-a"})
	teacher.expect(protocol.TypeWelcome, nil)

	big := dial(t, srv, "")
	big.send(protocol.TypeHello, protocol.Hello{Role: protocol.RoleStudent, Code: codeA, Name: "Big"})
	var bw protocol.Welcome
	big.expect(protocol.TypeWelcome, &bw)
	teacher.expect(protocol.TypeParticipant, nil)
	small := dial(t, srv, "")
	small.send(protocol.TypeHello, protocol.Hello{Role: protocol.RoleStudent, Code: codeA, Name: "Small"})
	var sw protocol.Welcome
	small.expect(protocol.TypeWelcome, &sw)
	teacher.expect(protocol.TypeParticipant, nil)

	// A message just inside the limit is fine.
	sdp := strings.Repeat("a", protocol.MaxMessageBytes-200)
	msg := protocol.MustEncode(protocol.TypeSignal, protocol.Signal{Kind: protocol.SignalOffer, SDP: sdp})
	if len(msg) > protocol.MaxMessageBytes {
		t.Fatalf("test message is %d bytes", len(msg))
	}
	if err := big.ws.WriteMessage(websocket.TextMessage, msg); err != nil {
		t.Fatal(err)
	}
	var sig protocol.Signal
	teacher.expect(protocol.TypeSignal, &sig)
	if sig.SDP != sdp {
		t.Fatal("large offer arrived changed")
	}

	// One byte over the limit closes the connection with 1009.
	tooBig := make([]byte, protocol.MaxMessageBytes+1)
	for i := range tooBig {
		tooBig[i] = ' '
	}
	if err := big.ws.WriteMessage(websocket.TextMessage, tooBig); err != nil {
		t.Fatal(err)
	}
	big.expectClose(protocol.CloseTooLarge)
	var e protocol.Entry
	teacher.expect(protocol.TypeParticipant, &e)
	if e.ID != bw.Self || e.Online {
		t.Fatalf("entry after the oversized message = %+v", e)
	}

	// Others are unaffected.
	small.send(protocol.TypeSignal, protocol.Signal{Kind: protocol.SignalOffer, SDP: "v=0 small"})
	teacher.expect(protocol.TypeSignal, &sig)
	if sig.From != sw.Self || sig.SDP != "v=0 small" {
		t.Fatalf("teacher got %+v", sig)
	}
	teacher.send(protocol.TypeSignal, protocol.Signal{To: sw.Self, Kind: protocol.SignalAnswer, SDP: "v=0 answer"})
	small.expect(protocol.TypeSignal, &sig)
	if sig.SDP != "v=0 answer" {
		t.Fatalf("student got %+v", sig)
	}
}

func TestWebSocketOrigin(t *testing.T) {
	_, srv := wsTestServer(t)
	url := "ws" + strings.TrimPrefix(srv.URL, "http")

	for _, origin := range []string{"http://evil.example", "https://evil.example", "null"} {
		hdr := http.Header{"Origin": {origin}}
		ws, resp, err := websocket.DefaultDialer.Dial(url, hdr)
		if err == nil {
			ws.Close()
			t.Fatalf("origin %q was accepted", origin)
		}
		if !errors.Is(err, websocket.ErrBadHandshake) || resp == nil || resp.StatusCode != http.StatusForbidden {
			t.Fatalf("origin %q: err %v, response %v", origin, err, resp)
		}
	}

	// The page's own origin may connect.
	hdr := http.Header{"Origin": {srv.URL}}
	ws, _, err := websocket.DefaultDialer.Dial(url, hdr)
	if err != nil {
		t.Fatalf("same origin refused: %v", err)
	}
	ws.Close()

	// A plain GET is not an upgrade.
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("plain GET: %d", resp.StatusCode)
	}
}

func TestWebSocketShutdown(t *testing.T) {
	h, srv := wsTestServer(t)
	h.addLesson("lesson-a", "t-alice", "Mathe", codeA)
	teacher := dial(t, srv, "t-alice")
	teacher.send(protocol.TypeHello, protocol.Hello{Role: protocol.RoleTeacher, Lesson: "lesson-a"})
	teacher.expect(protocol.TypeWelcome, nil)
	stu := dial(t, srv, "")
	stu.send(protocol.TypeHello, protocol.Hello{Role: protocol.RoleStudent, Code: codeA, Name: "Ada"})
	stu.expect(protocol.TypeWelcome, nil)
	teacher.expect(protocol.TypeParticipant, nil)

	h.Shutdown()
	// Each side may first hear that the other one left (its transport was
	// quicker to notice), then gets its own close.
	expectGoingAway(t, stu, protocol.TypeTeacherStatus)
	expectGoingAway(t, teacher, protocol.TypeParticipant)
}

func expectGoingAway(t *testing.T, c *wsClient, allowed string) {
	t.Helper()
	for {
		env, err := c.read()
		if err != nil {
			var ce *websocket.CloseError
			if !errors.As(err, &ce) || ce.Code != protocol.CloseGoingAway {
				t.Fatalf("expected close %d, got %v", protocol.CloseGoingAway, err)
			}
			return
		}
		if env.Type != allowed {
			t.Fatalf("expected close %d, got %q", protocol.CloseGoingAway, env.Type)
		}
	}
}
