"""Rolling an import back: remove what the batch wrote and restore what it changed or removed, from the
previous state the import kept (``ObservationChange``), in one transaction. A small batch is rolled back
during the request; a large one is marked *rolling back* and undone in the worker (``jobs.tasks``),
like an import, while its page shows how far it has come (``jobs.progress``)."""

from __future__ import annotations

from contextlib import nullcontext

import numpy as np
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.imports.jobs import liveness
from indicators.imports.jobs.progress import ImportProgress
from indicators.imports.write import OBSERVATION_FIELDS, lock_observation_writes
from indicators.models import BatchStatus, ImportBatch, ImportStage, Observation, ObservationChange


class RollbackError(Exception):
    pass


def _refuse_rollback_after_later_changes(batch: ImportBatch) -> None:
    later = list(
        ImportBatch.objects.filter(
            pk__in=ObservationChange.objects.filter(previous_batch=batch).exclude(batch=batch).values("batch")
        )
        .exclude(status=BatchStatus.ROLLED_BACK)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if later:
        raise RollbackError(
            _("Senare importer (%(batches)s) har ändrat samma värden. Återställ dem först.")
            % {"batches": ", ".join(f"#{pk}" for pk in later)}
        )


@transaction.atomic
def import_batch_rollback_queue(*, batch: ImportBatch, user) -> ImportBatch:
    """Mark a done import as rolling back, for the worker to undo (``import_batch_rollback``). Refused at
    once, like a rollback, when a later import has changed the same values."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != BatchStatus.DONE:
        raise RollbackError(_("Bara genomförda importer kan återställas."))
    _refuse_rollback_after_later_changes(batch)
    batch.status = BatchStatus.ROLLING_BACK
    batch.rolled_back_by = user
    batch.queued_at = timezone.now()
    batch.save(update_fields=["status", "rolled_back_by", "queued_at"])
    return batch


def import_batch_rollback(*, batch: ImportBatch, user) -> ImportBatch:
    """Undo a done import exactly: remove what it wrote and restore what it changed or removed, in one
    transaction. Refused when a later import has since changed the same values (roll that one back first).
    Holds the batch's lock (two requests never roll it back twice) and the import lock (no import compares with
    values while they are being put back). In the worker (a batch *rolling back*) it reports its progress as an
    import does, chunk by chunk."""
    with liveness.batch_work(batch.pk):
        in_worker = ImportBatch.objects.filter(pk=batch.pk, status=BatchStatus.ROLLING_BACK).exists()
        progress = ImportProgress(batch) if in_worker else None
        try:
            with progress.writing() if progress else nullcontext(), transaction.atomic():
                return _roll_back(batch.pk, user=user, progress=progress)
        finally:
            if progress is not None:
                progress.close()


def _roll_back(batch_id: int, *, user, progress: ImportProgress | None) -> ImportBatch:
    batch = ImportBatch.objects.get(pk=batch_id)
    if batch.status not in (BatchStatus.DONE, BatchStatus.ROLLING_BACK):
        raise RollbackError(_("Bara genomförda importer kan återställas."))
    lock_observation_writes()
    _refuse_rollback_after_later_changes(batch)
    written = _ids(Observation, batch.pk)
    previous = _ids(ObservationChange, batch.pk)
    done = _Done(progress, len(written) + len(previous))
    with connection.cursor() as cursor:
        for low, high, count in _windows(written):
            cursor.execute(
                f"DELETE FROM {Observation._meta.db_table} WHERE batch_id = %s AND id BETWEEN %s AND %s",
                [batch.pk, low, high],
            )
            done.add(count)
    fields = ", ".join(OBSERVATION_FIELDS)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            for low, high, count in _windows(previous):
                cursor.execute(
                    f"""INSERT INTO {Observation._meta.db_table} ({fields}, batch_id, owner_id)
                        SELECT {fields}, previous_batch_id, %s FROM {ObservationChange._meta.db_table}
                        WHERE batch_id = %s AND id BETWEEN %s AND %s""",
                    [batch.region_id, batch.pk, low, high],
                )
                done.add(count)
    except IntegrityError as error:
        raise RollbackError(
            _("En senare import har lagt till värden som den här importen tog bort. Återställ den först.")
        ) from error
    batch.status = BatchStatus.ROLLED_BACK
    batch.rolled_back_at = timezone.now()
    batch.rolled_back_by = user
    if batch.interrupted_at:  # an earlier attempt was interrupted: its "ask again" no longer applies
        batch.message, batch.interrupted_at = "", None
    batch.save(update_fields=["status", "rolled_back_at", "rolled_back_by", "message", "interrupted_at"])
    return batch


ROLLBACK_CHUNK = 100_000  # rows per statement: a report to the page after each


def _ids(model, batch_id: int) -> np.ndarray:
    """The ids of the batch's rows of ``model``, in order (observations: one scan, they have no batch index)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {model._meta.db_table} WHERE batch_id = %s ORDER BY id", [batch_id])
        return np.fromiter((row[0] for row in cursor.fetchall()), dtype=np.int64)


def _windows(ids: np.ndarray):
    """(lowest id, highest id, rows) of each run of ``ROLLBACK_CHUNK`` ids: a range scan of the primary key."""
    for start in range(0, len(ids), ROLLBACK_CHUNK):
        chunk = ids[start : start + ROLLBACK_CHUNK]
        yield int(chunk[0]), int(chunk[-1]), len(chunk)


class _Done:
    """Counts the rows removed or put back, for the page (nothing to report outside the worker)."""

    def __init__(self, progress: ImportProgress | None, total: int):
        self.progress, self.total, self.count = progress, total, 0
        if progress is not None:
            progress.report(0, ImportStage.ROLLBACK)
            progress.rows(0, total, low=0, high=99)

    def add(self, rows: int) -> None:
        self.count += rows
        if self.progress is not None:
            self.progress.rows(self.count, self.total, low=0, high=99)


def import_batch_rollback_fail(*, batch: ImportBatch, message: str) -> None:
    """A rollback in the worker did not go through: its transaction put nothing back, so the batch is done
    again, with the reason on its page."""
    ImportBatch.objects.filter(pk=batch.pk, status=BatchStatus.ROLLING_BACK).update(
        status=BatchStatus.DONE,
        rolled_back_by=None,
        message=(_("Importen kunde inte återställas: %(reason)s") % {"reason": message})[:2000],
    )
