"""python manage.py worker – the task worker: django-tasks-db's ``db_worker`` (same options) that also records
imports and rollbacks whose worker stopped before they were done (``indicators.imports.jobs.recovery``), once at
start and then every ``RECOVER_EVERY`` seconds in a thread of its own. So an interrupted import is marked as such
without anyone reading its page (a page only reads), also when another worker is the one that died."""

from __future__ import annotations

import logging
import os
import threading

from django.db import DatabaseError, connection
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from indicators.imports import import_batches_recover

logger = logging.getLogger(__name__)

RECOVER_EVERY = 60  # seconds; recovery.GRACE (5 minutes) decides when a batch counts as interrupted


def recover_once() -> list:
    """One look for interrupted imports; a database that cannot be reached just now is tried again next time."""
    try:
        recovered = import_batches_recover()
    except DatabaseError:
        logger.warning("Interrupted imports could not be looked for", exc_info=True)
        return []
    for batch in recovered:
        logger.warning("Import #%s (%s) was marked interrupted", batch.pk, batch.file_name)
    return recovered


def _recover_every(seconds: float, stop: threading.Event) -> None:
    try:
        while not stop.wait(seconds):
            recover_once()
    finally:
        connection.close()  # this thread's own connection


class Command(DbWorkerCommand):
    help = (
        "Kör bakgrundsjobb (som db_worker) och markerar importer vars arbetsprocess har stoppats: när den startar "
        "och sedan varje minut."
    )

    def handle(self, *args, **options):
        # With --reload the parent process only watches files; the child that runs tasks looks for interrupted work.
        if options.get("reload") and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
            return super().handle(*args, **options)
        recovered = recover_once()
        if recovered:
            self.stdout.write(f"{len(recovered)} avbrutna importer markerade.")
        stop = threading.Event()
        looking = threading.Thread(target=_recover_every, args=(RECOVER_EVERY, stop), daemon=True, name="recover")
        looking.start()
        try:
            return super().handle(*args, **options)
        finally:  # --batch or --max-tasks: the worker ends, and so does the looking
            stop.set()
            looking.join()
