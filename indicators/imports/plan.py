"""Planning an import: the placed rows as *codes*, compared with what is stored, which classifies every row as
added, changed, unchanged or removed.

Rows travel as codes from here to the write: the unit's kind, the period type, the sex and the status as small
integers (the positions in :data:`KINDS`, :data:`GRANULARITIES`, :data:`SEXES`, :data:`STATUSES`), dates as days
since 2000-01-01 (PostgreSQL's own date epoch), missing numbers as NaN. The stored observations the file could
touch are read with one statement per kind of unit (:func:`fetch_stored`; on PostgreSQL one ``COPY … TO``) and
joined with the rows in memory. No Python loop runs per row.
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

from indicators.models import Granularity, Observation, ObservationStatus, Sex, UnitKind

KINDS: tuple[str, ...] = (UnitKind.CLINIC, UnitKind.REGION, UnitKind.NATION)
GRANULARITIES: tuple[str, ...] = tuple(Granularity.values)
SEXES: tuple[str, ...] = tuple(Sex.values)
STATUSES: tuple[str, ...] = tuple(ObservationStatus.values)
EPOCH = dt.date(2000, 1, 1)

NUMBERS = ("value", "numerator", "denominator")
# The columns of a frame of rows, in the order of the key that identifies an observation within its kind.
KEY = ["kind", "unit_id", "indicator_id", "period_start", "period_end", "sex"]
# Where each kind of unit keeps its id (the country has none).
UNIT_COLUMNS = {UnitKind.CLINIC: "clinic_id", UnitKind.REGION: "region_id", UnitKind.NATION: None}
PACK_LIMIT = 2**62  # the largest number of distinct keys match_keys packs into one int64


def codes(values, vocabulary: tuple[str, ...], dtype=np.int8) -> np.ndarray:
    """Position of each value in ``vocabulary`` (computed once per distinct value)."""
    found, uniques = pd.factorize(np.asarray(values, dtype=object))
    return np.asarray([vocabulary.index(str(u)) for u in uniques], dtype=dtype)[found]


def days(values) -> np.ndarray:
    """``datetime.date`` values as days since :data:`EPOCH`."""
    found, uniques = pd.factorize(np.asarray(values, dtype=object))
    return np.asarray([(u - EPOCH).days for u in uniques], dtype=np.int32)[found]


def rows_as_codes(frame: pd.DataFrame) -> pd.DataFrame:
    """The placed rows (``resolve.resolve``, which has coded them already) as the frame planning and writing use."""
    return pd.DataFrame(
        {
            "kind": frame["kind_code"].to_numpy(dtype=np.int8),
            "unit_id": frame["unit_id"].to_numpy(dtype=np.int64),
            "indicator_id": frame["indicator_id"].to_numpy(dtype=np.int64),
            "period_start": frame["start_day"].to_numpy(dtype=np.int32),
            "period_end": frame["end_day"].to_numpy(dtype=np.int32),
            "sex": frame["sex_code"].to_numpy(dtype=np.int8),
            "granularity": frame["granularity_code"].to_numpy(dtype=np.int8),
            **{name: frame[name].to_numpy(dtype=np.float64) for name in NUMBERS},
            "status": frame["status_code"].to_numpy(dtype=np.int8),
            "deleted": frame["deleted"].to_numpy(dtype=bool),
        }
    )


@dataclass
class Plan:
    """What writing the rows means: counts, the new rows, and the stored rows to update or delete."""

    counts: dict[str, int]
    added: pd.DataFrame
    changes: pd.DataFrame

    @property
    def writes(self) -> int:
        return len(self.added) + len(self.changes)


def plan(
    rows: pd.DataFrame, *, owner_id: int, done: Callable[[float], None] | None = None, arrays: bool = False
) -> Plan:
    """Compare the rows with what is stored: one read per kind of unit, then a join in memory. A row is
    *added* when nothing is stored under its key, *changed* when its numbers or status differ, *removed*
    when the file deletes a stored value; anything else is *unchanged* (so a second run writes nothing).
    Only the importing region's own observations count: its benchmarks are its own copy. ``done(share)`` is
    told how much of the comparison is done after each read; ``arrays`` reads them as arrays (``fetch_stored``)."""
    kinds = rows.groupby("kind", sort=True)
    stored = []
    for number, (kind, part) in enumerate(kinds, start=1):
        stored.append(
            fetch_stored(kind, owner_id, np.unique(part["indicator_id"]), np.unique(part["unit_id"]), arrays=arrays)
        )
        if done is not None:
            done(0.8 * number / kinds.ngroups)
    stored = [frame for frame in stored if len(frame)]
    deleted = rows["deleted"].to_numpy()
    if not stored:
        added = rows[~deleted]
        counts = {"added": len(added), "changed": 0, "unchanged": int(deleted.sum()), "removed": 0}
        return Plan(counts, added, pd.DataFrame(columns=["id", "removed", *NUMBERS, "status"]))
    stored = pd.concat(stored, ignore_index=True)
    position = match_keys(rows, stored)
    found = position >= 0
    matched = stored.iloc[np.where(found, position, 0)]  # row 0 stands in where nothing matched
    same = rows["status"].to_numpy() == matched["status"].to_numpy()
    for name in NUMBERS:
        new, old = rows[name].to_numpy(), matched[name].to_numpy()
        same &= (new == old) | (np.isnan(new) & np.isnan(old))
    added = ~deleted & ~found
    changed = ~deleted & found & ~same
    removed = deleted & found
    touched = changed | removed
    changes = pd.DataFrame(
        {
            "id": matched["id"].to_numpy()[touched],
            "removed": removed[touched],
            **{name: rows[name].to_numpy()[touched] for name in NUMBERS},
            "status": rows["status"].to_numpy()[touched],
        }
    )
    counts = {
        "added": int(added.sum()),
        "changed": int(changed.sum()),
        "removed": int(removed.sum()),
        "unchanged": int(len(rows) - added.sum() - touched.sum()),
    }
    return Plan(counts, rows[added], changes)


def match_keys(rows: pd.DataFrame, stored: pd.DataFrame) -> np.ndarray:
    """For each row, the position in ``stored`` of the observation with the same key, or -1. The key's
    columns are turned into dense codes and packed into one integer, so the match is one hash lookup."""
    both = len(rows)
    packed = np.zeros(both + len(stored), dtype=np.int64)
    room = 1
    for name in KEY:
        found, uniques = pd.factorize(np.concatenate([rows[name].to_numpy(), stored[name].to_numpy()]))
        room *= max(len(uniques), 1)
        if room >= PACK_LIMIT:  # too many distinct keys to pack in one integer: join on the columns instead
            merged = rows[KEY].merge(stored[KEY].assign(_position=np.arange(len(stored))), how="left")
            return merged["_position"].fillna(-1).to_numpy(dtype=np.int64)
        packed = packed * len(uniques) + found
    return pd.Index(packed[both:]).get_indexer(packed[:both])


def _id_list(ids) -> tuple[str, list]:
    """A SQL condition ``IN`` a list of ids passed as one parameter, whatever its length."""
    payload = [int(i) for i in ids]
    if connection.vendor == "postgresql":
        return "= ANY(%s)", [payload]
    return "IN (SELECT value FROM json_each(%s))", [json.dumps(payload)]


FETCH_PART = 100_000
_STORED_COLUMNS = ["id", "unit_id", "indicator_id", "period_start", "period_end", "sex", *NUMBERS, "status"]


def fetch_stored(kind: int, owner_id: int, indicator_ids, unit_ids, *, arrays: bool = False) -> pd.DataFrame:
    """The observations the region ``owner_id`` holds for one kind of unit, these indicators and units, with
    their ids, as a frame of codes (columns ``id``, :data:`KEY`, the numbers, ``status``). With ``arrays`` (for
    a part of a file, read in a second thread: ``write``) PostgreSQL sends them as one row of arrays."""
    unit_column = UNIT_COLUMNS[KINDS[kind]]
    indicator_in, params = _id_list(indicator_ids)
    where = f"owner_id = %s AND unit_kind = %s AND indicator_id {indicator_in}"
    params = [owner_id, KINDS[kind], *params]
    if unit_column:
        unit_in, unit_params = _id_list(unit_ids)
        where += f" AND {unit_column} {unit_in}"
        params += unit_params
    if connection.vendor == "postgresql" and arrays:
        frame = _fetch_postgresql_arrays(unit_column or "0", where, params)
    elif connection.vendor == "postgresql":
        frame = _as_frame(_fetch_postgresql(unit_column or "0", where, params))
    else:
        frame = _fetch_sqlite(unit_column or "0", where, params)
    return frame.assign(kind=np.full(len(frame), kind, dtype=np.int8))[["id", *KEY, *NUMBERS, "status"]]


def _as_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Stored rows as read (ids, dates as days, sex and status as text) as a frame of codes."""
    return pd.DataFrame(
        {
            "id": frame["id"].to_numpy(dtype=np.int64),
            "unit_id": frame["unit_id"].to_numpy(dtype=np.int64),
            "indicator_id": frame["indicator_id"].to_numpy(dtype=np.int64),
            "period_start": frame["period_start"].to_numpy(dtype=np.int32),
            "period_end": frame["period_end"].to_numpy(dtype=np.int32),
            "sex": codes(frame["sex"], SEXES) if len(frame) else np.empty(0, np.int8),
            **{n: frame[n].to_numpy(dtype=np.float64) for n in NUMBERS},
            "status": codes(frame["status"], STATUSES) if len(frame) else np.empty(0, np.int8),
        }
    )


