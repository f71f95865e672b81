"""Saving what the follow-up team documents on the day (issue 4, items 5 and 6), without ever losing a word.

Optimistic concurrency: an answer carries a ``revision``; a save names the revision it edited (``base_revision``,
0 for an answer not yet saved). When that is no longer the latest, the save is refused with ``AnswerConflict``
carrying the answer as it is now, so the caller can show both texts (HTTP 409 in the views). Two exceptions
keep a stale save from being a false alarm: a save whose content equals what is saved agrees with it, and a save
whose content equals the revision it started from changed nothing. Every saved change writes one
``AnswerRevision`` (who, when, before → after).

An autosave is at most six queries, including the transaction's savepoint pair when called inside one: the
role lookup (cached per request, and none at all for a dialogue read through ``access.with_editor_flag``, as the
views read it), the locked read, the write and the history row.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from dialogs.models import AnswerKind, Question
from dialogs.models.answers import ANSWER_TEXT_MAX_LENGTH, Answer, AnswerRevision, YesNo
from dialogs.access import can_edit_dialogue
from dialogs.models.dialogue import Dialogue

class NotInGuide(LookupError):
    """A screen or question that is not part of the dialogue's pinned guide version (views answer 404)."""


EMPTY_CONTENT = {"text": "", "yes_no": "", "choice_values": {}, "prompt_answers": []}


class AnswerConflict(Exception):
    """The save started from a revision that is no longer the latest. ``current`` is the answer as saved now."""

    def __init__(self, current: Answer):
        super().__init__(f"answer {current.pk} is at revision {current.revision}")
        self.current = current


class DocumentationClosed(Exception):
    """The dialogue is closed (avslutad) or cancelled: its documentation is read-only until the team moves the
    status one step back. The message is meant for the person who tried to save."""

    def __init__(self, dialogue: Dialogue):
        if dialogue.is_cancelled:
            message = _("Dialogen är inställd, så dokumentationen kan inte ändras.")
        else:
            message = _(
                "Dialogen är avslutad, så dokumentationen kan inte längre ändras. Behöver något rättas kan "
                "uppföljningsteamet öppna dialogen igen genom att ändra statusen ett steg tillbaka."
            )
        super().__init__(message)
        self.message = message


def ensure_documentation_open(dialogue: Dialogue) -> None:
    """Raise DocumentationClosed for a closed or cancelled dialogue.

    Judged on the dialogue as the request read it, without a lock: a save that passes began before the status
    changed, and is ordered before the change (the transition does not read answers), so nothing is written
    after a close that the saving request could have known about."""
    if dialogue.is_documentation_closed:
        raise DocumentationClosed(dialogue)


class AnswerInvalid(ValidationError):
    """The content breaks a rule (too long, a choice the question does not have). ``code`` is "too_long" when
    length is the only problem, so the autosave endpoint can answer 413."""


def too_long_message(length: int | None) -> str:
    """The message for text over the limit (``length`` None when only the request's size is known)."""
    if length is None:
        return _(
            "Texten är för lång: ett svar får vara högst %(limit)s tecken. Korta texten eller dela upp den på flera "
            "frågor. Det du har skrivit finns kvar."
        ) % {"limit": number_format(ANSWER_TEXT_MAX_LENGTH, force_grouping=True)}
    return _(
        "Texten är för lång: %(length)s tecken, men ett svar får vara högst %(limit)s tecken. Korta texten eller "
        "dela upp den på flera frågor. Det du har skrivit finns kvar."
    ) % {
        "length": number_format(length, force_grouping=True),
        "limit": number_format(ANSWER_TEXT_MAX_LENGTH, force_grouping=True),
    }


def _normalise_text(value) -> str:
    if not isinstance(value, str):
        raise AnswerInvalid(_("Svaret måste vara text."), code="invalid")
    # Browsers post CRLF from textareas and LF from script; the same words must compare equal.
    return value.replace("\r\n", "\n").replace("\r", "\n")


def _yes_no(value) -> str:
    if value not in YesNo.values:
        raise AnswerInvalid(_("Välj ja, nej eller inget svar."), code="invalid")
    return value


