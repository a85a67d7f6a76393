package httpapi

import (
	"net/http"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"ersatzraum/app/protocol"
	"ersatzraum/server/admission"
)

// Hostile input to the HTTP API (issue 16). Each test is one defence of
// docs/security.md, "Limits against a hostile student (issue 16, part A)".

// A student behind the school's NAT who uses up the address's wrong join
// codes, and then its wrong links, does not lock anyone's personal link
// out of the board: a right Bearer token is always let in.
func TestWrongCodesAndLinksNeverRefuseARightToken(t *testing.T) {
	bc := newBoardClassWith(t, func(s *Server) {
		s.Guard = admission.NewGate(admission.Limits{GuessRate: rate.Every(time.Hour), GuessBurst: 3, TokenRate: rate.Every(time.Hour), TokenBurst: 3})
	})
	e := bc.e
	for i := 0; i < 4; i++ {
		ws := dialWS(t, e, nil)
		sendWS(t, ws, protocol.TypeHello, protocol.Hello{Role: protocol.RoleStudent, Code: "ZZZZ-ZZZZ", Name: "Mallory"})
		var perr protocol.Error
		readWS(t, ws, protocol.TypeError, &perr)
		if want := map[bool]string{true: protocol.ErrRateLimited, false: protocol.ErrUnknownLesson}[i == 3]; perr.Code != want {
			t.Fatalf("wrong code %d: %s, want %s", i+1, perr.Code, want)
		}
	}
	if resp := e.doAs("GET", "/api/board", nil, "", nil, bc.leaToken); resp.StatusCode != http.StatusOK {
		t.Fatalf("Lea's board after someone's wrong codes: HTTP %d", resp.StatusCode)
	}
	for i, want := range []int{401, 401, 401, 429, 429} {
		if resp := e.doAs("GET", "/api/board", nil, "", nil, "wrong-link-guess-000"+string(rune('a'+i))); resp.StatusCode != want {
			t.Fatalf("wrong link %d: HTTP %d, want %d", i+1, resp.StatusCode, want)
		}
	}
	if resp := e.doAs("GET", "/api/board", nil, "", nil, bc.maxToken); resp.StatusCode != http.StatusOK {
		t.Fatalf("Max's board after someone's wrong links: HTTP %d", resp.StatusCode)
	}
}
