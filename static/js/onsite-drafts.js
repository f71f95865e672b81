// Where the on-site documentation keeps text the server does not have yet: localStorage, one entry per
// user, dialogue, question and base revision ("pu-onsite:u<user>:<dialogue>:<question>:<revision>").
//
// The user's id is part of every key, so on a shared tablet one person's unsent text is never offered to,
// or sent by, the next person who signs in. Entries written before drafts were bound to a user
// ("pu-onsite:<dialogue>:…") have no known owner: they are never offered, and are removed at sign-out.

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

// Removes the user's drafts, and the unowned entries of older versions.
export function forgetDrafts(user) {
  const mine = userPrefix(user);
  const unowned = (key) => key.startsWith(PREFIX) && !key.startsWith(`${PREFIX}u`);
  for (const key of keys((key) => key.startsWith(mine) || unowned(key))) {
    try {
      window.localStorage.removeItem(key);
    } catch (error) {
      /* nothing to clean up */
    }
  }
}