def answer_content(
    *, question: Question, text="", yes_no="", choice_values=None, prompt_answers=None
) -> dict:
    """The content in the shape ``Answer.snapshot()`` has, checked against the question: only the parts its
    kind has, every choice label present, one text per prompt, and no text over the limit."""
    choice_values = choice_values or {}
    prompt_answers = list(prompt_answers or [])
    content = {
        "text": _normalise_text(text),
        "yes_no": _yes_no(yes_no),
        "choice_values": {},
        "prompt_answers": [],
    }
    if content["yes_no"] and question.kind != AnswerKind.YES_NO:
        raise AnswerInvalid(_("Frågan har inget ja/nej-val."), code="invalid")

    labels = list(question.choices) if question.kind == AnswerKind.CHOICES else []
    if not isinstance(choice_values, dict) or set(choice_values) - set(labels):
        raise AnswerInvalid(_("Frågan har inte de valen."), code="invalid")
    content["choice_values"] = {label: _yes_no(choice_values.get(label, "")) for label in labels}

    prompts = list(question.prompts) if question.kind == AnswerKind.SEQUENCE else []
    if len(prompt_answers) > len(prompts):
        raise AnswerInvalid(_("Frågan har inte så många delfrågor."), code="invalid")
    if prompts:
        texts = [_normalise_text(part) for part in prompt_answers]
        content["prompt_answers"] = texts + [""] * (len(prompts) - len(texts))

    longest = max([len(content["text"]), *map(len, content["prompt_answers"])])
    if longest > ANSWER_TEXT_MAX_LENGTH:
        raise AnswerInvalid(too_long_message(longest), code="too_long")
    return content


def same_content(first: dict, second: dict) -> bool:
    """Equal content, where a missing part and an empty one are the same (older snapshots may lack parts)."""

    def canonical(content: dict) -> tuple:
        prompts = list(content.get("prompt_answers") or [])
        while prompts and not prompts[-1]:
            prompts.pop()
        choices = {label: value for label, value in (content.get("choice_values") or {}).items() if value}
        return content.get("text") or "", content.get("yes_no") or "", choices, prompts

    return canonical(first) == canonical(second)


def _content_at(history, row, revision: int) -> dict | None:
    """The content as it was at ``revision`` (None when the history does not know that revision)."""
    if revision == 0:
        return EMPTY_CONTENT
    if row is None:
        return None
    return history.objects.filter(**{history.owner_field: row, "revision": revision}).values_list("after", flat=True).first()


def answer_save(
    *,
    dialogue: Dialogue,
    question: Question,
    user,
    base_revision: int,
    text: str = "",
    yes_no: str = "",
    choice_values: dict | None = None,
    prompt_answers: list | None = None,
) -> Answer:
    """Save one answer edited from ``base_revision``. Raises NotInGuide for a question outside the dialogue's
    pinned guide version, PermissionDenied for someone who may not document it, DocumentationClosed for a
    closed or cancelled dialogue, AnswerInvalid for content that breaks a rule, and AnswerConflict when someone
    else saved in between."""
    if question.version_id != dialogue.guide_version_id:
        raise NotInGuide(question.pk)
    if not can_edit_dialogue(user, dialogue):
        raise PermissionDenied
    ensure_documentation_open(dialogue)
    content = answer_content(
        question=question, text=text, yes_no=yes_no, choice_values=choice_values, prompt_answers=prompt_answers
    )
    return save_revisioned(
        model=Answer, history=AnswerRevision, lookup={"dialogue": dialogue, "question": question},
        user=user, base_revision=base_revision, content=content,
    )


def save_revisioned(*, model, history, lookup: dict, user, base_revision: int, content: dict):
    """The revision rule of everything documented on the day (answers, and notes of agenda blocks without
    questions): save ``content`` (a ``snapshot()``) into the row ``lookup`` finds, edited from ``base_revision``,
    and write its history row; AnswerConflict when someone else saved in between. ``model`` stores the parts of
    ``content`` named by its ``content_fields``; ``history.owner_field`` names the history's link to the row."""
    try:
        return _save_revisioned(model=model, history=history, lookup=lookup, user=user, base_revision=base_revision, content=content)
    except IntegrityError:
        # Two first saves of the same row raced and the other one won the unique constraint.
        current = model.objects.filter(**lookup).select_related("updated_by").first()
        if current is None:
            raise
        if same_content(current.snapshot(), content):
            return current
        raise AnswerConflict(current) from None


