package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// heardTonesJS lists the tones (Hz, rounded) clearly present in what a
// page plays: the sound of every media element that is not muted (on a
// student's page the teacher and the group's members, on the teacher's the
// students it hears), mixed, over 1.5 s. Peaks between 100 Hz and 4 kHz
// within 20 dB of the strongest, as tonesJS.
const heardTonesJS = `(async () => {
  const ctx = window.__ctx || (window.__ctx = new AudioContext());
  await ctx.resume();
  const an = ctx.createAnalyser(); an.fftSize = 8192; an.smoothingTimeConstant = 0;
  const tracks = [...document.querySelectorAll('video, audio')]
    .filter(el => !el.muted && el.srcObject && el.id !== 'self-video')
    .flatMap(el => el.srcObject.getAudioTracks());
  if (tracks.length === 0) return '[]';
  // One source per track: a source of a stream plays only its first track.
  const srcs = tracks.map(tr => ctx.createMediaStreamSource(new MediaStream([tr])));
  srcs.forEach(src => src.connect(an));
  await new Promise(r => setTimeout(r, 1500));
  const b = new Float32Array(an.frequencyBinCount); an.getFloatFrequencyData(b);
  srcs.forEach(src => src.disconnect());
  const hz = ctx.sampleRate / an.fftSize, lo = Math.ceil(100 / hz), hi = Math.floor(4000 / hz), out = [];
  let top = -Infinity;
  for (let i = lo; i <= hi; i++) top = Math.max(top, b[i]);
  for (let i = lo; i <= hi; i++) if (b[i] > top - 20 && b[i] > -90 && b[i] >= b[i-1] && b[i] >= b[i+1]) out.push(Math.round(i * hz));
  return JSON.stringify(out);
})()`

// mediaStateJS describes a page's connections and media elements, for a
// failure's message.
const mediaStateJS = `JSON.stringify({
  pcs: (window.__pcs || []).map(pc => pc.connectionState + '/' + pc.signalingState),
  media: [...document.querySelectorAll('video, audio')].map(el => ({id: el.id, muted: el.muted, paused: el.paused,
    tracks: el.srcObject ? el.srcObject.getTracks().map(t => t.kind + ':' + t.readyState + (t.enabled ? '' : ':off')).join(' ') : null})),
})`

// hearsOnPage waits until a page hears (or stops hearing) a tone within
// 15 Hz of hz in what it plays.
func hearsOnPage(t *testing.T, page context.Context, what string, hz float64, want bool) {
	t.Helper()
	deadline := time.Now().Add(45 * time.Second)
	for {
		var tones []float64
		json.Unmarshal([]byte(eval[string](t, page, heardTonesJS)), &tones)
		has := slices.ContainsFunc(tones, func(f float64) bool { return math.Abs(f-hz) <= 15 })
		if has == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: tones heard %v, want %.0f Hz %v; the page: %s", what, tones, hz, want, eval[string](t, page, mediaStateJS))
		}
	}
}

// onSharedCore bounds the waits on a student's page: the four student
// browsers share one core (studentCores), and in the full suite a page
// busy with its connections has left the harness unanswered for 20 s.
// What is checked is that the change arrives; the bound only ends a run
// in which it never would.
const onSharedCore = 60 * time.Second

// toneStudent is a student of the test whose fake microphone plays its
// own tone.
type toneStudent struct {
	name  string
	hz    float64
	group int
	page  context.Context
}

