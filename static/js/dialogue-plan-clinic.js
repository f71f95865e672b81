// Planning a new dialogue: choosing the clinic loads what its previous dialogue left (open agreements, focus
// areas, and its participants filled in to confirm), by reloading the page with ?vardcentral=<id> – but only while
// nothing has been typed since the page was loaded, so no input is ever lost. Without JavaScript the same page is reached from the
// clinic's page, the clinics due and the overview, which link with ?vardcentral=.
(function () {
  "use strict";
  const form = document.querySelector("form[data-clinic-reload]");
  if (!form) return;
  const clinic = form.querySelector("select[name='clinic']");
  if (!clinic) return;
  function typedSomething() {
    const fields = form.querySelectorAll("input[type='text'], input[type='email'], input[type='date'], textarea");
    // What the page was loaded with (e.g. the previous clinic's participants) is not the person's typing.
    return Array.prototype.some.call(fields, function (field) { return field.value !== field.defaultValue; });
  }
  clinic.addEventListener("change", function () {
    if (!clinic.value || typedSomething()) return;
    const url = new URL(window.location.href);
    if (url.searchParams.get("vardcentral") === clinic.value) return;
    url.searchParams.set("vardcentral", clinic.value);
    window.location.assign(url.toString());
  });
})();
