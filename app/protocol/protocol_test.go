package protocol

import (
	"strings"
	"testing"
)

func TestEncodeDecodeRoundTrip(t *testing.T) {
	raw, err := Encode(TypeSignal, Signal{To: TeacherPeer, Kind: SignalOffer, SDP: "v=0"})
	if err != nil {
		t.Fatal(err)
	}
	env, perr := Decode(raw)
	if perr != nil {
		t.Fatal(perr)
	}
	var s Signal
	if perr := DecodeData(env, &s); perr != nil {
		t.Fatal(perr)
	}
	if env.Type != TypeSignal || s.To != TeacherPeer || s.SDP != "v=0" {
		t.Fatalf("round trip changed the message: %+v %+v", env, s)
	}
}

func TestDecodeRejects(t *testing.T) {
	cases := map[string]string{
		`nope`:                   ErrMalformed,
		`{"v":1}`:                ErrMalformed,
		`{"v":2,"type":"hello"}`: ErrUnsupportedVersion,
		`[1,2]`:                  ErrMalformed,
	}
	for in, want := range cases {
		_, perr := Decode([]byte(in))
		if perr == nil || perr.Code != want {
			t.Errorf("Decode(%q) = %v, want code %s", in, perr, want)
		}
	}
	env, _ := Decode([]byte(`{"v":1,"type":"hello"}`))
	if perr := DecodeData(env, &Hello{}); perr == nil || perr.Code != ErrBadPayload {
		t.Errorf("missing data accepted: %v", perr)
	}
	env, _ = Decode([]byte(`{"v":1,"type":"hello","data":{"role":5}}`))
	if perr := DecodeData(env, &Hello{}); perr == nil || perr.Code != ErrBadPayload {
		t.Errorf("wrong field type accepted: %v", perr)
	}
}

func TestCleanName(t *testing.T) {
	good := map[string]string{
		"  Lea  ":     "Lea",
		"Jörg Müller": "Jörg Müller",
		"Ayşe-Nur":    "Ayşe-Nur",
	}
	for in, want := range good {
		if got, ok := CleanName(in, MaxNameRunes); !ok || got != want {
			t.Errorf("CleanName(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	bad := []string{"", "   ", "a\x00b", "a\nb", "evil\u202Eeman", strings.Repeat("x", MaxNameRunes+1), "\xff\xfe"}
	for _, in := range bad {
		if got, ok := CleanName(in, MaxNameRunes); ok {
			t.Errorf("CleanName(%q) accepted as %q", in, got)
		}
	}
}

func TestFinalClose(t *testing.T) {
	final := []int{CloseNormal, CloseUnauthorized, CloseForbidden, CloseUnknownLesson,
		CloseReplaced, CloseLessonEnded, CloseBadHello, CloseRejected, CloseLocked, CloseRemoved}
	again := []int{CloseGoingAway, CloseProtocolError, ClosePolicy, CloseTooLarge,
		CloseRateLimited, CloseSlowConsumer, CloseNotStarted, 1006}
	for _, c := range final {
		if !FinalClose(c) {
			t.Errorf("close %d should be final", c)
		}
	}
	for _, c := range again {
		if FinalClose(c) {
			t.Errorf("close %d should not be final: the client reconnects", c)
		}
	}
}
