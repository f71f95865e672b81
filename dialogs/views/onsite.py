"""The on-site documentation (issue 4, items 5 and 6): one screen per section of the day, saved by a plain
form post without JavaScript and by a JSON autosave per answer with it, plus each answer's history.

Who: the region's follow-up team documents; clinic staff read their clinic's documentation once it is shared
(403 before that, and 403 on every write); anyone else gets 404. Once the dialogue is closed or cancelled the
documentation is read-only: the page says so, and a save answers 409 with the reason, writing nothing.
"""

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from config.inputs import JsonBodyError, read_json_body
from dialogs import access
from dialogs.forms.onsite import AnswerForm, question_prefix
from dialogs.models.answers import Answer
from dialogs.models.dialogue import Dialogue
from dialogs.selectors.continuity import onsite_continuity
from dialogs.selectors.onsite import answer_history, answer_parts, dialogue_question, first_screen_key, onsite_page
from dialogs.services.answers import (
    AnswerConflict,
    AnswerInvalid,
    DocumentationClosed,
    answer_save,
    same_content,
    section_answers_save,
    too_long_message,
)
from dialogs.views.common import not_found_outside_guide

DRAFTS_SESSION_KEY = "onsite_drafts"


def _clock(moment) -> str:
    """"10:42" today, "2026-03-12 10:42" another day."""
    local = timezone.localtime(moment)
    return date_format(local, "H:i" if local.date() == timezone.localdate() else "Y-m-d H:i")


def _kept_drafts(session, dialogue: Dialogue) -> dict:
    return session.get(DRAFTS_SESSION_KEY, {}).get(str(dialogue.pk), {})


def _update_kept_drafts(session, dialogue: Dialogue, question_ids: list[int], kept: dict) -> None:
    """Forget the drafts of the questions just posted, except those the server could not save."""
    all_drafts = session.get(DRAFTS_SESSION_KEY, {})
    drafts = {key: draft for key, draft in all_drafts.get(str(dialogue.pk), {}).items() if int(key) not in question_ids}
    drafts.update(kept)
    if drafts != all_drafts.get(str(dialogue.pk), {}):
        all_drafts[str(dialogue.pk)] = drafts
        session[DRAFTS_SESSION_KEY] = all_drafts


def autosave_messages() -> dict:
    """The texts static/js/onsite-autosave.js shows, translated here so the script needs no catalogue."""
    return {
        "saving": _("Sparar …"),
        "saved": _("Sparat %(time)s"),
        "unchanged": _("Inga ändringar"),
        "not_saved": _("Inte sparat"),
        "offline": _("ingen anslutning just nu."),
        "server_error": _("servern svarade inte."),
        "signed_out": _("du är utloggad. Logga in i en ny flik, så skickas texten sedan."),
        "forbidden": _("du har inte behörighet att dokumentera den här frågan."),
        "invalid": _("svaret kunde inte tas emot."),
        "kept_locally": _("Texten finns kvar i webbläsaren."),
        "restore_heading": _("Osparad text från tidigare"),
        "restore_intro": _(
            "Den här webbläsaren har text till frågan som aldrig nådde servern (skriven kl. %(time)s). "
            "Återställ den för att spara den, eller släng den."
        ),
        "restore_status": _("Inte sparat – det finns osparad text att återställa."),
        "restore_button": _("Återställ osparad text"),
        "discard_button": _("Släng den osparade texten"),
        "conflict_status": _("Inte sparat – någon annan har ändrat svaret. Välj vilken text som ska gälla."),
        "conflict_heading": _("Någon annan har sparat ett annat svar under tiden"),
        "conflict_intro": _("Ingen text har försvunnit. Jämför och välj vad som ska gälla."),
        "conflict_announcement": _("Krock: någon annan har ändrat svaret på ”%(question)s”."),
        "conflict_mine": _("Din text (inte sparad)"),
        "conflict_theirs": _("Sparad av %(name)s kl. %(time)s"),
        "someone": _("någon annan"),
        "keep_mine": _("Behåll min text"),
        "keep_theirs": _("Behåll den sparade texten"),
        "merge": _("Redigera en sammanslagen text"),
        "yes_no": _("Ja eller nej"),
        "yes": _("Ja"),
        "no": _("Nej"),
        "no_answer": _("Inget svar"),
        "notes": _("Anteckningar"),
        "empty": _("(tomt)"),
        "progress": _("%(answered)s av %(total)s besvarade"),
    }


