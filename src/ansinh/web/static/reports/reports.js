/* ansinh reports — draws the charts of a page with the vendored Apache ECharts. No inline script (the CSP
   forbids it): each chart's options are a JSON data block (<script type="application/json" id="…">) named by
   the chart element's data-chart attribute. Tooltips draw on the canvas (renderMode richText, set by the
   server), so no inline style is made. */
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }
  ready(function () {
    if (!window.echarts) { return; }
    var locale = (document.documentElement.lang || "vi").slice(0, 2) === "vi" ? "VI" : "EN";
    var charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var data = document.getElementById(el.getAttribute("data-chart"));
      if (!data) { return; }
      var options = JSON.parse(data.textContent);
      var chart = window.echarts.init(el, null, { locale: locale, renderer: "canvas" });
      chart.setOption(options);
      charts.push(chart);
    });
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  });
})();
