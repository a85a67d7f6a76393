// Command goappclient writes the copy of go-app that the wasm is built
// from: the module pinned in go.mod, unchanged except that its server half
// is left out. go-app keeps its page server (Handler, static export,
// resource resolvers) in the same package as its components, so every
// program that imports it for the browser also links net/http, and with it
// crypto/tls, crypto/x509, the elliptic curves and their self-tests: about
// a fifth of the wasm every student downloads, never run in a browser.
//
// It copies the module's Go files (tests and docs left out), removes from
// package app every top-level declaration that uses net/http, and with them
// every declaration that uses one of those, until none is left; imports
// that nothing uses any more go too. It writes a go.mod beside the
// project's (same requirements, plus a replace to the copy) that the wasm
// build takes with -modfile. The server build, and every test of the
// server, uses go-app as it comes. Nothing is rewritten by hand: a new
// go-app version is copied and cut the same way, and a build that breaks
// says which declaration the browser code still needs.
//
//	go run ./server/assets/goappclient -out bin/go-app-client -modfile bin/wasm.mod
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

const (
	goAppModule = "github.com/maxence-charriere/go-app/v10"
	// serverImport is what makes a declaration server-only.
	serverImport = "net/http"
)

func main() {
	out := flag.String("out", "bin/go-app-client", "write the copy of go-app to `DIR` (replaced as a whole)")
	modfile := flag.String("modfile", "bin/wasm.mod", "write the wasm build's go.mod to `FILE` (and its go.sum beside it)")
	verbose := flag.Bool("v", false, "list the declarations left out")
	flag.Parse()
	if err := run(*out, *modfile, *verbose); err != nil {
		fmt.Fprintln(os.Stderr, "goappclient:", err)
		os.Exit(1)
	}
}

func run(out, modfile string, verbose bool) error {
	src, err := moduleDir(goAppModule)
	if err != nil {
		return err
	}
	outAbs, err := filepath.Abs(out)
	if err != nil {
		return err
	}
	if err := os.RemoveAll(outAbs); err != nil {
		return err
	}
	if err := copyModule(src, outAbs); err != nil {
		return err
	}
	removed, err := cutServerHalf(filepath.Join(outAbs, "pkg", "app"))
	if err != nil {
		return err
	}
	if len(removed) == 0 {
		return fmt.Errorf("nothing in %s uses %s any more: the copy is not needed, drop it from the Makefile", goAppModule, serverImport)
	}
	if verbose {
		for _, r := range removed {
			fmt.Println("left out:", r)
		}
	}
	if err := writeModfile(modfile, outAbs); err != nil {
		return err
	}
	fmt.Printf("goappclient: %s without its server half (%d declarations left out) in %s\n", goAppModule, len(removed), out)
	return nil
}

// moduleDir is where the go command keeps the version go.mod pins,
// downloading it first when this machine has not yet.
func moduleDir(path string) (string, error) {
	var m struct{ Version, Dir string }
	cmd := exec.Command("go", "list", "-m", "-json", path)
	cmd.Stderr = os.Stderr
	b, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go list -m %s: %w", path, err)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return "", err
	}
	if m.Dir != "" {
		return m.Dir, nil
	}
	cmd = exec.Command("go", "mod", "download", "-json", path+"@"+m.Version)
	cmd.Stderr = os.Stderr
	if b, err = cmd.Output(); err != nil {
		return "", fmt.Errorf("go mod download %s@%s: %w", path, m.Version, err)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return "", err
	}
	if m.Dir == "" {
		return "", fmt.Errorf("go mod download %s@%s gave no directory", path, m.Version)
	}
	return m.Dir, nil
}

// copyModule copies go.mod, the licence and the non-test Go files of pkg/.
func copyModule(src, dst string) error {
	for _, name := range []string{"go.mod", "LICENSE"} {
		if err := copyFile(filepath.Join(src, name), filepath.Join(dst, name)); err != nil {
			return err
		}
	}
	return filepath.WalkDir(filepath.Join(src, "pkg"), func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == "testdata" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		return copyFile(path, filepath.Join(dst, rel))
	})
}

