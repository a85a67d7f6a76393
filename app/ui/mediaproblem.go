package ui

import (
	"ersatzraum/app/i18n"
	"ersatzraum/app/live"
)

// mediaProblemText says in the page's language what of camera and
// microphone could not be opened, why, and what still works: for the
// teacher (what the class gets) or for a student (who is in the lesson
// all the same). The browser's own message is English and technical and
// is never shown. The keys are "media." plus the reason
// (live.MediaReasons) and "join.media.without." or
// "lesson.media.without." plus camera, mic or both.
func mediaProblemText(l i18n.Lang, p live.MediaProblem, teacher bool) string {
	if !p.Failed() {
		return ""
	}
	device, without := "both", "both"
	switch {
	case p.Camera && !p.Mic:
		device, without = "camera", "camera"
	case p.Mic && !p.Camera:
		device, without = "mic", "mic"
		if !teacher {
			// A student who did not ask for the camera has none either.
			without = "both"
		}
	}
	reason := i18n.T(l, "media."+p.Reason, i18n.T(l, "media.device."+device))
	if teacher {
		return reason + " " + i18n.T(l, "lesson.media.without."+without)
	}
	return reason + " " + i18n.T(l, "join.media.without."+without)
}
