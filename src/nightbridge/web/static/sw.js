// Nightbridge service worker (served from /sw.js, scope /). It keeps the relaxation
// exercises, "Need help now" and the daily forms (Today, diary, log, evening log,
// check-in, craving log) usable offline once they have been opened: those pages are
// fetched from the network first and a copy is kept; offline, the copy is served (forms
// filled in offline wait in the outbox, static/outbox.js). Static files are served from
// the cache first. Nothing else is cached. Logging out or in deletes the copies and the
// outbox (the help page holds the person's own plan; the copies belong to one account).
"use strict";
var CACHE = "nightbridge-offline-v3";
var OUTBOX_DB = "nightbridge-outbox";
var STATIC = [
  "/static/app.css",
  "/static/app.js",
  "/static/outbox.js",
  "/static/pages.css",
  "/static/toolkit/toolkit.css",
  "/static/toolkit/toolkit.js"
];
var OFFLINE_PAGES = /^\/(relax(\/[a-z_]+)?|help-now|today|diary|log|evening|checkin|relapse)$/;

function forgetAll() {
  var outbox = new Promise(function (resolve) {
    var request = indexedDB.deleteDatabase(OUTBOX_DB);
    request.onsuccess = request.onerror = request.onblocked = function () { resolve(); };
  });
  return Promise.all([caches.delete(CACHE), outbox]);
}

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(STATIC); }));
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (k) { return k !== CACHE; }).map(function (k) { return caches.delete(k); }));
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.method === "POST" && (url.pathname === "/logout" || url.pathname === "/login")) {
    event.respondWith(forgetAll().then(function () { return fetch(request); }));
    return;
  }
  if (request.method !== "GET") { return; }
  if (OFFLINE_PAGES.test(url.pathname) && !url.search) {
    event.respondWith(
      fetch(request).then(function (response) {
        if (response.status === 401) { forgetAll(); }
        if (response.ok && !response.redirected && response.type === "basic") {
          var copy = response.clone();
          caches.open(CACHE).then(function (cache) { cache.put(url.pathname, copy); });
        }
        return response;
      }).catch(function () {
        return caches.match(url.pathname).then(function (hit) {
          return hit || new Response("Offline, and this page was not opened before.", { status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" } });
        });
      })
    );
    return;
  }
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(
      caches.match(request).then(function (hit) {
        return hit || fetch(request).then(function (response) {
          if (response.ok) { var copy = response.clone(); caches.open(CACHE).then(function (c) { c.put(request, copy); }); }
          return response;
        });
      })
    );
  }
});
