// Nightbridge service worker (served from /sw.js, scope /). It keeps the relaxation
// exercises and "Need help now" usable offline once they have been opened: those pages
// are fetched from the network first and a copy is kept; offline, the copy is served.
// Static files are served from the cache first. Nothing else is cached, and logging out
// deletes the cache (the help page holds the person's own plan).
"use strict";
var CACHE = "nightbridge-offline-v1";
var STATIC = [
  "/static/app.css",
  "/static/app.js",
  "/static/toolkit/toolkit.css",
  "/static/toolkit/toolkit.js"
];
var OFFLINE_PAGES = /^\/(relax(\/[a-z_]+)?|help-now)$/;

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
  if (request.method === "POST" && url.pathname === "/logout") {
    event.respondWith(caches.delete(CACHE).then(function () { return fetch(request); }));
    return;
  }
  if (request.method !== "GET") { return; }
  if (OFFLINE_PAGES.test(url.pathname)) {
    event.respondWith(
      fetch(request).then(function (response) {
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
