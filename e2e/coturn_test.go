package e2e

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// coturn is an outside TURN server (Debian's coturn) for the tests, with a
// shared secret as a school that already runs one would set it up.
type coturn struct {
	t          testing.TB
	addr       string // host:port, UDP and TCP
	secretFile string // the secret, for --turn-secret-file
	args       []string
	cmd        *exec.Cmd
}

func startCoturn(t testing.TB) *coturn {
	t.Helper()
	bin, err := exec.LookPath("turnserver")
	if err != nil {
		t.Fatal("coturn's turnserver not found: apt-get install coturn (.ci/run installs it)")
	}
	dir := t.TempDir()
	secret := "e2e-coturn-shared-secret-0123456789"
	c := &coturn{t: t, secretFile: filepath.Join(dir, "turn-secret")}
	if err := os.WriteFile(c.secretFile, []byte(secret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	minPort := 30000 + port%20000
	c.addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	c.args = []string{bin, "-n",
		"--use-auth-secret", "--static-auth-secret=" + secret, "--realm=ersatzraum",
		"--allow-loopback-peers", "--no-cli", "--no-tls", "--no-dtls",
		"--listening-ip=127.0.0.1", "--relay-ip=127.0.0.1", "--listening-port=" + strconv.Itoa(port),
		"--min-port=" + strconv.Itoa(minPort), "--max-port=" + strconv.Itoa(minPort+200),
		"--pidfile=" + filepath.Join(dir, "turnserver.pid"), "--userdb=" + filepath.Join(dir, "turndb"),
		"--log-file=stdout", "--no-stdout-log"}
	c.start()
	t.Cleanup(c.kill)
	return c
}

// start runs coturn and waits until it listens.
func (c *coturn) start() {
	c.t.Helper()
	c.cmd = exec.Command(c.args[0], c.args[1:]...)
	if err := c.cmd.Start(); err != nil {
		c.t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		conn, err := net.DialTimeout("tcp", c.addr, 200*time.Millisecond)
		if err == nil {
			conn.Close()
			return
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("coturn does not listen on %s: %v", c.addr, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// kill ends coturn at once: every relayed path through it breaks.
func (c *coturn) kill() {
	if c.cmd == nil || c.cmd.ProcessState != nil {
		return
	}
	c.cmd.Process.Kill()
	c.cmd.Wait()
}
