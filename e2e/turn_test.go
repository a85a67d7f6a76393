package e2e

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
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
	bin, err := exec.LookPath("turnserver")
	if err != nil {
		t.Fatal("coturn's turnserver not found: apt-get install coturn (.ci/run installs it)")
	}
	dir := t.TempDir()
	secret := "e2e-coturn-shared-secret-0123456789"
	secretFile := filepath.Join(dir, "turn-secret")
	if err := os.WriteFile(secretFile, []byte(secret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	minPort := 30000 + port%20000
	cmd := exec.Command(bin, "-n",
		"--use-auth-secret", "--static-auth-secret="+secret, "--realm=ersatzraum",
		"--allow-loopback-peers", "--no-cli", "--no-tls", "--no-dtls",
		"--listening-ip=127.0.0.1", "--relay-ip=127.0.0.1", "--listening-port="+strconv.Itoa(port),
		"--min-port="+strconv.Itoa(minPort), "--max-port="+strconv.Itoa(minPort+200),
		"--pidfile="+filepath.Join(dir, "turnserver.pid"), "--userdb="+filepath.Join(dir, "turndb"),
		"--log-file=stdout", "--no-stdout-log")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("coturn does not listen on %s: %v", addr, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	srv := startServer(t, freeAddr(t), t.TempDir(),
		"--turn-external", "turn:"+addr+"?transport=udp,turn:"+addr+"?transport=tcp",
		"--turn-secret-file", secretFile, "--turn-relay-only")
	relayedCall(t, srv)
}
