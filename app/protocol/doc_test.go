//go:build !wasm

// This test reads files (the package's Go source and docs/protocol.md), so
// it runs natively only; under wasm/Node it is left out.

package protocol

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

const docPath = "../../docs/protocol.md"

// wireConsts are the constants of package protocol that name the wire, by
// naming convention:
//
//   - Type<Name> = "…": a WebSocket message type,
//   - Err<Name>  = "…": an error code (WebSocket or HTTP API), in any file,
//   - Close<Name> = 4…: a WebSocket close code.
//
// The prefix must be followed by an upper-case letter (so ClosesAt or
// Errand are not wire constants), and the value must be a literal.
type wireConsts struct {
	types  map[string]string // name → value
	errors map[string]string // name → value
	closes map[string]int    // name → value
}

// parseWireConsts collects the wire constants from every non-test Go file
// of this package.
func parseWireConsts(t *testing.T) wireConsts {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	c := wireConsts{types: map[string]string{}, errors: map[string]string{}, closes: map[string]int{}}
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		if file.Name.Name != "protocol" {
			continue
		}
		for _, decl := range file.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, name := range vs.Names {
					kind := wirePrefix(name.Name)
					if kind == "" {
						continue
					}
					pos := fset.Position(name.Pos())
					var lit *ast.BasicLit
					if i < len(vs.Values) {
						lit, _ = vs.Values[i].(*ast.BasicLit)
					}
					switch {
					case lit == nil:
						t.Errorf("%s: %s must have a literal value so that the doc test can read it", pos, name.Name)
					case kind == "Close" && lit.Kind == token.INT:
						n, err := strconv.Atoi(lit.Value)
						if err != nil {
							t.Errorf("%s: %s: %v", pos, name.Name, err)
						}
						c.closes[name.Name] = n
					case kind != "Close" && lit.Kind == token.STRING:
						v, err := strconv.Unquote(lit.Value)
						if err != nil {
							t.Errorf("%s: %s: %v", pos, name.Name, err)
						}
						if kind == "Type" {
							c.types[name.Name] = v
						} else {
							c.errors[name.Name] = v
						}
					default:
						t.Errorf("%s: %s: Type* and Err* constants are strings, Close* constants integers", pos, name.Name)
					}
				}
			}
		}
	}
	// The parser must still see the package as it is.
	if len(c.types) < 20 || len(c.errors) < 20 || len(c.closes) < 15 {
		t.Fatalf("found only %d message types, %d error codes and %d close codes: the test no longer reads the source right",
			len(c.types), len(c.errors), len(c.closes))
	}
	if c.types["TypeHello"] != TypeHello || c.errors["ErrNotHello"] != ErrNotHello || c.closes["CloseLessonEnded"] != CloseLessonEnded {
		t.Fatal("parsed values differ from the compiled ones")
	}
	return c
}

// wirePrefix returns "Type", "Err" or "Close" for a wire constant's name,
// "" for any other name.
func wirePrefix(name string) string {
	for _, p := range []string{"Type", "Err", "Close"} {
		if rest, ok := strings.CutPrefix(name, p); ok && rest != "" && unicode.IsUpper(rune(rest[0])) {
			return p
		}
	}
	return ""
}

// docSections splits markdown by heading. whole maps a heading's title to
// its text up to the next heading of the same or a higher level, so with
// its subsections ("## HTTP API" with every "### …" under it); own maps it
// to its text up to the next heading of any level.
func docSections(doc string) (whole, own map[string]string) {
	whole, own = map[string]string{}, map[string]string{}
	lines := strings.Split(doc, "\n")
	type open struct {
		title string
		level int
		from  int
	}
	var stack []open
	last := -1 // the section whose own text runs until the next heading
	closeTo := func(level, at int) {
		if last >= 0 {
			s := stack[last]
			own[s.title] = strings.Join(lines[s.from:at], "\n")
		}
		for len(stack) > 0 && stack[len(stack)-1].level >= level {
			s := stack[len(stack)-1]
			whole[s.title] = strings.Join(lines[s.from:at], "\n")
			stack = stack[:len(stack)-1]
		}
	}
	inFence := false
	for i, l := range lines {
		if strings.HasPrefix(l, "```") {
			inFence = !inFence
		}
		if inFence || !strings.HasPrefix(l, "#") {
			continue
		}
		level := len(l) - len(strings.TrimLeft(l, "#"))
		title := strings.TrimSpace(l[level:])
		closeTo(level, i)
		stack = append(stack, open{title, level, i + 1})
		last = len(stack) - 1
	}
	closeTo(0, len(lines))
	return whole, own
}

