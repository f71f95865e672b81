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
    rows: pd.DataFrame, *, owner_id: int, done: Callable[[float], None] | None = None, binary: bool = False,
    not_batch: int | None = None,
) -> Plan:
    """Compare the rows with what is stored: one read per kind of unit, then a join in memory. A row is
    *added* when nothing is stored under its key, *changed* when its numbers or status differ, *removed*
    when the file deletes a stored value; anything else is *unchanged* (so a second run writes nothing).
    Only the importing region's own observations count: its benchmarks are its own copy. ``done(share)`` is
    told how much of the comparison is done after each read; ``binary`` and ``not_batch`` go to ``fetch_stored``."""
    kinds = rows.groupby("kind", sort=True)
    stored = []
    for number, (kind, part) in enumerate(kinds, start=1):
        stored.append(
            fetch_stored(
                kind, owner_id, np.unique(part["indicator_id"]), np.unique(part["unit_id"]),
                starts=(int(part["period_start"].min()), int(part["period_start"].max())),
                binary=binary, not_batch=not_batch,
            )
        )
        if done is not None:
            done(0.8 * number / kinds.ngroups)
    stored = [frame for frame in stored if len(frame)]
    if not stored:
        return plan_all_new(rows)
    deleted = rows["deleted"].to_numpy()
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


def holds_any(owner_id: int) -> bool:
    """Whether the region ``owner_id`` holds any observation a file of its own could touch: its clinics', the
    regions' and the country's. Three lookups the unique indexes answer at once, however large the table."""
    observations = Observation.objects.filter(owner_id=owner_id)
    return (
        observations.filter(unit_kind=UnitKind.NATION).exists()
        or observations.filter(region_id__isnull=False).exists()
        or observations.filter(clinic__region_id=owner_id).exists()
    )


def plan_all_new(rows: pd.DataFrame) -> Plan:
    """The plan when nothing the rows could touch is stored: every row is added, except deletions (unchanged)."""
    deleted = rows["deleted"].to_numpy()
    added = rows[~deleted]
    counts = {"added": len(added), "changed": 0, "unchanged": int(deleted.sum()), "removed": 0}
    return Plan(counts, added, pd.DataFrame(columns=["id", "removed", *NUMBERS, "status"]))


def match_keys(rows: pd.DataFrame, stored: pd.DataFrame) -> np.ndarray:
    """For each row, the position in ``stored`` of the observation with the same key, or -1. The key's columns
    are packed into one integer, so the match is one hash lookup: each column as its offset from the smallest value
    of the column where the columns' ranges multiplied fit (they do for ids and dates of a real file: no pass to
    number the values), else as dense codes of its distinct values, else joined on the columns themselves."""
    packed = _packed_by_range(rows, stored)
    if packed is None:
        packed = _packed_by_codes(rows, stored)
    if packed is None:  # too many distinct keys to pack in one integer: join on the columns instead
        merged = rows[KEY].merge(stored[KEY].assign(_position=np.arange(len(stored))), how="left")
        return merged["_position"].fillna(-1).to_numpy(dtype=np.int64)
    row_keys, stored_keys = packed
    return pd.Index(stored_keys).get_indexer(row_keys)


def _packed_by_range(rows: pd.DataFrame, stored: pd.DataFrame) -> tuple[np.ndarray, np.ndarray] | None:
    if not len(rows) or not len(stored):
        return None
    row_keys, stored_keys = np.zeros(len(rows), dtype=np.int64), np.zeros(len(stored), dtype=np.int64)
    room = 1
    for name in KEY:
        new, old = rows[name].to_numpy().astype(np.int64), stored[name].to_numpy().astype(np.int64)
        low = min(new.min(), old.min())
        span = int(max(new.max(), old.max())) - int(low) + 1
        room *= span
        if room >= PACK_LIMIT:
            return None
        row_keys = row_keys * span + (new - low)
        stored_keys = stored_keys * span + (old - low)
    return row_keys, stored_keys


