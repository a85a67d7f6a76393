package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"ersatzraum/server/httpapi"
	"ersatzraum/web"
)

// staticCommand exports the PWA as plain files (go-app's static website
// generation), so that a school can host the page on the web server it
// already has: a separate failure domain from the signaling server.
func staticCommand(args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("static", flag.ContinueOnError)
	fset.SetOutput(stderr)
	out := fset.String("out", "static", "`DIR` to write the exported app to (its generated files are replaced)")
	server := fset.String("server", "", "`URL` of the Ersatzraum server the page talks to, such as https://ersatzraum.schule.example (required)")
	webDir := fset.String("web-dir", "", "take the web files from `DIR` instead of the copy built into the binary")
	fset.Usage = func() {
		fmt.Fprint(stderr, `Usage: ersatzraum static --server URL [--out DIR]

Exports the app as plain files for any web server. The page talks to the
Ersatzraum server at URL; start that server with
  --allowed-origins <origin of the web server that hosts these files>
The web server must answer paths it does not know (/join/CODE, /lesson/ID)
with index.html, e.g. nginx: try_files $uri /index.html;

Flags:
`)
		fset.PrintDefaults()
	}
	if err := fset.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	base := strings.TrimRight(*server, "/")
	if u, err := url.Parse(base); base == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" {
		fmt.Fprintf(stderr, "ersatzraum static: --server %q is not a server address like https://ersatzraum.schule.example\n", *server)
		return 2
	}
	var files fs.FS = web.Files
	if *webDir != "" {
		files = os.DirFS(*webDir)
	}
	if err := exportStatic(*out, base, files); err != nil {
		fmt.Fprintln(stderr, "ersatzraum static:", err)
		return 1
	}
	fmt.Fprintf(stdout, "App exported to %s/ for the server %s.\n", *out, base)
	return 0
}

// exportStatic writes the pages and the web files into dir.
func exportStatic(dir, server string, files fs.FS) error {
	assets, err := httpapi.NewAssets(files)
	if err != nil {
		return fmt.Errorf("read web files: %w", err)
	}
	if assets.WasmSize() == 0 {
		return errors.New("app.wasm is missing from the web files: build with `make build` first")
	}
	// Remove what an earlier export generated, but keep files that are not
	// ours (static/README.md).
	for _, name := range []string{"index.html", "app.js", "app-worker.js", "app.css", "wasm_exec.js", "manifest.webmanifest", "web"} {
		if err := os.RemoveAll(filepath.Join(dir, name)); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	h := pageHandler(assets, pageOptions{server: server, static: true})
	if err := app.GenerateStaticWebsite(dir, h); err != nil {
		return fmt.Errorf("generate pages: %w", err)
	}
	return fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if !exportedWebFile(p) {
			return nil
		}
		b, err := fs.ReadFile(files, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dir, "web", filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
}

// exportedWebFile reports whether a file of web/ belongs to the export:
// what the server would serve under /web/, plus the precompressed copies
// of the wasm for web servers that can send them (nginx gzip_static).
func exportedWebFile(name string) bool {
	base := strings.TrimSuffix(strings.TrimSuffix(name, ".br"), ".gz")
	if strings.HasPrefix(filepath.Base(name), ".") {
		return false
	}
	switch filepath.Ext(base) {
	case ".wasm", ".css", ".png", ".svg", ".ico", ".woff2", ".js", ".json":
		return base == name || filepath.Ext(base) == ".wasm"
	}
	return false
}
