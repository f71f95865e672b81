"""Dialogues: the overview lists, planning, the dialogue's page, status, summary with the follow-up meeting,
sharing, and the documentation with its exports. Each view: access helper → form → one service → response."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dialogs import access
from dialogs.forms.dialogue import (
    ClinicOverviewForm,
    DialogueCancelForm,
    DialogueDayForm,
    FollowUpMeetingForm,
    FollowUpWaiveForm,
    OverviewFilterForm,
    ParticipantFormSet,
    TeamForm,
    TransitionForm,
)
from dialogs.ics import dialogue_calendar, follow_up_calendar
from dialogs.models.guide import GuideVersion
from dialogs.selectors import dialogue as selectors
from dialogs.selectors.continuity import planning_continuity_for
from dialogs.services import dialogue as services
from dialogs.services import export, mail
from dialogs.services.letter import html_to_pdf
from organisations.access import is_follow_up_member

PAGE_SIZE = 50


def file_response(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def show_service_errors(forms, error: ValidationError) -> None:
    """Show a service's ValidationError on the form that has the field, else as a form-wide error."""
    for field, messages_ in (error.message_dict if hasattr(error, "error_dict") else {None: error.messages}).items():
        form = next((form for form in forms if field in form.fields), forms[0])
        for message in messages_:
            form.add_error(field if field in form.fields else None, message)


# --- Overview --------------------------------------------------------------------------------------------


def dialogue_list(request):
    region = access.require_active_region(request)
    options = selectors.dialogue_filter_options(user=request.user, region=region)
    form = OverviewFilterForm(request.GET or None, options=options)
    filters = selectors.DialogueFilters(**form.cleaned_data) if form.is_valid() else selectors.DialogueFilters()
    dialogues = selectors.dialogues_overview(user=request.user, region=region, filters=filters)
    page = Paginator(dialogues, PAGE_SIZE).get_page(request.GET.get("sida"))
    return render(
        request,
        "dialogs/dialogue/list.html",
        {"region": region, "form": form, "page": page, "filters": filters, "can_plan": is_follow_up_member(request.user, region)},
    )


def dialogue_clinics(request):
    region = access.require_active_region(request)
    form = ClinicOverviewForm(request.GET or None)
    months = form.cleaned_data.get("months") if form.is_valid() else None
    clinics = selectors.clinics_overview(user=request.user, region=region, without_months=months)
    return render(request, "dialogs/dialogue/clinics.html", {"region": region, "form": form, "clinics": clinics, "months": months})


# --- Planning --------------------------------------------------------------------------------------------


@dataclass
class PlanningForms:
    """The three forms of the planning page: day and options, the team, the clinic's participants."""

    day: DialogueDayForm
    team: TeamForm
    participants: ParticipantFormSet
    plan_changed: bool = False  # the service refused: someone saved the plan after this form was opened

    def save_with(self, service, **fixed):
        """Validate all three and call ``service`` with their data; the service's result, or None with the
        errors shown on the forms."""
        if not all(form.is_valid() for form in (self.day, self.team, self.participants)):
            return None
        try:
            return service(**fixed, **self.day.cleaned_data, team=self.team.selections, participants=self.participants.participants)
        except ValidationError as error:
            self.day.offer_confirmation_after(error)  # warned: the person may confirm and post again
            self.day.accept_stamp_after(error)  # shown the plan someone saved meanwhile: may post again
            self.plan_changed = isinstance(error, services.PlanChanged)
            if not self.plan_changed:  # that one is said once, above the form, with the saved plan
                show_service_errors([self.day, self.team], error)
            return None

    def context(self, **extra) -> dict:
        return {"day_form": self.day, "team_form": self.team, "participants": self.participants, **extra}


def _planning_forms(request, region, dialogue=None, continuity=None) -> PlanningForms:
    data = request.POST if request.method == "POST" else None
    candidates = selectors.region_follow_up_members(region)
    if dialogue is None:
        day_form = DialogueDayForm(
            data,
            clinics=region.clinics.filter(active=True).order_by("name"),
            versions=GuideVersion.objects.for_new_dialogues(region),
            initial={"clinic": request.GET.get("vardcentral")},
        )
        # The clinic's participants last time, to confirm rather than type again (issue 13).
        previous = ParticipantFormSet.initial_for(continuity.participants) if continuity else None
        return PlanningForms(day_form, TeamForm(data, candidates=candidates), ParticipantFormSet(data, prefix="deltagare", initial=previous))
    return PlanningForms(
        DialogueDayForm(data, planning=False, initial={**selectors.dialogue_day_initial(dialogue), "plan_stamp": dialogue.plan_stamp()}),
        TeamForm(data, candidates=candidates, initial=TeamForm.initial_for(dialogue.team_members.all())),
        ParticipantFormSet(data, prefix="deltagare", initial=ParticipantFormSet.initial_for(dialogue.clinic_participants.all())),
    )


