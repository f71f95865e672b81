"""Background work: dry runs, imports and rollbacks of large files run in the worker (``manage.py db_worker``)."""

import logging

from django.tasks import task
from django.utils.translation import gettext as _

from indicators.imports import ImportFileError, import_batch_fail, observations_import
from indicators.rollback import RollbackError, import_batch_rollback, import_batch_rollback_fail
from indicators.models import BatchStatus, ImportBatch

logger = logging.getLogger(__name__)


@task
def import_batch_process(batch_id: int) -> str:
    """The batch's next step: a dry run until the administrator has confirmed, then the import."""
    batch = ImportBatch.objects.select_related("region").get(pk=batch_id)
    if batch.status != BatchStatus.QUEUED:
        return batch.status  # already handled (e.g. a task enqueued twice)
    try:
        observations_import(batch=batch, valid_rows_only=batch.valid_rows_only, dry_run=batch.confirmed_at is None)
    except ImportFileError as error:
        import_batch_fail(batch=batch, message=str(error))
    except Exception:
        logger.exception("Import #%s failed", batch_id)
        import_batch_fail(batch=batch, message=_("Ett oväntat fel inträffade. Ingenting har importerats."))
        raise
    return ImportBatch.objects.values_list("status", flat=True).get(pk=batch_id)


@task
def import_batch_rollback_process(batch_id: int) -> str:
    """Undo a batch marked as rolling back, for the administrator who asked (``rolled_back_by``)."""
    batch = ImportBatch.objects.select_related("rolled_back_by").get(pk=batch_id)
    if batch.status != BatchStatus.ROLLING_BACK:
        return batch.status  # already handled (e.g. a task enqueued twice)
    try:
        import_batch_rollback(batch=batch, user=batch.rolled_back_by)
    except RollbackError as error:
        import_batch_rollback_fail(batch=batch, message=str(error))
    except Exception:
        logger.exception("Rollback of import #%s failed", batch_id)
        import_batch_rollback_fail(batch=batch, message=_("Ett oväntat fel inträffade. Ingenting har återställts."))
        raise
    return ImportBatch.objects.values_list("status", flat=True).get(pk=batch_id)
