// Preparation form: say how many focus areas are chosen (the method asks for two or three).
// The server checks the same rule; this only helps while choosing.
(function () {
  "use strict";
  const box = document.querySelector("[data-focus-areas]");
  if (!box) return;
  const counter = box.querySelector("[data-focus-count]");
  const lang = document.documentElement.lang || "sv";
  const words = lang.startsWith("en")
    ? { chosen: n => n + " chosen." }
    : { chosen: n => n + " valda." };
  function update() {
    const count = box.querySelectorAll("input[name='focus']:checked").length;
    if (counter) counter.textContent = words.chosen(count);
  }
  box.addEventListener("change", update);
  update();
})();
