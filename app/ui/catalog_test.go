package ui

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"ersatzraum/app/i18n"
	"ersatzraum/app/live"
)

// Every catalog key the components use must exist in every language;
// a missing key would show up as the raw key on a teacher's screen.
func TestEveryUsedKeyIsInTheCatalogs(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	key := regexp.MustCompile(`i18n\.T\([^,]+,\s*"([^"]+)"`)
	prefixed := regexp.MustCompile(`i18n\.T\([^,]+,\s*"([a-z.-]+\.)"\s*\+`)
	used := map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range key.FindAllStringSubmatch(string(src), -1) {
			if !strings.HasSuffix(m[1], ".") { // a prefix, handled below
				used[m[1]] = true
			}
		}
		// Keys built from a prefix and a protocol value.
		for _, m := range prefixed.FindAllStringSubmatch(string(src), -1) {
			switch m[1] {
			case "status.":
				for _, st := range []string{"present", "late", "absent", "excused"} {
					used["status."+st] = true
				}
			case "error.":
				for _, code := range []string{"unauthorized", "unknown-lesson", "lesson-ended", "bad-name", "replaced", "rate-limited", "forbidden", "not-started", "rejected", "locked", "removed", "unknown-class", "duplicate-name", "roster-full", "bad-csv"} {
					used["error."+code] = true
				}
			case "media.", "share.failed.":
				for _, reason := range live.MediaReasons {
					used[m[1]+reason] = true
				}
			case "media.device.", "join.media.without.", "lesson.media.without.":
				for _, what := range []string{"camera", "mic", "both"} {
					used[m[1]+what] = true
				}
			case "rollcall.conn.":
				for _, line := range live.Lines {
					if line != live.LineConnected && line != live.LineOffline {
						used["rollcall.conn."+string(line)] = true
					}
				}
			default:
				t.Errorf("%s builds keys from unknown prefix %q: teach this test about it", f, m[1])
			}
		}
	}
	if len(used) < 30 {
		t.Fatalf("found only %d keys; the pattern no longer matches the code", len(used))
	}
	for k := range used {
		for _, lang := range i18n.Langs {
			if got := i18n.T(lang, k); got == k {
				t.Errorf("key %q missing in %s", k, lang)
			}
		}
	}
}
