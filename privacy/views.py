"""The privacy pages: the region's retention rule and its dry run (administrators), a person's register extract and
removal (administrators of all the person's regions), and one's own extract (everyone signed in)."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from organisations.access import require_region_admin
from privacy import access, removal, retention, selectors, subject
from privacy.forms import RetentionConfirmForm, RetentionSettingsForm


@require_GET
def index(request):
    region = require_region_admin(request)
    return render(request, "privacy/index.html", {
        "region": region,
        "rule": retention.settings_for(region),
        "batches": region.retention_batches.select_related("confirmed_by")[:10],
        "page": selectors.people_page(region=region, admin=request.user, page_number=request.GET.get("page")),
    })


@require_http_methods(["GET", "POST"])
def retention_settings(request):
    region = require_region_admin(request)
    form = RetentionSettingsForm(request.POST or None, instance=retention.settings_for(region))
    if request.method == "POST" and form.is_valid():
        retention.retention_settings_save(region=region, user=request.user, **form.cleaned_data)
        messages.success(request, _("Gallringsregeln är sparad. Ingenting gallras förrän du har granskat och bekräftat listan."))
        return redirect("privacy:index")
    return render(request, "privacy/settings_form.html", {"form": form, "region": region})


@require_GET
def retention_preview(request):
    region = require_region_admin(request)
    run = retention.dry_run(retention.settings_for(region))
    form = RetentionConfirmForm(initial={"fingerprint": run.fingerprint})
    return render(request, "privacy/retention_preview.html", {"region": region, "run": run, "form": form})


@require_POST
def retention_confirm(request):
    region = require_region_admin(request)
    form = RetentionConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Bekräftelsen gäller ingen lista. Granska listan och bekräfta igen."))
        return redirect("privacy:retention_preview")
    try:
        batch = retention.retention_confirm(region=region, user=request.user, fingerprint=form.cleaned_data["fingerprint"])
    except retention.RetentionRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("privacy:retention_preview")
    return redirect("privacy:retention_batch", pk=batch.pk)


@require_GET
def retention_batch(request, pk: int):
    region = require_region_admin(request)
    batch = access.get_batch_for_admin(request.user, pk, region)
    return render(request, "privacy/retention_batch.html", {"region": region, "batch": batch,
                                                            "records": batch.records.all()})


def _extract_response(person) -> HttpResponse:
    response = HttpResponse(subject.person_extract_json(user=person), content_type="application/json; charset=utf-8")
    name = f"registerutdrag-{person.pk}-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
def person_extract(request, pk: int):
    return _extract_response(access.get_person_for_admin(request.user, pk))


@require_http_methods(["GET", "POST"])
def person_remove(request, pk: int):
    person = access.get_person_for_admin(request.user, pk)
    if request.method == "POST":
        try:
            removal.person_remove(user=person, removed_by=request.user)
        except removal.RemovalRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, _("Personen är borttagen ur tjänsten."))
            return redirect("privacy:index")
    preview = removal.person_removal_preview(user=person, removed_by=request.user)
    return render(request, "privacy/person_remove.html", {"person": person, "preview": preview})


@require_GET
def my_data(request):
    return render(request, "privacy/my_data.html", {"memberships": request.user.memberships.select_related("region", "clinic")})


@require_GET
def my_extract(request):
    return _extract_response(request.user)