// tableRows returns the cells of every table body row in a section (not the
// header and separator rows).
func tableRows(section string) [][]string {
	var rows [][]string
	header := true
	for _, l := range strings.Split(section, "\n") {
		l = strings.TrimSpace(l)
		if !strings.HasPrefix(l, "|") {
			header = true
			continue
		}
		cells := strings.Split(strings.Trim(l, "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		if strings.HasPrefix(cells[0], "---") {
			header = false
			continue
		}
		if !header {
			rows = append(rows, cells)
		}
	}
	return rows
}

// code returns the text of a cell that is one backticked word: "`hello`" →
// "hello".
func code(cell string) (string, bool) {
	if len(cell) > 2 && cell[0] == '`' && cell[len(cell)-1] == '`' && !strings.Contains(cell[1:len(cell)-1], "`") {
		return cell[1 : len(cell)-1], true
	}
	return "", false
}

// docText holds docs/protocol.md by section.
type docText struct {
	whole, own map[string]string
}

func readDoc(t *testing.T) docText {
	t.Helper()
	raw, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatal(err)
	}
	var d docText
	d.whole, d.own = docSections(string(raw))
	for _, want := range []string{"Message types", "Error codes", "WebSocket close codes", "HTTP API"} {
		if _, ok := d.own[want]; !ok {
			t.Fatalf("%s has no section %q", docPath, want)
		}
	}
	return d
}

func values[V comparable](m map[string]V) map[V]string {
	out := map[V]string{}
	for k, v := range m {
		out[v] = k
	}
	return out
}

// Every message type in the code is in the doc's "Message types" table,
// and every type in that table is in the code.
func TestDocMessageTypes(t *testing.T) {
	c, doc := parseWireConsts(t), readDoc(t)
	documented := map[string]bool{}
	for _, row := range tableRows(doc.own["Message types"]) {
		v, ok := code(row[0])
		if !ok {
			t.Errorf("Message types: row %q does not start with a `type`", row)
			continue
		}
		documented[v] = true
		if _, ok := values(c.types)[v]; !ok {
			t.Errorf("docs/protocol.md lists message type %q, app/protocol defines no Type* constant for it", v)
		}
	}
	for name, v := range c.types {
		if !documented[v] {
			t.Errorf("%s = %q is missing from the table in docs/protocol.md, ## Message types", name, v)
		}
	}
}

// Every close code in the code is a row of the doc's "WebSocket close
// codes" table with the same number and name, that row says "**no**"
// (does not reconnect) exactly for the codes FinalClose calls final, and
// every row is a constant.
func TestDocCloseCodes(t *testing.T) {
	c, doc := parseWireConsts(t), readDoc(t)
	documented := map[string]bool{}
	for _, row := range tableRows(doc.own["WebSocket close codes"]) {
		if len(row) < 4 {
			t.Errorf("WebSocket close codes: row %q needs code, name, meaning and reconnect", row)
			continue
		}
		n, err := strconv.Atoi(row[0])
		name, ok := code(row[1])
		if err != nil || !ok {
			t.Errorf("WebSocket close codes: row %q does not start with a number and a `Name`", row)
			continue
		}
		documented[name] = true
		v, defined := c.closes[name]
		switch {
		case !defined:
			t.Errorf("docs/protocol.md lists close code %d %s, app/protocol does not define it", n, name)
			continue
		case v != n:
			t.Errorf("docs/protocol.md: %s is %d, app/protocol says %d", name, n, v)
		}
		if docFinal := strings.HasPrefix(row[3], "**no**"); docFinal != FinalClose(v) {
			t.Errorf("docs/protocol.md: %s (%d) reconnect column %q, but FinalClose(%d) = %v", name, v, row[3], v, FinalClose(v))
		}
	}
	for name, v := range c.closes {
		if !documented[name] {
			t.Errorf("%s = %d is missing from the table in docs/protocol.md, ## WebSocket close codes", name, v)
		}
	}
}