@require_GET
@not_found_outside_guide
def onsite_start(request, pk: int):
    dialogue = access.get_dialogue_for_documentation(request.user, pk)
    return redirect("dialogs:onsite_section", pk=dialogue.pk, section_key=first_screen_key(dialogue))


@not_found_outside_guide
def onsite_section(request, pk: int, section_key: str):
    if request.method == "POST":
        return _section_post(request, access.get_dialogue_for_documentation_rw(request.user, pk), section_key)
    dialogue = access.get_dialogue_for_documentation(request.user, pk)
    is_team = access.can_edit_dialogue(request.user, dialogue)
    can_edit = is_team and not dialogue.is_documentation_closed
    page = onsite_page(dialogue=dialogue, section_key=section_key, drafts=_kept_drafts(request.session, dialogue) if can_edit else None)
    _hide_team_only(page, team=access.reads_team_only(request.user, dialogue.clinic.region))
    continuity = onsite_continuity(
        dialogue, questions=[item.question for item in page.current.items],
        data_review=any(group.is_data_review for group in page.current.groups), for_team=is_team,
    )
    continuity.attach(page.current.items)
    return render(
        request,
        "dialogs/onsite/section.html",
        {"dialogue": dialogue, "page": page, "can_edit": can_edit, "is_team": is_team, "autosave_messages": autosave_messages(),
         "continuity": continuity, "carried": continuity.for_screen(page.current.section)},
    )


def _hide_team_only(page, *, team: bool) -> None:
    """Clinic staff read the shared documentation here too: team-only questions leave every screen (this view's
    filter rather than the screen selector's, which another change is reworking; the rule is ``access``'s)."""
    for screen in page.screens:
        for group in screen.groups:
            group.items = access.readable_rows(group.items, team=team)


def _section_post(request, dialogue: Dialogue, section_key: str):
    page = onsite_page(dialogue=dialogue, section_key=section_key, with_indicators=False)
    forms = [
        AnswerForm(request.POST, prefix=question_prefix(item.question), question=item.question) for item in page.current.items
    ]
    posted = [form for form in forms if form.is_posted]
    try:
        result = section_answers_save(
            dialogue=dialogue, user=request.user, submissions=[(form.question, form.answer()) for form in posted if form.is_valid()]
        )
    except DocumentationClosed as closed:
        return _refused_as_closed(request, dialogue, page, posted, closed)
    for form in posted:
        if not form.is_valid():
            result.kept[str(form.question.pk)] = form.kept_draft()
    _update_kept_drafts(request.session, dialogue, [form.question.pk for form in posted], result.kept)
    url = reverse("dialogs:onsite_section", args=[dialogue.pk, page.current.section.key])
    if result.kept:
        messages.warning(
            request,
            _("%(count)s svar kunde inte sparas. Din text finns kvar i fälten; se förklaringen vid varje fråga.")
            % {"count": len(result.kept)},
        )
        first = next(item.question for item in page.current.items if str(item.question.pk) in result.kept)
        return redirect(f"{url}#fraga-{first.key}")
    messages.success(request, _("Avsnittet är sparat."))
    return redirect(url)


