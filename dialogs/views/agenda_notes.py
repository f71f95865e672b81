"""Notes for the agenda blocks of the day that have no questions (issue 10, §6): one on-site screen with a notes
field per such block, saved by the same autosave module as the answers (static/js/onsite-autosave.js, JSON in
the answers' shape) and by a plain form post without JavaScript. Who and when as for the answers: the team
writes while the dialogue is open, the clinic reads once the documentation is shared."""

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.inputs import JsonBodyError, read_json_body
from dialogs import access
from dialogs.models.answers import AgendaNote
from dialogs.models.guide import AgendaBlock
from dialogs.selectors.onsite import agenda_note_history as note_history
from dialogs.selectors.onsite import note_parts
from dialogs.services.agenda_notes import agenda_note_save, note_blocks
from dialogs.services.answers import AnswerConflict, AnswerInvalid, DocumentationClosed, NotInGuide, merge_contents
from dialogs.views.common import not_found_outside_guide
from dialogs.views.onsite import autosave_messages, autosave_response


def _items(dialogue, posted: dict | None = None) -> list[dict]:
    """Each block without questions with its notes; ``posted`` (by block id) shows a refused post's text back."""
    notes = {note.block_id: note for note in AgendaNote.objects.filter(dialogue=dialogue).select_related("updated_by")}
    items = []
    for block in note_blocks(dialogue):
        note = notes.get(block.pk)
        kept = (posted or {}).get(block.pk)
        items.append({
            "block": block, "note": note, "revision": kept["revision"] if kept else (note.revision if note else 0),
            "text": kept["text"] if kept else (note.text if note else ""), "conflict": bool(kept),
        })
    return items


@not_found_outside_guide
def agenda_notes(request, pk: int):
    if request.method == "POST":
        return _notes_post(request, access.get_dialogue_for_documentation_rw(request.user, pk))
    dialogue = access.get_dialogue_for_documentation(request.user, pk)
    can_edit = access.can_edit_dialogue(request.user, dialogue) and not dialogue.is_documentation_closed
    context = {"dialogue": dialogue, "items": _items(dialogue), "can_edit": can_edit, "autosave_messages": autosave_messages()}
    return render(request, "dialogs/onsite/agenda_notes.html", context)


def _notes_post(request, dialogue):
    """The form without JavaScript: every block's notes saved on its own; a conflict shows both texts merged
    in the field (409), nothing lost."""
    kept = {}
    try:
        for block in note_blocks(dialogue):
            text = request.POST.get(f"note-{block.pk}-text")
            revision = request.POST.get(f"note-{block.pk}-revision", "")
            if text is None or not revision.isdigit():
                continue
            try:
                agenda_note_save(dialogue=dialogue, block=block, user=request.user, base_revision=int(revision), text=text)
            except AnswerConflict as conflict:
                merged = merge_contents(conflict.current.snapshot(), {"text": text})["text"]
                kept[block.pk] = {"text": merged, "revision": conflict.current.revision}
            except AnswerInvalid as error:
                messages.error(request, f"{block.title}: {error.messages[0]}")
                kept[block.pk] = {"text": text, "revision": int(revision)}
    except DocumentationClosed as closed:
        messages.error(request, closed.message)
        return redirect("dialogs:agenda_notes", pk=dialogue.pk)
    if not kept:
        messages.success(request, _("Anteckningarna är sparade."))
        return redirect("dialogs:agenda_notes", pk=dialogue.pk)
    messages.warning(request, _("Någon annan har sparat under tiden. Fälten innehåller båda texterna; redigera och spara igen."))
    context = {"dialogue": dialogue, "items": _items(dialogue, kept), "can_edit": True, "autosave_messages": autosave_messages()}
    return render(request, "dialogs/onsite/agenda_notes.html", context, status=409)


@require_POST
@not_found_outside_guide
def agenda_note_autosave(request, pk: int, block_pk: int):
    """Save one block's notes from JSON {base_revision, text}: 200 {revision, saved_at, …}, 409 {error, server}
    for a stale revision or a closed dialogue, 413 for text over the limit, 400 for a body of the wrong shape."""
    dialogue = access.get_dialogue_for_documentation_rw(request.user, pk)
    block = AgendaBlock.objects.filter(pk=block_pk, version_id=dialogue.guide_version_id).first()
    if block is None:
        raise NotInGuide(block_pk)
    try:
        payload = read_json_body(request)
    except JsonBodyError as error:
        return JsonResponse({"error": error.message}, status=error.status)
    revision, text = (payload.get("base_revision"), payload.get("text", "")) if isinstance(payload, dict) else (None, None)
    if not isinstance(revision, int) or isinstance(revision, bool) or revision < 0 or not isinstance(text, str):
        return JsonResponse({"error": _("Anteckningarna kunde inte läsas. Ladda om sidan och försök igen.")}, status=400)
    return autosave_response(
        lambda: agenda_note_save(dialogue=dialogue, block=block, user=request.user, base_revision=revision, text=text),
        conflict_message=_("Någon annan har sparat andra anteckningar under tiden."),
    )


def agenda_note_history(request, pk: int, block_pk: int):
    """Every saved change of one agenda block's notes, read by whoever reads the documentation."""
    dialogue = access.get_dialogue_for_documentation(request.user, pk)
    block = next((block for block in note_blocks(dialogue) if block.pk == block_pk), None)
    if block is None:
        raise Http404  # a block with questions, or one of another guide, has no notes
    note, revisions = note_history(dialogue=dialogue, block=block)
    context = {
        "dialogue": dialogue, "agenda_block": block, "note": note, "revisions": revisions,  # ("block" is the template's)
        "note_parts": note_parts(note.snapshot()) if note else [],
    }
    return render(request, "dialogs/onsite/agenda_note_history.html", context)
