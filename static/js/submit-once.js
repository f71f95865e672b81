// A form is sent once, however often its button is pressed: a double click, an impatient second press while a
// slow page loads, or Enter held down never sends it twice.
//
// Wiring: every form[method=post] of the site (base.html loads this after the page's own scripts). While a form is
// being sent its submit buttons are disabled (and marked aria-disabled for screen readers) and a second submit
// is cancelled. The buttons come back when the page is shown again from the browser's back/forward cache
// (pageshow), and after a while if the page is still here (a download, or a request the browser gave up on).
// Forms that send without leaving the page handle their own submit and cancel it (preventDefault): left alone.
// A form that may be sent repeatedly from the same page opts out with data-submit-repeatable.
// The server keeps its own guards (one version per share, one comment per text …); this spares the clicks.
//
// Without a connection (navigator.onLine false) a form is not sent at all: the browser would only replace the page,
// and what was typed in it, with its own error page. The form stays as it is and the notice base.html renders
// ([data-offline-notice], its words in data-message) says that nothing was sent; it clears itself when the
// connection returns. Forms that save on their own (the on-site documentation) keep their own offline handling.

const DISABLED_MARK = "submitOnceDisabled";
const GIVE_BACK_AFTER_MS = 15000;

function buttonsOf(form) {
  const inside = Array.from(form.querySelectorAll('button:not([type="button"]):not([type="reset"]), input[type="submit"], input[type="image"]'));
  const outside = form.id ? Array.from(document.querySelectorAll(`[form="${CSS.escape(form.id)}"][type="submit"]`)) : [];
  return inside.concat(outside);
}

function release(form) {
  delete form.dataset.submitting;
  form.removeAttribute("aria-busy");
  for (const button of buttonsOf(form)) {
    if (button.dataset[DISABLED_MARK]) {
      button.disabled = false;
      button.removeAttribute("aria-disabled");
      delete button.dataset[DISABLED_MARK];
    }
  }
}

function hold(form) {
  form.dataset.submitting = "true";
  form.setAttribute("aria-busy", "true");
  // After this task: the browser has already read the pressed button's name and value into what it sends.
  window.setTimeout(() => {
    for (const button of buttonsOf(form)) {
      if (!button.disabled) {
        button.disabled = true;
        button.setAttribute("aria-disabled", "true");
        button.dataset[DISABLED_MARK] = "true";
      }
    }
  }, 0);
  window.setTimeout(() => release(form), GIVE_BACK_AFTER_MS);
}

document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || event.defaultPrevented) return;
  if ((form.getAttribute("method") || "get").toLowerCase() !== "post" || "submitRepeatable" in form.dataset) return;
  if (form.target && form.target !== "_self") return;
  if (form.dataset.submitting) {
    event.preventDefault();
    return;
  }
  if (navigator.onLine === false) {
    event.preventDefault();
    offlineNotice(true);
    return;
  }
  offlineNotice(false);
  hold(form);
});

function offlineNotice(shown) {
  const notice = document.querySelector("[data-offline-notice]");
  if (notice) notice.textContent = shown ? notice.dataset.message : "";
}

window.addEventListener("online", () => offlineNotice(false));

window.addEventListener("pageshow", () => {
  for (const form of document.querySelectorAll("form[data-submitting]")) release(form);
});
