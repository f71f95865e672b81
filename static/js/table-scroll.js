// Wide tables scroll on their own, never the whole page: a keyboard user can reach the hidden columns.
//
// Wiring: every div.table-responsive around a table with a caption (or aria-labelledby). While the table is wider
// than its box, the box is a named region (role="region", named as the table is) that takes keyboard focus, so the
// arrow keys scroll it (WCAG 2.1.1); while it fits, it is a plain box and no extra tab stop. The edge shadows
// that show there is more to the side are CSS (.table-responsive in app.css).

let counter = 0;

function update(box) {
  const scrolls = box.scrollWidth > box.clientWidth + 1;
  box.classList.toggle("is-scrollable", scrolls);
  if (scrolls) {
    const table = box.querySelector(":scope > table");
    const caption = table && table.querySelector(":scope > caption");
    if (caption && !caption.id) caption.id = `table-caption-${++counter}`;
    // A table named by the heading above it (aria-labelledby) has no caption: the region takes that name.
    const name = caption ? caption.id : table && table.getAttribute("aria-labelledby");
    if (name) {
      box.setAttribute("aria-labelledby", name);
      box.setAttribute("role", "region");
    }
    box.tabIndex = 0;
  } else if (box !== document.activeElement) {
    box.removeAttribute("role");
    box.removeAttribute("aria-labelledby");
    box.removeAttribute("tabindex");
  }
}

const boxes = document.querySelectorAll(".table-responsive");
if ("ResizeObserver" in window) {
  // The box and its table both: a box keeps its size when only the table grows (a longer text, a font).
  const observer = new ResizeObserver((entries) =>
    entries.forEach((entry) => update(entry.target.closest(".table-responsive"))),
  );
  boxes.forEach((box) => {
    observer.observe(box);
    const table = box.querySelector(":scope > table");
    if (table) observer.observe(table);
  });
} else {
  boxes.forEach(update);
  window.addEventListener("resize", () => boxes.forEach(update));
}
