// Import progress without reloading the page: polls the job's JSON every second and
// moves the <progress> bar; reloads once the job is done or failed (the server then
// renders the result). Without JavaScript the page's meta refresh does the same.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("import-job");
    if (!box || !window.fetch) { return; }
    var url = box.getAttribute("data-status-url");
    var bar = document.getElementById("import-progress");
    var text = document.getElementById("import-percent");
    var state = document.getElementById("import-state");
    // The meta refresh is only for browsers without scripts: stop it.
    var refresh = document.querySelector('meta[http-equiv="refresh"]');
    if (refresh) { refresh.parentNode.removeChild(refresh); window.stop && window.stop(); }
    function poll() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
        .then(function (job) {
          if (job.status === "done" || job.status === "failed") { window.location.reload(); return; }
          if (bar) { bar.value = job.percent; bar.textContent = job.percent + "%"; }
          if (text) { text.textContent = job.percent + "%"; }
          if (state && job.status === "running") { state.textContent = "Reading the export…"; }
          window.setTimeout(poll, 1000);
        })
        .catch(function () { window.setTimeout(poll, 3000); });
    }
    window.setTimeout(poll, 500);
  });
})();
