// On-site documentation: every answer saves itself while the user types, and nothing typed is ever lost.
//
// Progressive enhancement over the section's plain HTML form (which still posts without JavaScript).
// Wiring, all by data- attributes rendered by dialogs/templates/dialogs/onsite/:
//   form[data-onsite-form][data-dialogue]        the section form; its csrfmiddlewaretoken is reused
//   [data-answer][data-question][data-autosave-url] one question; inside it:
//     input[data-answer-revision]                the revision this edit started from (also posted without JS)
//     [data-field="text"]                        free text
//     [data-field="yes_no"]                      yes/no radios
//     [data-field="choice"][data-choice-label]   one radio group per labelled choice
//     [data-field="prompt"][data-prompt-index]   numbered sub-answers
//     [data-answer-status]                       the aria-live state line ("Sparat 10:42", "Sparar …", "Inte sparat")
//     [data-answer-panel]                        where restore and conflict panels appear
//   script#onsite-messages (json_script)         the translated texts this module shows
//
//   form[data-user]                              the signed-in user's id: drafts are kept per user
//
// Rules: a save names the revision it started from; the server refuses a stale one (409) and we show both
// texts until the user chooses. Every edit is written to localStorage before it is sent, keyed by
// user + dialogue + question + base revision (see onsite-drafts.js), and removed only once the server has it,
// so a failed request, a lost connection or a crashed tab never loses text: pending edits are retried when the
// connection returns, and after a reload they are offered back instead of overwriting what is saved. Only the
// user who wrote a draft is ever offered it; signing out removes it (signout.js). A closed dialogue refuses
// saves (409 with a reason, no server copy): the text stays in the browser and the reason is shown.

import { draftEntries, questionPrefix, removeDraft, storeDraft } from "./onsite-drafts.js";

const DEBOUNCE_MS = 800;
const RETRY_MS = 5000;

const messages = readMessages();

function readMessages() {
  const element = document.getElementById("onsite-messages");
  return element ? JSON.parse(element.textContent) : {};
}

function t(key, values = {}) {
  let text = messages[key] || key;
  for (const [name, value] of Object.entries(values)) text = text.replaceAll(`%(${name})s`, value);
  return text;
}

function clockTime(date) {
  return date.toLocaleTimeString("sv-SE", { hour: "2-digit", minute: "2-digit" });
}

// --- one question ----------------------------------------------------------------------------------------

class AnswerField {
  constructor(element, { user, dialogue, csrfToken, registry }) {
    this.element = element;
    this.draftPrefix = questionPrefix(user, dialogue, element.dataset.question);
    this.csrfToken = csrfToken;
    this.registry = registry;
    this.url = element.dataset.autosaveUrl;
    this.label = element.dataset.questionText || "";
    this.revisionInput = element.querySelector("[data-answer-revision]");
    this.status = element.querySelector("[data-answer-status]");
    this.panel = element.querySelector("[data-answer-panel]");
    this.timer = null;
    this.inFlight = false;
    this.again = false;
    this.pending = false; // an edit the server does not have yet, to retry
    this.blocked = false; // refused for a reason retrying will not fix (too long, no permission)
    this.conflict = null; // {mine, server} while the user decides
    this.draftKey = null;
    // A page the server rendered with kept, unsaved content (after a plain post met a conflict) is not saved.
    this.savedSnapshot = element.hasAttribute("data-unsaved") ? null : snapshot(this.read());
    this.element.addEventListener("input", () => this.changed());
    this.element.addEventListener("change", (event) => {
      // Radio buttons are a finished choice: save without waiting for more typing.
      if (event.target.type === "radio") this.changed(0);
    });
    this.element.addEventListener("focusout", (event) => {
      if (!this.element.contains(event.relatedTarget) && this.timer) this.saveSoon(0);
    });
  }

  get revision() {
    return Number.parseInt(this.revisionInput.value, 10) || 0;
  }

  set revision(value) {
    this.revisionInput.value = String(value);
  }

