"""The import service and the write: read the batch's file (``formats``), place its rows (``resolve``), compare
them with what is stored (``plan``), and write only what differs, all in one transaction.

The write remembers the previous state of what it changes or removes (``ObservationChange``, so a rollback is
exact), updates and deletes by id through a small temporary table, and inserts the new rows: on PostgreSQL with
one binary ``COPY`` straight into the table, built with numpy; on SQLite with ``executemany`` in large chunks.
A handful of statements whatever the size of the file.

A file with any bad row writes nothing unless the user chose to import only the valid rows; importing the
same file twice finds every row unchanged and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from functools import partial

import numpy as np
import pandas as pd
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.imports import formats, parts, plan
from indicators.imports.frame import ParseResult, RowError
from indicators.imports.jobs import liveness
from indicators.imports.jobs.progress import ImportProgress
from indicators.imports.plan import EPOCH, GRANULARITIES, KINDS, NUMBERS, SEXES, STATUSES, Plan
from indicators.imports.resolve import Resolver, resolve
from indicators.models import BatchStatus, ImportBatch, ImportStage, Observation, ObservationChange, UnitKind

ERROR_REPORT_LIMIT = 5000
ANALYZE_AFTER_ROWS = 50_000
IMPORT_LOCK_KEY = 5_000_001  # pg_advisory_xact_lock key held by the import that is writing
CHANGES_TABLE = "indicators_import_changes"
SQLITE_CHUNK = 50_000
# An observation's own columns: what an import writes, what ObservationChange keeps and a rollback restores.
OBSERVATION_FIELDS = (
    "indicator_id", "unit_kind", "clinic_id", "region_id", "period_start", "period_end", "granularity", "sex",
    "value", "numerator", "denominator", "status",
)
_OBSERVATION_COLUMNS = [*OBSERVATION_FIELDS, "batch_id", "owner_id"]
# Progress (percent) at the start of each stage; the write stage moves from WRITE_FROM to WRITE_TO as the
# rows go to the database.
MATCH_FROM, COMPARE_FROM, WRITE_FROM, WRITE_TO = 40, 55, 70, 98


class ImportFileError(Exception):
    """A problem that stops an import as a whole (the file is gone, a rollback conflicts…)."""


@dataclass
class ImportReport:
    format: str = ""
    total_rows: int = 0
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0
    rejected: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = True
    written: bool = False

    @property
    def error_count(self) -> int:
        return len(self.errors)

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, planned: Plan) -> None:
        self.added, self.changed = planned.counts["added"], planned.counts["changed"]
        self.unchanged, self.removed = planned.counts["unchanged"], planned.counts["removed"]


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def lock_observation_writes() -> None:
    """One import writes at a time (PostgreSQL: a transaction-level advisory lock), so two imports never
    both plan to add the same observation. SQLite serializes writers by itself; a clash there surfaces as
    an IntegrityError, which the caller reports. A dry run takes no lock: it writes no observation (only
    its own batch's counts), so it may compare while another import writes."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK_KEY])


def _batch_content(batch: ImportBatch) -> bytes:
    if not batch.file:
        raise ImportFileError(_("Filen till import #%(pk)s finns inte kvar.") % {"pk": batch.pk})
    with batch.file.open("rb") as handle:
        content = handle.read()
    if sha256(content) != batch.checksum:
        raise ImportFileError(_("Filen har ändrats sedan den laddades upp (kontrollsumman stämmer inte)."))
    return content


# --- the service ---------------------------------------------------------------------------------------------


def observations_import(
    *, batch: ImportBatch, valid_rows_only: bool, dry_run: bool, content: bytes | None = None
) -> ImportReport:
    """Import the batch's file (or ``content``) into the region of the batch, or only report what would
    happen (``dry_run``). Rows with errors stop the whole import unless ``valid_rows_only``.

    Not one ``@transaction.atomic`` around everything, on purpose: parsing and matching only read, and
    the progress they report must be visible to the page that polls; every write to observations happens
    in the single atomic block at the end, so nothing partial is ever written. A dry run writes nothing,
    so it compares without that block and without waiting for another import's lock.
    """
    progress = ImportProgress(batch)
    # The batch's lock says "alive" for as long as the batch may say running (indicators.imports.jobs.liveness).
    with liveness.batch_work(batch.pk):
        try:
            return _import(batch, progress=progress, valid_rows_only=valid_rows_only, dry_run=dry_run, content=content)
        finally:
            progress.close()


def _import(
    batch: ImportBatch, *, progress: ImportProgress, valid_rows_only: bool, dry_run: bool, content: bytes | None
) -> ImportReport:
    progress.report(2, ImportStage.READ, status=BatchStatus.RUNNING, started_at=timezone.now(), message="")
    if content is None:
        content = _batch_content(batch)
    if not dry_run and progress.live and parts.worth_parts(content):
        report = _import_in_parts(batch, progress=progress, content=content, valid_rows_only=valid_rows_only)
        if report is not None:
            return report
        progress.report(2, ImportStage.READ)  # not clean: read whole from the start, which reports what it finds
    parsed = formats.parse_file(filename=batch.file_name, content=content, max_bytes=settings.MAX_IMPORT_BYTES)
    del content
    progress.report(MATCH_FROM, ImportStage.MATCH)
    report = ImportReport(format=parsed.format, total_rows=parsed.total_rows, dry_run=dry_run)
    frame, resolve_errors = resolve(parsed.frame, resolver=Resolver(batch.region), fmt=parsed.format)
    report.errors = sorted(parsed.errors + resolve_errors, key=lambda error: (error.line or 0))
    report.rejected = max(report.total_rows - len(frame), 0) if not parsed.file_errors else report.total_rows

    file_level = bool(parsed.file_errors) or report.total_rows == 0
    refuse = file_level or (bool(report.errors) and not valid_rows_only and not dry_run)
    finish = partial(
        _finish, batch, report=report, refused=refuse, file_level=file_level, valid_rows_only=valid_rows_only
    )
    if refuse:
        finish()
        return report
    rows = plan.rows_as_codes(frame)
    del frame
    if dry_run:
        progress.report(COMPARE_FROM, ImportStage.COMPARE)
        report.count(plan.plan(rows, owner_id=batch.region_id, done=_comparing(progress)))
        finish()
    else:
        _write(rows, batch=batch, report=report, progress=progress, finish=finish)
    return report


def _write(
    rows: pd.DataFrame, *, batch: ImportBatch, report: ImportReport, progress: ImportProgress, finish: Callable[[], None]
) -> None:
    """Plan and write under the import lock, in one transaction, reporting the write as it goes where the
    polling page can see it (``progress.live``), else naming the whole stage up front. The batch's result
    (``finish``) is written in the same transaction: a worker that dies before the commit leaves the batch
    *running* and nothing written, never values without their result (``jobs.recovery`` relies on it)."""
    progress.report(COMPARE_FROM, ImportStage.COMPARE if progress.live else ImportStage.COMPARE_WRITE)
    try:
        with progress.writing(), transaction.atomic():
            lock_observation_writes()
            planned = plan.plan(rows, owner_id=batch.region_id, done=_comparing(progress))
            del rows
            report.count(planned)
            _write_planned(planned, batch=batch, report=report, progress=progress)
            report.written = True
            finish()
    except IntegrityError as error:
        _raise_concurrent_write(error)


def _import_in_parts(
    batch: ImportBatch, *, progress: ImportProgress, content: bytes, valid_rows_only: bool
) -> ImportReport | None:
    """Read, place and write a large CSV file part by part, writing one part while the next is read
    (``indicators.imports.parts``), in one transaction under the import lock. None when the file is no plain CSV
    or not clean (an error in a part, an observation in two parts): then nothing is written and the caller reads
    the file whole, which reports what it finds."""
    sizes = parts.PartSizes()
    pieces = formats.parse_file_parts(
        filename=batch.file_name, content=content, max_bytes=settings.MAX_IMPORT_BYTES, size=sizes
    )
    if pieces is None:
        return None
    report = ImportReport(dry_run=False)
    resolver = Resolver(batch.region)
    try:
        with closing(pieces), progress.writing(), transaction.atomic():
            lock_observation_writes()
            progress.report(MATCH_FROM, ImportStage.WRITE)
            # A region that holds nothing yet (its first import) has nothing to compare a part with.
            compare = plan.holds_any(batch.region_id)
            counts = _write_parts(pieces, batch=batch, resolver=resolver, report=report, progress=progress,
                                  estimate=parts.estimated_rows(content), sizes=sizes, compare=compare)
            report.added, report.changed = counts["added"], counts["changed"]
            report.unchanged, report.removed = counts["unchanged"], counts["removed"]
            _analyze_after(report.added + report.removed)
            report.written = True
            _finish(batch, report=report, refused=False, file_level=False, valid_rows_only=valid_rows_only)
    except parts.NotClean:
        return None
    except IntegrityError as error:
        if _is_unique_violation(error):
            return None  # two parts gave the same observation (or another writer did): reading whole tells which
        raise
    return report


def _write_parts(
    pieces: Iterator[ParseResult], *, batch: ImportBatch, resolver: Resolver, report: ImportReport,
    progress: ImportProgress, estimate: int, sizes: parts.PartSizes, compare: bool,
) -> dict[str, int]:
    """Each part checked and placed here, compared (unless not ``compare``) and written by a ``parts.PartWriter``;
    returns the counts."""
    seen = parts.SeenKeys()
    writer = parts.PartWriter(partial(_write_part, batch=batch, compare=compare), sizes)
    try:
        for parsed in pieces:
            if parsed.errors:
                raise parts.NotClean
            frame, errors = resolve(parsed.frame, resolver=resolver, fmt=parsed.format)
            if errors:
                raise parts.NotClean
            rows = plan.rows_as_codes(frame)
            seen.add(rows)
            report.format = parsed.format
            report.total_rows += parsed.total_rows
            writer.put(rows)
            progress.rows(writer.written, max(estimate, report.total_rows), low=MATCH_FROM, high=WRITE_TO)
        seen.check()  # while the last part is written
    except BaseException:
        writer.finish(failed=True)
        raise
    writer.finish()
    if report.total_rows == 0:
        raise parts.NotClean  # a header without rows: reading it whole says so
    progress.rows(writer.written, report.total_rows, low=MATCH_FROM, high=WRITE_TO)
    return writer.counts


def _write_part(rows: pd.DataFrame, *, batch: ImportBatch, compare: bool) -> dict[str, int]:
    """One part compared with what is stored and written (in the ``PartWriter``'s thread); returns its counts."""
    if compare:
        planned = plan.plan(rows, owner_id=batch.region_id, binary=True, not_batch=batch.pk)
    else:
        planned = plan.plan_all_new(rows)
    with connection.cursor() as cursor:
        apply_changes(cursor, planned.changes, batch_id=batch.pk)
        insert_observations(cursor, planned.added, batch_id=batch.pk, owner_id=batch.region_id)
    return planned.counts


def _analyze_after(rows: int) -> None:
    if rows >= ANALYZE_AFTER_ROWS:
        # Fresh statistics, so later queries are planned for the table's real size.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Observation._meta.db_table}")


def _raise_concurrent_write(error: IntegrityError):
    if not _is_unique_violation(error):
        raise error  # a broken rule of the table is a bug, not something the user can fix
    raise ImportFileError(
        _("En annan import skrev samma värden samtidigt. Ingenting har importerats; kör importen igen.")
    ) from error


def _comparing(progress: ImportProgress) -> Callable[[float], None]:
    """Reports the comparison's share done (``plan.plan``) between COMPARE_FROM and WRITE_FROM."""
    return lambda share: progress.report(COMPARE_FROM + round((WRITE_FROM - COMPARE_FROM) * share))


def _write_planned(planned: Plan, *, batch: ImportBatch, report: ImportReport, progress: ImportProgress) -> None:
    total = planned.writes
    written = 0

    def sent(count: int) -> None:
        nonlocal written
        written += count
        progress.rows(written, total, low=WRITE_FROM, high=WRITE_TO)

    progress.report(
        WRITE_FROM,
        ImportStage.WRITE if progress.live else None,
        added_count=report.added, changed_count=report.changed, removed_count=report.removed,
    )
    progress.rows(0, total, low=WRITE_FROM, high=WRITE_TO)
    with connection.cursor() as cursor:
        apply_changes(cursor, planned.changes, batch_id=batch.pk)
        sent(len(planned.changes))
        insert_observations(cursor, planned.added, batch_id=batch.pk, owner_id=batch.region_id, sent=sent)
    _analyze_after(planned.counts["added"] + planned.counts["removed"])


def _is_unique_violation(error: IntegrityError) -> bool:
    cause = error.__cause__
    return getattr(cause, "sqlstate", None) == "23505" or "UNIQUE constraint failed" in str(error)


def _outcome(report: ImportReport, *, refused: bool, file_level: bool) -> tuple[str, str]:
    """The batch's status and message after the import."""
    if file_level:  # nothing in the file can be imported, whatever the user chooses
        return BatchStatus.FAILED, _("Filen kunde inte läsas. Ingenting har importerats.")
    if report.dry_run:
        return BatchStatus.PREVIEWED, ""
    if refused:
        return BatchStatus.FAILED, _("Filen har fel. Ingenting har importerats.") if report.errors else ""
    return BatchStatus.DONE, _("Bara de giltiga raderna har importerats.") if report.errors else ""


def _finish(batch: ImportBatch, *, report: ImportReport, refused: bool, file_level: bool, valid_rows_only: bool) -> None:
    batch.status, batch.message = _outcome(report, refused=refused, file_level=file_level)
    batch.format = report.format
    batch.valid_rows_only = valid_rows_only
    batch.total_rows = report.total_rows
    batch.added_count = report.added
    batch.changed_count = report.changed
    batch.unchanged_count = report.unchanged
    batch.removed_count = report.removed
    batch.rejected_count = report.rejected
    batch.error_count = report.error_count
    batch.error_report = [
        {"line": error.line, "column": error.column or "", "message": error.message}
        for error in report.errors[:ERROR_REPORT_LIMIT]
    ]
    batch.progress = 100
    batch.stage = ""
    batch.finished_at = timezone.now()
    batch.save(
        update_fields=[
            "format", "status", "valid_rows_only", "total_rows", "added_count", "changed_count", "unchanged_count",
            "removed_count", "rejected_count", "error_count", "error_report", "message", "progress", "stage",
            "finished_at",
        ]
    )


def import_batch_fail(*, batch: ImportBatch, message: str) -> None:
    """Mark a batch that stopped on an unexpected problem; its writes were rolled back with its transaction."""
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.FAILED, message=message[:2000], finished_at=timezone.now(), progress=100, stage=""
    )