func copyFile(from, to string) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		return err
	}
	return os.WriteFile(to, b, 0o644)
}

// decl is one top-level declaration: a function, a method, or one spec of
// a type, var or const group.
type decl struct {
	file  *ast.File
	name  string // the package-level name it declares ("" for methods and blank names)
	recv  string // the receiver's type name, for methods
	node  ast.Node
	uses  map[string]bool // package-level names and import names it mentions
	label string
}

// cutServerHalf rewrites the package in dir without the declarations that
// reach net/http, and returns them by name.
func cutServerHalf(dir string) ([]string, error) {
	fset := token.NewFileSet()
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	files := map[string]*ast.File{}
	var decls []*decl
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".go") {
			continue
		}
		path := filepath.Join(dir, e.Name())
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
		if err != nil {
			return nil, err
		}
		files[path] = f
		decls = append(decls, declsOf(f)...)
	}

	// A declaration is server-only when it names net/http (by the name the
	// file imports it as) or a server-only declaration, or, for a method,
	// when its receiver type is server-only.
	serverOnly := map[*decl]bool{}
	serverNames := map[string]bool{}
	for changed := true; changed; {
		changed = false
		for _, d := range decls {
			if serverOnly[d] {
				continue
			}
			httpName := importName(d.file, serverImport)
			hit := httpName != "" && d.uses[httpName]
			if !hit && d.recv != "" && serverNames[d.recv] {
				hit = true
			}
			for n := range d.uses {
				if hit {
					break
				}
				hit = serverNames[n]
			}
			if hit {
				serverOnly[d] = true
				if d.name != "" {
					serverNames[d.name] = true
				}
				// A type with one server-only method goes whole: the
				// others may call it, and a method call names no type
				// this parse could check.
				if d.recv != "" {
					serverNames[d.recv] = true
				}
				changed = true
			}
		}
	}

	var removed []string
	for path, f := range files {
		if !removeDecls(f, serverOnly) {
			continue
		}
		pruneImports(f)
		var buf bytes.Buffer
		if err := format.Node(&buf, fset, f); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			return nil, err
		}
	}
	for d := range serverOnly {
		removed = append(removed, d.label)
	}
	sort.Strings(removed)
	return removed, nil
}

func declsOf(f *ast.File) []*decl {
	var out []*decl
	for _, gd := range f.Decls {
		switch gd := gd.(type) {
		case *ast.FuncDecl:
			d := &decl{file: f, node: gd, uses: usesOf(gd)}
			if gd.Recv != nil && len(gd.Recv.List) > 0 {
				d.recv = receiverType(gd.Recv.List[0].Type)
				d.label = d.recv + "." + gd.Name.Name
			} else {
				d.name = gd.Name.Name
				d.label = gd.Name.Name
			}
			out = append(out, d)
		case *ast.GenDecl:
			if gd.Tok == token.IMPORT {
				continue
			}
			for _, spec := range gd.Specs {
				switch s := spec.(type) {
				case *ast.TypeSpec:
					out = append(out, &decl{file: f, name: s.Name.Name, node: s, uses: usesOf(s), label: s.Name.Name})
				case *ast.ValueSpec:
					// One decl per spec; every name in it goes when it goes.
					uses := usesOf(s)
					for _, n := range s.Names {
						out = append(out, &decl{file: f, name: n.Name, node: s, uses: uses, label: n.Name})
					}
				}
			}
		}
	}
	return out
}

func receiverType(e ast.Expr) string {
	for {
		switch t := e.(type) {
		case *ast.StarExpr:
			e = t.X
		case *ast.IndexExpr:
			e = t.X
		case *ast.IndexListExpr:
			e = t.X
		case *ast.Ident:
			return t.Name
		default:
			return ""
		}
	}
}