  // The answer as the fields show it now.
  read() {
    const content = { text: "", yes_no: "", choice_values: {}, prompt_answers: [] };
    const text = this.element.querySelector('[data-field="text"]');
    if (text) content.text = text.value;
    const yesNo = this.element.querySelector('[data-field="yes_no"]:checked');
    if (yesNo) content.yes_no = yesNo.value;
    for (const radio of this.element.querySelectorAll('[data-field="choice"]')) {
      const label = radio.dataset.choiceLabel;
      if (!(label in content.choice_values)) content.choice_values[label] = "";
      if (radio.checked) content.choice_values[label] = radio.value;
    }
    for (const prompt of this.element.querySelectorAll('[data-field="prompt"]')) {
      content.prompt_answers[Number(prompt.dataset.promptIndex)] = prompt.value;
    }
    return content;
  }

  write(content) {
    const text = this.element.querySelector('[data-field="text"]');
    if (text) text.value = content.text || "";
    for (const radio of this.element.querySelectorAll('[data-field="yes_no"]')) {
      radio.checked = radio.value === (content.yes_no || "");
    }
    for (const radio of this.element.querySelectorAll('[data-field="choice"]')) {
      const value = (content.choice_values || {})[radio.dataset.choiceLabel] || "";
      radio.checked = radio.value === value;
    }
    for (const prompt of this.element.querySelectorAll('[data-field="prompt"]')) {
      prompt.value = (content.prompt_answers || [])[Number(prompt.dataset.promptIndex)] || "";
    }
  }

  // --- state line ---

  show(state, text) {
    this.element.dataset.saveState = state;
    // Rewriting the same words would make some screen readers announce them again on every keystroke.
    if (this.status.textContent !== text) this.status.textContent = text;
  }

  // --- drafts in localStorage ---

  keyFor(revision) {
    return `${this.draftPrefix}${revision}`;
  }

  keepDraft() {
    const key = this.keyFor(this.revision);
    if (this.draftKey && this.draftKey !== key) removeDraft(this.draftKey);
    this.draftKey = key;
    storeDraft(key, { content: this.read(), at: Date.now(), pending: true, label: this.label });
  }

  dropDrafts() {
    for (const [key] of draftEntries(this.draftPrefix)) {
      removeDraft(key);
    }
    this.draftKey = null;
  }

  storedDrafts() {
    return draftEntries(this.draftPrefix)
      .map(([key, draft]) => ({ key, revision: Number(key.split(":").pop()), ...draft }))
      .filter((draft) => draft.content)
      .sort((first, second) => second.at - first.at);
  }

  // --- saving ---

  changed(delay = DEBOUNCE_MS) {
    this.keepDraft();
    this.blocked = false;
    if (this.conflict) {
      this.show("conflict", t("conflict_status"));
      return;
    }
    if (snapshot(this.read()) === this.savedSnapshot) {
      this.dropDrafts();
      this.pending = false;
      this.show("saved", this.savedText || t("unchanged"));
      clearTimeout(this.timer);
      this.timer = null;
      return;
    }
    this.show("dirty", t("saving"));
    this.saveSoon(delay);
  }

  saveSoon(delay) {
    clearTimeout(this.timer);
    this.timer = window.setTimeout(() => this.save(), delay);
  }

  async save({ keepalive = false } = {}) {
    clearTimeout(this.timer);
    this.timer = null;
    if (this.conflict || this.blocked) return;
    if (this.inFlight) {
      this.again = true;
      return;
    }
    const content = this.read();
    const sent = snapshot(content);
    if (sent === this.savedSnapshot) {
      this.pending = false;
      this.dropDrafts();
      return;
    }
    if (navigator.onLine === false) {
      this.markPending(t("offline"));
      return;
    }
    this.inFlight = true;
    this.show("saving", t("saving"));
    let response;
    let body = null;
    try {
      response = await fetch(this.url, {
        method: "POST",
        credentials: "same-origin",
        redirect: "manual",
        keepalive,
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": this.csrfToken },
        body: JSON.stringify({ ...content, base_revision: this.revision }),
      });
      body = await response.json().catch(() => null);
    } catch (error) {
      this.inFlight = false;
      this.markPending(t("offline"));
      return;
    }
    this.inFlight = false;
    this.handle(response, body, content, sent);
    if (this.again) {
      this.again = false;
      if (!this.timer && !this.conflict && !this.blocked && !this.pending) this.save();
    }
  }

