"""Whether a process is working on an import batch right now: a lock that the operating system or the
database releases by itself when that process ends, however it ends (exit, SIGTERM, SIGKILL, OOM kill).

The worker holds the batch's lock from before it reads the batch's status until after the result has been
written (``jobs.tasks``). So a batch that says *running* while nobody holds its lock was left behind by
a process that is gone, and its transaction, which held every write, was rolled back with it. No clock is
involved: a slow import that is alive keeps its lock for as long as it takes.

* PostgreSQL: a session-level advisory lock ``(LOCK_CLASS, batch id)`` on the worker's connection. The
  server drops it when the connection ends, so web and worker may run on different machines. (A pooler in
  transaction mode, e.g. PgBouncer ``pool_mode=transaction``, would break session locks: connect the worker
  directly.)
* SQLite (one machine by nature): an exclusive ``flock`` on a small file per batch beside the database file.
  The kernel drops it when the process dies; unlike POSIX record locks it also excludes another thread of the
  same process, so a status request never mistakes an import running in its own server process for a dead one.

``batches_idle`` answers by *taking* the locks it can, without waiting, and holds them while the caller
decides: a worker that is about to start waits for that moment and then reads the status the caller left.
"""

from __future__ import annotations

import fcntl
import os
import tempfile
import threading
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection

# First half of the two-key advisory lock; the second is the batch id. Two-key locks live apart from the
# one-key import lock (indicators.imports.write.IMPORT_LOCK_KEY), so the numbers never collide.
LOCK_CLASS = 5_000_002


_held = threading.local()


@contextmanager
def batch_work(batch_id: int) -> Iterator[None]:
    """Held by the process that works on the batch, for as long as it works; waits while another holds it.
    Nests: the task holds it around the import, which holds it too for callers other than the task."""
    held = _held.__dict__.setdefault("batch_ids", set())
    if batch_id in held:
        yield
        return
    held.add(batch_id)
    try:
        with _batch_lock(batch_id):
            yield
    finally:
        held.discard(batch_id)


@contextmanager
def _batch_lock(batch_id: int) -> Iterator[None]:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [LOCK_CLASS, batch_id])
        try:
            yield
        finally:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_CLASS, batch_id])
            except DatabaseError:
                connection.close()  # a connection that cannot unlock is dropped, which unlocks
    else:
        with _lock_file(batch_id) as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            yield


@contextmanager
def batches_idle(batch_ids: Iterable[int]) -> Iterator[set[int]]:
    """The batches nobody works on, locked for the duration of the block so that no worker starts on them
    meanwhile. (On PostgreSQL a lock held by this same connection counts as idle: session locks nest.)"""
    batch_ids = sorted(set(batch_ids))
    if not batch_ids:
        yield set()
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id FROM unnest(%s::integer[]) AS id WHERE pg_try_advisory_lock(%s, id)", [batch_ids, LOCK_CLASS]
            )
            idle = {row[0] for row in cursor.fetchall()}
        try:
            yield idle
        finally:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_advisory_unlock(%s, id) FROM unnest(%s::integer[]) AS id", [LOCK_CLASS, sorted(idle)]
                )
    else:
        with ExitStack() as stack:
            idle = set()
            for batch_id in batch_ids:
                handle = stack.enter_context(_lock_file(batch_id))
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue
                idle.add(batch_id)
            yield idle


def lock_directory() -> Path:
    """Beside the SQLite database (which web and worker share by necessity), or ``IMPORT_LOCK_DIR``. The files
    are empty and stay: removing one while a process may open it would race with that process."""
    configured = getattr(settings, "IMPORT_LOCK_DIR", None)
    if configured:
        return Path(configured)
    if connection.vendor == "sqlite" and not connection.is_in_memory_db():
        database = Path(connection.settings_dict["NAME"])
        return database.with_name(f"{database.name}.import-locks")
    return Path(tempfile.gettempdir()) / f"pu-import-locks-{os.getpid()}"  # an in-memory database lives in one process


@contextmanager
def _lock_file(batch_id: int):
    directory = lock_directory()
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / f"batch-{batch_id}.lock", "ab") as handle:
        yield handle  # closing the file releases its lock
