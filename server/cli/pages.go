package cli

import (
	"strconv"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"ersatzraum/app/i18n"
	"ersatzraum/app/ui"
	"ersatzraum/server/httpapi"
)

// pageOptions are what differs between the pages the server itself serves
// and the static export.
type pageOptions struct {
	// server is the address of the Ersatzraum server the pages talk to
	// (API and signaling); "" means the origin that served the page.
	server string
	// static pages are served by a plain web server: no header carries
	// the wasm's uncompressed size, so the size is written into app.js.
	static bool
}

// pageHandler is go-app's handler for the PWA, shared by `serve` and
// `static` so that both produce the same app.
func pageHandler(assets *httpapi.Assets, opt pageOptions) *app.Handler {
	h := &app.Handler{
		Name:        "Ersatzraum",
		ShortName:   "Ersatzraum",
		Title:       "Ersatzraum",
		Description: ui.Description(i18n.German), // each page sets its own language's (app/ui/prerender.go)
		Lang:        "de",
		// One app.js serves every language: the strip shown while the
		// wasm loads says nothing that needs translating.
		LoadingLabel:    "Ersatzraum … {progress} %",
		BackgroundColor: "#f6f5f1",
		ThemeColor:      "#1d4e89",
		Icon: app.Icon{
			Default:  "/web/icon-192.png",
			Large:    "/web/icon-512.png",
			Maskable: "/web/icon-512.png",
			SVG:      "/web/icon.svg",
		},
		Styles: []string{"/web/app.css"},
		// Before the app: the language choice for the server and the
		// service worker (web/lang.js).
		Scripts: []string{"/web/lang.js defer"},
		// Everything a page shows must be local and listed here, or the
		// service worker's install fails as a whole (icons, stylesheet and
		// the wasm are listed by go-app itself).
		CacheableResources:      []string{"/web/icon.svg"},
		Version:                 assets.Version(),
		Resources:               assets,
		WasmContentLengthHeader: httpapi.WasmLengthHeader,
		ServiceWorkerTemplate:   serviceWorkerJS,
		Env:                     map[string]string{"ERSATZRAUM_SERVER": opt.server},
	}
	if opt.static {
		h.WasmContentLength = strconv.FormatInt(assets.WasmSize(), 10)
		h.WasmContentLengthHeader = ""
	}
	return h
}

// serviceWorkerJS replaces go-app's default worker (no push notifications
// here) to fix four things:
//
//   - install and activate wait for their work (event.waitUntil): a worker
//     whose cache could not be filled is discarded and the old version
//     stays, instead of a half-filled cache taking over;
//   - a page visited once (/join/CODE, /lesson/ID) is kept in the cache and
//     opens offline;
//   - any other page opens offline from the cached app shell ("/"): the
//     app routes by the address, so the right page renders. The same
//     fallback covers plain web servers that answer 404 for /join/CODE;
//   - pages are kept per language: the server draws a page in the
//     visitor's language (Content-Language), and the worker answers with
//     the copy in the language the app will run in, the user's choice
//     (which web/lang.js tells it; kept in the cache, and copied into the
//     next version's) else the browser's languages, as app/ui/lang.go decides.
//     A copy in another language would be redrawn when the wasm starts.
//
// Everything else is cache-first, one cache per version, as in go-app.
// Pages the server marks no-store or private (the print sheet with every
// student's personal link, the attendance print views, the login page)
// are never kept: after logout nothing of them opens from this browser.
const serviceWorkerJS = `// Ersatzraum service worker, version {{.Version}}
const cacheName = "app-" + "{{.Version}}";
const resourcesToCache = {{.ResourcesToCache}};
const shell = "/";
// The user's language choice, as web/lang.js told it, carried from
// version to version.
const langEntry = "/.ersatzraum-lang";
let chosenLang; // undefined until read from the cache

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(cacheName);
    await cache.addAll(resourcesToCache.filter((u) => u !== shell));
    const page = await fetch(shell);
    if (!page.ok) {
      throw new Error("app shell: " + page.status);
    }
    await cache.put(pageKey(shell, page.headers.get("Content-Language") || await currentLang()), page);
    const kept = await caches.match(langEntry);
    if (kept) {
      await cache.put(langEntry, kept);
    }
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const keys = await caches.keys();
    await Promise.all(keys.filter((k) => k !== cacheName).map((k) => caches.delete(k)));
  })());
  // No clients.claim(): the first visit stays uncontrolled until the next
  // page load (its cache is complete already), and only a worker replacing
  // another one makes go-app report an update.
});

self.addEventListener("message", (event) => {
  const lang = event.data && event.data.ersatzraumLang;
  if (typeof lang !== "string") {
    return;
  }
  chosenLang = lang;
  event.waitUntil(caches.open(cacheName).then((c) => c.put(langEntry, new Response(lang))));
});

self.addEventListener("fetch", (event) => {
  event.respondWith(fetchWithCache(event.request));
});

// currentLang: the user's choice, else the first of the browser's
// languages that the app has, else German (app/i18n/prefer.go).
async function currentLang() {
  if (chosenLang === undefined) {
    const kept = await caches.match(langEntry);
    chosenLang = kept ? await kept.text() : "";
  }
  if (chosenLang) {
    return chosenLang;
  }
  for (const tag of navigator.languages || [navigator.language || ""]) {
    const l = tag.slice(0, 2).toLowerCase();
    if (l === "de" || l === "en") {
      return l;
    }
  }
  return "de";
}

// pageKey: a page's copy in one language.
function pageKey(url, lang) {
  const u = new URL(url, self.location.href);
  u.hash = "";
  u.searchParams.set("lang", lang);
  return u.href;
}

// mayKeep: the server's Cache-Control decides; no-store and private pages
// hold personal data and stay out of the cache.
function mayKeep(response) {
  const cc = (response.headers.get("Cache-Control") || "").toLowerCase();
  return !cc.includes("no-store") && !cc.includes("private");
}

// appShell: the start page in lang, else in any language (offline, a
// page in the other language beats none).
async function appShell(lang) {
  return (await caches.match(pageKey(shell, lang))) ||
    (await caches.match(shell, { ignoreSearch: true }));
}

async function fetchWithCache(request) {
  if (request.method !== "GET" || request.mode !== "navigate" ||
      new URL(request.url).origin !== self.location.origin) {
    return (await caches.match(request)) || fetch(request);
  }
  const lang = await currentLang();
  const cached = await caches.match(pageKey(request.url, lang));
  if (cached) {
    return cached;
  }
  let response;
  try {
    response = await fetch(request);
  } catch (err) {
    const page = await appShell(lang);
    if (page) {
      return page;
    }
    throw err;
  }
  if (response.ok && response.type === "basic" && mayKeep(response)) {
    const cache = await caches.open(cacheName);
    await cache.put(pageKey(request.url, response.headers.get("Content-Language") || lang), response.clone());
  } else if (response.status === 404) {
    const page = await appShell(lang);
    if (page) {
      return page;
    }
  }
  return response;
}
`
