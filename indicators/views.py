from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from indicators import access as indicator_access
from indicators import imports, services
from indicators.imports.jobs.progress import observed
from indicators.selectors.questions import questions_informed
from indicators.forms import DataSourceForm, ImportConfirmForm, ImportUploadForm, IndicatorForm
from indicators.models import BatchStatus, DataSource, Indicator
from organisations import access

ERRORS_SHOWN = 200


def index(request):
    region = access.require_active_region(request)
    follow_up = access.is_follow_up_member(request.user, region)
    return render(
        request,
        "indicators/index.html",
        {
            "region": region,
            "indicator_count": indicator_access.indicators_for_region(region).filter(active=True).count(),
            "source_count": indicator_access.data_sources_for_region(region).count(),
            "batches": indicator_access.batches_for_region(region)[:5] if follow_up else None,
            "can_admin": access.is_region_admin(request.user, region),
            "clinics": access.clinics_for_user_in_region(request.user, region).order_by("name"),
        },
    )


# --- the library -----------------------------------------------------------------------------------------


def indicator_list(request):
    region = access.require_active_region(request)
    indicators = indicator_access.indicators_for_region(region).order_by("source__name", "name")
    return render(
        request,
        "indicators/indicator_list.html",
        {
            "region": region,
            "indicators": indicators,
            "can_admin": access.is_region_admin(request.user, region),
            "can_see_region": access.is_follow_up_member(request.user, region),
        },
    )


def _indicator_form(request, indicator: Indicator, region):
    form = IndicatorForm(
        request.POST or None, instance=indicator, sources=indicator_access.data_sources_for_region(region)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.indicator_save(indicator=form.instance)
        except ValidationError as error:
            form.add_error(None, error)  # a dict of field errors lands on the fields
        else:
            messages.success(request, _("Indikatorn %(name)s är sparad.") % {"name": indicator.name})
            return redirect("indicators:indicator_list")
    questions = questions_informed(indicator, region) if indicator.pk else []
    return render(
        request,
        "indicators/indicator_form.html",
        {"form": form, "region": region, "indicator": indicator, "questions_informed": questions},
    )


def indicator_create(request):
    region = access.require_region_admin(request)
    return _indicator_form(request, Indicator(region=region), region)


def indicator_update(request, pk: int):
    indicator = indicator_access.get_indicator_for_user_rw(request.user, pk)
    return _indicator_form(request, indicator, indicator.region)


def source_list(request):
    region = access.require_active_region(request)
    sources = indicator_access.data_sources_for_region(region).order_by("name")
    return render(
        request,
        "indicators/source_list.html",
        {"region": region, "sources": sources, "can_admin": access.is_region_admin(request.user, region)},
    )


def _source_form(request, source: DataSource, region):
    form = DataSourceForm(request.POST or None, instance=source)
    if request.method == "POST" and form.is_valid():
        services.data_source_save(data_source=form.instance)
        messages.success(request, _("Datakällan %(name)s är sparad.") % {"name": source.name})
        return redirect("indicators:source_list")
    return render(request, "indicators/source_form.html", {"form": form, "region": region, "source": source})


def source_create(request):
    region = access.require_region_admin(request)
    return _source_form(request, DataSource(region=region), region)


def source_update(request, pk: int):
    source = indicator_access.get_data_source_for_user_rw(request.user, pk)
    return _source_form(request, source, source.region)


# --- imports ----------------------------------------------------------------------------------------------


def batch_list(request):
    region = access.require_active_region(request)
    indicator_access.require_follow_up_member(request.user, region)
    return render(
        request,
        "indicators/batch_list.html",
        {
            "region": region,
            "batches": indicator_access.batches_for_region(region)[:200],
            "can_admin": access.is_region_admin(request.user, region),
        },
    )


def batch_upload(request):
    region = access.require_region_admin(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = imports.import_batch_create(region=region, user=request.user, upload=form.cleaned_data["file"])
        except imports.UploadTooLarge as error:
            form.add_error("file", str(error))
        else:
            imports.import_batch_schedule(batch=batch)
            return redirect(batch)
    return render(request, "indicators/batch_upload.html", {"form": form, "region": region})


def batch_detail(request, pk: int):
    batch = observed(indicator_access.get_batch_for_user(request.user, pk))
    can_admin = access.is_region_admin(request.user, batch.region)
    return render(
        request,
        "indicators/batch_detail.html",
        {
            "batch": batch,
            "region": batch.region,
            "can_admin": can_admin,
            "confirm_form": ImportConfirmForm(has_errors=batch.has_errors) if can_admin and batch.can_confirm else None,
            "errors": batch.error_report[:ERRORS_SHOWN],
        },
    )


@require_POST
def batch_confirm(request, pk: int):
    batch = indicator_access.get_batch_for_user_rw(request.user, pk)
    form = ImportConfirmForm(request.POST, has_errors=batch.has_errors)
    if not form.is_valid():
        return render(
            request,
            "indicators/batch_detail.html",
            {"batch": batch, "region": batch.region, "can_admin": True, "confirm_form": form,
             "errors": batch.error_report[:ERRORS_SHOWN]},
            status=400,
        )
    try:
        batch = imports.import_batch_confirm(batch=batch, valid_rows_only=form.cleaned_data["valid_rows_only"])
    except imports.ImportFileError as error:
        messages.error(request, str(error))
    else:
        imports.import_batch_schedule(batch=batch)
    return redirect(batch)


@require_POST
def batch_restart(request, pk: int):
    batch = indicator_access.get_batch_for_user_rw(request.user, pk)
    try:
        batch = imports.import_batch_restart(batch=batch)
    except imports.ImportFileError as error:
        messages.error(request, str(error))
    else:
        imports.import_batch_schedule(batch=batch)
    return redirect(batch)


def batch_rollback(request, pk: int):
    batch = indicator_access.get_batch_for_user_rw(request.user, pk)
    if request.method == "POST":
        try:
            batch = imports.import_batch_rollback_schedule(batch=batch, user=request.user)
        except imports.RollbackError as error:
            messages.error(request, str(error))
        else:
            if batch.status == BatchStatus.ROLLED_BACK:  # else the batch page shows it rolling back
                messages.success(request, _("Importen är återställd."))
        return redirect(batch)
    return render(
        request,
        "indicators/batch_rollback.html",
        {"batch": batch, "region": batch.region, "in_worker": imports.import_batch_rollback_in_worker(batch)},
    )


def batch_status(request, pk: int):
    batch = observed(indicator_access.get_batch_for_user(request.user, pk))
    return JsonResponse(
        {
            "status": batch.status,
            "label": batch.get_status_display(),
            "progress": batch.progress,
            "active": batch.is_active,
            "stage": batch.stage_label,
            "measured": batch.progress_is_measured,
            "time_left": batch.time_left_label,
        }
    )


def batch_errors(request, pk: int):
    batch = indicator_access.get_batch_for_user(request.user, pk)
    response = HttpResponse(imports.import_batch_errors_csv(batch), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{batch.pk}-fel.csv"'
    return response