// usesOf collects every identifier a declaration mentions, except field
// and method names after a dot (x.Name names no package-level Name).
func usesOf(n ast.Node) map[string]bool {
	uses := map[string]bool{}
	ast.Inspect(n, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			ast.Inspect(n.X, func(m ast.Node) bool {
				if id, ok := m.(*ast.Ident); ok {
					uses[id.Name] = true
				}
				return true
			})
			return false
		case *ast.Ident:
			uses[n.Name] = true
		}
		return true
	})
	return uses
}

func importName(f *ast.File, path string) string {
	for _, imp := range f.Imports {
		p, _ := strconv.Unquote(imp.Path.Value)
		if p != path {
			continue
		}
		if imp.Name != nil {
			return imp.Name.Name
		}
		return filepath.Base(p)
	}
	return ""
}

// removeDecls drops the file's server-only declarations and reports
// whether it dropped any.
func removeDecls(f *ast.File, serverOnly map[*decl]bool) bool {
	gone := map[ast.Node]bool{}
	for d := range serverOnly {
		if d.file == f {
			gone[d.node] = true
		}
	}
	if len(gone) == 0 {
		return false
	}
	var kept []ast.Decl
	for _, gd := range f.Decls {
		switch g := gd.(type) {
		case *ast.FuncDecl:
			if gone[g] {
				continue
			}
		case *ast.GenDecl:
			var specs []ast.Spec
			for _, s := range g.Specs {
				if !gone[s] {
					specs = append(specs, s)
				}
			}
			if len(specs) == 0 && len(g.Specs) > 0 {
				continue
			}
			g.Specs = specs
		}
		kept = append(kept, gd)
	}
	f.Decls = kept
	// Comments of removed declarations would otherwise float to wherever
	// the printer puts them; keep only the file's header and build lines.
	var comments []*ast.CommentGroup
	for _, c := range f.Comments {
		if c.End() < f.Package {
			comments = append(comments, c)
		}
	}
	f.Comments = comments
	return true
}

// pruneImports drops the imports nothing in the file mentions any more.
func pruneImports(f *ast.File) {
	used := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok {
				used[id.Name] = true
			}
		}
		return true
	})
	keep := func(imp *ast.ImportSpec) bool {
		if imp.Name != nil && (imp.Name.Name == "_" || imp.Name.Name == ".") {
			return true
		}
		p, _ := strconv.Unquote(imp.Path.Value)
		name := filepath.Base(p)
		if imp.Name != nil {
			name = imp.Name.Name
		}
		return used[name]
	}
	var imports []*ast.ImportSpec
	for _, imp := range f.Imports {
		if keep(imp) {
			imports = append(imports, imp)
		}
	}
	f.Imports = imports
	var decls []ast.Decl
	for _, gd := range f.Decls {
		g, ok := gd.(*ast.GenDecl)
		if !ok || g.Tok != token.IMPORT {
			decls = append(decls, gd)
			continue
		}
		var specs []ast.Spec
		for _, s := range g.Specs {
			if keep(s.(*ast.ImportSpec)) {
				specs = append(specs, s)
			}
		}
		if len(specs) > 0 {
			g.Specs = specs
			decls = append(decls, g)
		}
	}
	f.Decls = decls
}

// writeModfile writes the project's go.mod with a replace to the copy, and
// the project's go.sum beside it (the go command reads FILE.sum).
func writeModfile(modfile, copyDir string) error {
	gomod, err := os.ReadFile("go.mod")
	if err != nil {
		return err
	}
	gosum, err := os.ReadFile("go.sum")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(modfile), 0o755); err != nil {
		return err
	}
	mod := string(gomod) + "\n// Written by server/assets/goappclient for the wasm build: go-app without its server half.\nreplace " + goAppModule + " => " + copyDir + "\n"
	if err := os.WriteFile(modfile, []byte(mod), 0o644); err != nil {
		return err
	}
	return os.WriteFile(strings.TrimSuffix(modfile, ".mod")+".sum", gosum, 0o644)
}
