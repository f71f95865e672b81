"""Who may see and change what in the indicators app (rules as in organisations/access.py).

- The library: everyone with a role in a region reads the shared library and the region's own entries;
  the region's administrators create and edit the region's own entries. Shared entries are read-only in
  the app (403): they are shipped content, the same for every region, and no region may change what
  another region reads. Another region's own entries answer 404.
- Import batches: the region's administrators upload, confirm and roll back. Uppföljare (beställare and
  utvecklingsavdelning) may inspect batches – where the numbers they discuss come from – but not change
  them. Clinic staff get 403: batches concern the whole region's data. Another region's batches: 404.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from indicators.models import DataSource, ImportBatch, Indicator
from organisations.access import is_follow_up_member, is_region_admin, regions_for_user
from organisations.models import Region


def batches_for_region(region: Region):
    return ImportBatch.objects.filter(region=region).select_related("user")


def require_follow_up_member(user, region: Region) -> None:
    if not is_follow_up_member(user, region):
        raise PermissionDenied


def get_batch_for_user(user, pk: int) -> ImportBatch:
    batch = (
        ImportBatch.objects.filter(pk=pk, region__in=regions_for_user(user))
        .select_related("region", "user", "rolled_back_by")
        .first()
    )
    if batch is None:
        raise Http404
    if not is_follow_up_member(user, batch.region):
        raise PermissionDenied
    return batch


def get_batch_for_user_rw(user, pk: int) -> ImportBatch:
    batch = get_batch_for_user(user, pk)
    if not is_region_admin(user, batch.region):
        raise PermissionDenied
    return batch


def _library_object_rw(queryset, user, pk: int):
    """An entry of the region's own library that the user administers; shared entries are read-only."""
    entry = queryset.filter(pk=pk).filter(
        **{"region__in": regions_for_user(user)}
    ).select_related("region").first()
    if entry is None:
        if queryset.filter(pk=pk, region__isnull=True).exists():
            raise PermissionDenied
        raise Http404
    if not is_region_admin(user, entry.region):
        raise PermissionDenied
    return entry


def get_indicator_for_user_rw(user, pk: int) -> Indicator:
    return _library_object_rw(Indicator.objects.all(), user, pk)


def get_data_source_for_user_rw(user, pk: int) -> DataSource:
    return _library_object_rw(DataSource.objects.all(), user, pk)


def get_indicator_for_region(region: Region, pk: int) -> Indicator:
    """An indicator the region may see (shared or its own); 404 otherwise."""
    indicator = Indicator.objects.for_region(region).select_related("source").filter(pk=pk).first()
    if indicator is None:
        raise Http404
    return indicator


def indicators_for_region(region: Region):
    return Indicator.objects.for_region(region).select_related("source", "region")


def data_sources_for_region(region: Region):
    return DataSource.objects.for_region(region).select_related("region")
