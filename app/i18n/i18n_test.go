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
