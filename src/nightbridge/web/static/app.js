// Nightbridge: small progressive enhancements only; every form works without JavaScript.
// Loaded from /static (CSP script-src 'self'); no inline scripts, nothing from elsewhere.
(function () {
  "use strict";
  // The service worker (/sw.js, scope /): installable app, offline pages and outbox.
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
  }
  // Move focus to the first error summary so screen readers announce it.
  document.addEventListener("DOMContentLoaded", function () {
    var errors = document.querySelector(".form-errors, .error-box");
    if (errors) {
      errors.setAttribute("tabindex", "-1");
      errors.focus();
    }
    // A yes to thoughts of ending one's life shows the crisis lines at once, before the
    // check-in is saved (CSS :has() does the same where it works; saving shows them too).
    var crisis = document.getElementById("crisis-now");
    if (crisis) {
      document.querySelectorAll('input[name="self_harm_thoughts"]').forEach(function (input) {
        input.addEventListener("change", function () {
          crisis.classList.toggle("is-shown", input.checked && input.value === "yes");
        });
      });
    }
    // Propose the device's time zone (Intl) when none is chosen yet; the person checks
    // it before saving. Without JavaScript the list is there to choose from.
    var zone = document.querySelector("select[data-propose-zone]");
    if (zone && !zone.value && window.Intl && Intl.DateTimeFormat) {
      var here = Intl.DateTimeFormat().resolvedOptions().timeZone;
      if (here && zone.querySelector('option[value="' + here.replace(/"/g, "") + '"]')) {
        zone.value = here;
        var note = zone.parentNode.querySelector(".zone-proposed");
        if (note) {
          note.hidden = false;
        }
      }
    }
    // Ask before stopping sharing (the form still works without this).
    document.querySelectorAll("button.danger").forEach(function (button) {
      button.addEventListener("click", function (event) {
        if (!window.confirm(button.textContent.trim() + "?")) {
          event.preventDefault();
        }
      });
    });
  });
})();
