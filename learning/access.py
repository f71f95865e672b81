"""Who reads the learning report (issue 14). Scoped through organisations/access.py like everything else:

- the region's report is the region's follow-up team's and administrators' (the active region); clinic staff 403,
  a person without a region (a nationell läsare) 403;
- the national view is the nationell läsare's only (``organisations.access.require_national_reader``: 404 for
  everyone else). It shows aggregates pooled from at least three regions and no clinic-level text.
"""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from organisations.access import is_follow_up_member, require_active_region, require_national_reader
from organisations.models import Region

__all__ = ["require_national_reader", "require_report_reader"]


def require_report_reader(request: HttpRequest) -> Region:
    """The active region, provided the user is on its follow-up team or administers it; 403 otherwise."""
    region = require_active_region(request)
    if not is_follow_up_member(request.user, region):
        raise PermissionDenied
    return region
