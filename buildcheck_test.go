//go:build !wasm

package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestServerCodeStaysOutOfWasm lists the packages of the wasm build and
// fails if server code or server-only libraries reach what students
// download.
func TestServerCodeStaysOutOfWasm(t *testing.T) {
	cmd := exec.Command("go", "list", "-deps", ".")
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
