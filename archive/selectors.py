"""Reads of the archive pages."""

from archive.models import ArchiveExport
from dialogs.models import Dialogue, DialogueStatus


def export_years(region) -> list[int]:
    """The years in which the region has closed dialogues, newest first (one query)."""
    dates = Dialogue.objects.filter(clinic__region=region, status=DialogueStatus.AVSLUTAD).dates("date", "year", order="DESC")
    return [day.year for day in dates]


def region_exports(region):
    return ArchiveExport.objects.filter(region=region).select_related("requested_by")[:20]