def _fetch_postgresql(unit: str, where: str, params: list) -> pd.DataFrame:
    select = (
        f"SELECT id, {unit}, indicator_id, period_start - DATE '2000-01-01', period_end - DATE '2000-01-01', "
        f"sex, value, numerator, denominator, status FROM {Observation._meta.db_table} WHERE {where}"
    )
    buffer = io.BytesIO()
    with (
        connection.cursor() as cursor,
        connection.wrap_database_errors,
        cursor.cursor.copy(f"COPY ({select}) TO STDOUT", params) as copy,
    ):
        for block in copy:
            buffer.write(block)
    if not buffer.getbuffer().nbytes:
        return pd.DataFrame(columns=_STORED_COLUMNS)
    buffer.seek(0)
    return pd.read_csv(
        buffer, sep="\t", header=None, names=_STORED_COLUMNS, na_values=["\\N"], keep_default_na=False,
        dtype={"id": np.int64, "unit_id": np.int64, "indicator_id": np.int64, "period_start": np.int32,
               "period_end": np.int32, "sex": str, "status": str, **{n: np.float64 for n in NUMBERS}},
    )


# The stored rows as one row of arrays, every element of fixed width (the numbers' NULLs as NaN; sex and status as
# a small number made of their first letter and length, ``_word_number``), each read by numpy straight from
# PostgreSQL's binary COPY. One message instead of one per row: the thread that reads them hardly holds Python's
# lock, so the import's other thread reads the file meanwhile (a row per message cost more Python time than the
# rows' parsing; looking the words up in PostgreSQL with array_position cost a third of the read).
_ARRAY_FIELDS = [
    ("id", ">i8", np.int64), ("unit_id", ">i8", np.int64), ("indicator_id", ">i8", np.int64),
    ("period_start", ">i4", np.int32), ("period_end", ">i4", np.int32), ("sex", ">i2", np.int16),
    *((name, ">f8", np.float64) for name in NUMBERS), ("status", ">i2", np.int16),
]
_COPY_HEADER = 19  # bytes: signature, flags, header extension length (PostgreSQL sends none)
_ARRAY_HEADER = 20  # bytes of a one-dimensional array before its elements: ndim, flags, type, size, lower bound
_WORD_NUMBER = "(ascii({0}) * 16 + length({0}))::int2"


