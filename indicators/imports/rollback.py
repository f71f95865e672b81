"""Rolling an import back: remove what the batch wrote and restore what it changed or removed, from the
previous state the import kept (``ObservationChange``), in one transaction. A small batch is rolled back
during the request; a large one is marked *rolling back* and undone in the worker (``jobs.tasks``),
like an import, while its page shows that it is under way."""

from __future__ import annotations

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.imports.write import OBSERVATION_FIELDS, lock_observation_writes
from indicators.models import BatchStatus, ImportBatch, Observation, ObservationChange


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


@transaction.atomic
def import_batch_rollback(*, batch: ImportBatch, user) -> ImportBatch:
    """Undo a done import exactly: remove what it wrote and restore what it changed or removed. Refused when a
    later import has since changed the same values (roll that one back first). Holds the import lock, so no
    import compares with values while they are being put back."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status not in (BatchStatus.DONE, BatchStatus.ROLLING_BACK):
        raise RollbackError(_("Bara genomförda importer kan återställas."))
    lock_observation_writes()
    _refuse_rollback_after_later_changes(batch)
    Observation.objects.filter(batch=batch).delete()
    fields = ", ".join(OBSERVATION_FIELDS)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"""INSERT INTO {Observation._meta.db_table} ({fields}, batch_id, owner_id)
                    SELECT {fields}, previous_batch_id, %s FROM {ObservationChange._meta.db_table} WHERE batch_id = %s""",
                [batch.region_id, batch.pk],
            )
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


def import_batch_rollback_fail(*, batch: ImportBatch, message: str) -> None:
    """A rollback in the worker did not go through: its transaction put nothing back, so the batch is done
    again, with the reason on its page."""
    ImportBatch.objects.filter(pk=batch.pk, status=BatchStatus.ROLLING_BACK).update(
        status=BatchStatus.DONE,
        rolled_back_by=None,
        message=(_("Importen kunde inte återställas: %(reason)s") % {"reason": message})[:2000],
    )