  handle(response, body, content, sent) {
    if (response.ok && body && typeof body.revision === "number" && body.content && snapshot(body.content) !== sent) {
      // The server kept a newer answer because this edit changed nothing since the revision it started from.
      if (snapshot(this.read()) === sent) {
        this.write(body.content);
        this.revision = body.revision;
        this.savedSnapshot = snapshot(body.content);
        this.savedText = t("saved", { time: body.saved_at_display });
        this.dropDrafts();
        this.show("saved", this.savedText);
      } else {
        // The user typed on from the old revision: the next save meets the newer answer as an honest conflict.
        this.savedSnapshot = sent;
        this.keepDraft();
        this.saveSoon(0);
      }
      return;
    }
    if (response.ok && body && typeof body.revision === "number") {
      const previousKey = this.draftKey;
      this.revision = body.revision;
      this.savedSnapshot = sent;
      this.pending = false;
      this.savedText = t("saved", { time: body.saved_at_display });
      if (previousKey) removeDraft(previousKey);
      this.draftKey = null;
      if (snapshot(this.read()) !== sent) {
        // The user went on typing while we were saving: keep that too.
        this.keepDraft();
        this.show("dirty", t("saving"));
        this.saveSoon(DEBOUNCE_MS);
      } else {
        this.dropDrafts();
        this.show("saved", this.savedText);
      }
      this.registry.progressChanged();
      return;
    }
    if (response.status === 409 && body && body.server) {
      this.showConflict(body.server);
      return;
    }
    if (response.status === 409 && body && body.closed) {
      // Closed or cancelled meanwhile: retrying will not help until the team reopens it.
      this.blocked = true;
      this.show("error", `${t("not_saved")} – ${body.error} ${t("kept_locally")}`);
      return;
    }
    if (response.status === 413 || response.status === 400) {
      this.blocked = true;
      this.show("error", `${t("not_saved")} – ${(body && body.error) || t("invalid")} ${t("kept_locally")}`);
      return;
    }
    if (response.status === 403 || response.status === 404) {
      // An expired form (CSRF) says so in body.error: reloading the page helps, unlike a real refusal.
      this.blocked = true;
      this.show("error", `${t("not_saved")} – ${(body && body.error) || t("forbidden")} ${t("kept_locally")}`);
      return;
    }
    if (response.type === "opaqueredirect" || response.status === 0 || response.status === 401) {
      this.markPending(t("signed_out"));
      return;
    }
    this.markPending(t("server_error"));
  }

  markPending(reason) {
    this.pending = true;
    this.keepDraft();
    this.show("pending", `${t("not_saved")} – ${reason} ${t("kept_locally")}`);
    this.registry.retryLater();
  }

  // --- restoring after a reload or crash ---

  offerStoredDraft() {
    const drafts = this.storedDrafts();
    if (!drafts.length) return;
    const [newest, ...older] = drafts;
    for (const draft of older) removeDraft(draft.key);
    if (snapshot(newest.content) === this.savedSnapshot) {
      removeDraft(newest.key);
      return;
    }
    const panel = buildPanel("restore", t("restore_heading"));
    panel.append(
      paragraph(t("restore_intro", { time: clockTime(new Date(newest.at)) })),
      contentBlock(newest.content, this.element),
    );
    const actions = actionRow();
    actions.append(
      button(t("restore_button"), "btn-primary", () => {
        this.clearPanel();
        this.write(newest.content);
        // The edit started from the revision it was typed on; a newer save on the server then gives an honest
        // conflict instead of an overwrite.
        this.revision = Math.min(newest.revision, this.revision);
        this.draftKey = newest.key;
        this.changed(0);
        this.focusFirstField();
      }),
      button(t("discard_button"), "btn-outline-secondary", () => {
        removeDraft(newest.key);
        this.clearPanel();
        this.focusFirstField();
      }),
    );
    panel.append(actions);
    this.panel.replaceChildren(panel);
    this.show("pending", t("restore_status"));
  }

  // --- conflicts ---