def _packed_by_codes(rows: pd.DataFrame, stored: pd.DataFrame) -> tuple[np.ndarray, np.ndarray] | None:
    both = len(rows)
    packed = np.zeros(both + len(stored), dtype=np.int64)
    room = 1
    for name in KEY:
        found, uniques = pd.factorize(np.concatenate([rows[name].to_numpy(), stored[name].to_numpy()]))
        room *= max(len(uniques), 1)
        if room >= PACK_LIMIT:
            return None
        packed = packed * len(uniques) + found
    return packed[:both], packed[both:]


def _id_list(ids) -> tuple[str, list]:
    """A SQL condition ``IN`` a list of ids passed as one parameter, whatever its length."""
    payload = [int(i) for i in ids]
    if connection.vendor == "postgresql":
        return "= ANY(%s)", [payload]
    return "IN (SELECT value FROM json_each(%s))", [json.dumps(payload)]


FETCH_PART = 100_000
_STORED_COLUMNS = ["id", "unit_id", "indicator_id", "period_start", "period_end", "sex", *NUMBERS, "status"]


def fetch_stored(
    kind: int, owner_id: int, indicator_ids, unit_ids, *, starts: tuple[int, int] | None = None,
    binary: bool = False, not_batch: int | None = None,
) -> pd.DataFrame:
    """The observations the region ``owner_id`` holds for one kind of unit, these indicators and units, with
    their ids, as a frame of codes (columns ``id``, :data:`KEY`, the numbers, ``status``); with ``starts`` (first
    and last day, as days since :data:`EPOCH`) only those whose period starts within them, so that a month's file
    does not read the years stored before it. With ``binary`` (for a part of a file, read in a second thread:
    ``write``) PostgreSQL sends them as one binary value, which it must hold whole (at most 1 GB); without it, as
    a stream of rows of any length (a file read whole: a dry run, a workbook, any file the parts gave back). Rows of the batch ``not_batch`` are left out: a part of a
    file need not read what the parts before it wrote (an observation two parts give breaks the unique index
    instead, and the file is read whole)."""
    unit_column = UNIT_COLUMNS[KINDS[kind]]
    indicator_in, params = _id_list(indicator_ids)
    where = f"owner_id = %s AND unit_kind = %s AND indicator_id {indicator_in}"
    params = [owner_id, KINDS[kind], *params]
    if starts is not None:
        where += " AND period_start BETWEEN %s AND %s"
        params += [EPOCH + dt.timedelta(days=day) for day in starts]
    if not_batch is not None:
        where += " AND batch_id <> %s"
        params.append(not_batch)
    if unit_column:
        unit_in, unit_params = _id_list(unit_ids)
        where += f" AND {unit_column} {unit_in}"
        params += unit_params
    if connection.vendor == "postgresql" and binary:
        frame = _fetch_postgresql_binary(unit_column or "0", where, params)
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


# The stored rows as records of seven numbers (``_RECORD``): the rest of the key shares one number (``_PACKED``): the
# start as days since 0001-01-01, the period's length in days, then sex and status as a small number made of their
# first letter and length (``_word_number``). A length outside 0-65535 days would be read as another period: that row
# finds no stored match, its insert breaks the unique index and the import reads the file whole, exactly.
#
# PostgreSQL joins the records, big-endian, into one bytea that numpy reads as it is (``_fetch_postgresql_binary``).
# One message instead of one per row: the thread that reads it hardly holds Python's lock, so the import's other
# thread reads the file meanwhile (a row per message cost more Python time than the rows' parsing), and one aggregate
# of seven numbers costs PostgreSQL a third less than ten arrays (bench/import.py's re-import). The numbers' NULLs come
# as NaN. (A bytea holds at most 1 GB: 19 million stored rows for the units, indicators and periods of one part.)
# SQLite hands over Python tuples of the seven numbers (``_fetch_sqlite``): four Python objects fewer a row than the
# columns as stored, which is most of its time.
_RECORD = np.dtype([
    ("id", ">i8"), ("unit_id", ">i8"), ("indicator_id", ">i8"), ("packed", ">i8"), *((n, ">f8") for n in NUMBERS),
])
_PACKED = {
    "postgresql": (
        "((period_start - DATE '0001-01-01')::int8 << 38) | (((period_end - period_start) & 65535)::int8 << 22)"
        " | ((ascii(sex) * 16 + length(sex)) << 11) | (ascii(status) * 16 + length(status))"
    ),
    "sqlite": (
        "(CAST(julianday(period_start) - 1721425.5 AS INTEGER) << 38)"
        " | ((CAST(julianday(period_end) - julianday(period_start) AS INTEGER) & 65535) << 22)"
        " | ((unicode(sex) * 16 + length(sex)) << 11) | (unicode(status) * 16 + length(status))"
    ),
}
_ORDINAL_EPOCH = EPOCH.toordinal() - 1  # days from 0001-01-01 to EPOCH
_COPY_HEADER = 19  # bytes: signature, flags, header extension length (PostgreSQL sends none)


