// Sign-out on a shared device: the signed-out person's unsent on-site text is removed from this browser.
//
// Wiring: body[data-user] (the signed-in user's id, empty when signed out) and form[data-signout] (the
// logout form). Submitting the form only marks who is leaving; the drafts are removed on the next page, once
// it shows that the sign-out went through (another user, or nobody, is signed in). A sign-out that failed
// (no connection) leaves the person signed in and their text where it was.

import { forgetDrafts } from "./onsite-drafts.js";

const MARK = "pu-signing-out";
const current = document.body.dataset.user || "";

function read() {
  try {
    return window.localStorage.getItem(MARK);
  } catch (error) {
    return null;
  }
}

function write(value) {
  try {
    if (value) window.localStorage.setItem(MARK, value);
    else window.localStorage.removeItem(MARK);
  } catch (error) {
    /* storage unavailable: there are no drafts either */
  }
}

const leaving = read();
if (leaving) {
  if (leaving !== current) forgetDrafts(leaving);
  write(null);
}

for (const form of document.querySelectorAll("form[data-signout]")) {
  form.addEventListener("submit", () => write(current));
}
