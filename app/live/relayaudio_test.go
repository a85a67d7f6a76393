// The fakes label their streams, which only the stand-in Stream can.

//go:build !wasm

package live

import (
	"sync"
	"testing"

	"ersatzraum/app/protocol"
)

// fakeMixer mixes by name and counts the mixes ended.
type fakeMixer struct {
	mu      sync.Mutex // guards mixes, stopped
	mixes   int
	stopped int
}

func (m *fakeMixer) mix(voice, _ Stream) (Stream, func(), error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.mixes++
	return Stream{label: "mix with " + voice.label}, func() {
		m.mu.Lock()
		m.stopped++
		m.mu.Unlock()
	}, nil
}

func (m *fakeMixer) counts() (mixes, stopped int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.mixes, m.stopped
}

var mix = Stream{label: "mix with camera"}

// hears waits until connection i of the rig sends the sound.
func hears(t *testing.T, what string, r *rig, i int, sound Stream) {
	t.Helper()
	eventually(t, what, func() bool {
		_, audio, _ := r.peers.all()[i].sending()
		return audio == sound
	})
}

func startRelayRig(t *testing.T, entries ...protocol.Entry) (*rig, *fakeMixer) {
	t.Helper()
	m := &fakeMixer{}
	r := startRigWith(t, func(c *TeacherCall) { c.Mix = m.mix }, entries...)
	eventually(t, "pictures", func() bool { return len(r.seen.get().Streams) == len(entries) })
	return r, m
}

// While a student is called on, every other student gets the teacher's
// voice mixed with that student's; the student called on gets the plain
// microphone (no echo of their own voice). After "Fertig" all get the
// plain microphone again and the mix ends.
func TestClassHearsTheCalledOnStudent(t *testing.T) {
	a, b, c := student(1), student(2), student(3)
	r, m := startRelayRig(t, a, b, c)
	for i := range 3 {
		hears(t, "the plain microphone before", r, i, camera)
	}
	a.Called = true
	message(r.conn, protocol.TypeParticipant, a)
	hears(t, "B hears A", r, 1, mix)
	hears(t, "C hears A", r, 2, mix)
	hears(t, "A hears only the teacher", r, 0, camera)

	a.Called = false
	message(r.conn, protocol.TypeParticipant, a)
	for i := range 3 {
		hears(t, "the plain microphone after Fertig", r, i, camera)
	}
	eventually(t, "the mix ended", func() bool { mixes, stopped := m.counts(); return mixes == 1 && stopped == 1 })
}

// Calling on the next student moves the mix: the new one hears only the
// teacher, the one before hears the new one.
func TestCallOnMovesToTheNextStudent(t *testing.T) {
	a, b, c := student(1), student(2), student(3)
	r, m := startRelayRig(t, a, b, c)
	a.Called = true
	message(r.conn, protocol.TypeParticipant, a)
	hears(t, "B hears A", r, 1, mix)
	b.Called, a.Called = true, false
	message(r.conn, protocol.TypeParticipant, b)
	message(r.conn, protocol.TypeParticipant, a)
	hears(t, "A hears B", r, 0, mix)
	hears(t, "B hears only the teacher", r, 1, camera)
	hears(t, "C hears B", r, 2, mix)
	eventually(t, "one mix running", func() bool { mixes, stopped := m.counts(); return mixes-stopped == 1 })
}

// A student who joins while another is called on hears them at once; a
// called-on student who goes offline is no longer mixed in.
func TestCallOnReachesLateJoinersAndEndsWithTheStudent(t *testing.T) {
	a, b := student(1), student(2)
	r, m := startRelayRig(t, a, b)
	a.Called = true
	message(r.conn, protocol.TypeParticipant, a)
	hears(t, "B hears A", r, 1, mix)

	late := student(3)
	message(r.conn, protocol.TypeParticipant, late)
	offer(r.conn, late.ID)
	eventually(t, "late student connected", func() bool { return len(r.peers.all()) == 3 })
	hears(t, "the late student hears A", r, 2, mix)

	a.Online = false
	message(r.conn, protocol.TypeParticipant, a)
	hears(t, "B hears the teacher alone", r, 1, camera)
	hears(t, "the late student hears the teacher alone", r, 2, camera)
	eventually(t, "the mix ended", func() bool { _, stopped := m.counts(); return stopped == 1 })
}
