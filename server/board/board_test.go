package board

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestStateAroundDueAndGrace(t *testing.T) {
	due := time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)
	a := Assignment{Due: due, Grace: 2 * 24 * time.Hour}
	onTime := HandIn{Kind: KindHandIn, Created: due}
	late := HandIn{Kind: KindHandIn, Created: due.Add(time.Minute)}
	done := HandIn{Kind: KindDone, Created: due.Add(-time.Hour)}
	cases := []struct {
		name string
		a    Assignment
		hs   []HandIn
		now  time.Time
		want string
	}{
		{"nothing, before due", a, nil, due.Add(-time.Hour), StateOpen},
		{"nothing, at due", a, nil, due, StateOpen},
		{"nothing, in grace", a, nil, due.Add(47 * time.Hour), StateOpen},
		{"nothing, at the end of grace", a, nil, due.Add(48 * time.Hour), StateOpen},
		{"nothing, after grace", a, nil, due.Add(48*time.Hour + time.Millisecond), StateMissing},
		{"handed in at due", a, []HandIn{onTime}, due.Add(72 * time.Hour), StateHandedIn},
		{"handed in in grace", a, []HandIn{late}, due.Add(72 * time.Hour), StateLate},
		{"on time wins over late", a, []HandIn{late, onTime}, due, StateHandedIn},
		{"done", a, []HandIn{done}, due.Add(72 * time.Hour), StateDone},
		{"done then late hand-in", a, []HandIn{done, late}, due, StateLate},
		{"no due: never missing", Assignment{}, nil, due.Add(1000 * time.Hour), StateOpen},
		{"no due: never late", Assignment{}, []HandIn{late}, due, StateHandedIn},
		{"no grace", Assignment{Due: due}, nil, due.Add(time.Millisecond), StateMissing},
	}
	for _, c := range cases {
		if got := State(c.a, c.hs, c.now); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
	if ok, isLate := a.Accepts(due.Add(time.Hour)); !ok || !isLate {
		t.Error("grace window: not accepted as late")
	}
	if ok, _ := a.Accepts(due.Add(49 * time.Hour)); ok {
		t.Error("accepted after the grace window")
	}
}

func TestEditClean(t *testing.T) {
	due := time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)
	e, err := Edit{Title: "  Aufgabe \n 1 ", Body: "Absatz eins\r\n\r\nhttps://example.org  \n", Due: due, GraceMinutes: 60}.Clean()
	if err != nil || e.Title != "Aufgabe 1" || e.Body != "Absatz eins\n\nhttps://example.org" {
		t.Fatalf("%+v %v", e, err)
	}
	bad := []Edit{
		{Title: ""},
		{Title: strings.Repeat("x", MaxTitleRunes+1)},
		{Title: "ok", Body: strings.Repeat("ü", MaxBodyRunes+1)},
		{Title: "ok", Body: "a\x00b"},
		{Title: "ok\u202e"},
		{Title: "ok", Due: due, GraceMinutes: -1},
		{Title: "ok", Due: due, GraceMinutes: MaxGraceMinutes + 1},
		{Title: "ok", GraceMinutes: 5}, // grace without a due time
	}
	for _, b := range bad {
		if _, err := b.Clean(); !errors.Is(err, ErrInvalid) {
			t.Errorf("%+q accepted", b.Title+"|"+b.Body)
		}
	}
	if _, err := (Edit{Title: "ok", Body: strings.Repeat("ü", MaxBodyRunes), Due: due, GraceMinutes: MaxGraceMinutes}).Clean(); err != nil {
		t.Errorf("limits refused: %v", err)
	}
}

func TestCleanFileName(t *testing.T) {
	cases := map[string]string{
		"Arbeitsblatt 3.pdf":              "Arbeitsblatt 3.pdf",
		`C:\Users\lea\Lösung.pdf`:         "Lösung.pdf",
		"../../etc/passwd":                "passwd",
		"..":                              "Datei.pdf",
		"":                                "Datei.pdf",
		".htaccess":                       "htaccess",
		"a\x00b\u202e.pdf":                "ab.pdf",
		`x"; filename="evil.exe`:          "x_; filename=_evil.exe",
		strings.Repeat("a", 200) + ".pdf": strings.Repeat("a", MaxFileNameRunes-4) + ".pdf",
	}
	for in, want := range cases {
		if got := CleanFileName(in, "Datei.pdf"); got != want {
			t.Errorf("CleanFileName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestValidIDAndSame(t *testing.T) {
	for _, id := range []string{"01HZX3K6V9Q2W8", "3f2b8c1e-7d4a-4b9e-9c2d-0a1b2c3d4e5f"} {
		if !ValidID(id) {
			t.Errorf("%q refused", id)
		}
	}
	for _, id := range []string{"short", "../../../../x", strings.Repeat("a", 65), "abc def ghi"} {
		if ValidID(id) {
			t.Errorf("%q accepted", id)
		}
	}
	a := HandIn{ID: "h1234567", Kind: KindHandIn, Text: "x", Files: []File{{Hash: "aa", Name: "a.pdf"}}}
	b := a
	b.Created = time.Now() // receipt time is not content
	if !Same(a, b) {
		t.Error("replay not recognised")
	}
	b.Files = []File{{Hash: "bb", Name: "a.pdf"}}
	if Same(a, b) {
		t.Error("other file taken for a replay")
	}
}
