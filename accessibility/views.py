"""The accessibility statement (public), the report form (public, limited) and the region administrators' pages."""

import logging
import re

from axes.helpers import get_client_ip_address
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accessibility import access, selectors, services, statement as product
from accessibility.forms import ProblemReportForm, StatementSettingsForm
from organisations import access as organisations_access

logger = logging.getLogger(__name__)
_LOCAL_PATH = re.compile(r"/[^\s\x00-\x1f\x7f]{0,499}")


@login_not_required
@require_GET
def statement(request):
    statements = selectors.statements_for(request)
    region = organisations_access.get_active_region(request)
    updated = max([product.ASSESSED_ON] + [timezone.localdate(item.updated_at) for item in statements if item.updated_at])
    return render(request, "accessibility/statement.html", {
        "statements": statements, "product": product, "updated_on": updated,
        "is_admin": region is not None and organisations_access.is_region_admin(request.user, region),
    })


def _page_from(request) -> str:
    """The page the person came from (the footer link passes it), when it is one of this site's paths."""
    page = request.GET.get("sida", "")
    return page if _LOCAL_PATH.fullmatch(page) else ""


@login_not_required
@require_http_methods(["GET", "POST"])
def report_create(request):
    regions = selectors.report_regions(request)
    if not regions:
        raise Http404
    form = ProblemReportForm(request.POST or None, regions=regions, initial={"page": _page_from(request)})
    status = 200
    if request.method == "POST" and form.is_valid():
        if form.is_robot:
            logger.info("Accessibility report dropped: the hidden field was filled in")
            return redirect("accessibility:report_sent")
        region = next(region for region in regions if region.pk == form.cleaned_data["region"])
        fields = {name: form.cleaned_data[name] for name in ("page", "description", "name", "email")}
        try:
            services.problem_report_submit(
                region=region, user=request.user, client_address=get_client_ip_address(request) or "", **fields
            )
        except services.ReportRefused as refusal:
            form.add_error(None, str(refusal))
            status = 429
        else:
            return redirect("accessibility:report_sent")
    return render(request, "accessibility/report_form.html", {"form": form}, status=status)


@login_not_required
@require_GET
def report_sent(request):
    return render(request, "accessibility/report_sent.html")


@require_http_methods(["GET", "POST"])
def statement_settings(request):
    region = organisations_access.require_region_admin(request)
    form = StatementSettingsForm(request.POST or None, instance=selectors.settings_for(region))
    if request.method == "POST" and form.is_valid():
        services.statement_settings_save(region=region, user=request.user, **form.cleaned_data)
        messages.success(request, _("Regionens uppgifter i tillgänglighetsredogörelsen är sparade."))
        return redirect("accessibility:statement")
    return render(request, "accessibility/settings_form.html", {"form": form, "region": region})


@require_GET
def report_list(request):
    region = organisations_access.require_region_admin(request)
    reports = region.accessibility_reports.select_related("user", "handled_by")
    page = Paginator(reports, 50).get_page(request.GET.get("page"))
    return render(request, "accessibility/report_list.html", {"region": region, "page": page})


@require_POST
def report_handle(request, pk: int):
    report = access.get_report_for_user_rw(request.user, pk)
    services.problem_report_handle(report=report, user=request.user)
    messages.success(request, _("Rapporten är markerad som hanterad."))
    return redirect("accessibility:report_list")
