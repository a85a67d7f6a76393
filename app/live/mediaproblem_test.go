// The fakes label their streams, which only the stand-in Stream can.

//go:build !wasm

package live

import (
	"errors"
	"testing"
)

// mediaFake opens what the devices allow: a request that needs a device
// that is missing fails as the browser's would.
func mediaFake(camera, mic error) func(Constraints) (Stream, error) {
	return func(c Constraints) (Stream, error) {
		if c.Video && camera != nil {
			return Stream{}, camera
		}
		if c.Audio && mic != nil {
			return Stream{}, mic
		}
		return Stream{label: "media"}, nil
	}
}

// A missing or refused device never keeps anyone out, and the problem
// says which device and why, by the browser's reason.
func TestOpenMediaSaysWhatIsMissing(t *testing.T) {
	denied := &DOMError{Name: "NotAllowedError", Message: "Permission denied"}
	for _, tc := range []struct {
		name        string
		want        Constraints
		camera, mic error
		stream      bool
		problem     MediaProblem
	}{
		{"all there", StudentCamera, nil, nil, true, MediaProblem{}},
		{"no camera", StudentCamera, notFound, nil, true, MediaProblem{Reason: MediaNotFound, Camera: true}},
		{"no microphone", StudentCamera, nil, notFound, true, MediaProblem{Reason: MediaNotFound, Mic: true}},
		{"nothing", StudentCamera, notFound, notFound, false, MediaProblem{Reason: MediaNotFound, Camera: true, Mic: true}},
		{"without camera, no microphone", Constraints{Audio: true}, nil, notFound, false, MediaProblem{Reason: MediaNotFound, Mic: true}},
		{"refused", Constraints{Audio: true}, nil, denied, false, MediaProblem{Reason: MediaNotAllowed, Mic: true}},
		{"insecure page", Constraints{Audio: true}, nil, errNoMediaDevices, false, MediaProblem{Reason: MediaNoDevices, Mic: true}},
		{"something else", Constraints{Audio: true}, nil, errors.New("boom"), false, MediaProblem{Reason: MediaOther, Mic: true}},
	} {
		st, p := openMedia(mediaFake(tc.camera, tc.mic), tc.want)
		if p != tc.problem {
			t.Errorf("%s: problem %+v, want %+v", tc.name, p, tc.problem)
		}
		if got := st.label != ""; got != tc.stream {
			t.Errorf("%s: got a stream %v, want %v", tc.name, got, tc.stream)
		}
	}
	for name, want := range map[string]string{
		"NotFoundError": MediaNotFound, "NotAllowedError": MediaNotAllowed, "NotReadableError": MediaNotReadable,
		"OverconstrainedError": MediaOverconstrained, "SecurityError": MediaSecurity, "AbortError": MediaAbort,
		"DevicesNotFoundError": MediaNotFound, "PermissionDeniedError": MediaNotAllowed, "TypeError": MediaOther,
	} {
		if got := mediaReason(&DOMError{Name: name}); got != want {
			t.Errorf("%s read as %q, want %q", name, got, want)
		}
	}
}
