// Reorderable lists for the feedback sections: progressive enhancement of a "one point per line" textarea.
// Without JavaScript the textarea works as it is (the order of the lines is the order of the points). With it,
// each line becomes its own text field with buttons to move it up or down, or remove it, and the textarea is
// rewritten from the fields before the form is sent. Moves are announced in a live region and focus stays on
// the button that was pressed, so the list can be reordered by keyboard alone.

const texts = JSON.parse(document.getElementById("feedback-list-texts")?.textContent || "{}");
const t = (key, values = {}) =>
  (texts[key] || key).replace(/%\((\w+)\)s/g, (_match, name) => String(values[name] ?? ""));

function button(label, action) {
  const element = document.createElement("button");
  element.type = "button";
  element.className = "btn btn-sm btn-outline-secondary";
  element.dataset.action = action;
  element.textContent = label;
  return element;
}

function enhance(textarea) {
  const kind = textarea.dataset.reorderableLines;
  const label = document.querySelector(`label[for="${textarea.id}"]`)?.textContent.trim() || "";
  const list = document.createElement("ol");
  list.className = "reorder-list";
  list.setAttribute("aria-label", label);
  const status = document.createElement("p");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  const add = button(kind === "links" ? t("addLink") : t("addPoint"), "add");
  add.className = "btn btn-sm btn-outline-primary mb-2";

  function relabel() {
    [...list.children].forEach((item, index) => {
      const number = index + 1;
      item.querySelector("textarea").setAttribute("aria-label", t(kind === "links" ? "linkN" : "pointN", { number }));
      item.querySelector('[data-action="up"]').setAttribute("aria-label", t("moveUp", { number }));
      item.querySelector('[data-action="down"]').setAttribute("aria-label", t("moveDown", { number }));
      item.querySelector('[data-action="remove"]').setAttribute("aria-label", t("remove", { number }));
      item.querySelector('[data-action="up"]').disabled = index === 0;
      item.querySelector('[data-action="down"]').disabled = index === list.children.length - 1;
    });
  }

  function row(value) {
    // A small textarea, not an input, so a long point can be read whole; Enter does not split it.
    const item = document.createElement("li");
    const field = document.createElement("textarea");
    field.className = "form-control";
    field.rows = Math.min(4, Math.max(1, Math.ceil(value.length / 90)));
    field.value = value;
    field.addEventListener("keydown", (event) => {
      if (event.key === "Enter") event.preventDefault();
    });
    item.append(field, button("↑", "up"), button("↓", "down"), button("✕", "remove"));
    return item;
  }

  function sync() {
    textarea.value = [...list.querySelectorAll("textarea")]
      .map((field) => field.value.replace(/\s*\n\s*/g, " ").trim())
      .filter(Boolean)
      .join("\n");
  }

  textarea.value.split("\n").filter((line) => line.trim()).forEach((line) => list.append(row(line)));
  // An empty section starts with one empty field to write in, not with nothing until "add" is pressed.
  if (!list.children.length) list.append(row(""));
  // The help under the field spoke of lines; now there is one field per point (or link).
  const help = document.getElementById(`${textarea.id}-help`);
  if (help) help.textContent = t(kind === "links" ? "linksHelp" : "pointsHelp");
  list.addEventListener("click", (event) => {
    const action = event.target.closest("button")?.dataset.action;
    if (!action) return;
    const item = event.target.closest("li");
    const position = [...list.children].indexOf(item) + 1;
    if (action === "up" && item.previousElementSibling) {
      list.insertBefore(item, item.previousElementSibling);
      status.textContent = t("moved", { from: position, to: position - 1 });
    } else if (action === "down" && item.nextElementSibling) {
      list.insertBefore(item.nextElementSibling, item);
      status.textContent = t("moved", { from: position, to: position + 1 });
    } else if (action === "remove") {
      const next = item.nextElementSibling || item.previousElementSibling;
      item.remove();
      status.textContent = t("removed", { number: position });
      relabel();
      sync();
      (next?.querySelector("textarea") || add).focus();
      return;
    }
    relabel();
    sync();
    const target = item.querySelector(`[data-action="${action}"]`);
    (target.disabled ? item.querySelector("textarea") : target).focus();
  });
  list.addEventListener("input", sync);
  add.addEventListener("click", () => {
    const item = row("");
    list.append(item);
    relabel();
    item.querySelector("textarea").focus();
  });

  textarea.hidden = true;
  textarea.setAttribute("aria-hidden", "true");
  textarea.closest("form").addEventListener("submit", sync);
  textarea.after(list, add, status);
  relabel();
}

document.querySelectorAll("textarea[data-reorderable-lines]").forEach(enhance);
