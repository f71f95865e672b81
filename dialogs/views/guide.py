"""Pages of the dialogue guide: the region's guides, their versions (read, print, PDF, export, compare) and
the version lifecycle (adopt, import, start a draft, publish, retire, reinstate, delete a draft).
The editing of a draft's contents lives in guide_editor.py."""

from django.contrib import messages
from django.http import HttpResponse
from django.middleware.csp import get_nonce
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dialogs import access
from dialogs.exchange import document_from_tree
from dialogs.forms.guide import (
    GuideAdoptForm,
    GuideDiffForm,
    GuideImportForm,
    GuideVersionForm,
    QuestionIndicatorsForm,
)
from dialogs.models import GuideVersion, GuideVersionStatus
from dialogs.selectors import guide as selectors
from dialogs.services import guide as services
from dialogs.services.guide_print import guide_version_pdf, guide_version_print_html
from dialogs.views.common import conflict_on_locked, redirect_to_editor
from organisations.access import is_region_admin, require_region_admin


def guide_list(request):
    region = access.require_guide_reader(request)
    return render(
        request,
        "dialogs/guide/list.html",
        {
            "region": region,
            "guides": selectors.guides_for_region(region),
            "national_versions": selectors.national_guide_versions(),
            "can_edit": is_region_admin(request.user, region),
        },
    )


@require_POST
def guide_adopt(request):
    region = require_region_admin(request)
    form = GuideAdoptForm(request.POST, sources=GuideVersion.objects.filter(guide__region__isnull=True).published())
    if not form.is_valid():
        messages.error(request, _("Välj en publicerad förlaga."))
        return redirect("dialogs:guide_list")
    try:
        guide = services.guide_adopt(region=region, source=form.cleaned_data["source"], user=request.user)
    except services.GuideStateError as error:
        messages.error(request, str(error))
        return redirect("dialogs:guide_list")
    messages.success(request, _("Regionens dialogstöd är skapat och publicerat. Börja ett utkast för att anpassa det."))
    return redirect("dialogs:guide_detail", pk=guide.pk)


def guide_import(request):
    region = require_region_admin(request)
    form = GuideImportForm(request.POST or None, request.FILES or None, guides=region.guides.all())
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            version = services.guide_version_import(
                region=region, guide=form.cleaned_data["guide"], content=form.cleaned_data["file"].read(), user=request.user
            )
        except services.GuideImportError as error:
            problems = error.problems
        else:
            messages.success(request, _("Filen är importerad som ett nytt utkast."))
            return redirect_to_editor(version.pk)
    return render(request, "dialogs/guide/import.html", {"form": form, "region": region, "problems": problems})


def _visible_versions(user, guide):
    versions = guide.versions.all()
    return versions if access.can_edit_guide(user, guide) else versions.exclude(status=GuideVersionStatus.DRAFT)


def _latest_two(versions) -> dict:
    """Preselect the comparison most often wanted: the previous published version against the latest."""
    published = [version for version in versions if version.number is not None]
    published.sort(key=lambda version: version.number, reverse=True)
    return {"old": published[1], "new": published[0]} if len(published) > 1 else {}


def guide_detail(request, pk: int):
    guide = access.get_guide_for_user(request.user, pk)
    versions = _visible_versions(request.user, guide).select_related("published_by", "based_on")
    return render(
        request,
        "dialogs/guide/detail.html",
        {
            "guide": guide,
            "versions": versions,
            "has_draft": any(version.is_draft for version in versions),
            "can_edit": access.can_edit_guide(request.user, guide),
            "diff_form": GuideDiffForm(versions=versions, initial=_latest_two(versions)),
        },
    )


def guide_diff(request, pk: int):
    guide = access.get_guide_for_user(request.user, pk)
    versions = _visible_versions(request.user, guide)
    form = GuideDiffForm(request.GET or None, versions=versions, initial=_latest_two(versions))
    diff = None
    if form.is_valid():
        old, new = form.cleaned_data["old"], form.cleaned_data["new"]
        diff = selectors.guide_version_diff(selectors.guide_version_tree(old), selectors.guide_version_tree(new))
    return render(request, "dialogs/guide/diff.html", {"guide": guide, "form": form, "diff": diff})


def version_detail(request, pk: int):
    """The version as the follow-up team sees it on site; for a draft, the administrators' preview."""
    version = access.get_version_for_user(request.user, pk)
    can_edit = access.can_edit_guide(request.user, version.guide)
    return render(
        request,
        "dialogs/guide/version_detail.html",
        {
            "version": version,
            "guide": version.guide,
            "tree": selectors.guide_version_tree(version, with_indicators=True),
            "can_edit": can_edit,
            # "Nytt utkast" from here, as from the guide's page; an existing draft is offered instead.
            "draft": version.guide.versions.filter(status="draft").first() if can_edit and not version.is_draft else None,
        },
    )


def version_export(request, pk: int):
    version = access.get_version_for_user(request.user, pk)
    document = document_from_tree(selectors.guide_version_tree(version))
    response = HttpResponse(document.to_json(), content_type="application/json; charset=utf-8")
    filename = f"{slugify(version.guide.name)}-{slugify(version.label) or version.pk}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def version_print(request, pk: int):
    version = access.get_version_for_user(request.user, pk)
    tree = selectors.guide_version_tree(version)
    return HttpResponse(guide_version_print_html(tree=tree, csp_nonce=get_nonce(request)))


