// Import progress: polls the batch's small JSON status URL and moves the progress bar; reloads the page
// (which then shows the preview or the result) when the work is done. Without JavaScript the page still
// works: it shows the progress at load time and a link to refresh.
(function () {
  "use strict";
  var box = document.querySelector("[data-import-progress]");
  if (!box || !window.fetch) return;
  var bar = box.querySelector("[data-progress-bar]");
  var meter = box.querySelector("[role=progressbar]");
  var text = box.querySelector("[data-progress-text]");
  var url = box.getAttribute("data-status-url");
  var delay = 1000;

  function show(state) {
    bar.style.width = state.progress + "%";
    meter.setAttribute("aria-valuenow", String(state.progress));
    text.textContent = state.label + " – " + state.progress + " %";
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (state) {
        show(state);
        if (!state.active) {
          window.location.reload();
          return;
        }
        delay = Math.min(delay * 1.3, 5000);
        window.setTimeout(poll, delay);
      })
      .catch(function () {
        window.setTimeout(poll, 5000);
      });
  }

  window.setTimeout(poll, delay);
})();
