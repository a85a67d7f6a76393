// Package i18n owns every string the UI shows and the way dates and times
// are written, in German (the default) and English. Components never hold
// visible text of their own; they ask this catalog by key.
package i18n

import (
	"fmt"
	"time"
)

// Lang is a UI language.
type Lang string

// The supported languages; German comes first and is the default.
const (
	German  Lang = "de"
	English Lang = "en"
)

// Langs lists the languages with a full catalog.
var Langs = []Lang{German, English}

// Parse returns the language a tag such as "en-GB" or "de" names, or
// German when it names none we have.
func Parse(tag string) Lang {
	if len(tag) >= 2 && (tag[:2] == "en" || tag[:2] == "EN") {
		return English
	}
	return German
}

// Default is the language of a component that has not read its own yet
// (lang ""): in the browser, a page's first render comes before its
// OnMount. The app sets it at start to the language it runs in
// (app/ui/lang.go), so that this render does not redraw the prerendered
// page in German for a moment.
var Default = German

// T returns the text for key in lang, formatted with args like fmt.Sprintf.
// A key missing from a catalog shows as the key itself; a test makes sure
// that never ships.
func T(lang Lang, key string, args ...any) string {
	if lang == "" {
		lang = Default
	}
	s, ok := catalogs[lang][key]
	if !ok {
		s, ok = catalogs[German][key]
	}
	if !ok {
		return key
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// Clock writes a time of day: "08:05 Uhr" in German, "8:05 AM" in English.
func Clock(lang Lang, t time.Time) string {
	if lang == English {
		return t.Format("3:04 PM")
	}
	return t.Format("15:04") + " Uhr"
}

// Date writes a date: "27.11.2026" in German, "27 Nov 2026" in English.
func Date(lang Lang, t time.Time) string {
	if lang == English {
		return t.Format("2 Jan 2006")
	}
	return t.Format("02.01.2006")
}
