"""Progress of a running import or rollback, written where the page that polls can see it.

An import compares and writes inside one transaction (``indicators.imports.write``), and nothing written from
inside a transaction is visible to other connections until it commits. So:

* outside that transaction, progress is an ordinary small UPDATE of the batch;
* inside it, on PostgreSQL, progress goes through a *second* connection to the same database, in autocommit:
  the page sees every step of the write while the import's own transaction stays open. The import never
  locks the batch row (observations and their changes point at it without a database constraint), so the
  two connections never wait on each other;
* inside it, on SQLite (one writer: no second connection may write while the import's transaction is open),
  progress goes to a small file beside the database (``liveness.lock_directory()``, which web and worker share
  by necessity), replaced whole at each report; the page reads it over what the batch row says (``observed``)
  and the file is removed when the work ends;
* where neither can reach the page (PostgreSQL inside a transaction someone else opened, e.g. the management
  command's, so that the batch row may not even be visible to another connection), nothing is reported from
  inside: the stage before it says "comparing and writing", and the page shows it by name, unmeasured.

While values are written (``rows``), the report carries how many of how many and since when, from which the
page estimates the time left (``ImportBatch.seconds_left``).
"""

from __future__ import annotations

import json
import logging
import os
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from django.db import DatabaseError, connection
from django.utils import timezone

from indicators.imports.jobs import liveness
from indicators.models import ImportBatch

logger = logging.getLogger(__name__)

# A progress write that has to wait this long is skipped rather than holding up the import.
SIDE_LOCK_TIMEOUT = "2s"
# What a progress file may set on the batch the page reads.
_FILE_FIELDS = ("progress", "stage", "rows_written", "rows_to_write", "write_started_at", "added_count",
                "changed_count", "removed_count")


def _channel() -> str | None:
    """How reports from inside the work's transaction reach the page: "side" (a second connection), "file", or
    None. Decided before the work opens its transaction: on PostgreSQL a second connection sees the batch, and
    can update it without waiting, only when no transaction is open around the work."""
    if connection.vendor == "postgresql":
        return None if connection.in_atomic_block else "side"
    return "file"


def _file(batch_id: int) -> Path:
    return liveness.lock_directory() / f"batch-{batch_id}.progress.json"


class ImportProgress:
    """``report(percent, stage, **fields)`` and ``rows(written, total, low, high)`` for one batch; the work wraps
    its transaction in ``writing()`` and calls ``close()`` when it ends."""

    def __init__(self, batch: ImportBatch):
        self.batch = batch
        self._side = None
        self._writing = False
        self._in_file: dict = {}
        self.channel = _channel()
        self.live = self.channel is not None

    @contextmanager
    def writing(self):
        """Around the work's transaction: reports go through the second connection or the file, or nowhere."""
        self._writing = True
        try:
            yield
        finally:
            self._writing = False

    def report(self, percent: int, stage: str | None = None, **fields) -> None:
        if stage is not None:
            fields["stage"] = stage
        fields["progress"] = percent
        for name, value in fields.items():
            setattr(self.batch, name, value)
        if not self._writing:
            ImportBatch.objects.filter(pk=self.batch.pk).update(**fields)
        elif self.channel == "side":
            self._side_update(**fields)
        elif self.channel == "file":
            self._file_update(**fields)
        # else: invisible until the work commits, and its end writes the final state anyway.

    def rows(self, written: int, total: int, *, low: int, high: int) -> None:
        """``written`` of ``total`` values are in: the share between ``low`` and ``high`` percent, with the
        counts and (at the first report) when the writing started."""
        fields = {"rows_written": written, "rows_to_write": total}
        if self.batch.write_started_at is None or written == 0:
            fields["write_started_at"] = timezone.now()
        self.report(low + (high - low) * written // max(total, 1), **fields)

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
            # Progress is a courtesy: the work goes on, the page keeps the last stage it saw.
            logger.warning("Import #%s: progress could not be written", self.batch.pk, exc_info=True)
            self.channel, self.live = None, False
            self.close()

    def _file_update(self, **fields) -> None:
        self._in_file.update(
            {name: value.isoformat() if isinstance(value, datetime) else value for name, value in fields.items()}
        )
        path = _file(self.batch.pk)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_text(json.dumps(self._in_file), encoding="utf-8")
            os.replace(temporary, path)  # whole: a reader never sees half a file
        except OSError:
            logger.warning("Import #%s: progress could not be written", self.batch.pk, exc_info=True)
            self.channel, self.live = None, False

    def close(self) -> None:
        if self._side is not None:
            self._side.close()
            self._side = None
        if self._in_file:
            forget(self.batch.pk)
            self._in_file = {}


def forget(batch_id: int) -> None:
    """Remove a batch's progress file (the work ended, or was found interrupted)."""
    try:
        _file(batch_id).unlink(missing_ok=True)
    except OSError:
        logger.warning("Import #%s: its progress file could not be removed", batch_id, exc_info=True)


def observed(batch: ImportBatch) -> ImportBatch:
    """The batch as the page should show it: what its row says, and over it, while the work is under way, what
    the work reported to its progress file. Reads only."""
    if not batch.is_active:
        return batch
    try:
        reported = json.loads(_file(batch.pk).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return batch
    for name in _FILE_FIELDS:
        if name in reported:
            value = reported[name]
            setattr(batch, name, datetime.fromisoformat(value) if name == "write_started_at" and value else value)
    return batch
