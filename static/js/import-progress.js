// Import progress: polls the batch's small JSON status URL, names the stage the import is on and moves the
// progress bar; a stage whose length cannot be measured (``measured: false``) gets an indeterminate bar –
// full width, moving stripes, no value – rather than one standing still. While values are written it says how
// many of how many and the time left. Reloads the page (which then shows
// the preview or the result) when the work is done. Without JavaScript the page still works: it shows the
// stage and progress at load time and a link to refresh.
(function () {
  "use strict";
  var box = document.querySelector("[data-import-progress]");
  if (!box || !window.fetch) return;
  var bar = box.querySelector("[data-progress-bar]");
  var meter = box.querySelector("[role=progressbar]");
  var text = box.querySelector("[data-progress-text]");
  var url = box.getAttribute("data-status-url");
  var delay = 1000;
  // The width at load time (no style attribute in the page: the Content-Security-Policy allows none).
  if (bar.hasAttribute("data-progress-width")) bar.style.width = bar.getAttribute("data-progress-width") + "%";

  function capitalised(words) {
    return words.charAt(0).toUpperCase() + words.slice(1);
  }

  function show(state) {
    var words = capitalised(state.stage || state.label);
    if (state.measured) {
      bar.style.width = state.progress + "%";
      meter.setAttribute("aria-valuenow", String(state.progress));
      words += " – " + state.progress + " %";
      if (state.time_left) words += " – " + state.time_left;
    } else {
      bar.style.width = "100%";
      meter.removeAttribute("aria-valuenow");
    }
    if (text.textContent !== words) text.textContent = words;
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
