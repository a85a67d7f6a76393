package ui

import (
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// What a teacher's pages leave in the browser, and logout removes, so that
// the next user of a shared staff-room computer finds none of it: the
// service worker's copies of the teacher's pages (and of any private page
// an older version kept) and the join codes and links of the teacher's
// lessons in localStorage. The language choice stays (it is nobody's
// data), and so do a student's remembered link and board (IndexedDB,
// localStorage): they are the student's, and the teacher pages never
// write them.

// teacherPagePrefixes are the paths of teacher pages and private prints.
var teacherPagePrefixes = []string{"/class/", "/lesson/", "/konto", "/classes/", "/lessons/", "/login"}

// teacherStoragePrefix starts the localStorage keys of teacher pages
// (rememberLesson).
const teacherStoragePrefix = "ersatzraum.lesson."

// teacherPage reports whether a cached URL's path is a teacher page.
func teacherPage(path string) bool {
	for _, p := range teacherPagePrefixes {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	return false
}

// teacherStorageKey reports whether a localStorage key is a teacher page's.
func teacherStorageKey(key string) bool { return strings.HasPrefix(key, teacherStoragePrefix) }

// clearTeacherTraces removes the teacher's traces. It blocks: call it
// from ctx.Async.
func clearTeacherTraces() {
	removeLocal(teacherStorageKey) // remember.go
	cs := app.Window().Get("caches")
	if !cs.Truthy() {
		return
	}
	names, err := awaitPromise(cs.Call("keys"))
	if err != nil {
		return
	}
	for i := 0; i < names.Length(); i++ {
		cache, err := awaitPromise(cs.Call("open", names.Index(i)))
		if err != nil {
			continue
		}
		reqs, err := awaitPromise(cache.Call("keys"))
		if err != nil {
			continue
		}
		for j := 0; j < reqs.Length(); j++ {
			req := reqs.Index(j)
			u := app.Window().Get("URL").New(req.Get("url"))
			if teacherPage(u.Get("pathname").String()) {
				awaitPromise(cache.Call("delete", req))
			}
		}
	}
}
