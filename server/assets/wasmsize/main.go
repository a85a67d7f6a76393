// Command wasmsize shows where the bytes of the app's wasm go: the code of
// each Go package (raw, and brotli-compressed on its own), the data (type
// information, strings, tables) and the rest. Compressed alone, a
// package's code comes out larger than its share of the whole file. It needs a wasm built with
// names, that is without -ldflags='-s -w'; `make wasm-size` builds one.
//
//	go run ./server/assets/wasmsize [-top 40] [-by package|module|func] app.wasm
package main

import (
	"bytes"
	"cmp"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/andybalholm/brotli"
)

func main() {
	top := flag.Int("top", 40, "rows to show; the rest are summed up")
	by := flag.String("by", "package", "group by package, by module (the path up to the module root) or by func")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: wasmsize [-top N] [-by package|module|func] FILE.wasm")
		os.Exit(2)
	}
	b, err := os.ReadFile(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	m, err := parseModule(b)
	if err != nil {
		fmt.Fprintln(os.Stderr, flag.Arg(0)+":", err)
		os.Exit(1)
	}
	if len(m.names) == 0 {
		fmt.Fprintln(os.Stderr, "the wasm has no names: build it without -ldflags='-s -w'")
		os.Exit(1)
	}
	group := packageOf
	if *by == "func" {
		// Each function alone: where a package's bytes go.
		group = func(fn string) string { return fn }
	}
	if *by == "module" {
		goMod, err := os.ReadFile("go.mod")
		if err != nil {
			fmt.Fprintln(os.Stderr, "-by module reads go.mod in the current folder:", err)
			os.Exit(1)
		}
		group = readModules(goMod).of
	}
	report(os.Stdout, b, m, group, *top)
}

// row is one group's share of the code.
type row struct {
	name   string
	raw    int
	brotli int
}

func report(w io.Writer, file []byte, m *module, group func(string) string, top int) {
	code := map[string]*bytes.Buffer{}
	for i, body := range m.bodies {
		g := group(m.names[m.imports+i])
		if code[g] == nil {
			code[g] = &bytes.Buffer{}
		}
		code[g].Write(body)
	}
	var rows []row
	for name, buf := range code {
		rows = append(rows, row{name: name, raw: buf.Len(), brotli: brotliLen(buf.Bytes())})
	}
	slices.SortFunc(rows, func(a, b row) int { return cmp.Or(cmp.Compare(b.raw, a.raw), strings.Compare(a.name, b.name)) })

	fmt.Fprintf(w, "%d B raw\n\n", len(file))
	fmt.Fprintln(w, "| code of | raw B | brotli B (alone) |")
	fmt.Fprintln(w, "| --- | ---: | ---: |")
	var rest row
	for i, r := range rows {
		if i < top {
			fmt.Fprintf(w, "| %s | %d | %d |\n", r.name, r.raw, r.brotli)
			continue
		}
		rest.raw += r.raw
		rest.brotli += r.brotli
	}
	if len(rows) > top {
		fmt.Fprintf(w, "| %d more | %d | %d |\n", len(rows)-top, rest.raw, rest.brotli)
	}
	fmt.Fprintf(w, "| data (types, strings, tables) | %d | – |\n", m.data)
	fmt.Fprintf(w, "| other sections (names, headers) | %d | – |\n", m.other)
}

func brotliLen(b []byte) int {
	var out bytes.Buffer
	wr := brotli.NewWriterLevel(&out, brotli.BestCompression)
	wr.Write(b)
	wr.Close()
	return out.Len()
}

// The linker writes a function's name into the wasm with every character
// other than letters, digits, '_' and '.' replaced by '_':
// "github.com/pion/webrtc/v4.(*PeerConnection).CreateOffer" becomes
// "github.com_pion_webrtc_v4.__PeerConnection_.CreateOffer".
var unsafeName = regexp.MustCompile(`[^\w.]`)

func mangle(path string) string { return unsafeName.ReplaceAllString(path, "_") }

// packageOf returns the (mangled) package of a function name. A path
// that starts with a host name keeps its dot ("github.com_…"), so the
// package ends at the first dot after that. Generated code (type:.eq…)
// and names without a package go to "(generated)".
func packageOf(fn string) string {
	if strings.HasPrefix(fn, "type_") || strings.HasPrefix(fn, "go_") || strings.HasPrefix(fn, "type:") {
		return "(generated)"
	}
	from := 0
	if host, _, ok := strings.Cut(fn, "_"); ok && isHost(host) {
		from = len(host) + 1
	}
	dot := strings.Index(fn[from:], ".")
	if dot < 0 {
		return "(generated)"
	}
	return fn[:from+dot]
}

// isHost tells a module path's host ("github.com") from a standard
// library name that happens to hold a dot before its first '_'
// ("runtime.memhash_varlen", "fmt.__pp_").
func isHost(s string) bool {
	dot := strings.LastIndex(s, ".")
	switch s[dot+1:] {
	case "com", "org", "net", "io", "in", "dev", "de", "cc", "me", "co", "sh", "xyz":
		return dot > 0
	}
	return false
}

// modules groups packages by the module they come from: the standard
// library as "std", this project's by its top folders, and others by the
// longest module path (from go.mod) that the package starts with.
type modules []string // mangled module paths, longest first

func readModules(goMod []byte) modules {
	var ms modules
	for _, line := range strings.Split(string(goMod), "\n") {
		f := strings.Fields(strings.TrimPrefix(strings.TrimSpace(line), "require "))
		if len(f) >= 2 && strings.Contains(f[0], ".") && strings.HasPrefix(f[1], "v") {
			ms = append(ms, mangle(f[0]))
		}
	}
	slices.SortFunc(ms, func(a, b string) int { return cmp.Compare(len(b), len(a)) })
	return ms
}

func (ms modules) of(fn string) string {
	pkg := packageOf(fn)
	switch {
	case pkg == "(generated)":
		return pkg
	case strings.HasPrefix(pkg, "ersatzraum_"):
		parts := strings.SplitN(pkg, "_", 4)
		return strings.Join(parts[:min(3, len(parts))], "_")
	case !strings.Contains(pkg, "."):
		return "std"
	}
	for _, m := range ms {
		if pkg == m || strings.HasPrefix(pkg, m+"_") {
			return m
		}
	}
	return pkg
}
