"""The written feedback: the overview, the team's draft (sections, charts, downloads, sharing), a shared
version as the clinic reads it (comments, acknowledgement, the team's replies, downloads) and the region's theme.
Each view: access helper → form → one service → response."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dialogs.access import can_comment_medskick
from dialogs.services.agreements import AgreementError
from feedback import access, selectors, services
from feedback.agreements import PointGone, feedback_point_to_agreement, previous_agreements_section
from feedback.learning import learning_items
from feedback.forms import ChartsForm, CommentForm, PointForm, ReplyForm, SectionForm, ShareForm, ThemeForm
from feedback.models import CONTENT_TYPES, DeckFormat
from feedback.renderers.data_uri import image_data_uri
from organisations.access import is_follow_up_member, require_active_region, require_region_admin


def _attachment(data: bytes, deck_format: str, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=CONTENT_TYPES[deck_format])
    response["Content-Disposition"] = f'attachment; filename="{name}.{deck_format}"'
    return response


def _file_name(report, suffix: str) -> str:
    dialogue = report.dialogue
    return f"aterkoppling-{slugify(dialogue.clinic.name)}-{dialogue.date:%Y-%m-%d}-{suffix}"


def _deck_format(value: str) -> str:
    if value not in DeckFormat.values:
        raise Http404
    return value


def _form_error(form, error: ValidationError) -> None:
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def index(request):
    region = require_active_region(request)
    team = is_follow_up_member(request.user, region)
    context = {"region": region, "team": team}
    if team:
        context["dialogues"] = selectors.team_overview(request.user, region)
    else:
        context["reports"] = selectors.clinic_overview(request.user, region)
    return render(request, "feedback/index.html", context)


@require_POST
def report_create(request, dialogue_pk: int):
    dialogue = access.get_dialogue_for_feedback_rw(request.user, dialogue_pk)
    try:
        report = services.feedback_create(dialogue=dialogue, user=request.user)
    except services.FeedbackError as error:
        messages.error(request, str(error))
        return redirect("feedback:index")
    return redirect("feedback:report_detail", pk=report.pk)


def report_detail(request, pk: int):
    report = access.get_report_for_user(request.user, pk)
    versions = list(report.versions.select_related("shared_by").order_by("-number"))
    return render(
        request,
        "feedback/report_detail.html",
        {
            "report": report,
            "dialogue": report.dialogue,
            "sections": report.sections.all(),
            "charts": report.charts.select_related("indicator__source"),
            "versions": versions,
            "latest": versions[0] if versions else None,
            "previous_agreements": previous_agreements_section(report.dialogue),
            "built": {key: items for key, (items, _refs) in learning_items(report.dialogue).items()},
        },
    )


def section_edit(request, pk: int, key: str):
    section = access.get_report_section_for_user_rw(request.user, pk, key)
    form = SectionForm(request.POST or None, initial=SectionForm.initial_for(section))
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.feedback_section_save(
                section=section, user=request.user, items=data["items"], links=data["links"], notes=data["notes"],
                base_revision=data["revision"],
            )
        except services.SectionConflict as error:
            conflict = error.section
            messages.error(request, str(error))
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Avsnittet ”%(title)s” är sparat.") % {"title": section.title})
            return redirect(f"{section.report.get_absolute_url()}#section-{section.key}")
    status = 409 if conflict is not None else 200
    context = {"report": section.report, "section": section, "form": form, "conflict": conflict}
    return render(request, "feedback/section_form.html", context, status=status)


def charts_edit(request, pk: int):
    report = access.get_report_for_user_rw(request.user, pk)
    indicators = selectors.chart_choices(report.dialogue.clinic)
    chosen = [chart.indicator_id for chart in report.charts.all()]
    form = ChartsForm(request.POST or None, indicators=indicators, initial={"indicators": chosen})
    if request.method == "POST" and form.is_valid():
        try:
            services.feedback_charts_save(report=report, user=request.user, indicators=list(form.cleaned_data["indicators"]))
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Diagrammen är valda."))
            return redirect(f"{report.get_absolute_url()}#charts")
    return render(request, "feedback/charts_form.html", {"report": report, "form": form})


def report_share(request, pk: int):
    report = access.get_report_for_user_rw(request.user, pk)
    form = ShareForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.feedback_share(report=report, user=request.user, message=form.cleaned_data["message"])
        except services.NothingChanged as unchanged:
            messages.info(request, str(unchanged))
            return redirect("feedback:version_detail", pk=unchanged.version.pk)
        except services.FeedbackError as error:
            messages.error(request, str(error))
            return redirect(report.get_absolute_url())
        messages.success(
            request,
            _("Version %(number)s är delad med %(clinic)s.") % {"number": version.number, "clinic": report.dialogue.clinic},
        )
        return redirect("feedback:version_detail", pk=version.pk)
    context = {"report": report, "form": form, "recipients": services.clinic_recipients(report.dialogue),
               "unchanged": services.unchanged_version(report)}
    return render(request, "feedback/share_form.html", context)


def draft_download(request, pk: int, fmt: str):
    report = access.get_report_for_user(request.user, pk)
    build = services.deck_build_pptx if _deck_format(fmt) == DeckFormat.PPTX else services.deck_build_pdf
    return _attachment(build(report=report, user=request.user), fmt, _file_name(report, "utkast"))


def version_detail(request, pk: int):
    version = access.get_version_for_user(request.user, pk)
    content, blocks, acknowledgements, versions = selectors.version_with_review(version)
    dialogue = version.report.dialogue
    clinic_staff = access.is_clinic_staff(request.user, dialogue)
    context = {
        "version": version,
        "report": version.report,
        "dialogue": dialogue,
        "content": content,
        "blocks": blocks,
        "acknowledgements": acknowledgements,
        "acknowledged": any(ack.user_id == request.user.pk for ack in acknowledgements),
        "versions": versions,
        "newer": versions[0] if versions and versions[0].pk != version.pk else None,
        "clinic_staff": clinic_staff,
        "team": access.can_edit_dialogue(request.user, dialogue),
        "comment_form": CommentForm(),
        "reply_form": ReplyForm(),
        "can_comment_medskick": can_comment_medskick(request.user, dialogue) and not dialogue.is_cancelled,
    }
    return render(request, "feedback/version_detail.html", context)


def version_download(request, pk: int, fmt: str):
    version = access.get_version_for_user(request.user, pk)
    try:
        data, _content_type = services.file_of(version, _deck_format(fmt))
    except services.SharedFileMissing:
        context = {"version": version, "report": version.report, "file_format": DeckFormat(fmt).label,
                   "team": access.can_edit_dialogue(request.user, version.report.dialogue)}
        return render(request, "feedback/file_missing.html", context, status=404)
    return _attachment(data, fmt, _file_name(version.report, f"version-{version.number}"))


@require_POST
def comment_create(request, pk: int, key: str):
    version = access.get_version_for_clinic_rw(request.user, pk)
    form = CommentForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors.get("text") or _("Skriv en kommentar."))
        services.feedback_comment_add(version=version, user=request.user, section_key=key, text=form.cleaned_data["text"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Tack! Kommentaren är skickad till uppföljningsteamet."))
    return redirect(f"{version.get_absolute_url()}#section-{key}")


@require_POST
def version_acknowledge(request, pk: int):
    version = access.get_version_for_clinic_rw(request.user, pk)
    services.feedback_acknowledge(version=version, user=request.user)
    messages.success(request, _("Ni har kvitterat återkopplingen."))
    return redirect(version.get_absolute_url())


@require_POST
def reply_create(request, pk: int):
    comment = access.get_comment_for_team_rw(request.user, pk)
    form = ReplyForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors.get("text") or _("Skriv ett svar."))
        services.feedback_reply_add(comment=comment, user=request.user, text=form.cleaned_data["text"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Svaret är sparat."))
    return redirect(f"{comment.version.get_absolute_url()}#comment-{comment.pk}")


def theme_edit(request):
    region = require_region_admin(request)
    theme = selectors.region_theme(region)
    form = ThemeForm(request.POST or None, request.FILES or None, instance=theme)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("logo_file")
        services.region_theme_save(
            region=region, user=request.user, primary_colour=form.cleaned_data["primary_colour"],
            secondary_colour=form.cleaned_data["secondary_colour"], font=form.cleaned_data["font"],
            logo=services.LogoUpload(upload.name, upload.read()) if upload else None,
            remove_logo=form.cleaned_data["remove_logo"],
        )
        messages.success(request, _("Utseendet är sparat och används i nästa presentation."))
        return redirect("feedback:theme_edit")
    logo = image_data_uri(theme.as_theme().logo)
    return render(request, "feedback/theme_form.html", {"region": region, "form": form, "theme": theme, "logo": logo})


@require_POST
def improvement_agreement(request, pk: int):
    """One click on the summary page: an improvement point of the deck becomes an agreement (issue 13)."""
    report = access.get_report_for_user_rw(request.user, pk)
    form = PointForm(request.POST)
    try:
        if not form.is_valid():
            raise PointGone(_("Punkten finns inte längre i återkopplingen. Ladda om sidan och försök igen."))
        feedback_point_to_agreement(
            report=report, user=request.user, index=form.cleaned_data["index"], text=form.cleaned_data["text"] or None
        )
    except (PointGone, AgreementError) as error:
        messages.error(request, str(error))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Punkten är nu en överenskommelse. Ändra ansvarig, område och datum vid behov."))
    return redirect(reverse("dialogs:dialogue_summary", args=[report.dialogue_id]) + "#overenskommelser")
