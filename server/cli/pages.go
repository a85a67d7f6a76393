package cli

import (
	"strconv"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

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
		Name:            "Ersatzraum",
		ShortName:       "Ersatzraum",
		Title:           "Ersatzraum",
		Description:     "Der Ersatzraum deiner Schule: Unterricht starten, Anwesenheit sehen, Aufgaben teilen.",
		Lang:            "de",
		LoadingLabel:    "Ersatzraum lädt … {progress} %",
		BackgroundColor: "#f6f5f1",
		ThemeColor:      "#1d4e89",
		Icon: app.Icon{
			Default:  "/web/icon-192.png",
			Large:    "/web/icon-512.png",
			Maskable: "/web/icon-512.png",
			SVG:      "/web/icon.svg",
		},
		Styles: []string{"/web/app.css"},
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
// here) to fix three things:
//
//   - install and activate wait for their work (event.waitUntil): a worker
//     whose cache could not be filled is discarded and the old version
//     stays, instead of a half-filled cache taking over;
//   - a page visited once (/join/CODE, /lesson/ID) is kept in the cache and
//     opens offline;
//   - any other page opens offline from the cached app shell ("/"): the
//     app routes by the address, so the right page renders. The same
//     fallback covers plain web servers that answer 404 for /join/CODE.
//
// Everything else is cache-first, one cache per version, as in go-app.
// Pages the server marks no-store or private (the print sheet with every
// student's personal link, the attendance print views, the login page)
// are never kept: after logout nothing of them opens from this browser.
const serviceWorkerJS = `// Ersatzraum service worker, version {{.Version}}
const cacheName = "app-" + "{{.Version}}";
const resourcesToCache = {{.ResourcesToCache}};
const shell = "/";

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(cacheName);
    await cache.addAll(resourcesToCache);
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

self.addEventListener("fetch", (event) => {
  event.respondWith(fetchWithCache(event.request));
});

// mayKeep: the server's Cache-Control decides; no-store and private pages
// hold personal data and stay out of the cache.
function mayKeep(response) {
  const cc = (response.headers.get("Cache-Control") || "").toLowerCase();
  return !cc.includes("no-store") && !cc.includes("private");
}

async function fetchWithCache(request) {
  const cached = await caches.match(request);
  if (cached) {
    return cached;
  }
  if (request.method !== "GET" || request.mode !== "navigate" ||
      new URL(request.url).origin !== self.location.origin) {
    return fetch(request);
  }
  let response;
  try {
    response = await fetch(request);
  } catch (err) {
    const page = await caches.match(shell);
    if (page) {
      return page;
    }
    throw err;
  }
  if (response.ok && response.type === "basic" && mayKeep(response)) {
    const cache = await caches.open(cacheName);
    await cache.put(request, response.clone());
  } else if (response.status === 404) {
    const page = await caches.match(shell);
    if (page) {
      return page;
    }
  }
  return response;
}
`
