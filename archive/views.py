"""The archive: a closed dialogue's package (ZIP) at once, and the region's export of a year built by the worker
with a progress bar, kept for download for a limited time."""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from archive import access, builder, selectors, services
from archive.forms import YearExportForm
from archive.models import ExportStatus


@require_GET
def dialogue_package(request, pk: int):
    dialogue = access.get_dialogue_for_archive(request.user, pk)
    response = HttpResponse(builder.dialogue_package(dialogue=dialogue, user=request.user), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="arkiv-{builder.folder_name(dialogue)}.zip"'
    return response


@require_GET
def index(request):
    region = access.require_follow_up_region(request)
    years = selectors.export_years(region)
    return render(request, "archive/index.html", {
        "region": region, "form": YearExportForm(years=years) if years else None,
        "exports": selectors.region_exports(region),
    })


@require_POST
def export_create(request):
    region = access.require_follow_up_region(request)
    form = YearExportForm(request.POST, years=selectors.export_years(region))
    if not form.is_valid():
        messages.error(request, _("Välj ett år med avslutade dialoger."))
        return redirect("archive:index")
    try:
        export = services.archive_export_request(region=region, year=form.cleaned_data["year"], user=request.user)
    except services.ExportRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("archive:index")
    return redirect("archive:export_detail", pk=export.pk)


@require_GET
def export_detail(request, pk: int):
    export = access.get_export_for_user(request.user, pk)
    return render(request, "archive/export_detail.html", {"export": export})


@require_GET
def export_status(request, pk: int):
    export = access.get_export_for_user(request.user, pk)
    return JsonResponse({"status": export.status, "label": export.get_status_display(), "active": export.is_active,
                         "done": export.done, "total": export.total, "progress": export.progress})


@require_GET
def export_download(request, pk: int):
    export = access.get_export_for_user(request.user, pk)
    path = services.export_path(export)
    if export.status != ExportStatus.DONE or not export.file_name or not path.is_file():
        raise Http404(_("Filen finns inte längre. Beställ exporten igen."))
    name = f"arkiv-{export.region.name}-{export.year}.zip".replace(" ", "-")
    return FileResponse(path.open("rb"), as_attachment=True, filename=name, content_type="application/zip")