def _refused_as_closed(request, dialogue: Dialogue, page, posted: list[AnswerForm], closed: DocumentationClosed):
    """409 for a section posted after the dialogue was closed: nothing is saved, and every answer the user
    posted that differs from what is saved is shown back, so no word is lost."""
    saved = {item.question.pk: item.saved for item in page.current.items}
    unsent = []
    for form in posted:
        mine = form.answer() if form.is_valid() else form.kept_draft()["mine"]
        if not same_content(mine, saved[form.question.pk]):
            unsent.append((form.question, answer_parts(form.question, mine)))
    context = {"dialogue": dialogue, "page": page, "message": closed.message, "unsent": unsent}
    return render(request, "dialogs/onsite/closed.html", context, status=409)


def _answer_json(answer: Answer) -> dict:
    return {
        **answer.snapshot(),
        "revision": answer.revision,
        "updated_by": answer.updated_by_name,
        "updated_at": answer.updated_at.isoformat() if answer.revision else "",
        "updated_at_display": _clock(answer.updated_at) if answer.revision else "",
    }


@require_POST
@not_found_outside_guide
def answer_autosave(request, pk: int, question_pk: int):
    """Save one answer from JSON: 200 {revision, saved_at, …}, 409 {error, server} for a stale revision, 413
    for text over the limit, 400 for a body of the wrong shape."""
    dialogue = access.get_dialogue_for_documentation_rw(request.user, pk)
    question = dialogue_question(dialogue=dialogue, question_pk=question_pk)
    try:
        data = AnswerForm.data_from_json(read_json_body(request), question)
    except JsonBodyError as error:
        return JsonResponse({"error": too_long_message(None) if error.status == 413 else error.message}, status=error.status)
    form = AnswerForm(data, question=question) if data is not None else None
    if form is None or not form.is_valid():
        return JsonResponse({"error": _("Svaret kunde inte läsas. Ladda om sidan och försök igen.")}, status=400)
    response = autosave_response(
        lambda: answer_save(dialogue=dialogue, question=question, user=request.user, **form.answer()),
        conflict_message=_("Någon annan har sparat ett annat svar under tiden."),
    )
    if response.status_code == 200 and str(question.pk) in _kept_drafts(request.session, dialogue):
        _update_kept_drafts(request.session, dialogue, [question.pk], {})
    return response


def autosave_response(save, *, conflict_message: str) -> JsonResponse:
    """What static/js/onsite-autosave.js is told about one save (``save()`` returns the saved answer, or an
    agenda block's notes): 200 {revision, saved_at, …}, 409 {error, closed} for a closed dialogue, 409 {error,
    server} for a stale revision, 413 for text over the limit and 400 for content the rules refuse."""
    try:
        saved = save()
    except DocumentationClosed as closed:
        return JsonResponse({"error": closed.message, "closed": True}, status=409)
    except AnswerConflict as conflict:
        return JsonResponse({"error": conflict_message, "server": _answer_json(conflict.current)}, status=409)
    except AnswerInvalid as error:
        return JsonResponse({"error": error.messages[0]}, status=413 if error.code == "too_long" else 400)
    return JsonResponse(
        {
            "revision": saved.revision,
            "saved_at": saved.updated_at.isoformat(),
            "saved_at_display": _clock(saved.updated_at),
            "content": saved.snapshot(),
        }
    )


@require_GET
@not_found_outside_guide
def answer_history_view(request, pk: int, question_pk: int):
    dialogue = access.get_dialogue_for_documentation(request.user, pk)
    question = dialogue_question(dialogue=dialogue, question_pk=question_pk)
    if not access.readable_rows([question], team=access.reads_team_only(request.user, dialogue.clinic.region), question=lambda q: q):
        raise Http404  # not even that it exists
    answer, revisions = answer_history(dialogue=dialogue, question=question)
    return render(
        request,
        "dialogs/onsite/history.html",
        {
            "dialogue": dialogue,
            "question": question,
            "answer": answer,
            "revisions": revisions,
            "answer_parts": answer_parts(question, answer.snapshot()) if answer else [],
        },
    )
