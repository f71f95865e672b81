/* Indicator charts: draws the page's plotly charts from the figures inlined in <script id="chart-figures">
 * (Django's json_script). Each container says which figure it shows with data-chart="<id>"; it keeps its
 * role="img" and text alternative, and the same numbers are in a table beside it, so the page works
 * without JavaScript. Charts are drawn as they scroll into view; presentation mode draws its own, one
 * slide at a time, through window.IndicatorCharts.draw.
 */
(function () {
  "use strict";

  var source = document.getElementById("chart-figures");
  if (!source || typeof window.Plotly === "undefined") {
    return;
  }
  var figures = JSON.parse(source.textContent);

  function draw(container) {
    if (!container || container.dataset.drawn) {
      return Promise.resolve();
    }
    var figure = figures[container.dataset.chart];
    if (!figure) {
      return Promise.resolve();
    }
    container.dataset.drawn = "true";
    return window.Plotly.newPlot(container, figure.data, figure.layout, figure.config);
  }

  function resize(container) {
    if (container && container.dataset.drawn) {
      window.Plotly.Plots.resize(container);
    }
  }

  window.IndicatorCharts = { draw: draw, resize: resize };

  var containers = Array.prototype.filter.call(document.querySelectorAll("[data-chart]"), function (container) {
    return !container.closest("[data-deck]");
  });
  if (!("IntersectionObserver" in window)) {
    containers.forEach(draw);
    return;
  }
  var observer = new IntersectionObserver(
    function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) {
          observer.unobserve(entry.target);
          draw(entry.target);
        }
      });
    },
    { rootMargin: "200px 0px" }
  );
  containers.forEach(function (container) {
    observer.observe(container);
  });
})();
