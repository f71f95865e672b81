// Question form: show the choice labels only for "flera ja/nej-val" and the prompts only for numbered
// prompts. Without JavaScript every field stays visible and the server ignores what the kind does not use.
(() => {
  const form = document.querySelector("[data-question-form]");
  if (!form) return;
  const fieldFor = (name) => form.querySelector(`[name="${name}"]`)?.closest(".mb-3");
  const choices = fieldFor("choices");
  const prompts = fieldFor("prompts");
  const update = () => {
    const kind = form.querySelector('[name="kind"]:checked')?.value;
    if (choices) choices.hidden = kind !== "choices";
    if (prompts) prompts.hidden = kind !== "sequence";
  };
  form.querySelectorAll('[name="kind"]').forEach((radio) => radio.addEventListener("change", update));
  update();
})();
