"""Progress of a running import, written where the page that polls can see it.

An import compares and writes inside one transaction (``indicators.imports.write``), and nothing written from
inside a transaction is visible to other connections until it commits. So:

* outside that transaction, progress is an ordinary small UPDATE of the batch;
* inside it, on PostgreSQL, progress goes through a *second* connection to the same database, in autocommit:
  the page sees every step of the write while the import's own transaction stays open. The import never
  locks the batch row (observations and their changes point at it without a database constraint), so the
  two connections never wait on each other;
* where there can be no second writer (SQLite), or the import runs inside a transaction someone else
  opened (the management command, tests) so that the batch row may not even be visible to another
  connection, nothing is reported from inside: the stage before it says "comparing and writing", and the
  page shows that stage by name with an indeterminate bar.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager

from django.db import DatabaseError, connection

from indicators.models import ImportBatch

logger = logging.getLogger(__name__)

# A progress write that has to wait this long is skipped rather than holding up the import.
SIDE_LOCK_TIMEOUT = "2s"


class ImportProgress:
    """``report(percent, stage, **fields)`` for one batch; the import wraps its transaction in
    ``writing()`` and calls ``close()`` when it ends."""

    def __init__(self, batch: ImportBatch):
        self.batch = batch
        self._side = None
        self._writing = False
        # Decided before the import opens its transaction: a second connection sees the batch, and can
        # update it without waiting, only when no transaction is open around the import.
        self.live = connection.vendor == "postgresql" and not connection.in_atomic_block

    @contextmanager
    def writing(self):
        """Around the import's transaction: reports go through the second connection, or nowhere."""
        self._writing = True
        try:
            yield
        finally:
            self._writing = False

    def report(self, percent: int, stage: str | None = None, **fields) -> None:
        if stage is not None:
            fields["stage"] = stage
        self.batch.progress = percent
        for name, value in fields.items():
            setattr(self.batch, name, value)
        if not self._writing:
            ImportBatch.objects.filter(pk=self.batch.pk).update(progress=percent, **fields)
        elif self.live:
            self._side_update(progress=percent, **fields)
        # else: invisible until the import commits, and the import's end writes the final state anyway.

    def _side_update(self, **fields) -> None:
        table = ImportBatch._meta.db_table
        assignments = ", ".join(f"{ImportBatch._meta.get_field(name).column} = %s" for name in fields)
        try:
            if self._side is None:
                self._side = connection.copy(alias=f"{connection.alias}-import-progress")
                with self._side.cursor() as cursor:
                    cursor.execute(f"SET lock_timeout = '{SIDE_LOCK_TIMEOUT}'")
            with self._side.cursor() as cursor:
                cursor.execute(f"UPDATE {table} SET {assignments} WHERE id = %s", [*fields.values(), self.batch.pk])
        except DatabaseError:
            # Progress is a courtesy: the import goes on, the page keeps the last stage it saw.
            logger.warning("Import #%s: progress could not be written", self.batch.pk, exc_info=True)
            self.live = False
            self.close()

    def close(self) -> None:
        if self._side is not None:
            self._side.close()
            self._side = None
