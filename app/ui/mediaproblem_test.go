package ui

import (
	"strings"
	"testing"

	"ersatzraum/app/i18n"
	"ersatzraum/app/live"
)

// Every reason the browser can give is worded in the page's language,
// names the device, says what still works, and never shows the browser's
// own name for it.
func TestMediaProblemsInWords(t *testing.T) {
	problems := []live.MediaProblem{{Camera: true}, {Mic: true}, {Camera: true, Mic: true}}
	for _, l := range i18n.Langs {
		for _, reason := range live.MediaReasons {
			for _, teacher := range []bool{false, true} {
				for _, p := range problems {
					p.Reason = reason
					text := mediaProblemText(l, p, teacher)
					for _, raw := range append(live.MediaReasons, "Error", "media.", "lesson.", "join.", "%!") {
						if strings.Contains(text, raw) {
							t.Errorf("%s %+v teacher=%v: %q shows %q", l, p, teacher, text, raw)
						}
					}
				}
			}
		}
	}
	de := mediaProblemText(i18n.German, live.MediaProblem{Reason: live.MediaNotFound, Mic: true}, false)
	if !strings.Contains(de, "nicht gefunden: Mikrofon") || !strings.Contains(de, "Du bist trotzdem im Unterricht") {
		t.Errorf("a student without microphone reads %q", de)
	}
	en := mediaProblemText(i18n.English, live.MediaProblem{Reason: live.MediaNotFound, Camera: true}, false)
	if !strings.Contains(en, "Not found on this device: camera.") || !strings.Contains(en, "without a camera") {
		t.Errorf("a student without camera reads %q", en)
	}
	if got := mediaProblemText(i18n.German, live.MediaProblem{}, false); got != "" {
		t.Errorf("no problem reads %q", got)
	}
}

// A roll-call line says "verbunden" only for a connection that is up.
func TestLineTexts(t *testing.T) {
	seen := map[string]live.Line{}
	for _, line := range live.Lines {
		text := lineText(i18n.German, line)
		if (text == "verbunden") != (line == live.LineConnected) {
			t.Errorf("%s reads %q", line, text)
		}
		if other, ok := seen[text]; ok {
			t.Errorf("%s and %s both read %q", line, other, text)
		}
		seen[text] = line
	}
}
