package ui

import (
	"runtime"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"ersatzraum/app/i18n"
	"ersatzraum/app/protocol"
)

const langKey = i18n.ChoiceKey

// currentLang returns the language the user chose, or the browser's
// preference, or German, and marks the document with it (lang attribute),
// so that screen readers pronounce the page right. On the server it is
// the language server/httpapi chose for the request from the same inputs
// (the choice's cookie, Accept-Language), so that the prerendered page is
// already in the language the app then runs in.
func currentLang(ctx app.Context) i18n.Lang {
	l := chosenLang(ctx)
	if doc := app.Window().Get("document"); doc.Truthy() {
		doc.Get("documentElement").Set("lang", string(l))
	} else if runtime.GOOS != "js" {
		ctx.Page().SetLang(string(l)) // the prerendered <html lang>
	}
	return l
}

func chosenLang(ctx app.Context) i18n.Lang {
	// runtime.GOOS is a constant: the wasm carries no server branch.
	if runtime.GOOS != "js" {
		return i18n.Parse(ctx.Page().URL().Query().Get(i18n.PrerenderParam))
	}
	// The language changes only by a reload (switchLang): read once, at
	// start, not by every component with calls into JavaScript.
	return i18n.Default
}

// setStartLang makes the browser's language the one of components that
// have not read theirs yet (i18n.Default), and the one currentLang
// returns.
func setStartLang() {
	if runtime.GOOS == "js" {
		i18n.Default = browserLang()
	}
}

// browserLang reads the choice as ctx.LocalStorage stores it (JSON), so
// that it works before any component has a context.
func browserLang() i18n.Lang {
	if ls := app.Window().Get("localStorage"); ls.Truthy() {
		if v := ls.Call("getItem", langKey); v.Truthy() {
			return i18n.Parse(strings.Trim(v.String(), `"`))
		}
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
	return i18n.Preferred(prefs)
}

// switchLang stores the other language and reloads so that every
// component renders in it. web/lang.js reloads: it first mirrors the
// choice into the cookie the server reads and tells the service worker,
// so that the reloaded page arrives in the new language.
func switchLang(ctx app.Context, from i18n.Lang) {
	next := i18n.English
	if from == i18n.English {
		next = i18n.German
	}
	ctx.LocalStorage().Set(langKey, string(next))
	app.Window().Call("ersatzraumLang", string(next), true)
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
