// Where the on-site documentation keeps text the server does not have yet: localStorage, one entry per
// user, dialogue, question and base revision ("pu-onsite:u<user>:<dialogue>:<question>:<revision>").
// onsite-autosave.js writes and reads drafts, signout.js forgets them; both go through this module, so the
// key format and the scanning of localStorage live in one place.
//
// The user's id is part of every key, so on a shared tablet one person's unsent text is never offered to,
// or sent by, the next person who signs in. Entries written before drafts were bound to a user
// ("pu-onsite:<dialogue>:…") have no known owner: they are never offered, and are removed at sign-out.
//
// Every access tolerates private mode and full quotas: localStorage may throw on any call.

const PREFIX = "pu-onsite:";

export function userPrefix(user) {
  return `${PREFIX}u${user}:`;
}

export function questionPrefix(user, dialogue, question) {
  return `${userPrefix(user)}${dialogue}:${question}:`;
}

function keys(matches) {
  const found = [];
  try {
    for (let index = 0; index < window.localStorage.length; index += 1) {
      const key = window.localStorage.key(index);
      if (key && matches(key)) found.push(key);
    }
  } catch (error) {
    /* storage unavailable */
  }
  return found;
}

// Stores a draft; false when the browser refuses (private mode, full quota).
export function storeDraft(key, draft) {
  try {
    window.localStorage.setItem(key, JSON.stringify(draft));
    return true;
  } catch (error) {
    return false;
  }
}

export function removeDraft(key) {
  try {
    window.localStorage.removeItem(key);
  } catch (error) {
    /* nothing to clean up */
  }
}

// [key, draft] of every readable draft whose key starts with the prefix.
export function draftEntries(prefix) {
  const found = [];
  for (const key of keys((candidate) => candidate.startsWith(prefix))) {
    try {
      found.push([key, JSON.parse(window.localStorage.getItem(key))]);
    } catch (error) {
      /* a foreign or broken entry, or storage gone: leave it alone */
    }
  }
  return found;
}

// Removes the user's drafts, and the unowned entries of older versions.
export function forgetDrafts(user) {
  const mine = userPrefix(user);
  const unowned = (key) => key.startsWith(PREFIX) && !key.startsWith(`${PREFIX}u`);
  for (const key of keys((key) => key.startsWith(mine) || unowned(key))) removeDraft(key);
}
