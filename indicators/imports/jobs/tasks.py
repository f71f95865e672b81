"""Background work: dry runs, imports and rollbacks of large files run in the worker (``manage.py worker``),
and the worker's record of work that was interrupted (``recovery``)."""

import logging
from collections.abc import Callable
from datetime import datetime

from django.db.models import QuerySet
from django.tasks import task
from django.utils.translation import gettext as _

from indicators.imports.jobs import liveness, recovery
from indicators.imports.rollback import RollbackError, import_batch_rollback, import_batch_rollback_fail
from indicators.imports.write import ImportFileError, import_batch_fail, observations_import
from indicators.models import BatchStatus, ImportBatch

logger = logging.getLogger(__name__)


def _run(
    batch_id: int,
    *,
    waiting: str,
    work: Callable[[ImportBatch], object],
    refused: type[Exception],
    fail: Callable[..., None],
    unexpected: str,
) -> str:
    """Do ``work`` on the batch if it is still ``waiting`` for it (a task may be enqueued twice); a refusal
    the user can act on is kept on the batch by ``fail``, anything else too, with ``unexpected``, and raised.

    The batch's lock is held from before its status is read until after its result is written: while the
    lock is held nobody takes the batch for interrupted, and once this process is gone, so is the lock
    (``recovery``)."""
    with liveness.batch_work(batch_id):
        batch = ImportBatch.objects.select_related("region", "rolled_back_by").get(pk=batch_id)
        if batch.status != waiting:
            return batch.status
        try:
            work(batch)
        except refused as error:
            fail(batch=batch, message=str(error))
        except Exception:
            logger.exception("Task on import #%s failed", batch_id)
            fail(batch=batch, message=unexpected)
            raise
        except BaseException:
            recovery.import_batch_interrupted_now(batch=batch)  # SystemExit/KeyboardInterrupt: stopped by force
            raise
        return ImportBatch.objects.values_list("status", flat=True).get(pk=batch_id)


@task
def import_batch_process(batch_id: int) -> str:
    """The batch's next step: a dry run until the administrator has confirmed, then the import."""
    return _run(
        batch_id,
        waiting=BatchStatus.QUEUED,
        work=lambda batch: observations_import(
            batch=batch, valid_rows_only=batch.valid_rows_only, dry_run=batch.confirmed_at is None
        ),
        refused=ImportFileError,
        fail=import_batch_fail,
        unexpected=_("Ett oväntat fel inträffade. Ingenting har importerats."),
    )


@task
def import_batch_rollback_process(batch_id: int) -> str:
    """Undo a batch marked as rolling back, for the administrator who asked (``rolled_back_by``)."""
    return _run(
        batch_id,
        waiting=BatchStatus.ROLLING_BACK,
        work=lambda batch: import_batch_rollback(batch=batch, user=batch.rolled_back_by),
        refused=RollbackError,
        fail=import_batch_rollback_fail,
        unexpected=_("Ett oväntat fel inträffade. Ingenting har återställts."),
    )


def import_batches_recover(*, batches: QuerySet | None = None, now: datetime | None = None) -> list[ImportBatch]:
    """Mark the imports and rollbacks among ``batches`` (default: all) whose worker stopped before they were done
    (``recovery``); a queued run of these tasks still counts as work to come. Returns the batches marked."""
    task_paths = [import_batch_process.module_path, import_batch_rollback_process.module_path]
    return recovery.interrupted_batches_mark(task_paths=task_paths, batches=batches, now=now)
