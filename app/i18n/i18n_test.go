package i18n

import (
	"strings"
	"testing"
	"time"
)

// Every key must exist in every catalog, with the same number of verbs.
func TestCatalogsComplete(t *testing.T) {
	for _, lang := range Langs {
		for _, other := range Langs {
			for key, text := range catalogs[other] {
				mine, ok := catalogs[lang][key]
				if !ok {
					t.Errorf("catalog %s lacks %q", lang, key)
					continue
				}
				if strings.Count(mine, "%") != strings.Count(text, "%") {
					t.Errorf("key %q: %s and %s differ in format verbs", key, lang, other)
				}
			}
		}
	}
}

func TestFormats(t *testing.T) {
	at := time.Date(2026, 1, 11, 8, 5, 0, 0, time.UTC)
	if got := Clock(German, at); got != "08:05 Uhr" {
		t.Errorf("German clock: %q", got)
	}
	if got := Date(German, at); got != "11.01.2026" {
		t.Errorf("German date: %q", got)
	}
	if got := Clock(English, at); got != "8:05 AM" {
		t.Errorf("English clock: %q", got)
	}
	if Parse("en-GB") != English || Parse("de-AT") != German || Parse("fr") != German {
		t.Error("language tags parsed wrongly")
	}
	if got := T(German, "join.code", "ABCD-EFGH"); got != "Code ABCD-EFGH" {
		t.Errorf("T with args: %q", got)
	}
}

// Page titles ("title.*") tell tabs and history entries apart: no two
// pages share one, and each language has its own.
func TestTitlesDiffer(t *testing.T) {
	var keys []string
	for key := range catalogs[German] {
		if strings.HasPrefix(key, "title.") {
			keys = append(keys, key)
		}
	}
	if len(keys) < 6 {
		t.Fatalf("only %d title keys", len(keys))
	}
	for _, lang := range Langs {
		seen := map[string]string{}
		for _, key := range keys {
			text := T(lang, key)
			if other, dup := seen[text]; dup {
				t.Errorf("%s: %s and %s are both %q", lang, key, other, text)
			}
			seen[text] = key
			if !strings.Contains(text, T(lang, "app.name")) || strings.Contains(text, "%") {
				t.Errorf("%s: %s = %q should name the app and take no arguments", lang, key, text)
			}
		}
	}
	for _, key := range keys {
		if T(German, key) == T(English, key) {
			t.Errorf("%s is %q in German and English", key, T(German, key))
		}
	}
}
