package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"ersatzraum/server/turn"
)

func TestTurnCheckCommand(t *testing.T) {
	secret := "cli-test-secret"
	srv, err := turn.Start(turn.Config{ListenAddr: "127.0.0.1:0", Secret: []byte(secret), AllowPrivatePeers: true})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	file := filepath.Join(t.TempDir(), "turn-secret")
	if err := os.WriteFile(file, []byte(secret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	addr := "127.0.0.1:" + strconv.Itoa(srv.Port())

	var out, errOut bytes.Buffer
	if code := Main([]string{"ersatzraum", "turn-check", "--turn", addr, "--secret-file", file, "--json"}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errOut.String())
	}
	var rep turn.Report
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil || !rep.OK || len(rep.Results) != 3 {
		t.Fatalf("report %+v (%v)\n%s", rep, err, out.String())
	}

	out.Reset()
	if code := Main([]string{"ersatzraum", "turn-check", "--turn", addr, "--secret", "wrong", "--tcp=false", "--timeout", "2s"}, &out, &errOut); code != 1 {
		t.Fatalf("wrong secret: exit %d\n%s", code, out.String())
	}
	if !strings.Contains(out.String(), "FAIL") || !strings.Contains(out.String(), "401") {
		t.Fatalf("wrong secret report:\n%s", out.String())
	}
	for _, args := range [][]string{
		{"--secret", "x"},                     // no --turn
		{"--turn", addr},                      // no secret
		{"--turn", "nohost", "--secret", "x"}, // not HOST:PORT
		{"--turn", addr, "--secret", "x", "--secret-file", file},
	} {
		if code := Main(append([]string{"ersatzraum", "turn-check"}, args...), &out, &errOut); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}