# --- PostgreSQL's binary COPY, built with numpy ----------------------------------------------------------------


@dataclass
class _Field:
    """One column of a binary COPY: ``int8``, ``int2``, ``float8`` (NaN is NULL), ``date`` (days since
    2000-01-01) or ``text`` (``values`` are positions in ``vocabulary``); ``null`` marks NULLs of the
    integer kinds."""

    kind: str
    values: np.ndarray
    null: np.ndarray | None = None
    vocabulary: tuple[str, ...] = ()


_FIXED = {"int8": ">i8", "int2": ">i2", "float8": ">f8", "date": ">i4"}
_BLOCK_ROWS = 200_000


def _row_shapes(fields: list[_Field]) -> tuple[np.ndarray, list[np.ndarray], list[list]]:
    """Per row, a group number for the shape of its fields (which are NULL, which text each text field holds);
    per field, the code of each row and the numpy type of each code (None: NULL)."""
    n = len(fields[0].values)
    group = np.zeros(n, dtype=np.int64)
    field_codes, shapes = [], []
    for one in fields:
        if one.kind == "text":
            found = one.values.astype(np.int64)
            shape = [f"S{len(word.encode())}" for word in one.vocabulary]
        else:
            null = np.isnan(one.values) if one.kind == "float8" else one.null
            found = np.zeros(n, dtype=np.int64) if null is None else null.astype(np.int64)
            shape = [_FIXED[one.kind], None]
        group = group * len(shape) + found
        field_codes.append(found)
        shapes.append(shape)
    return group, field_codes, shapes


