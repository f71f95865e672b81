// Archive export progress: asks the export's JSON status address now and then, moves the bar and says how many
// dialogues are written, and reloads the page (which then offers the file) when the export is no longer running.
// Without JavaScript the page shows the progress at load time and a link to refresh it.
(function () {
  "use strict";
  var box = document.querySelector("[data-archive-progress]");
  if (!box || !window.fetch) return;
  var bar = box.querySelector("[data-progress-bar]");
  var meter = box.querySelector("[role=progressbar]");
  var text = box.querySelector("[data-progress-text]");
  var template = text.textContent;
  var wait = 1000;

  function draw(percent) {
    bar.style.width = percent + "%"; // CSSOM, not a style attribute: the Content-Security-Policy allows it
    meter.setAttribute("aria-valuenow", String(percent));
  }

  function check() {
    fetch(box.getAttribute("data-status-url"), { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (state) {
        if (!state.active) {
          window.location.reload();
          return;
        }
        draw(state.progress);
        var words = template.replace(/\d+(\D+)\d+(\D+)\d+/, state.done + "$1" + state.total + "$2" + state.progress);
        if (text.textContent !== words) text.textContent = words;
        wait = Math.min(wait * 1.5, 5000);
        window.setTimeout(check, wait);
      })
      .catch(function () {
        window.setTimeout(check, 5000);
      });
  }

  draw(Number(bar.getAttribute("data-progress-width")) || 0);
  window.setTimeout(check, wait);
})();