  showConflict(server) {
    this.conflict = { server };
    this.pending = false;
    this.keepDraft();
    this.show("conflict", t("conflict_status"));
    const who = server.updated_by || t("someone");
    const panel = buildPanel("conflict", t("conflict_heading"));
    panel.append(paragraph(t("conflict_intro")));
    const columns = document.createElement("div");
    columns.className = "onsite-conflict-columns";
    const mineColumn = column(t("conflict_mine"), contentBlock(this.read(), this.element));
    mineColumn.dataset.conflictSide = "mine";
    const theirsColumn = column(
      t("conflict_theirs", { name: who, time: server.updated_at_display || "" }),
      contentBlock(server, this.element),
    );
    theirsColumn.dataset.conflictSide = "theirs";
    columns.append(mineColumn, theirsColumn);
    panel.append(columns);
    const actions = actionRow();
    actions.append(
      button(t("keep_mine"), "btn-primary", () => this.resolve("mine")),
      button(t("keep_theirs"), "btn-outline-primary", () => this.resolve("theirs")),
      button(t("merge"), "btn-outline-primary", () => this.resolve("merge")),
    );
    panel.append(actions);
    this.panel.replaceChildren(panel);
    this.registry.announce(t("conflict_announcement", { question: this.label }));
  }

  resolve(choice) {
    const { server } = this.conflict;
    const mine = this.read();
    this.conflict = null;
    this.clearPanel();
    this.revision = server.revision;
    if (choice === "theirs") {
      this.write(server);
      this.savedSnapshot = snapshot(this.read());
      this.savedText = t("saved", { time: server.updated_at_display || "" });
      this.dropDrafts();
      this.show("saved", this.savedText);
      this.focusFirstField();
      this.registry.progressChanged();
      return;
    }
    if (choice === "merge") this.write(merge(server, mine));
    this.focusFirstField();
    this.changed(choice === "merge" ? DEBOUNCE_MS : 0);
  }

  clearPanel() {
    this.panel.replaceChildren();
  }

  focusFirstField() {
    const field = this.element.querySelector('[data-field="text"], [data-field="prompt"], [data-field]');
    if (field) field.focus();
  }

  isAnswered() {
    const content = this.read();
    return Boolean(
      content.text.trim() ||
        content.yes_no ||
        Object.values(content.choice_values).some(Boolean) ||
        content.prompt_answers.some((answer) => answer && answer.trim()),
    );
  }
}

// --- pure helpers ----------------------------------------------------------------------------------------

function normalise(text) {
  return (text || "").replace(/\r\n?/g, "\n");
}

function snapshot(content) {
  const choices = Object.keys(content.choice_values || {})
    .sort()
    .map((label) => [label, content.choice_values[label] || ""]);
  const prompts = (content.prompt_answers || []).map(normalise);
  while (prompts.length && !prompts[prompts.length - 1]) prompts.pop();
  return JSON.stringify([normalise(content.text), content.yes_no || "", choices, prompts]);
}

// A merge keeps every word: the saved text first, then the user's, each left out only where it is empty or
// where both are the same. Choices keep the user's pick unless the user picked nothing.
function merge(server, mine) {
  const join = (theirs, own) => {
    const first = normalise(theirs).trim();
    const second = normalise(own).trim();
    if (!first) return own || "";
    if (!second || first === second) return theirs;
    return `${theirs.trimEnd()}\n\n${own.trimStart()}`;
  };
  const merged = {
    text: join(server.text, mine.text),
    yes_no: mine.yes_no || server.yes_no || "",
    choice_values: {},
    prompt_answers: [],
  };
  const labels = new Set([...Object.keys(server.choice_values || {}), ...Object.keys(mine.choice_values || {})]);
  for (const label of labels) {
    merged.choice_values[label] = (mine.choice_values || {})[label] || (server.choice_values || {})[label] || "";
  }
  const count = Math.max((server.prompt_answers || []).length, (mine.prompt_answers || []).length);
  for (let index = 0; index < count; index += 1) {
    merged.prompt_answers.push(join((server.prompt_answers || [])[index], (mine.prompt_answers || [])[index]));
  }
  return merged;
}

function buildPanel(kind, heading) {
  const panel = document.createElement("div");
  panel.className = `onsite-panel onsite-panel-${kind}`;
  panel.dataset.panel = kind;
  const title = document.createElement("p");
  title.className = "onsite-panel-heading";
  title.textContent = heading;
  panel.append(title);
  return panel;
}

