//go:build !wasm

package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestServerCodeStaysOutOfWasm lists the packages of the wasm build, as
// the Makefile makes it (against go-app without its server half), and
// fails if server code or server-only libraries reach what students
// download.
func TestServerCodeStaysOutOfWasm(t *testing.T) {
	dir := t.TempDir()
	modfile := filepath.Join(dir, "wasm.mod")
	gen := exec.Command("go", "run", "./server/assets/goappclient", "-out", filepath.Join(dir, "go-app-client"), "-modfile", modfile)
	if out, err := gen.CombinedOutput(); err != nil {
		t.Fatalf("goappclient: %v\n%s", err, out)
	}
	cmd := exec.Command("go", "list", "-modfile="+modfile, "-deps", ".")
	cmd.Env = append(cmd.Environ(), "GOOS=js", "GOARCH=wasm")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	forbidden := []string{
		"ersatzraum/server",
		"ersatzraum/web",
		"modernc.org/sqlite",
		"github.com/jackc/pgx",
		"github.com/nats-io",
		"github.com/gorilla/websocket",
		"database/sql", // database/sql/driver comes with pion's uuid dependency
		"github.com/andybalholm/brotli",
		"github.com/chromedp",
		// go-app's page server, cut by goappclient: with it came TLS,
		// certificates and their curves, a fifth of the wasm.
		"net/http",
		"crypto/tls",
		"crypto/x509",
	}
	pkgs := strings.Fields(string(out))
	if len(pkgs) < 10 {
		t.Fatalf("go list returned too little to judge: %v", pkgs)
	}
	for _, p := range pkgs {
		for _, f := range forbidden {
			if p == f || (f != "database/sql" && strings.HasPrefix(p, f+"/")) {
				t.Errorf("wasm build links %s", p)
			}
		}
	}
	// The shared packages must be there, or the check looks at the wrong build.
	for _, want := range []string{"ersatzraum/app/ui", "ersatzraum/app/protocol"} {
		found := false
		for _, p := range pkgs {
			found = found || p == want
		}
		if !found {
			t.Errorf("wasm build does not contain %s", want)
		}
	}
}