def dialogue_create(request):
    region = access.require_follow_up_region(request)
    continuity = planning_continuity_for(region, request.GET.get("vardcentral"))
    forms = _planning_forms(request, region, continuity=continuity)
    if request.method == "POST":
        dialogue = forms.save_with(services.dialogue_plan, region=region, user=request.user)
        if dialogue is not None:
            messages.success(request, _("Dialogen är planerad."))
            return redirect("dialogs:dialogue_detail", pk=dialogue.pk)
    return render(request, "dialogs/dialogue/form.html", forms.context(region=region, continuity=continuity))


def dialogue_update(request, pk: int):
    dialogue = access.get_dialogue_for_user_rw(request.user, pk)
    if not dialogue.is_planning:
        raise PermissionDenied
    forms = _planning_forms(request, dialogue.clinic.region, dialogue)
    if request.method == "POST" and forms.save_with(services.dialogue_update, dialogue=dialogue, user=request.user):
        messages.success(request, _("Ändringarna är sparade."))
        return redirect("dialogs:dialogue_detail", pk=dialogue.pk)
    if forms.plan_changed:  # the plan as saved now, beside the person's own changes (409, nothing lost)
        saved = selectors.dialogue_plan(dialogue.pk)
        return render(request, "dialogs/dialogue/form.html", forms.context(dialogue=dialogue, saved=saved), status=409)
    return render(request, "dialogs/dialogue/form.html", forms.context(dialogue=dialogue))


# --- The dialogue's page and its status ------------------------------------------------------------------


def dialogue_detail(request, pk: int):
    dialogue = access.get_dialogue_for_user(request.user, pk)
    page = selectors.dialogue_detail_page(dialogue, user=request.user)
    sent = mail.dialogue_messages(dialogue) if page.can_edit else []
    return render(request, "dialogs/dialogue/detail.html", {"dialogue": dialogue, "page": page, "sent": sent})


@require_POST
def dialogue_transition(request, pk: int):
    dialogue = access.get_dialogue_for_user_rw(request.user, pk)
    form = TransitionForm(request.POST)
    if form.is_valid():
        try:
            services.dialogue_transition(
                dialogue=dialogue, to_status=form.cleaned_data["status"], user=request.user, note=form.cleaned_data["note"]
            )
        except services.TransitionError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Dialogen har nu status ”%(status)s”.") % {"status": dialogue.get_status_display()})
    else:  # a comment over the limit or a status that does not exist: say why nothing changed
        messages.error(request, _("Statusen är inte ändrad: %(reason)s") % {
            "reason": " ".join(str(message) for errors in form.errors.values() for message in errors)})
    return redirect(reverse("dialogs:dialogue_detail", args=[dialogue.pk]) + "#status")


