"""An import batch from upload to result: the uploaded file kept with its provenance, the dry run and the import
run now (small files) or in the worker (large ones), confirmation, starting an interrupted import again, and a
rollback now or in the worker. The error report as a CSV file."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.spreadsheets import csv_text
from indicators.imports.formats.xlsx import unpacked_size
from indicators.imports.jobs.tasks import import_batch_process, import_batch_rollback_process
from indicators.imports.rollback import import_batch_rollback, import_batch_rollback_queue
from indicators.imports.write import ImportFileError
from indicators.models import BatchStatus, ImportBatch
from organisations.models import Region

# Files up to this size are previewed and imported during the request; larger ones go to the worker.
IMPORT_INLINE_MAX_BYTES = getattr(settings, "IMPORT_INLINE_MAX_BYTES", 2 * 1024 * 1024)
# A workbook is judged by what it unpacks to as well: its XML is read at about 5 MB a second (a 1.2 MB workbook of
# 25,000 rows unpacks to 14 MB and reads in 3 s, like a 2 MB CSV file), and 1.7 MB can unpack to 326 MB.
IMPORT_INLINE_MAX_UNPACKED_BYTES = getattr(settings, "IMPORT_INLINE_MAX_UNPACKED_BYTES", 16 * 1024 * 1024)
# Batches that wrote up to this many values are rolled back during the request (well under a second);
# larger ones in the worker (a national import's rollback takes seconds).
ROLLBACK_INLINE_MAX_ROWS = getattr(settings, "ROLLBACK_INLINE_MAX_ROWS", 100_000)


class UploadTooLarge(Exception):
    pass


@transaction.atomic
def import_batch_create(*, region: Region, user, upload) -> ImportBatch:
    """Keep an uploaded file with its provenance (name, size, SHA-256) as a queued batch."""
    if upload.size > settings.MAX_IMPORT_BYTES:
        raise UploadTooLarge(
            _("Filen är för stor (%(size)s MB). Största tillåtna storlek är %(max)s MB.")
            % {"size": round(upload.size / 1024 / 1024, 1), "max": settings.MAX_IMPORT_BYTES // (1024 * 1024)}
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    batch = ImportBatch(
        region=region,
        user=user,
        file_name=upload.name[:255],
        file_size=upload.size,
        checksum=digest.hexdigest(),
        status=BatchStatus.QUEUED,
        queued_at=timezone.now(),
    )
    batch.file.save(upload.name, upload, save=False)
    batch.save()
    return batch


def import_batch_create_from_bytes(*, region: Region, user, file_name: str, content: bytes) -> ImportBatch:
    return import_batch_create(region=region, user=user, upload=ContentFile(content, name=file_name))


def import_batch_schedule(*, batch: ImportBatch) -> None:
    """Run the batch's next step – the dry run, or the import once confirmed – now for small files, in the
    worker for large ones (the page then shows progress)."""
    if _runs_inline(batch):
        import_batch_process.call(batch.pk)
    else:
        transaction.on_commit(lambda: import_batch_process.enqueue(batch.pk))


def _runs_inline(batch: ImportBatch) -> bool:
    """A small file, and for a workbook a small unpacked size (read from the zip's directory, not inflated)."""
    if batch.file_size > IMPORT_INLINE_MAX_BYTES:
        return False
    with batch.file.open("rb") as handle:
        unpacked = unpacked_size(handle)
    return unpacked is None or unpacked <= IMPORT_INLINE_MAX_UNPACKED_BYTES


@transaction.atomic
def import_batch_confirm(*, batch: ImportBatch, valid_rows_only: bool) -> ImportBatch:
    """The administrator has seen the preview and asks for the import."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if not batch.can_confirm:
        raise ImportFileError(_("Importen är redan bekräftad eller klar."))
    batch.confirmed_at = timezone.now()
    batch.valid_rows_only = valid_rows_only
    batch.status = BatchStatus.QUEUED
    batch.progress = 0
    batch.stage = ""
    batch.queued_at = batch.confirmed_at
    batch.save(update_fields=["confirmed_at", "valid_rows_only", "status", "progress", "stage", "queued_at"])
    return batch


@transaction.atomic
def import_batch_restart(*, batch: ImportBatch) -> ImportBatch:
    """Queue again an import or dry run whose worker stopped before it finished (``jobs.recovery``), from the
    same stored file and with the same choices; the caller schedules it like the first time."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if not batch.can_restart:
        raise ImportFileError(_("Bara en import som avbröts kan startas igen."))
    batch.status = BatchStatus.QUEUED
    batch.queued_at = timezone.now()
    batch.interrupted_at = None
    batch.started_at = None
    batch.finished_at = None
    batch.message = ""
    batch.progress = 0
    batch.stage = ""
    batch.save(
        update_fields=["status", "queued_at", "interrupted_at", "started_at", "finished_at", "message", "progress", "stage"]
    )
    return batch


def import_batch_rollback_in_worker(batch: ImportBatch) -> bool:
    return batch.rollback_rows > ROLLBACK_INLINE_MAX_ROWS


def import_batch_rollback_schedule(*, batch: ImportBatch, user) -> ImportBatch:
    """Roll a small batch back now, so the page answers with the result; mark a large one as rolling back and
    let the worker undo it (its page then shows the rollback under way). Either way the rollback is one
    transaction, refused as a whole when a later import has changed the same values."""
    if not import_batch_rollback_in_worker(batch):
        return import_batch_rollback(batch=batch, user=user)
    batch = import_batch_rollback_queue(batch=batch, user=user)
    transaction.on_commit(lambda: import_batch_rollback_process.enqueue(batch.pk))
    return batch


def import_batch_errors_csv(batch: ImportBatch) -> str:
    """The batch's error report (row, column, message) as Swedish Excel opens it, no cell a formula."""
    rows = [(error.get("line") or "", error.get("column") or "", error.get("message", "")) for error in batch.error_report]
    return csv_text([("rad", "kolumn", "fel"), *rows])