def version_pdf(request, pk: int):
    version = access.get_version_for_user(request.user, pk)
    response = HttpResponse(guide_version_pdf(tree=selectors.guide_version_tree(version)), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{slugify(version.guide.name)}-{slugify(version.label)}.pdf"'
    return response


@require_POST
def version_draft_start(request, pk: int):
    source = access.get_version_for_user_rw(request.user, pk)
    try:
        draft = services.guide_version_draft_start(source=source, user=request.user)
    except services.GuideDraftExists as error:
        messages.info(request, _("Det finns redan ett utkast. Fortsätt med det, eller ta bort det först."))
        return redirect_to_editor(error.draft.pk)
    except services.GuideStateError as error:
        messages.error(request, str(error))
        return redirect("dialogs:guide_detail", pk=source.guide_id)
    messages.success(request, _("Ett nytt utkast är skapat från %(version)s.") % {"version": source.display_name})
    return redirect_to_editor(draft.pk)


@conflict_on_locked
def version_update(request, pk: int):
    version = access.get_draft_for_user_rw(request.user, pk)
    form = GuideVersionForm(request.POST or None, instance=version)
    if request.method == "POST" and form.is_valid():
        services.guide_version_update(version=version, **form.cleaned_data)
        messages.success(request, _("Uppgifterna om versionen är sparade."))
        return redirect_to_editor(version.pk, "version-facts")
    return render(
        request,
        "dialogs/guide/item_form.html",
        {"form": form, "version": version, "guide": version.guide, "heading": _("Uppgifter om versionen")},
    )


@conflict_on_locked
def version_publish(request, pk: int):
    version = access.get_draft_for_user_rw(request.user, pk)
    if request.method == "POST":
        try:
            services.guide_version_publish(version=version, user=request.user)
        except services.GuidePublishError as error:
            problems = error.problems
        else:
            messages.success(request, _("%(version)s är publicerad.") % {"version": version.display_name})
            return redirect("dialogs:version_detail", pk=version.pk)
    else:
        problems = selectors.guide_version_problems(selectors.guide_version_tree(version))
    return render(
        request,
        "dialogs/guide/publish.html",
        {"version": version, "guide": version.guide, "problems": problems, "attempted": request.method == "POST"},
    )


def _lifecycle_step(request, pk: int, step, done_message: str):
    """Retire or reinstate a version, then show the guide's versions."""
    version = access.get_version_for_user_rw(request.user, pk)
    try:
        step(version=version)
    except services.GuideStateError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done_message % {"version": version.display_name})
    return redirect("dialogs:guide_detail", pk=version.guide_id)


@require_POST
def version_retire(request, pk: int):
    return _lifecycle_step(
        request, pk, services.guide_version_retire, _("%(version)s används inte längre i nya dialoger.")
    )


@require_POST
def version_reinstate(request, pk: int):
    return _lifecycle_step(
        request, pk, services.guide_version_reinstate, _("%(version)s kan åter väljas för nya dialoger.")
    )


@conflict_on_locked
def version_delete(request, pk: int):
    version = access.get_draft_for_user_rw(request.user, pk)
    if request.method == "POST":
        services.guide_version_delete(version=version)
        messages.success(request, _("Utkastet är borttaget."))
        return redirect("dialogs:guide_detail", pk=version.guide_id)
    return render(
        request,
        "dialogs/guide/confirm_delete.html",
        {
            "guide": version.guide,
            "version": version,
            "heading": _("Ta bort utkastet?"),
            "description": _("Utkastet %(version)s och allt du har ändrat i det tas bort. Publicerade versioner påverkas inte.")
            % {"version": version.display_name},
            "cancel_url": redirect_to_editor(version.pk).url,
        },
    )


# --- Indicators beside a question: allowed on every version (presentation, not what is asked) -----------


def _question_in_guide_url(question) -> str:
    """Where the question is shown to its administrator: the editor for a draft, else the version's page."""
    if question.version.is_draft:
        return reverse("dialogs:version_edit", args=[question.version_id]) + f"#question-{question.pk}"
    return reverse("dialogs:version_detail", args=[question.version_id]) + f"#q-{question.key}"


def question_indicators(request, pk: int):
    question = access.get_question_for_indicator_links_rw(request.user, pk)
    form = QuestionIndicatorsForm(
        request.POST if request.method == "POST" else None,  # unticking every box posts no field at all
        indicators=selectors.question_indicator_choices(question),
        initial={"indicators": [indicator.pk for indicator in question.indicators.all()]},
    )
    if request.method == "POST" and form.is_valid():
        services.question_indicators_set(question=question, indicators=form.cleaned_data["indicators"])
        messages.success(request, _("Indikatorerna till frågan är sparade."))
        return redirect(_question_in_guide_url(question))
    return render(
        request,
        "dialogs/guide/question_indicators.html",
        {
            "question": question,
            "version": question.version,
            "guide": question.version.guide,
            "form": form,
            "back_url": _question_in_guide_url(question),
        },
    )
