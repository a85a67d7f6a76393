package e2e

import (
	"context"
	"strings"
	"testing"
	"time"
)

// selectedCandidateTypes returns the local and remote candidate types of
// the selected pair of the page's first peer connection, e.g. "relay/host".
const selectedCandidateTypes = `(async () => {
  const pc = (window.__pcs || [])[0];
  if (!pc || pc.connectionState !== 'connected') return '';
  const stats = await pc.getStats();
  let pairId = '';
  stats.forEach(r => { if (r.type === 'transport' && r.selectedCandidatePairId) pairId = r.selectedCandidatePairId; });
  const pair = pairId && stats.get(pairId);
  if (!pair) return '';
  return stats.get(pair.localCandidateId).candidateType + '/' + stats.get(pair.remoteCandidateId).candidateType;
})()`

// relayedCall runs a teacher and a student whose browsers may only use the
// relay, and checks that video flows through it and the teacher sees it.
func relayedCall(t *testing.T, srv *server) {
	teacher := newBrowser(t, "teacher")
	student := newBrowser(t, "student")
	_, link, _ := startLesson(t, teacher, srv, "5a Englisch")
	joinAdmitted(t, teacher, student, link, "Ida Roth", true)

	waitFor(t, teacher, "teacher's tile shows Ida through the relay", tileBrightness("Ida Roth")+` > 12`, 45*time.Second)
	waitFor(t, student, "student receives the teacher through the relay", inboundStats+`.then(s => s.videoFrames > 10 && s.audioBytes > 1000)`, 45*time.Second)
	for _, page := range []struct {
		name string
		ctx  context.Context
	}{{"student", student}, {"teacher", teacher}} {
		types := eval[string](t, page.ctx, selectedCandidateTypes)
		if !strings.HasPrefix(types, "relay/") {
			t.Errorf("%s's selected candidate pair is %q, want a local relay candidate", page.name, types)
		}
	}
	waitFor(t, teacher, "teacher's view says the student is relayed", `(document.querySelector('#relay-status') || {}).textContent?.includes('1 über den Relay-Server')`, 20*time.Second)
	waitFor(t, teacher, "Ida's tile has the relay badge", `!!document.querySelector('.tile[data-name="Ida Roth"] .badge.relay')`, 10*time.Second)
}

// Teacher and student with iceTransportPolicy "relay" connect and exchange
// video through the TURN server built into Ersatzraum.
func TestRelayThroughEmbeddedTURN(t *testing.T) {
	srv := startServer(t, freeAddr(t), t.TempDir(),
		"--turn-addr", "127.0.0.1:0", "--turn-allow-private-peers", "--turn-relay-only")
	relayedCall(t, srv)
}

// The same with Ersatzraum pointed at an existing coturn with a shared
// secret (coturn's use-auth-secret), the setup of a school that already
// runs one.
func TestRelayThroughExternalCoturn(t *testing.T) {
	turn := startCoturn(t)
	srv := startServer(t, freeAddr(t), t.TempDir(),
		"--turn-external", "turn:"+turn.addr+"?transport=udp,turn:"+turn.addr+"?transport=tcp",
		"--turn-secret-file", turn.secretFile, "--turn-relay-only")
	relayedCall(t, srv)
}
