package turn

import (
	"context"
	"net"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// These tests use coturn (Debian package coturn): its client
// turnutils_uclient against the embedded server, and its server turnserver
// behind the External provider. .ci/run installs it; without it they fail.

func requireTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s is not installed: install the Debian package coturn (apt-get install -y coturn); .ci/run does this", name)
	}
	return p
}

var uclientTotals = regexp.MustCompile(`tot_send_msgs=(\d+), tot_recv_msgs=(\d+)`)

// uclient runs turnutils_uclient with two relayed clients (-y) that send
// count packets to each other through the server.
func uclient(t *testing.T, port int, tcp bool, username, password string, count int) (sent, recv int, out string, err error) {
	t.Helper()
	var extra []string
	if tcp {
		extra = append(extra, "-t")
	}
	return uclientArgs(t, port, extra, username, password, count)
}

// uclientArgs runs turnutils_uclient as uclient does, with extra options.
func uclientArgs(t *testing.T, port int, extra []string, username, password string, count int) (sent, recv int, out string, err error) {
	t.Helper()
	bin := requireTool(t, "turnutils_uclient")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	args := []string{"-y", "-c", "-u", username, "-w", password, "-p", strconv.Itoa(port),
		"-n", strconv.Itoa(count), "-m", "1", "-l", "100", "-z", "5"}
	args = append(args, extra...)
	args = append(args, "127.0.0.1")
	b, err := exec.CommandContext(ctx, bin, args...).CombinedOutput()
	out = string(b)
	if m := uclientTotals.FindAllStringSubmatch(out, -1); len(m) > 0 {
		last := m[len(m)-1]
		sent, _ = strconv.Atoi(last[1])
		recv, _ = strconv.Atoi(last[2])
	}
	return sent, recv, out, err
}

func TestOutsideClientAgainstEmbedded(t *testing.T) {
	requireTool(t, "turnutils_uclient")
	s := startTest(t, Config{AllowPrivatePeers: true})
	for _, tcp := range []bool{false, true} {
		name := map[bool]string{false: "udp", true: "tcp"}[tcp]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			u, p := testCreds("uclient-" + name)
			sent, recv, out, err := uclient(t, s.Port(), tcp, u, p, 10)
			if err != nil {
				t.Fatalf("turnutils_uclient: %v\n%s", err, out)
			}
			// -y: two clients, each sends 10 to the other.
			if sent != 20 || recv != 20 {
				t.Fatalf("sent %d, received %d, want 20 and 20\n%s", sent, recv, out)
			}
		})
	}
	t.Run("expired", func(t *testing.T) {
		t.Parallel()
		c := Credentials{Secret: testSecret, TTL: time.Minute, Now: fixedClock(time.Now().Add(-2 * time.Minute))}
		u, p, _ := c.Issue("uclient-expired")
		sent, recv, out, err := uclient(t, s.Port(), false, u, p, 10)
		if err == nil || recv != 0 {
			t.Fatalf("expired credentials: err %v, sent %d, received %d\n%s", err, sent, recv, out)
		}
		if !strings.Contains(out, "Cannot complete Allocation") {
			t.Errorf("no allocation error in output:\n%s", out)
		}
	})
	t.Run("wrong secret", func(t *testing.T) {
		t.Parallel()
		u, p, _ := Credentials{Secret: []byte("wrong")}.Issue("uclient-wrong")
		if _, recv, out, err := uclient(t, s.Port(), false, u, p, 10); err == nil || recv != 0 {
			t.Fatalf("wrong secret: err %v, received %d\n%s", err, recv, out)
		}
	})
}

// freePort returns a port free for UDP and TCP on 127.0.0.1 just now.
func freePort(t *testing.T) int {
	t.Helper()
	udp, tcp, err := listenBoth("127.0.0.1", 0)
	if err != nil {
		t.Fatal(err)
	}
	port := udp.LocalAddr().(*net.UDPAddr).Port
	udp.Close()
	tcp.Close()
	return port
}

func TestCheckAgainstCoturn(t *testing.T) {
	bin := requireTool(t, "turnserver")
	secret := []byte("coturn-shared-secret")
	port := freePort(t)
	minPort := 20000 + port%20000 // a relay range of its own, near nobody else's
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "-n",
		"--use-auth-secret", "--static-auth-secret="+string(secret), "--realm=ersatzraum",
		"--allow-loopback-peers", "--no-cli", "--no-tls", "--no-dtls",
		"--listening-ip=127.0.0.1", "--relay-ip=127.0.0.1", "--listening-port="+strconv.Itoa(port),
		"--min-port="+strconv.Itoa(minPort), "--max-port="+strconv.Itoa(minPort+100),
		"--pidfile="+filepath.Join(dir, "turnserver.pid"), "--userdb="+filepath.Join(dir, "turndb"),
		"--log-file=stdout", "--no-stdout-log")
	var log strings.Builder
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel() // kills turnserver
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("turnserver output:\n%s", log.String())
		}
	})
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	waitFor(t, "turnserver to listen on "+addr, func() bool {
		c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond)
		if err == nil {
			c.Close()
		}
		return err == nil
	})

	ext := External{
		URLs: []string{
			"stun:" + addr,
			"turn:" + addr + "?transport=udp",
			"turn:" + addr + "?transport=tcp",
		},
		Secret: secret,
	}
	p, err := ext.Provider(time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	servers := p.For("p-7")
	if len(servers) != 2 || servers[1].Username == "" || !strings.HasSuffix(servers[1].Username, ":p-7") {
		t.Fatalf("ICE servers: %+v", servers)
	}
	rep, err := Check(context.Background(), servers, CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Results {
		t.Logf("%s: ok=%v rtt=%v relayed=%s sent=%d received=%d %s", r.URL, r.OK, r.RTT, r.Relayed, r.Sent, r.Received, r.Error)
	}
	if !rep.OK || len(rep.Results) != 3 {
		t.Fatalf("check against coturn failed: %+v", rep)
	}

	// Expired credentials of the same scheme are refused by coturn too.
	expired := &Provider{URLs: ext.URLs[1:2], Credentials: Credentials{Secret: secret, TTL: time.Minute, Now: fixedClock(time.Now().Add(-time.Hour))}}
	rep, err = Check(context.Background(), expired.For("p-7"), CheckOptions{Timeout: 3 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK || !strings.Contains(rep.Results[0].Error, "401") {
		t.Fatalf("expired credentials against coturn: %+v", rep.Results[0])
	}
}
