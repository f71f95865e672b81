"""Moving observations between the database and numpy in bulk, for the import (``indicators/imports.py``).

Three operations, each one statement or one ``COPY`` whatever the number of rows, written once per vendor:

* :func:`fetch_stored` – the stored observations an import could touch, as a frame of integer codes;
* :func:`insert_observations` – new observations (PostgreSQL: one binary ``COPY`` straight into the table,
  built with numpy; SQLite: ``executemany`` in large chunks);
* :func:`apply_changes` – remember, update and delete existing observations by id, through a small
  temporary table of just the rows that change.

Rows travel as *codes*: the unit's kind, the period type, the sex and the status as small integers (the
positions in :data:`KINDS`, :data:`GRANULARITIES`, :data:`SEXES`, :data:`STATUSES`), dates as days since
2000-01-01 (PostgreSQL's own date epoch), missing numbers as NaN. No Python loop runs per row.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.db import connection

from indicators.models import Granularity, Observation, ObservationChange, ObservationStatus, Sex, UnitKind

KINDS: tuple[str, ...] = (UnitKind.CLINIC, UnitKind.REGION, UnitKind.NATION)
GRANULARITIES: tuple[str, ...] = tuple(Granularity.values)
SEXES: tuple[str, ...] = tuple(Sex.values)
STATUSES: tuple[str, ...] = tuple(ObservationStatus.values)
EPOCH = dt.date(2000, 1, 1)

NUMBERS = ("value", "numerator", "denominator")
# The columns of a frame of rows, in the order of the key that identifies an observation within its kind.
KEY = ["kind", "unit_id", "indicator_id", "period_start", "period_end", "sex"]

CHANGES_TABLE = "indicators_import_changes"
# An observation's own columns: what an import writes, what ObservationChange keeps and a rollback restores.
OBSERVATION_FIELDS = (
    "indicator_id", "unit_kind", "clinic_id", "region_id", "period_start", "period_end", "granularity", "sex",
    "value", "numerator", "denominator", "status",
)
# Where each kind of unit keeps its id (the country has none).
_UNIT_COLUMNS = {UnitKind.CLINIC: "clinic_id", UnitKind.REGION: "region_id", UnitKind.NATION: None}


def codes(values, vocabulary: tuple[str, ...], dtype=np.int8) -> np.ndarray:
    """Position of each value in ``vocabulary`` (computed once per distinct value)."""
    found, uniques = pd.factorize(np.asarray(values, dtype=object))
    return np.asarray([vocabulary.index(str(u)) for u in uniques], dtype=dtype)[found]


def days(values) -> np.ndarray:
    """``datetime.date`` values as days since :data:`EPOCH`."""
    found, uniques = pd.factorize(np.asarray(values, dtype=object))
    return np.asarray([(u - EPOCH).days for u in uniques], dtype=np.int32)[found]


def _iso(day_numbers: np.ndarray) -> np.ndarray:
    found, uniques = pd.factorize(day_numbers)
    return np.asarray([(EPOCH + dt.timedelta(days=int(u))).isoformat() for u in uniques], dtype=object)[found]


def _nullable(numbers: np.ndarray) -> list:
    """Numbers for a DB-API parameter list, NaN as None (NULL)."""
    return np.where(np.isnan(numbers), None, numbers.astype(object)).tolist()


# --- reading what is stored ---------------------------------------------------------------------------------


def _id_list(ids) -> tuple[str, list]:
    """A SQL condition ``IN`` a list of ids passed as one parameter, whatever its length."""
    payload = [int(i) for i in ids]
    if connection.vendor == "postgresql":
        return "= ANY(%s)", [payload]
    return "IN (SELECT value FROM json_each(%s))", [json.dumps(payload)]


def fetch_stored(kind: int, owner_id: int, indicator_ids, unit_ids) -> pd.DataFrame:
    """The observations the region ``owner_id`` holds for one kind of unit, these indicators and units, with
    their ids, as a frame of codes (columns ``id``, :data:`KEY`, the numbers, ``status``)."""
    table = Observation._meta.db_table
    unit_column = _UNIT_COLUMNS[KINDS[kind]]
    indicator_in, params = _id_list(indicator_ids)
    where = f"owner_id = %s AND unit_kind = %s AND indicator_id {indicator_in}"
    params = [owner_id, KINDS[kind], *params]
    if unit_column:
        unit_in, unit_params = _id_list(unit_ids)
        where += f" AND {unit_column} {unit_in}"
        params += unit_params
    unit = unit_column or "0"
    names = ["id", "unit_id", "indicator_id", "period_start", "period_end", "sex", *NUMBERS, "status"]
    if connection.vendor == "postgresql":
        select = (
            f"SELECT id, {unit}, indicator_id, period_start - DATE '2000-01-01', period_end - DATE '2000-01-01', "
            f"sex, value, numerator, denominator, status FROM {table} WHERE {where}"
        )
        buffer = io.BytesIO()
        with (
            connection.cursor() as cursor,
            connection.wrap_database_errors,
            cursor.cursor.copy(f"COPY ({select}) TO STDOUT", params) as copy,
        ):
            for block in copy:
                buffer.write(block)
        buffer.seek(0)
        frame = pd.read_csv(
            buffer, sep="\t", header=None, names=names, na_values=["\\N"], keep_default_na=False,
            dtype={"id": np.int64, "unit_id": np.int64, "indicator_id": np.int64, "period_start": np.int32,
                   "period_end": np.int32, "sex": str, "status": str, **{n: np.float64 for n in NUMBERS}},
        ) if buffer.getbuffer().nbytes else pd.DataFrame(columns=names)
    else:
        select = (
            f"SELECT id, {unit}, indicator_id, CAST(julianday(period_start) - 2451544.5 AS INTEGER), "
            f"CAST(julianday(period_end) - 2451544.5 AS INTEGER), sex, value, numerator, denominator, status "
            f"FROM {table} WHERE {where}"
        )
        with connection.cursor() as cursor:
            cursor.execute(select, params)
            frame = pd.DataFrame.from_records(cursor.fetchall(), columns=names, coerce_float=True)
    return pd.DataFrame(
        {
            "id": frame["id"].to_numpy(dtype=np.int64),
            "kind": np.full(len(frame), kind, dtype=np.int8),
            "unit_id": frame["unit_id"].to_numpy(dtype=np.int64),
            "indicator_id": frame["indicator_id"].to_numpy(dtype=np.int64),
            "period_start": frame["period_start"].to_numpy(dtype=np.int32),
            "period_end": frame["period_end"].to_numpy(dtype=np.int32),
            "sex": codes(frame["sex"], SEXES) if len(frame) else np.empty(0, np.int8),
            **{n: frame[n].to_numpy(dtype=np.float64) for n in NUMBERS},
            "status": codes(frame["status"], STATUSES) if len(frame) else np.empty(0, np.int8),
        }
    )


# --- PostgreSQL's binary COPY, built with numpy -----------------------------------------------------------------


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


def _pg_binary(fields: list[_Field], sent: Callable[[int], None] | None = None):
    """The rows in PostgreSQL's binary COPY format, as blocks of bytes to send one after the other (the
    server works on one block while the next is built). A row's width depends only on which of its fields
    are NULL and which text each text field holds, so the rows are grouped by that and each block is one
    fixed-width numpy record array. Row order within a group is kept; COPY does not care about the rest.
    ``sent(rows)`` is called after each block has been handed to COPY, with the number of rows in it."""
    n = len(fields[0].values)
    group = np.zeros(n, dtype=np.int64)
    field_codes, shapes = [], []  # per field: code per row, and numpy type per code (None = NULL)
    for field in fields:
        if field.kind == "text":
            found = field.values.astype(np.int64)
            shape = [f"S{len(word.encode())}" for word in field.vocabulary]
        else:
            null = np.isnan(field.values) if field.kind == "float8" else field.null
            found = np.zeros(n, dtype=np.int64) if null is None else null.astype(np.int64)
            shape = [_FIXED[field.kind], None]
        group = group * len(shape) + found
        field_codes.append(found)
        shapes.append(shape)
    yield b"PGCOPY\n\xff\r\n\x00" + (0).to_bytes(4, "big") + (0).to_bytes(4, "big")
    order = np.argsort(group, kind="stable")
    bounds = np.flatnonzero(np.diff(group[order])) + 1
    for members in np.split(order, bounds):
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
            for index, (field, kind) in enumerate(zip(fields, kinds)):
                records[f"len{index}"] = -1 if kind is None else np.dtype(kind).itemsize
                if kind is None:
                    continue
                if field.kind == "text":
                    records[f"f{index}"] = field.vocabulary[codes_here[index]].encode()
                else:
                    records[f"f{index}"] = field.values[rows]
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

_OBSERVATION_COLUMNS = [*OBSERVATION_FIELDS, "batch_id", "owner_id"]
SQLITE_CHUNK = 50_000


def insert_observations(
    cursor, rows: pd.DataFrame, *, batch_id: int, owner_id: int, sent: Callable[[int], None] | None = None
) -> None:
    """Insert ``rows`` (a frame of codes with :data:`KEY`, ``granularity``, the numbers and ``status``) as
    new observations of the batch, owned by its region. The unique indexes still guard against a row that
    exists already. ``sent(rows)`` is told each time another part of the rows has gone to the database."""
    if not len(rows):
        return
    table = Observation._meta.db_table
    kind = rows["kind"].to_numpy()
    unit_id = rows["unit_id"].to_numpy(dtype=np.int64)
    clinic_null = kind != KINDS.index(UnitKind.CLINIC)
    region_null = kind != KINDS.index(UnitKind.REGION)
    numbers = {name: rows[name].to_numpy(dtype=np.float64) for name in NUMBERS}
    if connection.vendor == "postgresql":
        fields = [
            _Field("int8", rows["indicator_id"].to_numpy(dtype=np.int64)),
            _Field("text", kind, vocabulary=KINDS),
            _Field("int8", unit_id, clinic_null),
            _Field("int8", unit_id, region_null),
            _Field("date", rows["period_start"].to_numpy(dtype=np.int32)),
            _Field("date", rows["period_end"].to_numpy(dtype=np.int32)),
            _Field("text", rows["granularity"].to_numpy(), vocabulary=GRANULARITIES),
            _Field("text", rows["sex"].to_numpy(), vocabulary=SEXES),
            *(_Field("float8", numbers[name]) for name in NUMBERS),
            _Field("text", rows["status"].to_numpy(), vocabulary=STATUSES),
            _Field("int8", np.full(len(rows), batch_id, dtype=np.int64)),
            _Field("int8", np.full(len(rows), owner_id, dtype=np.int64)),
        ]
        _copy_in(cursor, table, _OBSERVATION_COLUMNS, _pg_binary(fields, sent))
        return

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
        *(_nullable(numbers[name]) for name in NUMBERS),
        text("status", STATUSES),
        [batch_id] * len(rows),
        [owner_id] * len(rows),
    ]
    sql = f"INSERT INTO {table} ({', '.join(_OBSERVATION_COLUMNS)}) VALUES ({', '.join(['%s'] * len(columns))})"
    values = list(zip(*columns))
    for start in range(0, len(values), SQLITE_CHUNK):
        chunk = values[start : start + SQLITE_CHUNK]
        cursor.executemany(sql, chunk)
        if sent is not None:
            sent(len(chunk))


def apply_changes(cursor, changes: pd.DataFrame, *, batch_id: int) -> None:
    """Update or delete the stored observations named by ``changes`` (columns ``id``, ``removed`` and, for
    an update, the new numbers and ``status``), remembering each one's previous state for a rollback."""
    if not len(changes):
        return
    table = Observation._meta.db_table
    change_table = ObservationChange._meta.db_table
    cursor.execute(f"DROP TABLE IF EXISTS {CHANGES_TABLE}")
    cursor.execute(
        f"CREATE TEMP TABLE {CHANGES_TABLE} (id bigint PRIMARY KEY, removed smallint NOT NULL, "
        f"value double precision, numerator double precision, denominator double precision, status varchar(8))"
    )
    try:
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
        else:
            status = np.asarray(STATUSES, dtype=object)[changes["status"].to_numpy()]
            cursor.executemany(
                f"INSERT INTO {CHANGES_TABLE} (id, removed, value, numerator, denominator, status) "
                f"VALUES (%s, %s, %s, %s, %s, %s)",
                list(zip(ids.tolist(), removed.astype(int).tolist(),
                         *(_nullable(numbers[name]) for name in NUMBERS),
                         status.tolist())),
            )
        cursor.execute(
            f"""INSERT INTO {change_table} (batch_id, action, {', '.join(OBSERVATION_FIELDS)}, previous_batch_id)
                SELECT %s, CASE WHEN c.removed = 1 THEN 'removed' ELSE 'changed' END,
                       {', '.join(f'o.{name}' for name in OBSERVATION_FIELDS)}, o.batch_id
                FROM {table} o JOIN {CHANGES_TABLE} c ON c.id = o.id""",
            [batch_id],
        )
        if (~removed).any():
            # UPDATE … FROM naming the target by its table name: the form PostgreSQL and SQLite share.
            new = ", ".join(f"{name} = c.{name}" for name in (*NUMBERS, "status"))
            cursor.execute(
                f"UPDATE {table} SET {new}, batch_id = %s FROM {CHANGES_TABLE} c "
                f"WHERE c.id = {table}.id AND c.removed = 0",
                [batch_id],
            )
        if removed.any():
            cursor.execute(f"DELETE FROM {table} WHERE id IN (SELECT id FROM {CHANGES_TABLE} WHERE removed = 1)")
    finally:
        cursor.execute(f"DROP TABLE IF EXISTS {CHANGES_TABLE}")
