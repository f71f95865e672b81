"""Agreements (issue 13): made in the summary (a form, or one click on an answer line), read and followed on
their own page (history, status and comments, by the team and the clinic's staff), edited by the team with the
revision check (a stale edit answers 409 with both texts), deleted only when made by mistake, and given a status
each at the follow-up video meeting. Each view: access helper → form → one service → response."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from dialogs import access
from dialogs.forms.agreements import AgreementForm, AgreementStatusForm, AnswerLineForm, FollowUpStatusesForm
from dialogs.selectors import agreements as selectors
from dialogs.selectors.dialogue import follow_up_meeting_of
from dialogs.selectors.onsite import dialogue_question
from dialogs.services import agreements as services
from dialogs.services.answers import merged_text
from dialogs.views.common import not_found_outside_guide
from dialogs.views.dialogue import show_service_errors


def _summary_anchor(dialogue) -> str:
    return reverse("dialogs:dialogue_summary", args=[dialogue.pk]) + "#overenskommelser"


def agreement_create(request, pk: int):
    dialogue = access.get_dialogue_for_user_rw(request.user, pk)
    form = AgreementForm(request.POST or None, areas=selectors.area_choices(dialogue))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.agreement_create(
                dialogue=dialogue, user=request.user, text=data["text"], area=data["area"], owner=data["owner"],
                due_date=data["due_date"],
            )
        except ValidationError as error:
            show_service_errors([form], error)
        except services.AgreementError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Överenskommelsen är sparad."))
            return redirect(_summary_anchor(dialogue))
    return render(request, "dialogs/agreements/form.html", {"dialogue": dialogue, "form": form})


@require_POST
@not_found_outside_guide
def agreement_from_answer(request, pk: int, question_pk: int):
    dialogue = access.get_dialogue_for_user_rw(request.user, pk)
    question = dialogue_question(dialogue=dialogue, question_pk=question_pk)
    form = AnswerLineForm(request.POST)
    try:
        if not form.is_valid():
            raise services.AgreementError(_("Raden finns inte längre i svaret. Ladda om sidan och försök igen."))
        _agreement, made = services.agreement_from_answer(
            dialogue=dialogue, user=request.user, question=question, line=form.cleaned_data["line"],
            text=form.cleaned_data["text"] or None,
        )
    except (services.AgreementError, ValidationError) as error:
        messages.error(request, " ".join(error.messages) if isinstance(error, ValidationError) else str(error))
    else:
        if made:
            messages.success(request, _("Raden är nu en överenskommelse. Ändra ansvarig, område och datum vid behov."))
        else:
            messages.info(request, _("Raden är redan en överenskommelse."))
    return redirect(_summary_anchor(dialogue))


def agreement_detail(request, pk: int):
    agreement = access.get_agreement_for_user(request.user, pk)
    form = AgreementStatusForm(initial={"status": agreement.status})
    return _detail(request, agreement, form)


def _detail(request, agreement, form, status: int = 200):
    changes = selectors.agreement_history(agreement)
    context = {
        "agreement": agreement,
        "dialogue": agreement.dialogue,
        "changes": changes,
        "status_form": form if access.can_update_agreement_status(request.user, agreement) else None,
        "can_set_status": access.can_set_agreement_status(request.user, agreement),
        "can_edit": access.can_edit_dialogue(request.user, agreement.dialogue),
        "deletion_blocker": services.agreement_deletion_blocker(agreement),
    }
    return render(request, "dialogs/agreements/detail.html", context, status=status)


@require_POST
def agreement_status(request, pk: int):
    agreement = access.get_agreement_for_status_rw(request.user, pk)
    form = AgreementStatusForm(request.POST)
    if form.is_valid():
        try:
            change = services.agreement_status_set(
                agreement=agreement, user=request.user, status=form.cleaned_data["status"], comment=form.cleaned_data["comment"]
            )
        except ValidationError as error:
            show_service_errors([form], error)
        else:
            messages.success(request, _("Sparat.") if change else _("Ingenting ändrades."))
            return redirect("dialogs:agreement_detail", pk=agreement.pk)
    return _detail(request, agreement, form, status=400)


def agreement_update(request, pk: int):
    agreement = access.get_agreement_for_user_rw(request.user, pk)
    areas = selectors.area_choices(agreement.dialogue)
    form = AgreementForm(request.POST or None, areas=areas, initial=AgreementForm.initial_for(agreement))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.agreement_update(
                agreement=agreement, user=request.user, base_revision=data["base_revision"] or 0, text=data["text"],
                area=data["area"], owner=data["owner"], due_date=data["due_date"],
            )
        except services.AgreementConflict as conflict:
            return _conflict(request, conflict.current, data, areas)
        except ValidationError as error:
            show_service_errors([form], error)
        else:
            messages.success(request, _("Överenskommelsen är sparad."))
            return redirect("dialogs:agreement_detail", pk=agreement.pk)
    return render(request, "dialogs/agreements/form.html", {"dialogue": agreement.dialogue, "agreement": agreement, "form": form})


def _conflict(request, current, mine: dict, areas):
    """409: someone saved in between. Both texts are shown; the form holds the merge of both on top of what is
    saved now, so saving it keeps every word."""
    initial = {**AgreementForm.initial_for(current), "text": merged_text(current.text, mine["text"])}
    form = AgreementForm(initial=initial, areas=areas)
    context = {"dialogue": current.dialogue, "agreement": current, "form": form, "conflict": {"mine": mine["text"], "current": current}}
    return render(request, "dialogs/agreements/form.html", context, status=409)


def agreement_delete(request, pk: int):
    agreement = access.get_agreement_for_user_rw(request.user, pk)
    blocker = services.agreement_deletion_blocker(agreement)
    if request.method == "POST" and not blocker:
        try:
            services.agreement_delete(agreement=agreement, user=request.user)
        except services.AgreementError as error:
            blocker = str(error)
        else:
            messages.success(request, _("Överenskommelsen är borttagen."))
            return redirect(_summary_anchor(agreement.dialogue))
    context = {"agreement": agreement, "dialogue": agreement.dialogue, "blocker": blocker}
    return render(request, "dialogs/agreements/delete_confirm.html", context, status=409 if blocker else 200)


def follow_up_agreements(request, pk: int):
    """At the follow-up video meeting: where each of the dialogue's agreements stands, recorded with the meeting."""
    dialogue = access.get_dialogue_for_user_rw(request.user, pk)
    meeting = follow_up_meeting_of(dialogue)
    agreements = selectors.dialogue_agreements(dialogue)
    form = FollowUpStatusesForm(request.POST or None, agreements=agreements)
    if meeting is None:
        return render(request, "dialogs/agreements/follow_up.html", {"dialogue": dialogue, "meeting": None}, status=409)
    if request.method == "POST" and form.is_valid():
        try:
            recorded = services.follow_up_statuses_save(
                meeting=meeting, user=request.user,
                updates=[services.StatusUpdate(agreement, status, comment) for agreement, status, comment in form.updates()],
            )
        except ValidationError as error:
            show_service_errors([form], error)
        else:
            messages.success(request, ngettext(
                "Uppföljningsmötets genomgång är sparad (%(count)s ändring).",
                "Uppföljningsmötets genomgång är sparad (%(count)s ändringar).", recorded) % {"count": recorded})
            return redirect(_summary_anchor(dialogue))
    return render(request, "dialogs/agreements/follow_up.html", {"dialogue": dialogue, "meeting": meeting, "form": form})