def _pg_binary(fields: list[_Field], sent: Callable[[int], None] | None = None):
    """The rows in PostgreSQL's binary COPY format, as blocks of bytes to send one after the other (the
    server works on one block while the next is built). A row's width depends only on which of its fields
    are NULL and which text each text field holds, so the rows are grouped by that and each block is one
    fixed-width numpy record array. Row order within a group is kept; COPY does not care about the rest.
    ``sent(rows)`` is called after each block has been handed to COPY, with the number of rows in it."""
    group, field_codes, shapes = _row_shapes(fields)
    yield b"PGCOPY\n\xff\r\n\x00" + (0).to_bytes(4, "big") + (0).to_bytes(4, "big")
    order = np.argsort(group, kind="stable")
    for members in np.split(order, np.flatnonzero(np.diff(group[order])) + 1):
        if not len(members):
            continue
        codes_here = [int(found[members[0]]) for found in field_codes]
        kinds = [shape[code] for shape, code in zip(shapes, codes_here)]
        dtype = [("nfields", ">i2")]
        for index, kind in enumerate(kinds):
            dtype.append((f"len{index}", ">i4"))
            if kind is not None:
                dtype.append((f"f{index}", kind))
        for start in range(0, len(members), _BLOCK_ROWS):
            rows = members[start : start + _BLOCK_ROWS]
            records = np.empty(len(rows), dtype=dtype)
            records["nfields"] = len(fields)
            for index, (one, kind) in enumerate(zip(fields, kinds)):
                records[f"len{index}"] = -1 if kind is None else np.dtype(kind).itemsize
                if kind is not None:
                    records[f"f{index}"] = (
                        one.vocabulary[codes_here[index]].encode() if one.kind == "text" else one.values[rows]
                    )
            yield records.tobytes()
            if sent is not None:
                sent(len(rows))
    yield (-1).to_bytes(2, "big", signed=True)