def _word_number(word: str) -> int:
    """What ``_PACKED`` makes of a word: its first letter's code and its length (11 bits)."""
    return ord(word[0]) * 16 + len(word)


def _word_codes(vocabulary: tuple[str, ...]) -> np.ndarray:
    """A lookup from ``_word_number`` to the position in ``vocabulary`` (-1: no word of it)."""
    lookup = np.full(1 << 11, -1, dtype=np.int8)
    for position, word in enumerate(vocabulary):
        if lookup[_word_number(word)] != -1:  # a new word that would be read as another: choose another number
            raise ValueError(f"{word!r} shares its number with another word")
        lookup[_word_number(word)] = position
    return lookup


_SEX_CODES, _STATUS_CODES = _word_codes(SEXES), _word_codes(STATUSES)


def _from_records(found: np.ndarray) -> pd.DataFrame:
    """Records of ``_RECORD``'s fields (in any byte order) as a frame of codes."""
    packed = found["packed"].astype(np.int64)
    start = (packed >> 38) - _ORDINAL_EPOCH
    return pd.DataFrame({
        "id": found["id"].astype(np.int64),
        "unit_id": found["unit_id"].astype(np.int64),
        "indicator_id": found["indicator_id"].astype(np.int64),
        "period_start": start.astype(np.int32),
        "period_end": (start + ((packed >> 22) & 0xFFFF)).astype(np.int32),
        "sex": _SEX_CODES[(packed >> 11) & 0x7FF],
        **{name: found[name].astype(np.float64) for name in NUMBERS},
        "status": _STATUS_CODES[packed & 0x7FF],
    })


def _fetch_postgresql_binary(unit: str, where: str, params: list) -> pd.DataFrame:
    fields = ("id", f"({unit})::int8", "indicator_id", _PACKED["postgresql"],
              *(f"COALESCE({n}, 'NaN'::float8)" for n in NUMBERS))
    record = " || ".join(f"{'float8send' if field.startswith('COALESCE') else 'int8send'}({field})" for field in fields)
    select = f"SELECT string_agg({record}, ''::bytea) FROM {Observation._meta.db_table} WHERE {where}"
    payload = bytearray()
    with connection.cursor() as cursor, connection.wrap_database_errors:
        with cursor.cursor.copy(f"COPY ({select}) TO STDOUT (FORMAT binary)", params) as copy:
            for block in copy:
                payload += block
    position = _COPY_HEADER + 2  # the row's field count
    length = int.from_bytes(payload[position : position + 4], "big", signed=True)  # -1: NULL, no stored row matched
    if length > 0 and length % _RECORD.itemsize:  # pragma: no cover - protocol change
        raise ValueError("Unexpected value from PostgreSQL's binary COPY")
    return _from_records(np.frombuffer(payload, _RECORD, max(length, 0) // _RECORD.itemsize, position + 4))


_SQLITE_RECORD = _RECORD.newbyteorder("=")


def _fetch_sqlite(unit: str, where: str, params: list) -> pd.DataFrame:
    select = (
        f"SELECT id, {unit}, indicator_id, {_PACKED['sqlite']}, {', '.join(NUMBERS)} "
        f"FROM {Observation._meta.db_table} WHERE {where}"
    )
    # In parts: Python tuples for two million stored rows at once would hold most of a gigabyte. NULL is NaN.
    parts = []
    with connection.cursor() as cursor:
        cursor.execute(select, params)
        while rows := cursor.fetchmany(FETCH_PART):
            parts.append(np.array(rows, dtype=_SQLITE_RECORD))
    return _from_records(np.concatenate(parts) if parts else np.empty(0, dtype=_SQLITE_RECORD))
