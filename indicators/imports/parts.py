"""Importing a large CSV file in parts, so that reading the file and writing it overlap (``write`` uses this).

Read whole, a national file is first parsed and checked in Python (about a third of the time) and then written by
the database (the rest), one after the other, on a machine with two cores. In parts, the import's own thread reads,
checks and places part *n + 1* of the file while a second thread compares part *n* with what is stored and writes
it (``PartWriter``): the time is about the larger of the two instead of their sum (bench/import.py). PostgreSQL
works in its own process; SQLite works in this one but lets go of Python's lock while it writes, so it gains less.

Everything still happens in the import's one transaction, under its lock, and the result is the one reading the
file whole gives: parts are combined only while no part has an error and no observation repeats across parts
(``SeenKeys``). Any of that raises ``NotClean``; the transaction is rolled back and the file is read whole, which
finds and reports the errors and duplicates as it always has. The second thread is the only one that uses the
database while the parts are written: the import's own thread only reads the file (its progress goes through
``ImportProgress``'s own connection).
"""

from __future__ import annotations

import queue
import sys
import threading
from collections.abc import Callable

import numpy as np
import pandas as pd
from django.db import DEFAULT_DB_ALIAS, connection, connections

from indicators.imports.plan import KEY

PART_ROWS = 125_000  # records per part while rows are added: a part is read in about a sixth of a second
FIRST_PART_ROWS = 25_000  # the first part is smaller: nothing is written while it is read
PARTS_FROM_ROWS = 2 * PART_ROWS  # smaller files are read whole: there is too little to overlap
# Python's lock changes hands this often (seconds) while parts are written: the writer takes it for every 128 kB it
# gives PostgreSQL, and with the default 5 ms the reading thread held it so long that PostgreSQL sat waiting (the
# parts' writes took 11.3 s instead of 8.1 s, bench/import.py). The worker process runs one job at a time.
SWITCH_INTERVAL = 0.0005


class NotClean(Exception):
    """A part has an error, or an observation repeats across parts: read the file whole instead."""


def worth_parts(content: bytes) -> bool:
    """Only a file of many records gains from being read in parts."""
    return estimated_rows(content) > PARTS_FROM_ROWS


class PartSizes:
    """How many records the next part has (called before each part): a small first part, since nothing is written
    while it is read; then ``PART_ROWS`` while the writer mostly adds rows, PostgreSQL's slowest work, so that the
    last part, written after everything is read, is short; twice that while it mostly finds them stored already
    (a re-import), where each part costs the reading thread a fixed overhead and fewer parts finish sooner."""

    def __init__(self) -> None:
        self.parts = 0
        self.adding = True  # set by the PartWriter after each part

    def __call__(self) -> int:
        self.parts += 1
        if self.parts == 1:
            return min(FIRST_PART_ROWS, PART_ROWS)
        return PART_ROWS if self.adding else 2 * PART_ROWS


class SeenKeys:
    """The observations of every part, to find one that two parts give. Each key is hashed to one integer; two
    different keys with the same hash only make the import read the file whole. Checked once, at the end (a sort,
    while the last part is written): a repeat that reached the database first broke its unique index (a part does
    not read what the parts before it wrote, ``plan.fetch_stored``'s ``not_batch``), or was a deletion that found
    nothing; either is undone with the transaction."""

    def __init__(self) -> None:
        self._hashes: list[np.ndarray] = []

    def add(self, rows: pd.DataFrame) -> None:
        self._hashes.append(pd.util.hash_pandas_object(rows[KEY], index=False).to_numpy())

    def check(self) -> None:
        """Raise ``NotClean`` if any key came twice."""
        every = np.sort(np.concatenate(self._hashes)) if self._hashes else np.empty(0, dtype=np.uint64)
        if (every[1:] == every[:-1]).any():
            raise NotClean


class PartWriter:
    """Writes the parts, in order, in a second thread: ``put(rows)`` hands one over (waiting while one is still
    queued, so at most two parts are in memory besides the file), ``finish()`` waits for the last and raises what
    the thread raised. ``write(rows)`` does the writing and returns the counts to add up; ``written`` is the
    number of rows handled so far, for the progress the import's own thread reports."""

    def __init__(self, write: Callable[[pd.DataFrame], dict[str, int]], sizes: PartSizes):
        self._write = write
        self._sizes = sizes
        self._queue: queue.Queue = queue.Queue(maxsize=1)
        self._error: BaseException | None = None
        self.counts = {"added": 0, "changed": 0, "unchanged": 0, "removed": 0}
        self.written = 0
        self._connection = connections[DEFAULT_DB_ALIAS]  # this thread's connection, in its open transaction
        self._connection.inc_thread_sharing()
        self._switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(SWITCH_INTERVAL)
        self._thread = threading.Thread(target=self._run, name="import-part-writer", daemon=True)
        self._thread.start()

    def put(self, rows: pd.DataFrame) -> None:
        if self._error is not None:
            raise self._error
        self._queue.put(rows)

    def finish(self, *, failed: bool = False) -> None:
        """Wait for the thread to end; unless ``failed`` (the import's thread is already raising), raise the
        writer's own error. The connection is this thread's alone again afterwards."""
        if failed:
            self._error = self._error or NotClean()  # the thread skips what is still queued
        self._queue.put(None)
        self._thread.join()
        self._connection.dec_thread_sharing()
        sys.setswitchinterval(self._switch_interval)
        if self._error is not None and not failed:
            raise self._error

    def _run(self) -> None:
        connections[DEFAULT_DB_ALIAS] = self._connection  # the import's transaction, not a connection of its own
        while (rows := self._queue.get()) is not None:
            if self._error is not None:
                continue  # a failed import: take the parts off the queue, write none
            try:
                counts = self._write(rows)
                for name, count in counts.items():
                    self.counts[name] += count
                self.written += len(rows)
                self._sizes.adding = counts["added"] * 2 >= len(rows)
            except BaseException as error:  # noqa: BLE001 - handed to the import's thread, which raises it
                self._error = error


def estimated_rows(content: bytes) -> int:
    """The file's records, for the progress bar before the last part is read (a quoted line break counts too):
    its lines less the header, as the first megabyte's average line length predicts (counting every line of a
    national file costs 40 ms before anything is written)."""
    head = content[: 1 << 20]
    lines = max(head.count(b"\n"), 1)
    return max(round(len(content) * lines / len(head)) - 1, 1) if len(content) > len(head) else max(lines - 1, 1)
