// Device imports, progressive enhancement only (every step works without JavaScript).
//
// 1. The upload form: sent with XMLHttpRequest so the page shows the upload's own
//    progress (bytes sent), then stays on the page polling the job's JSON, and opens
//    the job's page once the import has ended.
// 2. The job's page: polls the JSON every second and moves the <progress> bar; reloads
//    once the job is done or failed. Without JavaScript its meta refresh does the same.
(function () {
  "use strict";

  function poll(url, onUpdate, onEnd) {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (job) {
        if (job.status === "done" || job.status === "failed") { onEnd(job); return; }
        onUpdate(job);
        window.setTimeout(function () { poll(url, onUpdate, onEnd); }, 1000);
      })
      .catch(function () {
        window.setTimeout(function () { poll(url, onUpdate, onEnd); }, 3000);
      });
  }

  function show(bar, text, percent) {
    bar.value = percent;
    bar.textContent = percent + "%";
    text.textContent = percent + "%";
  }

  function enhanceForm(form) {
    var status = document.createElement("div");
    status.className = "devices-live";
    status.hidden = true;
    status.innerHTML =
      '<p role="status" class="devices-live-state"></p>' +
      '<p><progress max="100" value="0">0%</progress> <span>0%</span></p>';
    form.appendChild(status);
    var state = status.querySelector(".devices-live-state");
    var bar = status.querySelector("progress");
    var text = status.querySelector("span");
    var button = form.querySelector("button[type=submit]");

    form.addEventListener("submit", function (event) {
      if (!window.FormData || !window.XMLHttpRequest) { return; }
      event.preventDefault();
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.responseType = "json";
      status.hidden = false;
      button.disabled = true;
      state.textContent = "Uploading…";
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) { show(bar, text, Math.floor((100 * e.loaded) / e.total)); }
      });
      xhr.addEventListener("load", function () {
        var body = xhr.response || {};
        if (xhr.status !== 202) {
          // refused (size, source, expired form): the server's own page says why
          button.disabled = false;
          state.textContent = body.detail || "The upload was refused.";
          state.className = "devices-live-state error";
          return;
        }
        state.textContent = "Reading the export…";
        show(bar, text, 0);
        poll(body.status_url, function (job) {
          state.textContent = job.status === "queued" ? "Waiting to start…" : "Reading the export…";
          show(bar, text, job.percent);
        }, function () { window.location.assign(body.url); });
      });
      xhr.addEventListener("error", function () {
        button.disabled = false;
        state.textContent = "The upload stopped (connection lost). Try again.";
        state.className = "devices-live-state error";
      });
      xhr.send(new FormData(form));
    });
  }

  function enhanceJob(box) {
    var bar = document.getElementById("import-progress");
    var text = document.getElementById("import-percent");
    var state = document.getElementById("import-state");
    if (!bar || !text) { return; }
    poll(box.getAttribute("data-status-url"), function (job) {
      show(bar, text, job.percent);
      if (state && job.status === "running") { state.textContent = "Reading the export…"; }
    }, function () { window.location.reload(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!window.fetch) { return; }
    var form = document.querySelector("form.devices-upload");
    if (form) { enhanceForm(form); }
    var box = document.getElementById("import-job");
    if (box && box.getAttribute("data-status") !== "done" && box.getAttribute("data-status") !== "failed") {
      enhanceJob(box);
    }
  });
})();
