/* ansinh — the only page script (besides vendored htmx). No inline scripts: the CSP forbids them. */
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }
  ready(function () {
    // Move focus to the error summary so screen-reader and keyboard users hear what went wrong first.
    var summary = document.querySelector("[data-module='error-summary']");
    if (summary) { summary.focus(); }
    // Confirmation for one-task forms that cannot be undone from the UI (death, move-out).
    document.addEventListener("submit", function (event) {
      var form = event.target;
      var question = form.getAttribute && form.getAttribute("data-confirm");
      if (question && !window.confirm(question)) { event.preventDefault(); }
    });
  });
  // After htmx swaps new search results in, announce the result count to assistive technology.
  document.addEventListener("htmx:afterSwap", function (event) {
    var status = document.getElementById("search-status");
    var count = event.target.querySelector && event.target.querySelector("[data-result-summary]");
    if (status && count) { status.textContent = count.textContent.trim(); }
  });
})();
