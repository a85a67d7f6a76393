package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// A package shaped like go-app's: a page server beside the components,
// in the same files, with helpers both halves share.
var cutFixture = map[string]string{
	"server.go": `// Package app is the fixture.
package app

import (
	"net/http"
	"strings"
)

// Handler serves pages.
type Handler struct{ Title string }

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.page(w) }

func (h *Handler) page(w http.ResponseWriter) { w.Write([]byte(trim(h.Title))) }

// Title is shared.
func Title(h *Handler) string { return h.Title }

func trim(s string) string { return strings.TrimSpace(s) }
`,
	"client.go": `package app

import "strings"

func Render(s string) string { return strings.ToUpper(trim(s)) }

var server = &Handler{}

var components = map[string]int{"a": 1}
`,
}

func TestCutServerHalf(t *testing.T) {
	dir := t.TempDir()
	for name, src := range cutFixture {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	removed, err := cutServerHalf(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := "Handler Handler.ServeHTTP Handler.page Title server"
	if got := strings.Join(removed, " "); got != want {
		t.Errorf("left out %q, want %q", got, want)
	}
	server, _ := os.ReadFile(filepath.Join(dir, "server.go"))
	client, _ := os.ReadFile(filepath.Join(dir, "client.go"))
	for _, gone := range []string{"net/http", "Handler", "ServeHTTP"} {
		if strings.Contains(string(server)+string(client), gone) {
			t.Errorf("%s is still there:\n%s\n%s", gone, server, client)
		}
	}
	for _, kept := range []string{"func trim", `"strings"`, "// Package app is the fixture."} {
		if !strings.Contains(string(server), kept) {
			t.Errorf("server.go lost %s:\n%s", kept, server)
		}
	}
	for _, kept := range []string{"func Render", "components"} {
		if !strings.Contains(string(client), kept) {
			t.Errorf("client.go lost %s:\n%s", kept, client)
		}
	}

	// What is left compiles on its own.
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module fixture\n\ngo 1.26\n"), 0o644)
	cmd := exec.Command("go", "vet", ".")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("the cut package does not build: %v\n%s\n%s\n%s", err, out, server, client)
	}
}

// A package that does not use net/http at all is left as it is.
func TestCutLeavesAPackageWithoutServer(t *testing.T) {
	dir := t.TempDir()
	src := "package app\n\nfunc Render() string { return \"x\" }\n"
	os.WriteFile(filepath.Join(dir, "client.go"), []byte(src), 0o644)
	removed, err := cutServerHalf(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(removed) != 0 {
		t.Errorf("left out %v from a package without a server", removed)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "client.go")); string(b) != src {
		t.Errorf("rewrote a file it had nothing to cut from:\n%s", b)
	}
}