def _word_number(word: str) -> int:
    """What ``_WORD_NUMBER`` makes of a word in PostgreSQL: its first letter's code and its length."""
    return ord(word[0]) * 16 + len(word)


def _word_codes(vocabulary: tuple[str, ...]) -> np.ndarray:
    """A lookup from ``_word_number`` to the position in ``vocabulary`` (-1: no word of it)."""
    lookup = np.full(128 * 16 + 16, -1, dtype=np.int8)
    for position, word in enumerate(vocabulary):
        if lookup[_word_number(word)] != -1:  # a new word that would be read as another: choose another number
            raise ValueError(f"{word!r} shares its number with another word")
        lookup[_word_number(word)] = position
    return lookup


_SEX_CODES, _STATUS_CODES = _word_codes(SEXES), _word_codes(STATUSES)


def _fetch_postgresql_arrays(unit: str, where: str, params: list) -> pd.DataFrame:
    select = ", ".join(
        f"array_agg({expression})"
        for expression in (
            "id::int8", f"({unit})::int8", "indicator_id::int8", "(period_start - DATE '2000-01-01')::int4",
            "(period_end - DATE '2000-01-01')::int4", _WORD_NUMBER.format("sex"),
            *(f"COALESCE({name}, 'NaN'::float8)" for name in NUMBERS), _WORD_NUMBER.format("status"),
        )
    )
    statement = f"COPY (SELECT {select} FROM {Observation._meta.db_table} WHERE {where}) TO STDOUT (FORMAT binary)"
    payload = bytearray()
    with connection.cursor() as cursor, connection.wrap_database_errors:
        with cursor.cursor.copy(statement, params) as copy:
            for block in copy:
                payload += block
    view = memoryview(payload)
    position = _COPY_HEADER + 2  # the row's field count
    columns = {}
    for name, wire, kind in _ARRAY_FIELDS:
        length = int.from_bytes(view[position : position + 4], "big", signed=True)
        position += 4
        if length < 0:  # NULL: no stored row matched
            small = {"sex": np.int8, "status": np.int8}
            return pd.DataFrame({name: np.empty(0, dtype=small.get(name, kind)) for name, _wire, kind in _ARRAY_FIELDS})
        ndim, _flags, _type, size, _lower = np.frombuffer(view, ">i4", 5, position)
        element = np.dtype([("length", ">i4"), ("value", wire)])
        found = np.frombuffer(view, element, int(size), position + _ARRAY_HEADER)
        if ndim != 1 or (found["length"] != element["value"].itemsize).any():  # pragma: no cover - protocol change
            raise ValueError("Unexpected array from PostgreSQL's binary COPY")
        columns[name] = found["value"].astype(kind)
        position += length
    for name, lookup in (("sex", _SEX_CODES), ("status", _STATUS_CODES)):
        numbers = columns[name]
        known = (numbers >= 0) & (numbers < len(lookup))
        columns[name] = np.where(known, lookup[np.where(known, numbers, 0)], -1).astype(np.int8)
    return pd.DataFrame(columns)


def _fetch_sqlite(unit: str, where: str, params: list) -> pd.DataFrame:
    select = (
        f"SELECT id, {unit}, indicator_id, CAST(julianday(period_start) - 2451544.5 AS INTEGER), "
        f"CAST(julianday(period_end) - 2451544.5 AS INTEGER), sex, value, numerator, denominator, status "
        f"FROM {Observation._meta.db_table} WHERE {where}"
    )
    # In parts: Python tuples for two million stored rows at once would hold most of a gigabyte.
    parts = []
    with connection.cursor() as cursor:
        cursor.execute(select, params)
        while rows := cursor.fetchmany(FETCH_PART):
            parts.append(_as_frame(pd.DataFrame.from_records(rows, columns=_STORED_COLUMNS, coerce_float=True)))
    return pd.concat(parts, ignore_index=True) if parts else _as_frame(pd.DataFrame(columns=_STORED_COLUMNS))
