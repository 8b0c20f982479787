/* Review pages. No inline scripts or styles: the CSP forbids them.
 * htmx copies the "style" attribute between the old and the new element while it settles a swap; with
 * style-src 'self' the browser refuses (and reports) that, so the survey's per-answer checks settle
 * classes and sizes only. */
(function () {
  "use strict";
  if (window.htmx) { window.htmx.config.attributesToSettle = ["class", "width", "height"]; }
})();
