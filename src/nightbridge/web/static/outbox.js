// Nightbridge outbox: the daily forms (morning diary, evening log, intake, check-in,
// craving log) filled in with no connection are kept on this device (IndexedDB) and sent
// when the connection returns, each with its own idempotency key, so a retry never
// stores twice. The page lists what is waiting. Offline copies belong to one account:
// a signed-out page (logout, a session that ended), a 401, or another account clears
// the outbox and the offline page copies. Our own code; loaded from /static.
(function () {
  "use strict";
  if (!("indexedDB" in window)) { return; }
  var DB_NAME = "nightbridge-outbox";
  var CACHE_PREFIX = "nightbridge-offline";
  var meta = document.querySelector('meta[name="nb-account"]');
  var account = meta ? meta.getAttribute("content") : "";
  var flushing = false;

  function open() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        var db = request.result;
        db.createObjectStore("items", { keyPath: "key" });
        db.createObjectStore("meta");
      };
      request.onsuccess = function () {
        var db = request.result;
        db.onversionchange = function () { db.close(); };  // let a logout delete it
        resolve(db);
      };
      request.onerror = function () { reject(request.error); };
      request.onblocked = function () { reject(new Error("blocked")); };
    });
  }

  function run(store, mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(store, mode);
        var result;
        Promise.resolve(work(tx.objectStore(store))).then(function (r) { result = r; });
        tx.oncomplete = function () { db.close(); resolve(result); };
        tx.onerror = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function request(req) {
    return new Promise(function (resolve, reject) {
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  function allItems() {
    return run("items", "readonly", function (store) { return request(store.getAll()); })
      .then(function (items) {
        return (items || []).sort(function (a, b) { return a.kept - b.kept; });
      });
  }

  function putItem(item) {
    return run("items", "readwrite", function (store) { store.put(item); });
  }

  function deleteItem(key) {
    return run("items", "readwrite", function (store) { store.delete(key); });
  }

  // Everything kept offline: the outbox and the cached pages ("Need help now" holds the
  // person's relapse plan and contacts).
  function clearAll() {
    var jobs = [new Promise(function (resolve) {
      var req = indexedDB.deleteDatabase(DB_NAME);
      req.onsuccess = req.onerror = req.onblocked = function () { resolve(); };
    })];
    if ("caches" in window) {
      jobs.push(caches.keys().then(function (keys) {
        return Promise.all(keys.filter(function (k) { return k.indexOf(CACHE_PREFIX) === 0; })
          .map(function (k) { return caches.delete(k); }));
      }));
    }
    return Promise.all(jobs).then(render);
  }

  function storedAccount() {
    return run("meta", "readonly", function (store) { return request(store.get("account")); });
  }

  function setAccount(value) {
    return run("meta", "readwrite", function (store) { store.put(value, "account"); });
  }

  // A fresh idempotency key for each kept form (a page shown from the offline copy
  // carries the key of the copy, which may have been used already).
  function newKey() {
    var bytes = new Uint8Array(18);
    crypto.getRandomValues(bytes);
    var text = "";
    bytes.forEach(function (b) { text += String.fromCharCode(b); });
    return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function describe(form) {
    var label = form.getAttribute("data-outbox") || "Form";
    var date = form.querySelector('[name="date"]');
    return date && date.value ? label + " for " + date.value : label;
  }

  // Keep a form in the outbox. ``sameKey``: the form's own key (a post that failed on
  // the way may still have reached the server: a retry with the same key stores nothing
  // twice); otherwise a new one (a page shown from the offline copy carries the copy's).
  function keep(form, sameKey) {
    var fields = [];
    new FormData(form).forEach(function (value, name) {
      if (typeof value === "string") { fields.push([name, value]); }
    });
    var own = form.querySelector('[name="idempotency_key"]');
    var key = sameKey && own && own.value ? own.value : newKey();
    fields = fields.filter(function (pair) { return pair[0] !== "idempotency_key"; });
    fields.push(["idempotency_key", key]);
    var item = {
      key: key,
      account: account,
      action: new URL(form.getAttribute("action") || location.pathname, location.href).pathname,
      label: describe(form),
      fields: fields,
      kept: Date.now(),
      problem: ""
    };
    return putItem(item).then(function () {
      form.reset();
      var input = form.querySelector('[name="idempotency_key"]');
      if (input) { input.value = newKey(); }
      return render();
    });
  }

  function problemOf(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var box = doc.querySelector(".form-errors, .error-box, .error");
    return box ? box.textContent.replace(/\s+/g, " ").trim() : "The answers were not accepted.";
  }

  // Send what is waiting, oldest first. Stops at the first network failure (still
  // offline); a 401 or another account clears everything.
  function flush() {
    if (flushing || !navigator.onLine || !account) { return Promise.resolve(); }
    flushing = true;
    return allItems().then(function (items) {
      var waiting = items.filter(function (item) { return !item.problem; });
      if (!waiting.length) { return; }
      return fetch("/api/me", { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (response.status === 401) { return clearAll().then(function () { return null; }); }
          if (!response.ok) { return null; }
          return response.json();
        })
        .then(function (me) {
          if (!me) { return; }
          if (String(me.account_id) !== account) { return clearAll(); }
          return waiting.reduce(function (chain, item) {
            return chain.then(function (go) { return go === false ? false : send(item, me.csrf_token); });
          }, Promise.resolve(true));
        });
    }).catch(function () {}).then(function () {
      flushing = false;
      return render();
    });
  }

  function send(item, csrf) {
    if (item.account !== account) { return deleteItem(item.key).then(function () { return true; }); }
    var body = new URLSearchParams();
    item.fields.forEach(function (pair) {
      body.append(pair[0], pair[0] === "csrf_token" ? csrf : pair[1]);
    });
    return fetch(item.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRF-Token": csrf }
    }).then(function (response) {
      var landed = new URL(response.url, location.href).pathname;
      if (response.status === 401 || landed === "/login") {
        return clearAll().then(function () { return false; });
      }
      if (response.ok) { return deleteItem(item.key).then(function () { return true; }); }
      if (response.status === 422) {
        return response.text().then(function (html) {
          item.problem = problemOf(html);
          return putItem(item).then(function () { return true; });
        });
      }
      return false;  // try again later
    }, function () { return false; });
  }

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text) { node.textContent = text; }
    if (className) { node.className = className; }
    return node;
  }

  function when(ms) {
    return new Date(ms).toLocaleString([], { weekday: "short", hour: "2-digit", minute: "2-digit" });
  }

  function render() {
    var box = document.getElementById("outbox");
    if (!box) { return Promise.resolve(); }
    return allItems().catch(function () { return []; }).then(function (items) {
      items = items.filter(function (item) { return item.account === account; });
      box.textContent = "";
      box.hidden = items.length === 0;
      if (!items.length) { return; }
      var waiting = items.filter(function (item) { return !item.problem; }).length;
      var head = el("h2", waiting === 1 ? "1 form waiting to be sent" : waiting + " forms waiting to be sent");
      if (!waiting) { head.textContent = "Not sent: please look again"; }
      box.appendChild(head);
      box.appendChild(el("p", navigator.onLine
        ? "Sending now."
        : "Kept on this phone. It is sent by itself when the connection returns.", "small"));
      var list = el("ul", "", "outbox-list");
      items.forEach(function (item) {
        var li = el("li");
        li.setAttribute("data-outbox-item", item.action);
        li.appendChild(el("span", item.label + " · kept " + when(item.kept)));
        if (item.problem) {
          li.appendChild(el("p", "Not saved: " + item.problem, "error"));
          var again = el("button", "Fill it in again");
          again.type = "button";
          again.addEventListener("click", function () {
            sessionStorage.setItem("nb-refill", JSON.stringify(item.fields));
            deleteItem(item.key).then(function () { location.assign(item.action); });
          });
          li.appendChild(again);
        }
        list.appendChild(li);
      });
      box.appendChild(list);
    });
  }

  // Put a refused form's answers back into the form to correct them.
  function refill() {
    var saved = sessionStorage.getItem("nb-refill");
    if (!saved) { return; }
    sessionStorage.removeItem("nb-refill");
    var form = document.querySelector("form[data-outbox]");
    if (!form) { return; }
    JSON.parse(saved).forEach(function (pair) {
      if (pair[0] === "csrf_token" || pair[0] === "idempotency_key") { return; }
      form.querySelectorAll('[name="' + CSS.escape(pair[0]) + '"]').forEach(function (input) {
        if (input.type === "radio" || input.type === "checkbox") {
          if (input.value === pair[1]) { input.checked = true; }
        } else {
          input.value = pair[1];
        }
      });
    });
  }

  function start() {
    // A signed-out page from the server: the session has ended, nothing kept stays.
    if (!account) { clearAll(); return; }
    storedAccount().then(function (previous) {
      if (previous !== undefined && previous !== account) {
        return clearAll().then(function () { return setAccount(account); });
      }
      if (previous === undefined) { return setAccount(account); }
    }).then(function () {
      refill();
      document.querySelectorAll("form[data-outbox]").forEach(function (form) {
        form.addEventListener("submit", function (event) {
          if (form.getAttribute("data-posting")) { return; }  // the browser's own post
          event.preventDefault();
          var kept = function (sameKey) {
            return keep(form, sameKey).then(function () {
              var box = document.getElementById("outbox");
              if (box) { box.focus(); }
            });
          };
          if (!navigator.onLine) { kept(false); return; }
          // Online (or so the phone thinks): send it; if the connection fails on the
          // way, keep it. Any answer but "stored" is left to the browser's own post,
          // which shows the server's page (a refused form keeps no key: same key).
          var body = new URLSearchParams(new FormData(form));
          fetch(form.action, { method: "POST", body: body, credentials: "same-origin" })
            .then(function (response) {
              var landed = new URL(response.url, location.href).pathname;
              if (response.ok && response.redirected && landed !== "/login") {
                location.assign(response.url);
                return;
              }
              form.setAttribute("data-posting", "1");
              form.submit();
            }, function () { kept(true); });
        });
      });
      document.querySelectorAll('form[action="/logout"]').forEach(function (form) {
        form.addEventListener("submit", function (event) {
          if (form.getAttribute("data-cleared")) { return; }
          event.preventDefault();
          clearAll().then(function () {
            form.setAttribute("data-cleared", "1");
            form.submit();
          });
        });
      });
      window.addEventListener("online", flush);
      window.addEventListener("offline", render);
      // A connection that looks up but fails: try again every minute while forms wait.
      window.setInterval(flush, 60000);
      return render().then(flush);
    }).catch(function () {});
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
