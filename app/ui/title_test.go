package ui

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"ersatzraum/app/i18n"
)

var (
	_ app.Navigator = (*Home)(nil)
	_ app.Navigator = (*Account)(nil)
	_ app.Navigator = (*ClassPage)(nil)
	_ app.Navigator = (*StudentBoard)(nil)
)

// titlePending are routed pages whose OnNav is still to be written; they
// are checked as soon as they have one. Their keys exist already.
var titlePending = map[string]string{}

// Every page that routes.go registers sets its own title in OnNav, with a
// "title.*" key of its own that both catalogs have, and the titles differ
// from page to page and from language to language.
func TestEveryPageSetsItsOwnTitle(t *testing.T) {
	fset := token.NewFileSet()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	pages := map[string]bool{}    // page types in Register
	titles := map[string]string{} // page type → title key used in its OnNav
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range file.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			switch {
			case fn.Recv == nil && fn.Name.Name == "Register":
				ast.Inspect(fn.Body, func(n ast.Node) bool {
					if cl, ok := n.(*ast.CompositeLit); ok {
						if id, ok := cl.Type.(*ast.Ident); ok {
							pages[id.Name] = true
						}
					}
					return true
				})
			case fn.Recv != nil && fn.Name.Name == "OnNav":
				typ := fn.Recv.List[0].Type
				if star, ok := typ.(*ast.StarExpr); ok {
					typ = star.X
				}
				id, ok := typ.(*ast.Ident)
				if !ok {
					continue
				}
				ast.Inspect(fn.Body, func(n ast.Node) bool {
					if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
						if v, _ := strconv.Unquote(lit.Value); strings.HasPrefix(v, "title.") {
							if old, dup := titles[id.Name]; dup && old != v {
								t.Errorf("%s.OnNav uses two title keys, %q and %q", id.Name, old, v)
							}
							titles[id.Name] = v
						}
					}
					return true
				})
				if _, ok := titles[id.Name]; !ok {
					t.Errorf("%s.OnNav sets no title from a \"title.*\" key", id.Name)
				}
			}
		}
	}
	if len(pages) < 6 {
		t.Fatalf("found only %d pages in Register: the test no longer reads routes.go right", len(pages))
	}
	seen := map[string]string{} // key → page
	for page := range pages {
		key, ok := titles[page]
		if !ok {
			if key, ok = titlePending[page]; !ok {
				t.Errorf("page %s has no OnNav that sets its title", page)
				continue
			}
		}
		if other, dup := seen[key]; dup {
			t.Errorf("pages %s and %s share the title key %q", page, other, key)
		}
		seen[key] = page
		for _, lang := range i18n.Langs {
			if i18n.T(lang, key) == key {
				t.Errorf("title key %q of %s is missing in %s", key, page, lang)
			}
		}
	}
	for _, lang := range i18n.Langs {
		texts := map[string]string{}
		for key, page := range seen {
			text := i18n.T(lang, key)
			if other, dup := texts[text]; dup {
				t.Errorf("%s: pages %s and %s have the same title %q", lang, page, other, text)
			}
			texts[text] = page
		}
	}
	for key, page := range seen {
		if de, en := i18n.T(i18n.German, key), i18n.T(i18n.English, key); de == en {
			t.Errorf("page %s has the same title %q in German and English", page, de)
		}
	}
}