@transaction.atomic
def _save_revisioned(*, model, history, lookup: dict, user, base_revision: int, content: dict):
    row = model.objects.select_for_update().filter(**lookup).first()
    current_revision = row.revision if row else 0
    current = row.snapshot() if row else EMPTY_CONTENT
    if same_content(current, content):
        return row or model(**lookup, revision=0)
    if base_revision != current_revision:
        started_from = _content_at(history, row, base_revision) if base_revision < current_revision else None
        if started_from is not None and same_content(started_from, content):
            return row  # this save changes nothing; what is saved since stands
        raise AnswerConflict(row or model(**lookup, revision=0))

    now = timezone.now()
    stored = {name: content[name] for name in model.content_fields}
    if row is None:
        row = model.objects.create(**lookup, revision=1, updated_by=user, updated_at=now, **stored)
    else:
        updated = model.objects.filter(pk=row.pk, revision=current_revision).update(
            revision=current_revision + 1, updated_by=user, updated_at=now, **stored
        )
        if not updated:  # only possible where the database ignores the row lock
            raise AnswerConflict(model.objects.get(pk=row.pk))
        row.revision, row.updated_by, row.updated_at = current_revision + 1, user, now
        for name, value in stored.items():
            setattr(row, name, value)
    history.objects.create(
        **{history.owner_field: row}, revision=row.revision, before=current, after=row.snapshot(), user=user, created_at=now
    )
    return row


def _join(saved: str, mine: str) -> str:
    saved, mine = saved or "", mine or ""
    if not saved.strip():
        return mine
    if not mine.strip() or saved.strip() == mine.strip():
        return saved
    return f"{saved.rstrip()}\n\n{mine.lstrip()}"


def merge_contents(saved: dict, mine: dict) -> dict:
    """A merge that keeps every word: the saved text first, then the user's, each left out only where it is
    empty or the same as the other. Choices keep the user's pick unless the user picked nothing. (The browser
    offers the same merge, see static/js/onsite-autosave.js.)"""
    saved_choices, my_choices = saved.get("choice_values") or {}, mine.get("choice_values") or {}
    saved_prompts, my_prompts = list(saved.get("prompt_answers") or []), list(mine.get("prompt_answers") or [])
    count = max(len(saved_prompts), len(my_prompts))
    saved_prompts += [""] * (count - len(saved_prompts))
    my_prompts += [""] * (count - len(my_prompts))
    return {
        "text": _join(saved.get("text", ""), mine.get("text", "")),
        "yes_no": mine.get("yes_no") or saved.get("yes_no") or "",
        "choice_values": {
            label: my_choices.get(label) or saved_choices.get(label) or "" for label in {**saved_choices, **my_choices}
        },
        "prompt_answers": [_join(first, second) for first, second in zip(saved_prompts, my_prompts, strict=True)],
    }


def merged_text(saved: str, mine: str) -> str:
    """Both texts of a conflict in one, the saved one first, each left out only where empty or the same: what a
    form offers to save after a 409 (agreements, medskick, lessons, preparations)."""
    return merge_contents({"text": saved}, {"text": mine})["text"]


@dataclass
class SectionSaveResult:
    """What a plain post of a section did: how many answers changed, and the drafts the server keeps for the
    page (by question id) where it could not save: ``reason`` "conflict" or "invalid", ``mine`` (the posted
    content), ``base_revision`` and, for invalid content, ``message``."""

    saved: int = 0
    kept: dict[str, dict] = field(default_factory=dict)


def section_answers_save(*, dialogue: Dialogue, user, submissions: list[tuple[Question, dict]]) -> SectionSaveResult:
    """Save the answers of one posted section, each on its own, so one conflict does not hold back the rest.
    ``submissions`` pairs each question with ``answer_save`` keyword arguments (base_revision and content).
    Raises DocumentationClosed, saving nothing, for a closed or cancelled dialogue."""
    if not can_edit_dialogue(user, dialogue):
        raise PermissionDenied
    ensure_documentation_open(dialogue)
    result = SectionSaveResult()
    for question, submitted in submissions:
        mine = {name: submitted.get(name, EMPTY_CONTENT[name]) for name in EMPTY_CONTENT}
        try:
            answer = answer_save(dialogue=dialogue, question=question, user=user, **submitted)
        except AnswerConflict:
            result.kept[str(question.pk)] = {
                "reason": "conflict", "mine": mine, "base_revision": submitted["base_revision"]
            }
        except AnswerInvalid as error:
            result.kept[str(question.pk)] = {
                "reason": "invalid", "mine": mine, "base_revision": submitted["base_revision"], "message": error.messages[0]
            }
        else:
            result.saved += answer.revision == submitted["base_revision"] + 1 and answer.updated_by_id == user.pk
    return result
