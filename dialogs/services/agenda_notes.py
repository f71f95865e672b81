"""Notes for the agenda blocks of the day that have no questions (issue 10, §6): "13.00–14.00 Samtal med
medarbetare från olika professioner" and the walk round the clinic had nowhere for notes.

They are documented like answers and by the same rules (``dialogs.services.answers``): a save names the
revision it edited and a stale one is refused with AnswerConflict (409 with both texts), the same text limit
and normalisation, read-only once the dialogue is closed or cancelled, and every saved change in the history.
"""

from django.core.exceptions import PermissionDenied

from dialogs.access import can_edit_dialogue
from dialogs.models.answers import ANSWER_TEXT_MAX_LENGTH, AgendaNote, AgendaNoteRevision
from dialogs.models.dialogue import Dialogue
from dialogs.models.guide import AgendaBlock
from dialogs.services.answers import (
    EMPTY_CONTENT,
    AnswerInvalid,
    NotInGuide,
    _normalise_text,
    ensure_documentation_open,
    save_revisioned,
    too_long_message,
)


def note_blocks(dialogue: Dialogue) -> list[AgendaBlock]:
    """The agenda blocks of the dialogue's pinned version that have no sections, in the day's order: the
    blocks whose notes are written here (one query)."""
    return list(
        AgendaBlock.objects.filter(version_id=dialogue.guide_version_id, block_sections__isnull=True).order_by("position")
    )


def agenda_note_save(*, dialogue: Dialogue, block: AgendaBlock, user, base_revision: int, text: str) -> AgendaNote:
    """Save the notes of ``block`` edited from ``base_revision``. Raises NotInGuide for a block outside the
    dialogue's pinned version or one that has questions, PermissionDenied for someone who may not document,
    DocumentationClosed, AnswerInvalid for text over the limit and AnswerConflict when someone else saved in
    between."""
    if block.version_id != dialogue.guide_version_id or block.block_sections.exists():
        raise NotInGuide(block.pk)
    if not can_edit_dialogue(user, dialogue):
        raise PermissionDenied
    ensure_documentation_open(dialogue)
    content = {**EMPTY_CONTENT, "text": _normalise_text(text)}
    if len(content["text"]) > ANSWER_TEXT_MAX_LENGTH:
        raise AnswerInvalid(too_long_message(len(content["text"])), code="too_long")
    return save_revisioned(
        model=AgendaNote, history=AgendaNoteRevision, lookup={"dialogue": dialogue, "block": block}, user=user,
        base_revision=base_revision, content=content,
    )
