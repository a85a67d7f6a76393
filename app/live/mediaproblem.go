package live

import "errors"

// MediaProblem says what a page could not open of camera and microphone,
// and why, as a reason the page words in its own language: the browser's
// message ("Requested device not found") is English and technical, and
// never shown.
type MediaProblem struct {
	// Reason is why: one of the Media* reasons; "" when nothing failed.
	Reason string
	Camera bool // the camera was asked for and could not be opened
	Mic    bool // the microphone could not be opened
}

// Failed reports whether anything could not be opened.
func (m MediaProblem) Failed() bool { return m.Reason != "" }

// Why opening camera or microphone failed. The reasons the browser gives
// are named as its DOMException names them.
const (
	MediaNotFound        = "NotFoundError"        // no such device on this computer
	MediaNotAllowed      = "NotAllowedError"      // refused by the user or the browser's settings
	MediaNotReadable     = "NotReadableError"     // the device is there but busy or broken
	MediaOverconstrained = "OverconstrainedError" // no device can give what was asked for
	MediaSecurity        = "SecurityError"        // the browser forbids media on this page
	MediaAbort           = "AbortError"           // opening was interrupted
	MediaNoDevices       = "NoDevices"            // the page has no media devices at all (not a secure page)
	MediaOther           = "Other"                // anything else
)

// MediaReasons lists every reason a MediaProblem can carry.
var MediaReasons = []string{MediaNotFound, MediaNotAllowed, MediaNotReadable, MediaOverconstrained,
	MediaSecurity, MediaAbort, MediaNoDevices, MediaOther}

// DOMError is a JavaScript error (a rejected promise) as a Go error: the
// DOMException's name and message.
type DOMError struct{ Name, Message string }

func (e *DOMError) Error() string { return e.Name + ": " + e.Message }

// errNoMediaDevices: the page has no navigator.mediaDevices (browsers
// offer it only to secure pages).
var errNoMediaDevices = errors.New("no media devices (insecure page?)")

// mediaReason names why opening media failed.
func mediaReason(err error) string {
	if errors.Is(err, errNoMediaDevices) {
		return MediaNoDevices
	}
	var de *DOMError
	if !errors.As(err, &de) {
		return MediaOther
	}
	switch de.Name {
	case MediaNotFound, MediaNotAllowed, MediaNotReadable, MediaOverconstrained, MediaSecurity, MediaAbort:
		return de.Name
	// The older names some browsers still give.
	case "DevicesNotFoundError":
		return MediaNotFound
	case "PermissionDeniedError":
		return MediaNotAllowed
	case "TrackStartError":
		return MediaNotReadable
	case "ConstraintNotSatisfiedError":
		return MediaOverconstrained
	}
	return MediaOther
}

// openMedia asks for what want names, falling back to the microphone
// alone and then to the camera alone, so that a missing or busy device
// never keeps anyone out of a lesson. The problem says what could not be
// opened, and why.
func openMedia(media func(Constraints) (Stream, error), want Constraints) (Stream, MediaProblem) {
	mic := Constraints{Audio: true}
	if !want.Video {
		st, err := media(mic)
		if err != nil {
			logf("microphone: %v", err)
			return Stream{}, MediaProblem{Reason: mediaReason(err), Mic: true}
		}
		return st, MediaProblem{}
	}
	st, both := media(want)
	if both == nil {
		return st, MediaProblem{}
	}
	logf("camera and microphone: %v", both)
	st, micErr := media(mic)
	if micErr == nil {
		return st, MediaProblem{Reason: mediaReason(both), Camera: true}
	}
	logf("microphone: %v", micErr)
	camera := want
	camera.Audio = false
	if st, err := media(camera); err == nil {
		return st, MediaProblem{Reason: mediaReason(micErr), Mic: true}
	}
	return Stream{}, MediaProblem{Reason: mediaReason(both), Camera: true, Mic: true}
}
