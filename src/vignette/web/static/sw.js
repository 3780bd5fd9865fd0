// @ts-check
/** The service worker: keeps the page itself (the HTML shell and its modules) so that a reload
 * opens the reader when the server is off. Network first, so a new version is used as soon as
 * the server answers; the API is never touched here (the page keeps its data in IndexedDB).
 * Served at /sw.js, where the server fills in SHELL and VERSION. */

const SHELL = ["/"];
const VERSION = "dev";
const CACHE = `vignette-shell-${VERSION}`;

/** @type {any} the service worker's global scope (this file is checked with the page's types) */
const worker = self;

/** @param {string} pathname */
function isShell(pathname) {
  return pathname === "/" || pathname.startsWith("/static/");
}

worker.addEventListener("install", (/** @type {any} */ event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(SHELL))
      .then(() => worker.skipWaiting()),
  );
});

worker.addEventListener("activate", (/** @type {any} */ event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith("vignette-shell-") && n !== CACHE).map((n) => caches.delete(n))))
      .then(() => worker.clients.claim()),
  );
});

worker.addEventListener("fetch", (/** @type {any} */ event) => {
  /** @type {Request} */
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== worker.location.origin || !isShell(url.pathname)) return;
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (response.ok) {
          const copy = response.clone();
          void caches.open(CACHE).then((cache) => cache.put(request, copy));
        }
        return response;
      })
      .catch(() =>
        caches
          .match(request, { ignoreSearch: true })
          .then((hit) => hit ?? (request.mode === "navigate" ? caches.match("/") : undefined))
          .then((hit) => {
            if (hit) return hit;
            throw new Error("offline, and this file was not kept");
          }),
      ),
  );
});
