"""Archive exports: a closed dialogue's package at once, and a region's year in the worker with progress."""

from __future__ import annotations

import hashlib
import logging
import os
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from archive.builder import PackageWriter, folder_name
from archive.models import ACTIVE_STATUSES, ArchiveExport, ExportStatus
from dialogs.models import Dialogue, DialogueStatus
from dialogs.models.dialogue import person_name
from organisations.models import Region

logger = logging.getLogger(__name__)
STALE_AFTER = timedelta(hours=1)  # a running export that has not moved for this long lost its worker


class ExportRefused(Exception):
    pass


def archive_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "archive"


def export_path(export: ArchiveExport) -> Path:
    return archive_dir() / export.file_name


def year_dialogues(region: Region, year: int):
    """The region's closed dialogues held in ``year``, in date order."""
    return (
        Dialogue.objects.filter(clinic__region=region, status=DialogueStatus.AVSLUTAD, date__year=year)
        .select_related("clinic__region", "guide_version__guide").order_by("date", "pk")
    )


@transaction.atomic
def archive_export_request(*, region: Region, year: int, user) -> ArchiveExport:
    """Order the region's export of ``year``; the worker builds it after the commit. One export at a time per
    region: a second order while one is under way is that one."""
    from archive.tasks import archive_export_build

    Region.objects.select_for_update().filter(pk=region.pk).first()
    running = ArchiveExport.objects.filter(region=region, status__in=ACTIVE_STATUSES).first()
    if running is not None:
        return running
    if not year_dialogues(region, year).exists():
        raise ExportRefused(_("Regionen har inga avslutade dialoger från %(year)s.") % {"year": year})
    export = ArchiveExport.objects.create(region=region, year=year, requested_by=user)
    transaction.on_commit(lambda: archive_export_build.enqueue(export.pk))
    return export


def archive_export_run(*, export: ArchiveExport) -> ArchiveExport:
    """Build the export's ZIP, dialogue by dialogue, recording progress as it goes (each update commits, so the
    page's polling sees it). Taken only when queued (one conditional UPDATE): a task run twice builds once."""
    if not ArchiveExport.objects.filter(pk=export.pk, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING, started_at=timezone.now(), updated_at=timezone.now()
    ):
        return ArchiveExport.objects.get(pk=export.pk)
    export.refresh_from_db()
    dialogues = list(year_dialogues(export.region, export.year))
    ArchiveExport.objects.filter(pk=export.pk).update(total=len(dialogues), done=0)
    name = f"{export.region_id}-{export.year}-{export.pk}-{os.urandom(8).hex()}.zip"
    archive_dir().mkdir(parents=True, exist_ok=True)
    partial = archive_dir() / f"{name}.part"
    try:
        title = _("Arkivpaket: %(region)s, avslutade uppföljningsdialoger %(year)s") % {
            "region": export.region.name, "year": export.year}
        with partial.open("wb") as target:
            writer = PackageWriter(target, title=title, created_by=person_name(export.requested_by))
            for number, dialogue in enumerate(dialogues, 1):
                writer.add_dialogue(dialogue, folder=folder_name(dialogue))
                ArchiveExport.objects.filter(pk=export.pk).update(done=number, updated_at=timezone.now())
            writer.close()
        partial.rename(archive_dir() / name)
    except Exception as error:
        partial.unlink(missing_ok=True)
        logger.exception("Archive export %s failed", export.pk)
        ArchiveExport.objects.filter(pk=export.pk).update(
            status=ExportStatus.FAILED, finished_at=timezone.now(), error=str(error)[:2000])
        raise
    data_path = archive_dir() / name
    now = timezone.now()
    ArchiveExport.objects.filter(pk=export.pk).update(
        status=ExportStatus.DONE, finished_at=now, file_name=name, size=data_path.stat().st_size,
        sha256=_sha256(data_path), expires_at=now + timedelta(hours=settings.ARCHIVE_EXPORT_KEEP_HOURS),
    )
    logger.info("Archive export %s: %s dialogues of %s %s", export.pk, len(dialogues), export.region, export.year)
    export.refresh_from_db()
    return export


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        for chunk in iter(lambda: source.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def archive_exports_expire(*, now=None) -> tuple[int, int]:
    """Delete the files of exports whose time is over, and mark running exports whose worker died. Returns the
    numbers of each."""
    now = now or timezone.now()
    expired = 0
    for export in ArchiveExport.objects.filter(status=ExportStatus.DONE, expires_at__lte=now):
        export_path(export).unlink(missing_ok=True)
        ArchiveExport.objects.filter(pk=export.pk).update(status=ExportStatus.EXPIRED, file_name="")
        expired += 1
    stale = ArchiveExport.objects.filter(status=ExportStatus.RUNNING, updated_at__lte=now - STALE_AFTER).update(
        status=ExportStatus.FAILED, finished_at=now, error=_("Arbetet avbröts. Beställ exporten igen."))
    return expired, stale