function paragraph(text) {
  const element = document.createElement("p");
  element.textContent = text;
  return element;
}

function column(heading, content) {
  const element = document.createElement("div");
  element.className = "onsite-conflict-column";
  const title = document.createElement("p");
  title.className = "onsite-conflict-side";
  title.textContent = heading;
  element.append(title, content);
  return element;
}

// Shows an answer's parts (choices and texts) as plain text, labelled like the form shows them.
function contentBlock(content, questionElement) {
  const list = document.createElement("dl");
  list.className = "onsite-answer-text";
  const add = (label, value) => {
    const term = document.createElement("dt");
    term.textContent = label;
    const detail = document.createElement("dd");
    detail.textContent = value || t("empty");
    list.append(term, detail);
  };
  if (questionElement.querySelector('[data-field="yes_no"]')) add(t("yes_no"), choiceLabel(content.yes_no));
  const labels = [...new Set([...questionElement.querySelectorAll('[data-field="choice"]')].map((radio) => radio.dataset.choiceLabel))];
  for (const label of labels) add(label, choiceLabel((content.choice_values || {})[label]));
  for (const prompt of questionElement.querySelectorAll('[data-field="prompt"]')) {
    add(prompt.dataset.promptLabel || "", (content.prompt_answers || [])[Number(prompt.dataset.promptIndex)]);
  }
  if (questionElement.querySelector('[data-field="text"]')) add(t("notes"), content.text);
  return list;
}

function choiceLabel(value) {
  if (value === "ja") return t("yes");
  if (value === "nej") return t("no");
  return t("no_answer");
}

function actionRow() {
  const row = document.createElement("div");
  row.className = "onsite-panel-actions";
  return row;
}

function button(text, style, onClick) {
  const element = document.createElement("button");
  element.type = "button";
  element.className = `btn btn-sm ${style}`;
  element.textContent = text;
  element.addEventListener("click", onClick);
  return element;
}

// --- the page --------------------------------------------------------------------------------------------

class OnsiteForm {
  constructor(form) {
    this.form = form;
    this.announcer = document.querySelector("[data-onsite-announcer]");
    this.retryTimer = null;
    const csrfToken = form.querySelector('input[name="csrfmiddlewaretoken"]')?.value || "";
    const { dialogue, user } = form.dataset;
    this.fields = [...form.querySelectorAll("[data-answer]")].map(
      (element) => new AnswerField(element, { user, dialogue, csrfToken, registry: this }),
    );
    for (const field of this.fields) field.offerStoredDraft();
    window.addEventListener("online", () => this.retryNow());
    // Leaving the page (a link, the back button, closing a tablet's tab): send what is waiting.
    window.addEventListener("pagehide", () => this.flush());
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "hidden") this.flush();
    });
    // The plain submit button still works; it must carry the revisions autosave moved on to (they live in the
    // same hidden inputs), and nothing needs the debounce any more.
    form.addEventListener("submit", () => {
      for (const field of this.fields) clearTimeout(field.timer);
    });
  }

  flush() {
    for (const field of this.fields) {
      if (field.timer || field.pending) field.save({ keepalive: true });
    }
  }

  retryLater() {
    if (this.retryTimer) return;
    this.retryTimer = window.setInterval(() => this.retryNow(), RETRY_MS);
  }

  retryNow() {
    const waiting = this.fields.filter((field) => field.pending && !field.conflict && !field.blocked);
    if (!waiting.length) {
      window.clearInterval(this.retryTimer);
      this.retryTimer = null;
      return;
    }
    for (const field of waiting) field.save();
  }

  announce(text) {
    if (!this.announcer) return;
    this.announcer.textContent = "";
    window.setTimeout(() => {
      this.announcer.textContent = text;
    }, 50);
  }

  // Keeps "3 av 10 besvarade" of this section in step while the user documents.
  progressChanged() {
    const answered = this.fields.filter((field) => field.isAnswered()).length;
    const text = t("progress", { answered: String(answered), total: String(this.fields.length) });
    for (const counter of document.querySelectorAll("[data-section-progress]")) counter.textContent = text;
  }
}

for (const form of document.querySelectorAll("form[data-onsite-form]")) {
  form.onsite = new OnsiteForm(form);
}

export { merge, snapshot };
