// Guide editor: after a change the page reloads at the changed item (#question-12); put the keyboard focus
// there, so someone moving a question step by step with the keyboard keeps their place.
(() => {
  const id = decodeURIComponent(window.location.hash.slice(1));
  const item = id && document.getElementById(id);
  if (item && item.hasAttribute("tabindex")) {
    item.focus({ preventScroll: false });
  }
})();
