// Printable guide: reveal the "Skriv ut" button (it needs JavaScript) and open the print dialog with it.
document.querySelectorAll("[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