def dialogue_cancel(request, pk: int):
    dialogue = access.get_dialogue_for_user_rw(request.user, pk)
    form = DialogueCancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.dialogue_cancel(dialogue=dialogue, user=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            show_service_errors([form], error)
        except services.DialogueError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Dialogen är inställd."))
            return redirect("dialogs:dialogue_detail", pk=dialogue.pk)
    status = 200 if dialogue.can_be_cancelled else 409
    return render(request, "dialogs/dialogue/cancel_form.html", {"dialogue": dialogue, "form": form}, status=status)


def dialogue_delete(request, pk: int):
    dialogue = access.get_dialogue_for_delete_rw(request.user, pk)
    blocker = services.dialogue_deletion_blocker(dialogue)
    if request.method == "POST" and not blocker:
        try:
            services.dialogue_delete(dialogue=dialogue, user=request.user)
        except services.DialogueError as error:
            blocker = str(error)
        else:
            messages.success(request, _("Dialogen med %(clinic)s är borttagen.") % {"clinic": dialogue.clinic.name})
            return redirect("dialogs:dialogue_list")
    context = {"dialogue": dialogue, "blocker": blocker}
    return render(request, "dialogs/dialogue/delete_confirm.html", context, status=409 if blocker else 200)


@require_POST
def dialogue_share(request, pk: int):
    dialogue = access.get_dialogue_for_user_rw(request.user, pk)
    try:
        services.dialogue_share_documentation(dialogue=dialogue, user=request.user)
    except services.DialogueError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Vårdcentralens personal kan nu läsa dokumentationen."))
    return redirect("dialogs:dialogue_summary", pk=dialogue.pk)


def dialogue_ics(request, pk: int):
    dialogue = access.get_dialogue_for_user(request.user, pk)
    content = dialogue_calendar(dialogue, url=request.build_absolute_uri(reverse("dialogs:dialogue_detail", args=[dialogue.pk])))
    return file_response(content, "text/calendar; charset=utf-8", f"uppfoljningsdialog-{dialogue.date:%Y-%m-%d}.ics")


# --- Summary and the follow-up meeting -------------------------------------------------------------------


def dialogue_summary(request, pk: int):
    dialogue = access.get_dialogue_documentation_for_user(request.user, pk)
    page = selectors.dialogue_summary_page(dialogue, user=request.user)
    return render(request, "dialogs/dialogue/summary.html", {"dialogue": dialogue, "page": page})


def follow_up_book(request, pk: int):
    dialogue = access.get_dialogue_for_user_rw(request.user, pk)
    meeting = selectors.follow_up_meeting_of(dialogue)
    form = FollowUpMeetingForm(request.POST or None, initial=FollowUpMeetingForm.initial_for(meeting))
    if request.method == "POST" and form.is_valid():
        try:
            services.follow_up_book(dialogue=dialogue, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.offer_confirmation_after(error)  # warned: the person may confirm and post again
            show_service_errors([form], error)
        except services.DialogueError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Uppföljningsmötet är bokat."))
            return redirect("dialogs:dialogue_summary", pk=dialogue.pk)
    return render(request, "dialogs/dialogue/follow_up_form.html", {"dialogue": dialogue, "form": form, "meeting": meeting})


def follow_up_waive(request, pk: int):
    dialogue = access.get_dialogue_for_user_rw(request.user, pk)
    form = FollowUpWaiveForm(request.POST or None, initial={"reason": dialogue.follow_up_waived_reason})
    if request.method == "POST" and form.is_valid():
        try:
            services.follow_up_waive(dialogue=dialogue, user=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            show_service_errors([form], error)
        except services.DialogueError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Det är noterat att inget uppföljningsmöte behövs."))
            return redirect("dialogs:dialogue_summary", pk=dialogue.pk)
    return render(request, "dialogs/dialogue/follow_up_waive_form.html", {"dialogue": dialogue, "form": form})


def follow_up_ics(request, pk: int):
    dialogue = access.get_dialogue_documentation_for_user(request.user, pk)
    meeting = selectors.follow_up_meeting_of(dialogue)
    if meeting is None:
        messages.error(request, _("Inget uppföljningsmöte är bokat ännu."))
        return redirect("dialogs:dialogue_summary", pk=dialogue.pk)
    url = request.build_absolute_uri(reverse("dialogs:dialogue_summary", args=[dialogue.pk]))
    content = follow_up_calendar(meeting, dialogue=dialogue, url=url)
    return file_response(content, "text/calendar; charset=utf-8", f"uppfoljningsmote-{meeting.date:%Y-%m-%d}.ics")


# --- Documentation and exports ---------------------------------------------------------------------------


def dialogue_documentation(request, pk: int):
    dialogue = access.get_dialogue_documentation_for_user(request.user, pk)
    page = selectors.dialogue_documentation_page(dialogue, team=access.reads_team_only(request.user, dialogue.clinic.region))
    return render(request, "dialogs/dialogue/documentation.html", {"dialogue": dialogue, "page": page})


def dialogue_export_pdf(request, pk: int):
    dialogue = access.get_dialogue_documentation_for_user(request.user, pk)
    page = selectors.dialogue_documentation_page(dialogue, team=access.reads_team_only(request.user, dialogue.clinic.region))
    html = render_to_string("dialogs/dialogue/documentation_print.html", {"dialogue": dialogue, "page": page}, request)
    pdf = html_to_pdf(html=html, base_url=request.build_absolute_uri("/"))
    return file_response(pdf, "application/pdf", export.export_filename(page.documentation, "pdf"))


def dialogue_export_csv(request, pk: int):
    dialogue = access.get_dialogue_documentation_for_user(request.user, pk)
    documentation = selectors.dialogue_documentation(dialogue, team=access.reads_team_only(request.user, dialogue.clinic.region))
    content = export.documentation_csv(documentation)
    return file_response(content, "text/csv; charset=utf-8", export.export_filename(documentation, "csv"))


def dialogue_export_xlsx(request, pk: int):
    dialogue = access.get_dialogue_documentation_for_user(request.user, pk)
    documentation = selectors.dialogue_documentation(dialogue, team=access.reads_team_only(request.user, dialogue.clinic.region))
    content = export.documentation_xlsx(documentation)
    content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return file_response(content, content_type, export.export_filename(documentation, "xlsx"))
