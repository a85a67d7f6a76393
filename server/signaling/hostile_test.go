package signaling

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"golang.org/x/time/rate"

	"ersatzraum/app/protocol"
	"ersatzraum/server/admission"
)

// Hostile clients on the signaling WebSocket (issue 16): each test is one
// defence of docs/security.md, "Limits against a hostile student".

// One student behind the school's NAT who sends wrong codes until the
// address has none left must not lock out a personal link: links cannot
// be guessed, so a right one always gets in. Wrong links have their own
// budget and do not use up the codes'.
func TestWrongCodesNeverRefuseAPersonalLink(t *testing.T) {
	h := classHub(t)
	h.joinTeacher(t, "t-alice", "lesson-a")
	h.Guard = admission.NewGate(admission.Limits{GuessRate: rate.Every(time.Hour), GuessBurst: 3, TokenRate: rate.Every(time.Hour), TokenBurst: 2})
	school := Identity{Addr: netip.MustParseAddr("203.0.113.1")}
	hello := func(hl protocol.Hello) *client {
		c := h.connect(t, school)
		hl.Role = protocol.RoleStudent
		c.send(protocol.TypeHello, hl)
		return c
	}
	for i := 0; i < 3; i++ {
		hello(protocol.Hello{Code: "ZZZZ-ZZZZ", Name: "Mallory"}).expectError(protocol.ErrUnknownLesson)
	}
	hello(protocol.Hello{Code: codeA, Name: "Mallory"}).expectError(protocol.ErrRateLimited)
	hello(protocol.Hello{Personal: "lea-token"}).expect(protocol.TypeWelcome, nil)

	// Wrong links: refused as unknown within their budget, then as too
	// many; a right link still gets in, and codes' budget is untouched by
	// them (another address with the right code gets in too).
	hello(protocol.Hello{Personal: "guess-1"}).expectError(protocol.ErrUnknownLesson)
	hello(protocol.Hello{Personal: "guess-2"}).expectError(protocol.ErrUnknownLesson)
	hello(protocol.Hello{Personal: "guess-3"}).expectError(protocol.ErrRateLimited)
	hello(protocol.Hello{Personal: "oemer-token"}).expect(protocol.TypeWelcome, nil)
}

// The default budget of wrong codes fits a school behind one address:
// a hundred typos at 08:00 do not keep the next child out.
func TestDefaultCodeBudgetFitsASchool(t *testing.T) {
	h := classHub(t)
	h.joinTeacher(t, "t-alice", "lesson-a")
	h.Guard = admission.NewGate(admission.DefaultLimits)
	school := Identity{Addr: netip.MustParseAddr("203.0.113.1")}
	for i := 0; i < 100; i++ {
		c := h.connect(t, school)
		c.send(protocol.TypeHello, protocol.Hello{Role: protocol.RoleStudent, Code: "ZZZZ-ZZZZ", Name: "Kind"})
		c.expectError(protocol.ErrUnknownLesson)
	}
	c := h.connect(t, school)
	c.send(protocol.TypeHello, protocol.Hello{Role: protocol.RoleStudent, Code: classCode, Name: "Lea Schulz"})
	c.expect(protocol.TypeWelcome, nil)
}

// The lobby holds at most MaxLobby; each knock costs the teacher one
// small lobby-add, not the whole list again.
func TestLobbyIsCappedAndSendsChanges(t *testing.T) {
	h := classHub(t)
	teacher, _ := h.joinTeacher(t, "t-alice", "lesson-a")
	for i := 0; i < protocol.MaxLobby; i++ {
		studentHello(h, t, protocol.Hello{Code: classCode, Name: "Gast"}).expect(protocol.TypeWaiting, nil)
	}
	over := studentHello(h, t, protocol.Hello{Code: classCode, Name: "Gast"})
	over.expectError(protocol.ErrLobbyFull)
	over.expectClosed(protocol.CloseLobbyFull)
	adds, bytes := 0, 0
	for _, m := range teacher.conn.sent() {
		env, _ := protocol.Decode(m)
		if env.Type == protocol.TypeLobbyAdd {
			adds++
			bytes += len(m)
		}
	}
	if adds != protocol.MaxLobby {
		t.Fatalf("%d lobby-add messages for %d knocks", adds, protocol.MaxLobby)
	}
	if bytes > protocol.MaxLobby*200 {
		t.Fatalf("%d bytes to the teacher for %d knocks: more than changes", bytes, protocol.MaxLobby)
	}
}

// wsEndpoint serves the hub with a gate over a real WebSocket.
func wsEndpoint(t *testing.T, h *testHub, gate *admission.Gate, helloWait time.Duration) string {
	ep := &Endpoint{Hub: h.Hub, Gate: gate, HelloWait: helloWait, Log: h.log,
		ClientAddr: func(*http.Request) netip.Addr { return netip.MustParseAddr("2001:db8:1:2::7") }}
	srv := httptest.NewServer(ep)
	t.Cleanup(srv.Close)
	return "ws" + strings.TrimPrefix(srv.URL, "http")
}

// A connection that never says hello is closed at the hello deadline,
// with a close code that says why; pongs sent unasked do not extend it.
func TestSilentConnectionIsClosedAtTheHelloDeadline(t *testing.T) {
	h := newTestHub(t)
	url := wsEndpoint(t, h, admission.NewGate(admission.DefaultLimits), 300*time.Millisecond)
	ws, _, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(50 * time.Millisecond):
				ws.WriteControl(websocket.PongMessage, nil, time.Now().Add(time.Second))
			}
		}
	}()
	ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, _, err = ws.ReadMessage()
	var ce *websocket.CloseError
	if !asCloseError(err, &ce) || ce.Code != protocol.CloseBadHello || ce.Text != protocol.ErrHelloTimeout {
		t.Fatalf("silent connection ended with %v, want close %d %q", err, protocol.CloseBadHello, protocol.ErrHelloTimeout)
	}
}

func asCloseError(err error, ce **websocket.CloseError) bool {
	c, ok := err.(*websocket.CloseError)
	*ce = c
	return ok
}

// One address (an IPv6 /64 counts as one) may hold MaxOpen connections at
// once; the next is refused before the upgrade, and a closed one frees
// its slot.
func TestOpenConnectionsAreCappedPerAddress(t *testing.T) {
	h := newTestHub(t)
	gate := admission.NewGate(admission.Limits{MaxOpen: 3})
	url := wsEndpoint(t, h, gate, time.Minute)
	var open []*websocket.Conn
	for i := 0; i < 3; i++ {
		ws, _, err := websocket.DefaultDialer.Dial(url, nil)
		if err != nil {
			t.Fatalf("connection %d refused: %v", i+1, err)
		}
		open = append(open, ws)
	}
	_, resp, err := websocket.DefaultDialer.Dial(url, nil)
	if err == nil || resp == nil || resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("fourth open connection: err %v, response %+v", err, resp)
	}
	open[0].Close()
	deadline := time.Now().Add(5 * time.Second)
	for {
		ws, _, err := websocket.DefaultDialer.Dial(url, nil)
		if err == nil {
			ws.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("a closed connection did not free its slot")
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, ws := range open[1:] {
		ws.Close()
	}
}
