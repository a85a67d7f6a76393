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

// Wrong join codes are limited per address; the right code still works
// from another address, and a guesser who reached the limit is refused
// even with the right code (it learns nothing from trying).
func TestCodeGuessingIsLimitedPerAddress(t *testing.T) {
	h := newTestHub(t)
	h.addLesson("lesson-a", "t-alice", "Mathe", codeA)
	h.Guard = admission.NewGate(admission.Limits{ConnectRate: 100, ConnectBurst: 100, GuessRate: rate.Every(time.Hour), GuessBurst: 3})
	guesser := netip.MustParseAddr("198.51.100.66")
	for _, code := range []string{"ZZZZ-ZZZZ", "not a code", "YYYY-YYYY"} {
		c := h.connect(t, Identity{Addr: guesser})
		c.send(protocol.TypeHello, protocol.Hello{Role: protocol.RoleStudent, Code: code, Name: "Eve"})
		c.expectError(protocol.ErrUnknownLesson)
		c.expectClosed(protocol.CloseUnknownLesson)
	}
	c := h.connect(t, Identity{Addr: guesser})
	c.send(protocol.TypeHello, protocol.Hello{Role: protocol.RoleStudent, Code: codeA, Name: "Eve"})
	c.expectError(protocol.ErrRateLimited)
	c.expectClosed(protocol.CloseRateLimited)

	other := h.connect(t, Identity{Addr: netip.MustParseAddr("198.51.100.7")})
	other.send(protocol.TypeHello, protocol.Hello{Role: protocol.RoleStudent, Code: codeA, Name: "Lea"})
	var w protocol.Welcome
	other.expect(protocol.TypeWelcome, &w)
	if w.Self == "" {
		t.Fatal("student from another address not admitted")
	}
}

// A whole class joining from one address (a school's NAT) is never
// slowed by the guessing limit: only wrong codes count.
func TestValidJoinsDoNotUseUpGuesses(t *testing.T) {
	h := newTestHub(t)
	h.addLesson("lesson-a", "t-alice", "Mathe", codeA)
	h.Guard = admission.NewGate(admission.Limits{ConnectRate: 100, ConnectBurst: 100, GuessRate: rate.Every(time.Hour), GuessBurst: 1})
	school := netip.MustParseAddr("203.0.113.1")
	for i := 0; i < 50; i++ {
		c := h.connect(t, Identity{Addr: school})
		c.send(protocol.TypeHello, protocol.Hello{Role: protocol.RoleStudent, Code: codeA, Name: "Kind"})
		c.expect(protocol.TypeWelcome, nil)
	}
}

// Too many connections from one address are refused with 429 before the
// upgrade; other addresses are not affected.
func TestConnectRateLimitedPerAddress(t *testing.T) {
	h := newTestHub(t)
	gate := admission.NewGate(admission.Limits{ConnectRate: rate.Every(time.Hour), ConnectBurst: 2, GuessRate: 1, GuessBurst: 1})
	blocked := true
	ep := &Endpoint{
		Hub: h.Hub,
		ClientAddr: func(r *http.Request) netip.Addr {
			if blocked {
				return netip.MustParseAddr("198.51.100.1")
			}
			return netip.MustParseAddr("198.51.100.2")
		},
		Gate: gate,
		Log:  h.log,
	}
	srv := httptest.NewServer(ep)
	defer srv.Close()
	url := "ws" + strings.TrimPrefix(srv.URL, "http")
	for i := 0; i < 2; i++ {
		ws, _, err := websocket.DefaultDialer.Dial(url, nil)
		if err != nil {
			t.Fatalf("connection %d within the burst refused: %v", i+1, err)
		}
		ws.Close()
	}
	_, resp, err := websocket.DefaultDialer.Dial(url, nil)
	if err == nil || resp == nil || resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("third connection: err %v, response %+v", err, resp)
	}
	blocked = false
	ws, _, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		t.Fatalf("another address refused: %v", err)
	}
	ws.Close()
}

func TestAllowOrigins(t *testing.T) {
	check := AllowOrigins([]string{"https://static.schule.example/"})
	cases := []struct {
		host, origin string
		ok           bool
	}{
		{"ersatzraum.schule.example", "https://ersatzraum.schule.example", true},
		{"ersatzraum.schule.example", "https://static.schule.example", true},
		{"ersatzraum.schule.example", "https://evil.example", false},
		{"ersatzraum.schule.example", "null", false},
		{"ersatzraum.schule.example", "", true}, // not a browser
	}
	for _, c := range cases {
		r := httptest.NewRequest("GET", "/ws", nil)
		r.Host = c.host
		if c.origin != "" {
			r.Header.Set("Origin", c.origin)
		}
		if got := check(r); got != c.ok {
			t.Errorf("host %s origin %q: %v, want %v", c.host, c.origin, got, c.ok)
		}
	}
}

// A whole class joining at once makes the teacher answer everyone within
// seconds: 30 answers with 10 candidates each must pass, in one burst,
// without the teacher being taken for a flooder.
func TestTeacherMayAnswerAWholeClassAtOnce(t *testing.T) {
	h := newTestHub(t)
	h.addLesson("lesson-a", "t-alice", "Mathe", codeA)
	teacher, _ := h.joinTeacher(t, "t-alice", "lesson-a")
	var ids []string
	for i := 0; i < 30; i++ {
		_, w := h.joinStudent(t, codeA, "Kind")
		ids = append(ids, w.Self)
	}
	for _, id := range ids {
		teacher.send(protocol.TypeSignal, protocol.Signal{To: id, Kind: protocol.SignalAnswer, SDP: "v=0"})
		for c := 0; c < 10; c++ {
			teacher.send(protocol.TypeSignal, protocol.Signal{To: id, Kind: protocol.SignalCandidate, Candidate: &protocol.Candidate{Candidate: "candidate:1"}})
		}
	}
	teacher.expectOpen()
}