def _copy_in(cursor, table: str, columns: list[str], blocks) -> None:
    # The driver's own cursor does the COPY; Django's wrapper turns its errors into Django's (IntegrityError…).
    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT binary)"
    with connection.wrap_database_errors, cursor.cursor.copy(statement) as copy:
        for block in blocks:
            copy.write(block)


# --- writing -------------------------------------------------------------------------------------------------------


def _iso(day_numbers: np.ndarray) -> np.ndarray:
    found, uniques = pd.factorize(day_numbers)
    return np.asarray([(EPOCH + dt.timedelta(days=int(u))).isoformat() for u in uniques], dtype=object)[found]


def _nullable(numbers: np.ndarray) -> list:
    """Numbers for a DB-API parameter list, NaN as None (NULL)."""
    return np.where(np.isnan(numbers), None, numbers.astype(object)).tolist()


def insert_observations(
    cursor, rows: pd.DataFrame, *, batch_id: int, owner_id: int, sent: Callable[[int], None] | None = None
) -> None:
    """Insert ``rows`` (a frame of codes with ``plan.KEY``, ``granularity``, the numbers and ``status``) as
    new observations of the batch, owned by its region. The unique indexes still guard against a row that
    exists already. ``sent(rows)`` is told each time another part of the rows has gone to the database."""
    if not len(rows):
        return
    if connection.vendor == "postgresql":
        _insert_postgresql(cursor, rows, batch_id=batch_id, owner_id=owner_id, sent=sent)
    else:
        _insert_sqlite(cursor, rows, batch_id=batch_id, owner_id=owner_id, sent=sent)


