"""Imports and rollbacks whose worker died (OOM kill, deploy restart, reboot) must not show "running" for ever.

An import writes its values *and* its result in one transaction, and a rollback likewise, so a worker that
dies leaves nothing half-written: the database rolls the transaction back. What it leaves is the batch's
status. A batch is *interrupted* when nobody works on it (``liveness``: the worker's lock is gone
with the worker), it has been in its state longer than ``GRACE``, and

* it says *running*: the worker that set it has stopped before writing a result; or
* it is waiting (*queued*, or *rolling back* before the worker gets to it) and no task for it is still to
  come: none ready to run, none claimed by a worker in the last ``GRACE`` (the moment between claiming a
  task and taking the batch's lock). So a batch waiting for a worker that is down stays queued until the
  worker is back; a batch whose task was lost (the web process stopped before handing it over) is freed.

The lock alone decides whether work is alive; ``GRACE`` only makes the rule wait a little more: for the
moments between saving a status and taking the lock (an upload, a task being claimed), and for anything that
writes a batch's status without the lock (a test playing the worker). It never marks a live import, however
slow: a live import holds its lock.

An interrupted import or dry run ends *failed* with a message saying that nothing has changed, and can be
started again from its page; an interrupted rollback leaves the import *done*, to be rolled back again.
Recorded by the worker (``manage.py worker``: at start and every minute) and by ``manage.py
import_batches_recover`` (for cron, or before starting a worker), never by a page: a GET only reads.

Which tasks count as "still to come" is the caller's to say (``task_paths``): ``jobs.tasks`` hands over its
own, so this module never imports the tasks that import it.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import DatabaseError
from django.db.models import QuerySet
from django.tasks import TaskResultStatus
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks_db.models import DBTaskResult

from indicators.imports.jobs import liveness, progress
from indicators.models import BatchStatus, ImportBatch

logger = logging.getLogger(__name__)

GRACE = timedelta(minutes=5)
ACTIVE_STATUSES = (BatchStatus.QUEUED, BatchStatus.RUNNING, BatchStatus.ROLLING_BACK)


def interrupted_batches_mark(
    *, task_paths: list[str], batches: QuerySet | None = None, now: datetime | None = None
) -> list[ImportBatch]:
    """Mark the interrupted batches among ``batches`` (default: all), counting a queued or just-claimed run of
    the tasks at ``task_paths`` as work still to come; returns them. A handful of queries whatever the number
    of batches, and only when some batch is still active."""
    now = now or timezone.now()
    queryset = ImportBatch.objects.all() if batches is None else batches
    candidates = list(
        queryset.filter(status__in=ACTIVE_STATUSES)
        .order_by("pk")
        .only("pk", "status", "queued_at", "confirmed_at", "created_at", "started_at", "file_name", "region_id")
    )
    if not candidates:
        return []
    recovered = []
    with liveness.batches_idle(batch.pk for batch in candidates) as idle:
        settled = [batch for batch in candidates if batch.pk in idle and _in_state_since(batch) <= now - GRACE]
        waiting = [batch for batch in settled if batch.status != BatchStatus.RUNNING]
        to_come = _batches_with_task_to_come(waiting, task_paths=task_paths, now=now) if waiting else set()
        for batch in settled:
            if batch.pk not in to_come and import_batch_interrupted(batch=batch, now=now):
                recovered.append(batch)
    return recovered


def _in_state_since(batch: ImportBatch) -> datetime:
    if batch.status == BatchStatus.RUNNING and batch.started_at:
        return batch.started_at
    return batch.waiting_since


def import_batch_interrupted(*, batch: ImportBatch, now: datetime | None = None) -> bool:
    """Mark the batch's work as interrupted, if it is still in the state it was seen in. Nothing was written:
    an import or dry run fails, a rollback leaves the import done."""
    now = now or timezone.now()
    seen = ImportBatch.objects.filter(pk=batch.pk, status=batch.status)
    if batch.status == BatchStatus.ROLLING_BACK:
        updated = seen.update(
            status=BatchStatus.DONE,
            rolled_back_by=None,
            interrupted_at=now,
            message=_("Återställningen avbröts innan den blev klar — ingenting har ändrats. Begär den igen."),
        )
    else:
        updated = seen.update(
            status=BatchStatus.FAILED,
            interrupted_at=now,
            finished_at=now,
            progress=100,
            stage="",
            message=(
                _("Importen avbröts innan den blev klar — ingenting har ändrats. Starta den igen.")
                if batch.confirmed_at
                else _("Granskningen av filen avbröts innan den blev klar — ingenting har ändrats. Starta den igen.")
            ),
        )
    if updated:
        progress.forget(batch.pk)
        logger.warning("Import #%s (%s) was interrupted while %s", batch.pk, batch.file_name, batch.status)
    return bool(updated)


def import_batch_interrupted_now(*, batch: ImportBatch) -> None:
    """The worker is being stopped by force mid-task (a second SIGTERM, Ctrl+C): say so at once rather than
    leave it to the next check. The transaction was already rolled back; a broken connection is left to
    that check."""
    try:
        batch.refresh_from_db(fields=["status", "confirmed_at"])
        import_batch_interrupted(batch=batch)
    except DatabaseError:
        logger.warning("Import #%s: the interruption could not be recorded", batch.pk, exc_info=True)


def _batches_with_task_to_come(batches: list[ImportBatch], *, task_paths: list[str], now: datetime) -> set[int]:
    """Ids of the batches that a task in the database backend's queue is still to run (ready), or that a
    worker claimed so recently that it may not have taken the batch's lock yet."""
    ids = {batch.pk for batch in batches}
    to_come = set()
    tasks = DBTaskResult.objects.filter(
        task_path__in=task_paths,
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
    ).values_list("args_kwargs", "status", "started_at")
    for args_kwargs, status, started_at in tasks:
        args = (args_kwargs or {}).get("args") or [(args_kwargs or {}).get("kwargs", {}).get("batch_id")]
        if args[0] in ids and (
            status == TaskResultStatus.READY or (started_at is not None and started_at > now - GRACE)
        ):
            to_come.add(args[0])
    return to_come