// TestGroupsHearOnlyThemselves: four students, each with a tone of its
// own (the teacher 660 Hz), are put in two groups by hand. Each hears the
// other member of its group and nobody of the other group, and not the
// teacher; the teacher visits group 1 and is heard there only, and hears
// group 1 only; a group's call for the teacher and the teacher's message
// to all groups arrive; a group's chat stays in the group; a student whose
// page reloads comes back into the group; "Alle zurückholen" brings everyone back to the teacher on
// the same connection, and the groups no longer hear each other.
func TestGroupsHearOnlyThemselves(t *testing.T) {
	const teacherHz = 660
	srv := startServer(t, freeAddr(t), t.TempDir())
	teacher := newBrowserOpts(t, "teacher", []chromedp.ExecAllocatorOption{chromedp.Flag("use-file-for-fake-audio-capture", writeTone(t, teacherHz))})
	students := []*toneStudent{{name: "Anna", hz: 440, group: 1}, {name: "Ben", hz: 1000, group: 1}, {name: "Carla", hz: 1700, group: 2}, {name: "David", hz: 2300, group: 2}}
	_, link, _ := startLesson(t, teacher, srv, "Gruppen 6c")
	for _, s := range students {
		s.page = newBrowserOpts(t, s.name, append(onStudentCores(), chromedp.Flag("use-file-for-fake-audio-capture", writeTone(t, s.hz))))
		joinAdmitted(t, teacher, s.page, link, s.name, false)
	}
	for _, s := range students {
		waitFor(t, s.page, s.name+" gets the teacher's sound", `(() => { const v = document.querySelector('#teacher-video'); return v && v.srcObject && v.srcObject.getAudioTracks().length > 0; })()`, 90*time.Second)
	}
	hearsOnPage(t, students[0].page, "Anna hears the teacher before group work", teacherHz, true)

	// By hand: Anna and Ben in group 1, Carla and David in group 2.
	waitFor(t, teacher, "four students present", `document.querySelectorAll('.tile:not(.offline)').length === 4`, 30*time.Second)
	do(t, teacher, "open group work", clickAction("#groups-open"))
	do(t, teacher, "by hand", clickAction("#groups-mode-manual"))
	waitFor(t, teacher, "the list by hand", `document.querySelectorAll('#groups-manual select').length === 4`, 10*time.Second)
	for _, s := range students {
		set := fmt.Sprintf(`(() => { const li = [...document.querySelectorAll('#groups-manual li')].find(li => li.textContent.startsWith(%q));
		  const sel = li.querySelector('select'); sel.value = '%d'; sel.dispatchEvent(new Event('change', {bubbles: true})); return true; })()`, s.name, s.group)
		eval[bool](t, teacher, set)
	}
	do(t, teacher, "task", chromedp.SendKeys(chromedp.CSS("#groups-task"), "Sammelt drei Beispiele."))
	do(t, teacher, "start the groups", clickAction("#groups-start"))

	for _, s := range students {
		waitFor(t, s.page, fmt.Sprintf("%s is in group %d", s.name, s.group),
			fmt.Sprintf(`!!document.querySelector('#my-group[data-group="%d"]') && document.querySelector('#group-task').textContent.includes('drei Beispiele')`, s.group), onSharedCore)
	}
	for _, s := range students {
		for _, o := range students {
			if o == s {
				continue
			}
			hearsOnPage(t, s.page, fmt.Sprintf("%s hears %s: %v", s.name, o.name, o.group == s.group), o.hz, o.group == s.group)
		}
		hearsOnPage(t, s.page, s.name+" does not hear the teacher, who visits nobody", teacherHz, false)
	}

	do(t, teacher, "visit group 1", clickAction(`.group[data-group="1"] button.visit`))
	for _, s := range students {
		hearsOnPage(t, s.page, fmt.Sprintf("%s hears the visiting teacher: %v", s.name, s.group == 1), teacherHz, s.group == 1)
	}
	waitFor(t, students[0].page, "Anna's group sees the visit", `!!document.querySelector('#group-visited')`, onSharedCore)
	for _, s := range students {
		hearsOnPage(t, teacher, fmt.Sprintf("the teacher hears %s: %v", s.name, s.group == 1), s.hz, s.group == 1)
	}

	// Carla calls the teacher; the teacher sees it at group 2 and sends a
	// message that every group gets.
	do(t, students[2].page, "Carla: Lehrkraft rufen", clickAction("#group-help"))
	waitFor(t, teacher, "group 2 calls the teacher", `!!document.querySelector('.group[data-group="2"].help')`, 20*time.Second)
	waitFor(t, students[3].page, "David sees that his group called", `document.querySelector('#group-help').getAttribute('aria-pressed') === 'true'`, onSharedCore)
	do(t, teacher, "message to all groups", chromedp.SendKeys(chromedp.CSS("#groups-say"), "Noch fünf Minuten"), clickAction("#groups-say-send"))
	for _, s := range students {
		waitFor(t, s.page, s.name+" gets the teacher's message", `(document.querySelector('#group-note') || {}).textContent?.includes('Noch fünf Minuten')`, onSharedCore)
	}

	// Group chat: Ben writes to his group; Anna and the teacher read it,
	// Carla does not.
	do(t, students[1].page, "Ben writes to his group",
		chromedp.SendKeys(chromedp.CSS("#chat-input"), "Ich nehme Beispiel 2"), chromedp.Click(chromedp.CSS("#chat-send")))
	for _, p := range []context.Context{students[0].page, teacher} {
		waitFor(t, p, "Ben's group message arrives", `[...document.querySelectorAll('#chat li')].some(li => li.textContent.includes('Beispiel 2'))`, 20*time.Second)
	}
	if eval[bool](t, students[2].page, `[...document.querySelectorAll('#chat li')].some(li => li.textContent.includes('Beispiel 2'))`) {
		t.Error("Carla, in group 2, got group 1's chat message")
	}

	// Anna's page reloads (a dropped line, a closed tab): she comes back
	// into her group and hears Ben again.
	do(t, students[0].page, "Anna reloads", chromedp.Reload())
	waitFor(t, students[0].page, "Anna's join form", `(document.querySelector('#join-nocamera') || {}).matches?.(':enabled')`, onSharedCore)
	do(t, students[0].page, "Anna joins again", clickAction("#join-nocamera"))
	waitFor(t, students[0].page, "Anna is back in group 1", `!!document.querySelector('#my-group[data-group="1"]')`, onSharedCore)
	hearsOnPage(t, students[0].page, "Anna hears Ben again", students[1].hz, true)
	hearsOnPage(t, students[1].page, "Ben hears Anna again", students[0].hz, true)

	do(t, teacher, "Alle zurückholen", clickAction("#groups-end"))
	for _, s := range students {
		waitFor(t, s.page, s.name+" is back in the class", `!document.querySelector('#my-group')`, onSharedCore)
		hearsOnPage(t, s.page, s.name+" hears the teacher again", teacherHz, true)
	}
	hearsOnPage(t, students[0].page, "Anna no longer hears Ben", students[1].hz, false)
	hearsOnPage(t, students[2].page, "Carla no longer hears David", students[3].hz, false)
	for i, s := range students {
		// One connection stays up, the teacher's; the group's are closed.
		// For those who did not reload it is the first, the one they had
		// before the group work.
		states := strings.Split(eval[string](t, s.page, `window.__pcs.map(pc => pc.connectionState).join(',')`), ",")
		connected := 0
		for _, st := range states {
			if st == "connected" {
				connected++
			} else if st != "closed" {
				t.Errorf("%s has a connection %s", s.name, st)
			}
		}
		if connected != 1 || len(states) < 2 || (i != 0 && states[0] != "connected") {
			t.Errorf("%s's connections: %v, want the teacher's connected (the first, unless the page reloaded) and the group's closed", s.name, states)
		}
	}
}

// chooseGroupSize picks the largest group size in the teacher's open
// group-work form.
func chooseGroupSize(t *testing.T, teacher context.Context, n int) {
	t.Helper()
	waitFor(t, teacher, "the group-work form", `!!document.querySelector('#groups-size')`, 20*time.Second)
	eval[bool](t, teacher, fmt.Sprintf(`(() => { const s = document.querySelector('#groups-size'); s.value = '%d'; s.dispatchEvent(new Event('change', {bubbles: true})); return true; })()`, n))
}
