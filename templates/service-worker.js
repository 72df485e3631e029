/*
 * fiches: what the site's service worker does, in every version.
 *
 * `fiches build` writes sw.js at the site's root: VERSION (a hash of all
 * the pages are made from), ALL_PAGES (whether every page is kept ahead)
 * and PRECACHE (what is kept at install), then this file as it is
 * (generator/html/offline.c). A project may replace it with its own
 * templates/service-worker.js.
 */
var SCOPE = self.registration.scope;

// Directory URLs are served by their index.html; queries do not name other pages.
function key(url) {
  var u = new URL(url);
  u.search = "";
  u.hash = "";
  if (u.pathname.slice(-1) === "/") u.pathname += "index.html";
  return u.href;
}

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(VERSION).then(function (cache) {
    // cache: "reload" so the HTTP cache never hands back a page of the previous build.
    return cache.addAll(PRECACHE.map(function (p) {
      return new Request(new URL(p, SCOPE).href, {cache: "reload"});
    }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) {
      return n.indexOf("fiches-") === 0 && n !== VERSION;
    }).map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

var OFFLINE_PAGE = "<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\">" +
  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">" +
  "<title>Hors ligne</title></head><body style=\"font-family:sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem\">" +
  "<h1>Hors ligne</h1><p>Cette page n\u2019a pas encore été enregistrée sur cet appareil " +
  "et le réseau ne répond pas.</p><p><a href=\"" + SCOPE + "\">Revenir à l\u2019accueil</a></p></body></html>";

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET" || request.url.indexOf(SCOPE) !== 0) return;
  var k = key(request.url);
  event.respondWith(caches.open(VERSION).then(function (cache) {
    return cache.match(k).then(function (hit) {
      if (hit) return hit;
      // Not precached (a PDF, a page of a large site): fetch it and keep it.
      return fetch(request).then(function (response) {
        if (response.ok && response.type === "basic" && !request.headers.has("range"))
          cache.put(k, response.clone());
        return response;
      }).catch(function () {
        if (request.mode !== "navigate") return Response.error();
        var offline = new Response(OFFLINE_PAGE, {status: 503,
          headers: {"Content-Type": "text/html; charset=utf-8"}});
        // Every page is precached: one that is not does not exist.
        if (!ALL_PAGES) return offline;
        return cache.match(new URL("404.html", SCOPE).href).then(function (nf) {
          return nf ? new Response(nf.body, {status: 404, headers: nf.headers}) : offline;
        });
      });
    });
  }));
});
