package ui

import (
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"ersatzraum/app/i18n"
	"ersatzraum/app/protocol"
)

const langKey = "ersatzraum.lang"

// currentLang returns the language the user chose, or the browser's
// preference, or German, and marks the document with it (lang attribute),
// so that screen readers pronounce the page right.
func currentLang(ctx app.Context) i18n.Lang {
	l := chosenLang(ctx)
	if doc := app.Window().Get("document"); doc.Truthy() {
		doc.Get("documentElement").Set("lang", string(l))
	}
	return l
}

func chosenLang(ctx app.Context) i18n.Lang {
	var chosen string
	ctx.LocalStorage().Get(langKey, &chosen)
	if chosen != "" {
		return i18n.Parse(chosen)
	}
	var prefs []string
	if nav := app.Window().Get("navigator"); nav.Truthy() {
		if list := nav.Get("languages"); list.Truthy() {
			for i := 0; i < list.Length(); i++ {
				prefs = append(prefs, list.Index(i).String())
			}
		}
		if l := nav.Get("language"); len(prefs) == 0 && l.Truthy() {
			prefs = append(prefs, l.String())
		}
	}
	return preferredLang(prefs)
}

// preferredLang picks the first of the browser's languages that has a
// catalog: ["fr", "en-GB", "de"] gives English; none gives German.
func preferredLang(tags []string) i18n.Lang {
	for _, t := range tags {
		if len(t) >= 2 {
			switch strings.ToLower(t[:2]) {
			case "de":
				return i18n.German
			case "en":
				return i18n.English
			}
		}
	}
	return i18n.German
}

// switchLang stores the other language and reloads so that every
// component renders in it.
func switchLang(ctx app.Context, from i18n.Lang) {
	next := i18n.English
	if from == i18n.English {
		next = i18n.German
	}
	ctx.LocalStorage().Set(langKey, string(next))
	app.Window().Get("document").Get("documentElement").Set("lang", string(next))
	ctx.Reload()
}

// errorText translates a protocol error code for people.
func errorText(lang i18n.Lang, code string) string {
	switch code {
	case protocol.ErrUnauthorized, protocol.ErrUnknownLesson, protocol.ErrLessonEnded, protocol.ErrBadName,
		protocol.ErrReplaced, protocol.ErrRateLimited, protocol.ErrForbidden, protocol.ErrNotStarted,
		protocol.ErrRejected, protocol.ErrLocked, protocol.ErrRemoved, protocol.ErrUnknownClass,
		protocol.ErrDuplicateName, protocol.ErrRosterFull, protocol.ErrBadCSV,
		protocol.ErrLobbyFull, protocol.ErrQuota,
		protocol.ErrNoGroups, protocol.ErrGroupsRunning, protocol.ErrNotInGroup, protocol.ErrBadGroups:
		return i18n.T(lang, "error."+code)
	}
	return i18n.T(lang, "error.generic", code)
}
