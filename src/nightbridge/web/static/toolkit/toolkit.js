// Nightbridge toolkit: box-breathing pacer, paced relaxation scripts and browser
// reminders (app.js registers the service worker that keeps them working offline).
// Our own code; loaded from /static (CSP script-src 'self'); every page works without it.
(function () {
  "use strict";

  function phrase(label, count) { return label + " … " + count; }

  // The words a person reads come from the page, in their language, as data-say-*
  // attributes (data-say-left -> dataset.sayLeft); {name} marks a value put in here.
  // The English here is only the fallback of a page that gives none.
  function say(root, key, fallback, values) {
    var text = (root && root.dataset && root.dataset[key]) || fallback;
    Object.keys(values || {}).forEach(function (k) { text = text.split("{" + k + "}").join(values[k]); });
    return text;
  }

  // --- box breathing ----------------------------------------------------------------
  function setupPacer(root) {
    var phases = Array.prototype.map.call(root.querySelectorAll(".pacer-phases li"), function (li) {
      return { label: li.dataset.label, seconds: parseInt(li.dataset.seconds, 10) };
    });
    var text = root.querySelector("#pacer-text");
    var left = root.querySelector("#pacer-left");
    var start = root.querySelector("#pacer-start");
    var stop = root.querySelector("#pacer-stop");
    var still = root.querySelector("#pacer-still");
    var minutes = parseInt(root.dataset.minutes, 10) || 4;
    var timer = null;
    var phase = 0, count = 0, remaining = 0;

    var saved = window.localStorage && window.localStorage.getItem("nb-pacer-still");
    if (saved === "1" || (saved === null && window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches)) {
      still.checked = true;
    }
    function applyStill() {
      root.classList.toggle("still", still.checked);
      if (window.localStorage) { window.localStorage.setItem("nb-pacer-still", still.checked ? "1" : "0"); }
    }
    still.addEventListener("change", applyStill);
    applyStill();

    function showLeft() {
      var m = Math.floor(remaining / 60), s = remaining % 60;
      left.textContent = say(root, "sayLeft", "{time} left", { time: m + ":" + (s < 10 ? "0" : "") + s });
    }
    function tick() {
      count += 1;
      remaining -= 1;
      if (count > phases[phase].seconds) {
        phase = (phase + 1) % phases.length;
        count = 1;
      }
      text.textContent = phrase(phases[phase].label, count);
      showLeft();
      if (remaining <= 0) { finish(say(root, "sayDone", "Well done. Breathe normally for a moment.")); }
    }
    function finish(message) {
      window.clearInterval(timer);
      timer = null;
      root.classList.remove("running");
      text.textContent = message;
      start.hidden = false; stop.hidden = true;
      start.focus();
    }
    start.addEventListener("click", function () {
      phase = 0; count = 1; remaining = minutes * 60;
      root.classList.remove("running");
      void root.offsetWidth; // restart the CSS animation in step with the count
      root.classList.add("running");
      text.textContent = phrase(phases[0].label, 1);
      showLeft();
      start.hidden = true; stop.hidden = false;
      stop.focus();
      timer = window.setInterval(tick, 1000);
    });
    stop.addEventListener("click", function () { finish(say(root, "sayStopped", "Stopped. Press start to begin again.")); });
  }

  // --- paced scripts (muscle relaxation, body scan, walking) ------------------------
  function setupScript(root) {
    var steps = root.querySelectorAll(".script-steps li");
    var now = root.querySelector("#script-now");
    var start = root.querySelector("#script-start");
    var pause = root.querySelector("#script-pause");
    var next = root.querySelector("#script-next");
    var index = -1, left = 0, timer = null;
    start.hidden = false;

    function show(i) {
      steps.forEach(function (li) { li.classList.remove("current"); li.removeAttribute("aria-current"); });
      if (i >= steps.length) { stopAll(say(root, "sayFinished", "Finished. Take a moment before you get up.")); return; }
      index = i;
      steps[i].classList.add("current");
      steps[i].setAttribute("aria-current", "step");
      left = parseInt(steps[i].dataset.seconds, 10) || 20;
      now.textContent = say(root, "sayStep", "Step {n} of {total}: {step}", { n: i + 1, total: steps.length, step: steps[i].textContent });
    }
    function tick() { left -= 1; if (left <= 0) { show(index + 1); } }
    function stopAll(message) {
      window.clearInterval(timer); timer = null;
      now.textContent = message;
      start.hidden = false; pause.hidden = true; next.hidden = true;
      start.textContent = say(root, "sayAgain", "Start again");
    }
    start.addEventListener("click", function () {
      show(0);
      start.hidden = true; pause.hidden = false; next.hidden = false;
      pause.textContent = say(root, "sayPause", "Pause");
      timer = window.setInterval(tick, 1000);
    });
    pause.addEventListener("click", function () {
      if (timer) { window.clearInterval(timer); timer = null; pause.textContent = say(root, "sayResume", "Resume"); now.textContent = say(root, "sayPaused", "Paused.") + " " + now.textContent; }
      else { timer = window.setInterval(tick, 1000); pause.textContent = say(root, "sayPause", "Pause"); show(index); }
    });
    next.addEventListener("click", function () { show(index + 1); });
  }

  // --- browser reminders (only after the person asks) -------------------------------
  var REMINDERS = [
    { key: "morning", title: "Nightbridge: morning diary", body: "Fill in last night's sleep diary.", url: "/diary" },
    { key: "evening", title: "Nightbridge: evening log", body: "Log your evening, then start winding down.", url: "/evening" }
  ];
  function remindersWanted() { return window.localStorage && window.localStorage.getItem("nb-reminders") === "on"; }
  function checkReminders() {
    if (!("Notification" in window) || Notification.permission !== "granted" || !remindersWanted()) { return; }
    var times = JSON.parse(window.localStorage.getItem("nb-reminder-times") || "{}");
    var d = new Date();
    var hhmm = ("0" + d.getHours()).slice(-2) + ":" + ("0" + d.getMinutes()).slice(-2);
    var today = d.getFullYear() + "-" + (d.getMonth() + 1) + "-" + d.getDate(); // local date
    REMINDERS.forEach(function (r) {
      var shownKey = "nb-reminded-" + r.key;
      if (times[r.key] === hhmm && window.localStorage.getItem(shownKey) !== today) {
        window.localStorage.setItem(shownKey, today);
        // The words saved by the reminders page in the person's language, else English.
        var words = JSON.parse(window.localStorage.getItem("nb-reminder-words") || "{}")[r.key] || {};
        var n = new Notification(words.title || r.title, { body: words.body || r.body, tag: "nightbridge-" + r.key });
        n.onclick = function () { window.focus(); window.location.href = r.url; };
      }
    });
  }
  function setupNotifySettings(root) {
    var on = root.querySelector("#notify-on"), off = root.querySelector("#notify-off");
    var status = root.querySelector("#notify-status");
    if (!("Notification" in window)) { status.textContent = say(root, "sayUnsupported", "This browser cannot show notifications: use the calendar file."); return; }
    window.localStorage.setItem("nb-reminder-times", JSON.stringify({ morning: root.dataset.morning, evening: root.dataset.evening }));
    var words = {};
    REMINDERS.forEach(function (r) {
      var key = r.key.charAt(0).toUpperCase() + r.key.slice(1);
      words[r.key] = { title: say(root, "say" + key + "Title", r.title), body: say(root, "say" + key + "Body", r.body) };
    });
    window.localStorage.setItem("nb-reminder-words", JSON.stringify(words));
    function refresh() {
      var active = remindersWanted() && Notification.permission === "granted";
      on.hidden = active; off.hidden = !active;
      status.textContent = Notification.permission === "denied"
        ? say(root, "sayBlocked", "Notifications are blocked for this site in your browser settings: use the calendar file.")
        : (active ? say(root, "sayOn", "Browser reminders are on ({morning} and {evening}).", { morning: root.dataset.morning, evening: root.dataset.evening })
          : say(root, "sayOff", "Browser reminders are off."));
    }
    on.addEventListener("click", function () {
      Notification.requestPermission().then(function (result) {
        if (result === "granted") { window.localStorage.setItem("nb-reminders", "on"); }
        refresh();
      });
    });
    off.addEventListener("click", function () { window.localStorage.setItem("nb-reminders", "off"); refresh(); });
    refresh();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var pacer = document.getElementById("pacer");
    if (pacer) { setupPacer(pacer); }
    var script = document.getElementById("script");
    if (script) { setupScript(script); }
    var notify = document.getElementById("notify");
    if (notify) { setupNotifySettings(notify); }
    checkReminders();
    window.setInterval(checkReminders, 30000);
  });
})();
