"""Who may see and handle accessibility reports: the administrators of the report's region."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accessibility.models import ProblemReport
from organisations.access import is_region_admin, regions_for_user


def get_report_for_user_rw(user, pk: int) -> ProblemReport:
    report = ProblemReport.objects.filter(pk=pk, region__in=regions_for_user(user)).select_related("region").first()
    if report is None:
        raise Http404
    if not is_region_admin(user, report.region):
        raise PermissionDenied
    return report