def _unit_nulls(rows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    kind = rows["kind"].to_numpy()
    return (
        rows["unit_id"].to_numpy(dtype=np.int64),
        kind != KINDS.index(UnitKind.CLINIC),  # clinic_id is NULL
        kind != KINDS.index(UnitKind.REGION),  # region_id is NULL
    )


def _insert_postgresql(cursor, rows: pd.DataFrame, *, batch_id: int, owner_id: int, sent) -> None:
    unit_id, clinic_null, region_null = _unit_nulls(rows)
    fields = [
        _Field("int8", rows["indicator_id"].to_numpy(dtype=np.int64)),
        _Field("text", rows["kind"].to_numpy(), vocabulary=KINDS),
        _Field("int8", unit_id, clinic_null),
        _Field("int8", unit_id, region_null),
        _Field("date", rows["period_start"].to_numpy(dtype=np.int32)),
        _Field("date", rows["period_end"].to_numpy(dtype=np.int32)),
        _Field("text", rows["granularity"].to_numpy(), vocabulary=GRANULARITIES),
        _Field("text", rows["sex"].to_numpy(), vocabulary=SEXES),
        *(_Field("float8", rows[name].to_numpy(dtype=np.float64)) for name in NUMBERS),
        _Field("text", rows["status"].to_numpy(), vocabulary=STATUSES),
        _Field("int8", np.full(len(rows), batch_id, dtype=np.int64)),
        _Field("int8", np.full(len(rows), owner_id, dtype=np.int64)),
    ]
    _copy_in(cursor, Observation._meta.db_table, _OBSERVATION_COLUMNS, _pg_binary(fields, sent))


def _insert_sqlite(cursor, rows: pd.DataFrame, *, batch_id: int, owner_id: int, sent) -> None:
    """``executemany`` in chunks of ``SQLITE_CHUNK`` rows, each chunk's parameters made only when it is sent:
    Python tuples for two million rows at once would hold about a gigabyte."""
    table = Observation._meta.db_table
    sql = f"INSERT INTO {table} ({', '.join(_OBSERVATION_COLUMNS)}) VALUES ({', '.join(['%s'] * len(_OBSERVATION_COLUMNS))})"
    for start in range(0, len(rows), SQLITE_CHUNK):
        chunk = rows.iloc[start : start + SQLITE_CHUNK]
        cursor.executemany(sql, _sqlite_parameters(chunk, batch_id=batch_id, owner_id=owner_id))
        if sent is not None:
            sent(len(chunk))


def _sqlite_parameters(rows: pd.DataFrame, *, batch_id: int, owner_id: int) -> list[tuple]:
    unit_id, clinic_null, region_null = _unit_nulls(rows)

    def text(name: str, vocabulary: tuple[str, ...]) -> list[str]:
        return np.asarray(vocabulary, dtype=object)[rows[name].to_numpy()].tolist()

    columns = [
        rows["indicator_id"].to_numpy(dtype=np.int64).tolist(),
        text("kind", KINDS),
        np.where(clinic_null, None, unit_id).tolist(),
        np.where(region_null, None, unit_id).tolist(),
        _iso(rows["period_start"].to_numpy()).tolist(),
        _iso(rows["period_end"].to_numpy()).tolist(),
        text("granularity", GRANULARITIES),
        text("sex", SEXES),
        *(_nullable(rows[name].to_numpy(dtype=np.float64)) for name in NUMBERS),
        text("status", STATUSES),
        [batch_id] * len(rows),
        [owner_id] * len(rows),
    ]
    return list(zip(*columns))


def apply_changes(cursor, changes: pd.DataFrame, *, batch_id: int) -> None:
    """Update or delete the stored observations named by ``changes`` (columns ``id``, ``removed`` and, for
    an update, the new numbers and ``status``), remembering each one's previous state for a rollback."""
    if not len(changes):
        return
    cursor.execute(f"DROP TABLE IF EXISTS {CHANGES_TABLE}")
    cursor.execute(
        f"CREATE TEMP TABLE {CHANGES_TABLE} (id bigint PRIMARY KEY, removed smallint NOT NULL, "
        f"value double precision, numerator double precision, denominator double precision, status varchar(8))"
    )
    try:
        _fill_changes_table(cursor, changes)
        _apply_changes_table(cursor, batch_id=batch_id, removed=changes["removed"].to_numpy(dtype=bool))
    finally:
        cursor.execute(f"DROP TABLE IF EXISTS {CHANGES_TABLE}")


def _fill_changes_table(cursor, changes: pd.DataFrame) -> None:
    ids = changes["id"].to_numpy(dtype=np.int64)
    removed = changes["removed"].to_numpy(dtype=bool)
    numbers = {name: changes[name].to_numpy(dtype=np.float64) for name in NUMBERS}
    if connection.vendor == "postgresql":
        fields = [
            _Field("int8", ids),
            _Field("int2", removed.astype(np.int16)),
            *(_Field("float8", numbers[name]) for name in NUMBERS),
            _Field("text", changes["status"].to_numpy(), vocabulary=STATUSES),
        ]
        _copy_in(cursor, CHANGES_TABLE, ["id", "removed", *NUMBERS, "status"], _pg_binary(fields))
        return
    status = np.asarray(STATUSES, dtype=object)[changes["status"].to_numpy()]
    cursor.executemany(
        f"INSERT INTO {CHANGES_TABLE} (id, removed, value, numerator, denominator, status) "
        f"VALUES (%s, %s, %s, %s, %s, %s)",
        list(zip(ids.tolist(), removed.astype(int).tolist(), *(_nullable(numbers[name]) for name in NUMBERS),
                 status.tolist())),
    )


def _apply_changes_table(cursor, *, batch_id: int, removed: np.ndarray) -> None:
    table = Observation._meta.db_table
    cursor.execute(
        f"""INSERT INTO {ObservationChange._meta.db_table} (batch_id, action, {', '.join(OBSERVATION_FIELDS)},
                                                          previous_batch_id)
            SELECT %s, CASE WHEN c.removed = 1 THEN 'removed' ELSE 'changed' END,
                   {', '.join(f'o.{name}' for name in OBSERVATION_FIELDS)}, o.batch_id
            FROM {table} o JOIN {CHANGES_TABLE} c ON c.id = o.id""",
        [batch_id],
    )
    if (~removed).any():
        # UPDATE … FROM naming the target by its table name: the form PostgreSQL and SQLite share.
        new = ", ".join(f"{name} = c.{name}" for name in (*NUMBERS, "status"))
        cursor.execute(
            f"UPDATE {table} SET {new}, batch_id = %s FROM {CHANGES_TABLE} c WHERE c.id = {table}.id AND c.removed = 0",
            [batch_id],
        )
    if removed.any():
        cursor.execute(f"DELETE FROM {table} WHERE id IN (SELECT id FROM {CHANGES_TABLE} WHERE removed = 1)")