// Ways the HTTP API section names an error code: "`404 unknown-class`",
// "`401` `bad-login`", "(`500`, `internal`)", "`unknown-file` (404)" and
// table rows "| 401 | `unauthorized` | …".
var (
	httpCodeJoined = regexp.MustCompile("`[45][0-9][0-9] ([a-z][a-z-]*)`")
	httpCodeApart  = regexp.MustCompile("`[45][0-9][0-9]`,? `([a-z][a-z-]*)`")
	httpCodeAfter  = regexp.MustCompile("`([a-z][a-z-]*)` \\([45][0-9][0-9]\\)")
	closeNumber    = regexp.MustCompile(`\b(1[0-9]{3}|4[0-9]{3})\b`)
)

func httpCodes(section string) map[string]bool {
	out := map[string]bool{}
	for _, re := range []*regexp.Regexp{httpCodeJoined, httpCodeApart, httpCodeAfter} {
		for _, m := range re.FindAllStringSubmatch(section, -1) {
			out[m[1]] = true
		}
	}
	for _, row := range tableRows(section) {
		if len(row) >= 2 && len(row[0]) == 3 && (row[0][0] == '4' || row[0][0] == '5') {
			if v, ok := code(row[1]); ok {
				out[v] = true
			}
		}
	}
	return out
}

// Every error code in the code is documented (in the "Error codes" table
// or as an error code of the HTTP API), and every code the doc names is an
// Err* constant.
func TestDocErrorCodes(t *testing.T) {
	c, doc := parseWireConsts(t), readDoc(t)
	defined := values(c.errors)
	ws := map[string]bool{}
	for _, row := range tableRows(doc.own["Error codes"]) {
		v, ok := code(row[0])
		if !ok {
			t.Errorf("Error codes: row %q does not start with a `code`", row)
			continue
		}
		ws[v] = true
		if _, ok := defined[v]; !ok {
			t.Errorf("docs/protocol.md, ## Error codes, lists %q; app/protocol defines no Err* constant for it", v)
		}
		if len(row) >= 3 {
			for _, m := range closeNumber.FindAllString(row[2], -1) {
				n, _ := strconv.Atoi(m)
				if _, ok := values(c.closes)[n]; !ok {
					t.Errorf("docs/protocol.md, ## Error codes, %q closes with %d, which is no Close* constant", v, n)
				}
			}
		}
	}
	http := httpCodes(doc.whole["HTTP API"])
	if len(http) < 10 {
		t.Fatalf("found only %d error codes in ## HTTP API: the patterns no longer match the doc", len(http))
	}
	for v := range http {
		if _, ok := defined[v]; !ok {
			t.Errorf("docs/protocol.md, ## HTTP API, names error code %q; app/protocol defines no Err* constant for it", v)
		}
	}
	for name, v := range c.errors {
		if !ws[v] && !http[v] {
			t.Errorf("%s = %q is documented neither in docs/protocol.md ## Error codes nor as an error code in ## HTTP API", name, v)
		}
	}
}

func TestDocSections(t *testing.T) {
	whole, own := docSections("# A\ntext a\n## B\ntext b\n```\n# not a heading\n```\n### C\ntext c\n## D\ntext d\n")
	if !strings.Contains(whole["B"], "text b") || !strings.Contains(whole["B"], "text c") || strings.Contains(whole["B"], "text d") {
		t.Errorf("whole section B: %q", whole["B"])
	}
	if !strings.Contains(own["B"], "# not a heading") || strings.Contains(own["B"], "text c") {
		t.Errorf("own section B: %q", own["B"])
	}
	if strings.TrimSpace(own["C"]) != "text c" || strings.TrimSpace(whole["D"]) != "text d" || !strings.Contains(whole["A"], "text d") || strings.TrimSpace(own["A"]) != "text a" {
		t.Errorf("sections: %q %q", whole, own)
	}
	if _, ok := whole["not a heading"]; ok {
		t.Error("a line in a code block was taken for a heading")
	}
	rows := tableRows("| a | b |\n| --- | --- |\n| `x` | 1 |\n\n| c |\n| --- |\n| `y` |\n")
	if len(rows) != 2 || rows[0][0] != "`x`" || rows[1][0] != "`y`" {
		t.Errorf("rows: %q", rows)
	}
}
