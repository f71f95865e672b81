// Planning form: "Lägg till en deltagare" adds one more row for a clinic participant.
// Progressive enhancement: without JavaScript the form still offers three empty rows (and more after saving).
(function () {
  "use strict";
  const box = document.querySelector("[data-participants]");
  if (!box) return;
  const rows = box.querySelector("[data-participant-rows]");
  const template = box.querySelector("[data-participant-template]");
  const button = box.querySelector("[data-add-participant]");
  const total = box.querySelector("input[name$='-TOTAL_FORMS']");
  const max = box.querySelector("input[name$='-MAX_NUM_FORMS']");
  if (!rows || !template || !button || !total) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    const index = parseInt(total.value, 10);
    if (max && index >= parseInt(max.value, 10)) return;
    const html = template.innerHTML.replace(/__prefix__/g, String(index)).replace(/__number__/g, String(index + 1));
    rows.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    const added = rows.lastElementChild;
    const first = added && added.querySelector("input, select");
    if (first) first.focus(); // keyboard users continue in the new row
  });
})();
