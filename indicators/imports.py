"""Importing observations: match the parsed rows to the library and the region's units, then write them
set-based, and roll a batch back.

Reading the file is ``indicators.parsers`` (one pandas frame of valid rows plus row errors). This module:

1. *resolves* each row's indicator (by code, else by name) and unit – a clinic of the importing region by
   HSA-id, by a mapped external id (``Clinic.external_ids``) or by exact name; a region by code, Kolada id or
   name; the country – and reports rows it cannot place as row errors (row, column, reason);
2. *stages* the rows in a temporary table – PostgreSQL: one binary ``COPY`` built with numpy, no Python
   loop per row; SQLite: ``executemany`` in large chunks – and classifies each row against the stored
   observations with one set-based ``UPDATE … FROM`` per kind of unit;
3. *writes* inside one transaction: remembers the previous state of what it changes or removes
   (``ObservationChange``, so a rollback is exact), updates, deletes and inserts – four statements whatever
   the size of the file.

A file with any bad row writes nothing unless the user chose to import only the valid rows; importing the
same file twice finds every row unchanged and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators import parsers
from indicators.models import (
    BatchStatus,
    Granularity,
    ImportBatch,
    Indicator,
    Observation,
    ObservationChange,
    ObservationStatus,
    Unit,
    UnitKind,
)
from indicators.parsers import RowError
from organisations.models import Clinic, Region

logger = logging.getLogger(__name__)

ERROR_REPORT_LIMIT = 5000
SQLITE_CHUNK = 50_000
ANALYZE_AFTER_ROWS = 50_000

# Small integer codes for the staging table; the SQL turns them back into the stored text values.
KIND_CODES = {UnitKind.CLINIC: 0, UnitKind.REGION: 1, UnitKind.NATION: 2}
STATUS_CODES = {status: index for index, status in enumerate(ObservationStatus.values)}
GRANULARITY_CODES = {granularity: index for index, granularity in enumerate(Granularity.values)}

STAGE_TABLE = "indicators_import_stage"


class ImportFileError(Exception):
    """A problem that stops an import as a whole (the file is gone, a rollback conflicts…)."""


class RollbackError(Exception):
    pass


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


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


# --- resolving indicators and units ----------------------------------------------------------------------


# The column names the user sees in each format, for error messages about rows we cannot place.
_COLUMNS = {
    parsers.FORMAT_VIS_CSV: {"indicator": "Indikator-Id / Diagramrubrik", "clinic": "Enhetskod / Enhetsnamn",
                             "region": "Regionskod / Enhetsnamn", "value": "Värde", "numerator": "Täljare"},
    parsers.FORMAT_KOLADA_JSON: {"indicator": "kpi", "clinic": "ou", "region": "municipality",
                                 "value": "value", "numerator": "value"},
}
_GENERIC_COLUMNS = {"indicator": "indikator", "clinic": "enhet", "region": "enhet", "value": "värde",
                    "numerator": "täljare"}


def _column(fmt: str, key: str) -> str:
    return _COLUMNS.get(fmt, _GENERIC_COLUMNS)[key]


def _norm(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def _unique_map(pairs) -> dict:
    """key → id, leaving out keys that point at more than one id (an ambiguous name matches nothing)."""
    mapping: dict = {}
    ambiguous = set()
    for key, pk in pairs:
        if not key:
            continue
        if key in mapping and mapping[key] != pk:
            ambiguous.add(key)
        mapping[key] = pk
    for key in ambiguous:
        del mapping[key]
    return mapping


class _Resolver:
    """Lookups for one import, built with a handful of queries whatever the size of the file."""

    def __init__(self, region: Region):
        self.region = region
        indicators = list(Indicator.objects.for_region(region).values("id", "code", "name", "unit", "region_id"))
        # The region's own indicator wins over a shared one with the same code.
        indicators.sort(key=lambda row: row["region_id"] is not None)
        self.indicator_by_code = {row["code"].strip().upper(): row["id"] for row in indicators}
        self.indicator_by_name = _unique_map((_norm(row["name"]), row["id"]) for row in indicators)
        self.indicator_unit = {row["id"]: row["unit"] for row in indicators}
        clinics = list(Clinic.objects.filter(region=region).values("id", "hsa_id", "name", "external_ids"))
        self.clinic_by_hsa = {row["hsa_id"].strip().upper(): row["id"] for row in clinics}
        self.clinic_by_external = _unique_map(
            (str(value).strip().upper(), row["id"])
            for row in clinics
            for value in (row["external_ids"] or {}).values()
            if value not in (None, "")
        )
        self.clinic_by_name = _unique_map((_norm(row["name"]), row["id"]) for row in clinics)
        regions = list(Region.objects.values("id", "code", "kolada_id", "name"))
        self.region_by_code = _unique_map(
            [(row["code"].strip(), row["id"]) for row in regions]
            + [(row["code"].strip().zfill(2), row["id"]) for row in regions if row["code"].strip()]
            + [(row["kolada_id"].strip(), row["id"]) for row in regions]
        )
        self.region_by_name = _unique_map(
            [(_norm(row["name"]), row["id"]) for row in regions]
            + [(_norm(row["name"]).removeprefix("region "), row["id"]) for row in regions]
        )

    def indicator(self, code: str, name: str) -> int | None:
        return (
            self.indicator_by_code.get(code.strip().upper())
            or self.indicator_by_name.get(_norm(code))
            or (self.indicator_by_name.get(_norm(name)) if name else None)
        )

    def unit(self, kind: str, code: str, name: str) -> tuple[str, int | None, str | None]:
        """(kind, clinic or region id – 0 for the country –, error message)."""
        if kind == UnitKind.NATION:
            return kind, 0, None
        if kind == UnitKind.CLINIC:
            key = code.strip().upper()
            pk = (
                (self.clinic_by_hsa.get(key) or self.clinic_by_external.get(key) if key else None)
                or self.clinic_by_name.get(_norm(name))
                or (self.clinic_by_name.get(_norm(code)) if code else None)
            )
            if pk:
                return kind, pk, None
            # A generic file names every unit in one column: "Riket" or a region's name there means that unit.
            label = _norm(name or code)
            if label in ("riket", "sverige", "hela riket", "hela landet"):
                return UnitKind.NATION, 0, None
            if label.startswith(("region ", "landstinget ")) and self.region_by_name.get(label):
                return UnitKind.REGION, self.region_by_name[label], None
            shown = " ".join(part for part in (f"”{name}”" if name else "", f"({code})" if code else "") if part)
            return kind, None, _(
                "Vårdcentralen %(unit)s finns inte i %(region)s. Kontrollera HSA-id eller namn, eller lägg in "
                "källans id för vårdcentralen under Vårdcentraler."
            ) % {"unit": shown, "region": self.region.name}
        if kind == UnitKind.REGION:
            stripped = code.strip()
            pk = (
                self.region_by_code.get(stripped)
                or self.region_by_code.get(stripped.zfill(2) if stripped.isdigit() and len(stripped) < 2 else "")
                or self.region_by_name.get(_norm(name))
                or self.region_by_name.get(_norm(name).removeprefix("region "))
            )
            if pk:
                return kind, pk, None
            return kind, None, _("Regionen ”%(unit)s” är okänd. Kontrollera regionkoden eller Kolada-id.") % {
                "unit": name or code
            }
        if kind == "municipality":
            return kind, None, _(
                "Kommunvärden (kommun ”%(unit)s”) lagras inte: bara vårdcentraler, regioner och riket."
            ) % {"unit": name or code}
        return kind, None, _("Okänd enhetstyp ”%(kind)s”.") % {"kind": kind}


def _factorize_columns(frame: pd.DataFrame, columns: list[str]) -> tuple[np.ndarray, pd.DataFrame]:
    """Codes of the distinct combinations of ``columns`` and one row per combination: the Python-level
    matching then runs once per distinct unit or indicator, not once per row."""
    key = np.zeros(len(frame), dtype=np.int64)
    for column in columns:
        codes, uniques = pd.factorize(frame[column], use_na_sentinel=False)
        key, _uniques = pd.factorize(key * (len(uniques) + 1) + codes)  # stays below the row count
    if not len(key):
        return key, frame[columns].iloc[:0].reset_index(drop=True)
    first = np.empty(key.max() + 1, dtype=np.int64)
    first[key[::-1]] = np.arange(len(key) - 1, -1, -1)
    return key, frame.iloc[first][columns].reset_index(drop=True)


def _resolve(frame: pd.DataFrame, *, resolver: _Resolver, fmt: str) -> tuple[pd.DataFrame, list[RowError]]:
    """Add ``indicator_id`` and ``unit_id`` to the frame; rows that cannot be placed become errors."""
    errors: list[RowError] = []
    lines = frame["line"].to_numpy()
    bad = np.zeros(len(frame), dtype=bool)

    codes, combos = _factorize_columns(frame, ["indicator_code", "indicator_name"])
    ids = np.asarray(
        [resolver.indicator(code, name) or 0 for code, name in zip(combos["indicator_code"], combos["indicator_name"])],
        dtype=np.int64,
    )
    indicator_id = ids[codes]
    unknown_rows = np.flatnonzero(indicator_id == 0)
    if len(unknown_rows):
        bad[unknown_rows] = True
        column = _column(fmt, "indicator")
        message = _(
            "Indikatorn ”%(code)s” finns inte i indikatorbiblioteket. Lägg till den i biblioteket eller "
            "kontrollera koden."
        )
        errors.extend(
            RowError(int(lines[row]), column, message % {"code": combos["indicator_code"][codes[row]]})
            for row in unknown_rows
        )

    codes, combos = _factorize_columns(frame, ["unit_kind", "unit_code", "unit_name"])
    resolved = [resolver.unit(*combo) for combo in combos.itertuples(index=False)]
    unit_ids = np.asarray([pk if pk is not None else -1 for _kind, pk, _message in resolved], dtype=np.int64)
    unit_id = unit_ids[codes]
    unit_kind = np.asarray([kind for kind, _pk, _message in resolved], dtype=object)[codes]
    unmatched_rows = np.flatnonzero(unit_id < 0)
    if len(unmatched_rows):
        bad[unmatched_rows] = True
        kinds = combos["unit_kind"]
        errors.extend(
            RowError(
                int(lines[row]),
                _column(fmt, "region" if kinds[codes[row]] in (UnitKind.REGION, "municipality") else "clinic"),
                resolved[codes[row]][2],
            )
            for row in unmatched_rows
        )

    # A status "ok" without a number (e.g. a status column saying ok beside an empty value) is a missing value.
    status = frame["status"].to_numpy(dtype=object)
    status = np.where((status == ObservationStatus.OK) & np.isnan(frame["value"].to_numpy()), ObservationStatus.MISSING, status)
    frame = frame.assign(indicator_id=indicator_id, unit_id=unit_id, unit_kind=unit_kind, status=status)
    frame = frame[~bad]
    frame, value_errors = _check_against_library(frame, resolver=resolver, fmt=fmt)
    errors.extend(value_errors)
    frame, duplicate_errors = _drop_duplicates(frame)
    errors.extend(duplicate_errors)
    return frame, errors


def _check_against_library(frame: pd.DataFrame, *, resolver: _Resolver, fmt: str):
    """Proportions must lie within 0–100 and have a numerator no larger than the denominator, also when the
    file does not say the unit (the library knows it)."""
    percent_ids = [pk for pk, unit in resolver.indicator_unit.items() if unit == Unit.PERCENT]
    is_percent = frame["indicator_id"].isin(percent_ids).to_numpy()
    value = frame["value"].to_numpy()
    numerator = frame["numerator"].to_numpy()
    denominator = frame["denominator"].to_numpy()
    with np.errstate(invalid="ignore"):
        out_of_range = is_percent & ((value < 0) | (value > 100))
        too_big = is_percent & (numerator > denominator)
    errors = []
    lines = frame["line"].to_numpy()
    for row in np.flatnonzero(out_of_range):
        errors.append(RowError(int(lines[row]), _column(fmt, "value"), _(
            "Värdet %(value)s ligger utanför 0–100, men indikatorn är en andel i procent."
        ) % {"value": _number(value[row])}))
    for row in np.flatnonzero(too_big & ~out_of_range):
        errors.append(RowError(int(lines[row]), _column(fmt, "numerator"), _(
            "Täljaren %(numerator)s är större än nämnaren %(denominator)s, vilket inte går för en andel."
        ) % {"numerator": _number(numerator[row]), "denominator": _number(denominator[row])}))
    return frame[~(out_of_range | too_big)], errors


def _number(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def _drop_duplicates(frame: pd.DataFrame):
    """Two rows that land on the same observation (e.g. one names the clinic by HSA-id, the other by name)."""
    keys = pd.DataFrame(
        {
            "indicator": frame["indicator_id"].to_numpy(),
            "kind": pd.factorize(frame["unit_kind"])[0],
            "unit": frame["unit_id"].to_numpy(),
            "start": pd.factorize(frame["period_start"])[0],
            "end": pd.factorize(frame["period_end"])[0],
            "sex": pd.factorize(frame["sex"])[0],
        }
    )
    deleted = frame["deleted"].to_numpy(dtype=bool)
    live_dup = keys[~deleted].duplicated(keep=False).to_numpy()
    errors = []
    if live_dup.any():
        live_lines = frame["line"].to_numpy()[~deleted]
        groups = keys[~deleted][live_dup].groupby(list(keys.columns), sort=False).indices
        dup_lines = live_lines[live_dup]
        for positions in groups.values():
            group_lines = [int(dup_lines[p]) for p in positions]
            for line in group_lines:
                others = ", ".join(str(other) for other in group_lines if other != line)
                errors.append(RowError(line, None, _(
                    "Raden gäller samma indikator, enhet, period och kön som rad %(lines)s."
                ) % {"lines": others}))
    bad = np.zeros(len(frame), dtype=bool)
    bad[np.flatnonzero(~deleted)[live_dup]] = True
    # A deletion of a key that the file also gives a value for is superseded by the value.
    live_keys = keys[~deleted & ~bad]
    if deleted.any():
        merged = keys[deleted].merge(live_keys.drop_duplicates(), how="left", indicator=True)
        superseded = (merged["_merge"] == "both").to_numpy()
        dup_deleted = keys[deleted].duplicated().to_numpy()
        bad[np.flatnonzero(deleted)[superseded | dup_deleted]] = True
    return frame[~bad], errors


# --- staging -------------------------------------------------------------------------------------------------


def _codes(values, mapping: dict, dtype=np.int16) -> np.ndarray:
    codes, uniques = pd.factorize(values)
    return np.asarray([mapping[u] for u in uniques], dtype=dtype)[codes]


def _stage_columns(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    return {
        "indicator_id": frame["indicator_id"].to_numpy(dtype=np.int64),
        "kind": _codes(frame["unit_kind"], KIND_CODES),
        "unit_id": frame["unit_id"].to_numpy(dtype=np.int64),
        "period_start": frame["period_start"].to_numpy(dtype=object),
        "period_end": frame["period_end"].to_numpy(dtype=object),
        "granularity": _codes(frame["granularity"], GRANULARITY_CODES),
        "sex": frame["sex"].to_numpy(dtype=object),
        "value": frame["value"].to_numpy(dtype=np.float64),
        "numerator": frame["numerator"].to_numpy(dtype=np.float64),
        "denominator": frame["denominator"].to_numpy(dtype=np.float64),
        "status": _codes(frame["status"], STATUS_CODES),
        "deleted": frame["deleted"].to_numpy(dtype=bool).astype(np.int16),
    }


STAGE_COLUMNS = [
    "indicator_id", "kind", "unit_id", "period_start", "period_end", "granularity", "sex", "value", "numerator",
    "denominator", "status", "deleted",
]


def _create_stage(cursor) -> None:
    cursor.execute(f"DROP TABLE IF EXISTS {STAGE_TABLE}")
    if connection.vendor == "postgresql":
        cursor.execute(
            f"""CREATE TEMP TABLE {STAGE_TABLE} (
                indicator_id bigint NOT NULL, kind smallint NOT NULL, unit_id bigint NOT NULL,
                period_start date NOT NULL, period_end date NOT NULL, granularity smallint NOT NULL,
                sex varchar(1) NOT NULL, value double precision, numerator double precision,
                denominator double precision, status smallint NOT NULL, deleted smallint NOT NULL)"""
        )
    else:
        cursor.execute(
            f"""CREATE TEMP TABLE {STAGE_TABLE} (
                indicator_id integer NOT NULL, kind integer NOT NULL, unit_id integer NOT NULL,
                period_start text NOT NULL, period_end text NOT NULL, granularity integer NOT NULL,
                sex text NOT NULL, value real, numerator real, denominator real, status integer NOT NULL,
                deleted integer NOT NULL)"""
        )


_PG_EPOCH = dt.date(2000, 1, 1).toordinal()


def _pg_binary_copy_payload(columns: dict[str, np.ndarray]) -> bytes:
    """The rows in PostgreSQL's binary COPY format, built with numpy: every field has a fixed width, NaN
    stands for a missing number (turned into NULL by the SQL), so each row is one numpy record."""
    n = len(columns["indicator_id"])
    spec = [
        ("indicator_id", ">i8"), ("kind", ">i2"), ("unit_id", ">i8"), ("period_start", ">i4"),
        ("period_end", ">i4"), ("granularity", ">i2"), ("sex", "S1"), ("value", ">f8"), ("numerator", ">f8"),
        ("denominator", ">f8"), ("status", ">i2"), ("deleted", ">i2"),
    ]
    dtype = [("nfields", ">i2")]
    for name, kind in spec:
        dtype += [(f"len_{name}", ">i4"), (name, kind)]
    records = np.empty(n, dtype=dtype)
    records["nfields"] = len(spec)
    for name, kind in spec:
        records[f"len_{name}"] = np.dtype(kind).itemsize
    for name in ("period_start", "period_end"):
        records[name] = _codes(columns[name], {day: day.toordinal() - _PG_EPOCH for day in set(columns[name])}, np.int32)
    records["sex"] = _codes(columns["sex"], {sex: sex.encode("ascii") for sex in set(columns["sex"])}, "S1")
    for name, _kind in spec:
        if name not in ("period_start", "period_end", "sex"):
            records[name] = columns[name]
    header = b"PGCOPY\n\xff\r\n\x00" + (0).to_bytes(4, "big") + (0).to_bytes(4, "big")
    return header + records.tobytes() + (-1).to_bytes(2, "big", signed=True)


def _load_stage(cursor, columns: dict[str, np.ndarray]) -> None:
    if not len(columns["indicator_id"]):
        return
    if connection.vendor == "postgresql":
        payload = _pg_binary_copy_payload(columns)
        with cursor.cursor.copy(f"COPY {STAGE_TABLE} ({', '.join(STAGE_COLUMNS)}) FROM STDIN WITH (FORMAT binary)") as copy:
            step = 64 << 20
            for start in range(0, len(payload), step):
                copy.write(payload[start : start + step])
        cursor.execute(f"ANALYZE {STAGE_TABLE}")
        return
    # SQLite: NaN becomes NULL here, dates ISO text as Django stores them.
    as_lists = {}
    for name in STAGE_COLUMNS:
        values = columns[name]
        if name in ("value", "numerator", "denominator"):
            as_lists[name] = [None if v != v else v for v in values.tolist()]
        elif name in ("period_start", "period_end"):
            as_lists[name] = _codes(values, {day: day.isoformat() for day in set(values)}, object).tolist()
        else:
            as_lists[name] = values.tolist()
    rows = list(zip(*(as_lists[name] for name in STAGE_COLUMNS)))
    sql = f"INSERT INTO {STAGE_TABLE} ({', '.join(STAGE_COLUMNS)}) VALUES ({', '.join(['%s'] * len(STAGE_COLUMNS))})"
    for start in range(0, len(rows), SQLITE_CHUNK):
        cursor.executemany(sql, rows[start : start + SQLITE_CHUNK])


def _sql_parts(s: str = "s") -> dict[str, str]:
    """Vendor differences, kept to a few expressions; ``s`` names the staged row."""
    if connection.vendor == "postgresql":
        nan = "'NaN'::double precision"  # NaN marks a missing number in the binary COPY
        number = {name: f"NULLIF({s}.{name}, {nan})" for name in ("value", "numerator", "denominator")}
    else:
        number = {name: f"{s}.{name}" for name in ("value", "numerator", "denominator")}

    def case(column: str, codes: dict) -> str:
        return f"CASE {s}.{column} " + " ".join(f"WHEN {code} THEN '{name}'" for name, code in codes.items()) + " END"

    return {
        **number,
        "status": case("status", STATUS_CODES),
        "granularity": case("granularity", GRANULARITY_CODES),
        "kind": case("kind", KIND_CODES),
    }


def _match(kind: int, o: str = "o", s: str = "s") -> str:
    """The join of a staged row of one kind of unit with its observation, on the matching partial unique
    index of Observation (``o``/``s`` name the two tables)."""
    unit = {
        KIND_CODES[UnitKind.CLINIC]: f"{o}.clinic_id = {s}.unit_id",
        KIND_CODES[UnitKind.REGION]: f"{o}.region_id = {s}.unit_id",
        KIND_CODES[UnitKind.NATION]: f"{o}.unit_kind = 'nation'",
    }[kind]
    return (
        f"{s}.kind = {kind} AND {unit} AND {o}.indicator_id = {s}.indicator_id AND {o}.period_start = {s}.period_start"
        f" AND {o}.period_end = {s}.period_end AND {o}.sex = {s}.sex"
    )


def _same(o: str = "o", s: str = "s") -> str:
    parts = _sql_parts(s)
    return " AND ".join(
        [f"{o}.{name} IS NOT DISTINCT FROM {parts[name]}" for name in ("value", "numerator", "denominator")]
        + [f"{o}.status = {parts['status']}"]
    )


def _classify(cursor, kinds: set[int]) -> dict[str, int]:
    """Count what the staged rows would add, change, leave unchanged and remove: one read-only join per kind
    of unit, so importing the same file again costs one join and no writes."""
    table = Observation._meta.db_table
    totals = {"added": 0, "changed": 0, "unchanged": 0, "removed": 0}
    for kind in sorted(kinds):
        cursor.execute(
            f"""SELECT
                  COALESCE(SUM(CASE WHEN s.deleted = 0 AND o.id IS NULL THEN 1 ELSE 0 END), 0),
                  COALESCE(SUM(CASE WHEN s.deleted = 0 AND o.id IS NOT NULL AND NOT ({_same()}) THEN 1 ELSE 0 END), 0),
                  COALESCE(SUM(CASE WHEN (s.deleted = 0 AND o.id IS NOT NULL AND {_same()})
                                      OR (s.deleted = 1 AND o.id IS NULL) THEN 1 ELSE 0 END), 0),
                  COALESCE(SUM(CASE WHEN s.deleted = 1 AND o.id IS NOT NULL THEN 1 ELSE 0 END), 0)
                FROM {STAGE_TABLE} s LEFT JOIN {table} o ON {_match(kind)}
                WHERE s.kind = {kind}"""
        )
        for name, count in zip(("added", "changed", "unchanged", "removed"), cursor.fetchone()):
            totals[name] += int(count)
    return totals


def _write(cursor, *, batch_id: int, counts: dict[str, int], kinds: set[int]) -> None:
    """At most four set-based statements per kind of unit, each skipped when the counts say it has nothing
    to do: remember what changes, update, delete, insert."""
    parts = _sql_parts()
    table = Observation._meta.db_table
    change_table = ObservationChange._meta.db_table
    fields = (
        "indicator_id, unit_kind, clinic_id, region_id, period_start, period_end, granularity, sex, value, "
        "numerator, denominator, status"
    )
    # SQLite's UPDATE … FROM cannot alias its target table, so there the observation goes by its table name.
    target, o = (f"{table} o", "o") if connection.vendor == "postgresql" else (table, table)
    for kind in sorted(kinds):
        if counts["changed"] or counts["removed"]:
            cursor.execute(
                f"""INSERT INTO {change_table} (batch_id, action, {fields}, previous_batch_id)
                    SELECT %s, CASE WHEN s.deleted = 1 THEN 'removed' ELSE 'changed' END,
                           o.indicator_id, o.unit_kind, o.clinic_id, o.region_id, o.period_start, o.period_end,
                           o.granularity, o.sex, o.value, o.numerator, o.denominator, o.status, o.batch_id
                    FROM {STAGE_TABLE} s JOIN {table} o ON {_match(kind)}
                    WHERE s.deleted = 1 OR NOT ({_same()})""",
                [batch_id],
            )
        if counts["changed"]:
            cursor.execute(
                f"""UPDATE {target} SET value = {parts['value']}, numerator = {parts['numerator']},
                        denominator = {parts['denominator']}, status = {parts['status']}, batch_id = %s
                    FROM {STAGE_TABLE} s
                    WHERE {_match(kind, o=o)} AND s.deleted = 0 AND NOT ({_same(o=o)})""",
                [batch_id],
            )
        if counts["removed"]:
            cursor.execute(
                f"""DELETE FROM {table} WHERE id IN (
                        SELECT o.id FROM {STAGE_TABLE} s JOIN {table} o ON {_match(kind)} WHERE s.deleted = 1)"""
            )
        if counts["added"]:
            clinic_code, region_code = KIND_CODES[UnitKind.CLINIC], KIND_CODES[UnitKind.REGION]
            cursor.execute(
                f"""INSERT INTO {table} ({fields}, batch_id)
                    SELECT s.indicator_id, {parts['kind']},
                           CASE WHEN s.kind = {clinic_code} THEN s.unit_id END,
                           CASE WHEN s.kind = {region_code} THEN s.unit_id END,
                           s.period_start, s.period_end, {parts['granularity']}, s.sex,
                           {parts['value']}, {parts['numerator']}, {parts['denominator']}, {parts['status']}, %s
                    FROM {STAGE_TABLE} s
                    WHERE s.kind = {kind} AND s.deleted = 0
                      AND NOT EXISTS (SELECT 1 FROM {table} o WHERE {_match(kind)})""",
                [batch_id],
            )


# --- the service -----------------------------------------------------------------------------------------------


def _progress(batch: ImportBatch, percent: int, **fields) -> None:
    """Progress is saved in its own small write outside the import's transaction, so the page that polls
    can see it while the import runs."""
    batch.progress = percent
    for name, value in fields.items():
        setattr(batch, name, value)
    ImportBatch.objects.filter(pk=batch.pk).update(progress=percent, **fields)


def _batch_content(batch: ImportBatch) -> bytes:
    if not batch.file:
        raise ImportFileError(_("Filen till import #%(pk)s finns inte kvar.") % {"pk": batch.pk})
    with batch.file.open("rb") as handle:
        content = handle.read()
    if sha256(content) != batch.checksum:
        raise ImportFileError(_("Filen har ändrats sedan den laddades upp (kontrollsumman stämmer inte)."))
    return content


def observations_import(
    *,
    batch: ImportBatch,
    valid_rows_only: bool,
    dry_run: bool,
    content: bytes | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import the batch's file (or ``content``) into the region of the batch, or only report what would
    happen (``dry_run``). Rows with errors stop the whole import unless ``valid_rows_only``.

    Not one ``@transaction.atomic`` around everything, on purpose: parsing and matching only read, and
    the progress they report must be visible to the page that polls; every write to observations happens
    in the single atomic block at the end, so nothing partial is ever written.
    """
    report_progress = progress or (lambda percent: _progress(batch, percent))
    _progress(batch, 2, status=BatchStatus.RUNNING, started_at=timezone.now(), message="")
    if content is None:
        content = _batch_content(batch)
    parsed = parsers.parse_file(filename=batch.file_name, content=content, max_bytes=settings.MAX_IMPORT_BYTES)
    del content
    report_progress(40)
    report = ImportReport(format=parsed.format, total_rows=parsed.total_rows, dry_run=dry_run)
    frame, resolve_errors = _resolve(parsed.frame, resolver=_Resolver(batch.region), fmt=parsed.format)
    errors = sorted(parsed.errors + resolve_errors, key=lambda error: (error.line or 0))
    report.errors = errors
    report.rejected = max(report.total_rows - len(frame), 0) if not parsed.file_errors else report.total_rows
    report_progress(55)

    file_level = bool(parsed.file_errors) or report.total_rows == 0
    refuse = file_level or (bool(errors) and not valid_rows_only and not dry_run)
    if not refuse:
        columns = _stage_columns(frame)
        kinds = set(np.unique(columns["kind"]).tolist())
        del frame
        with connection.cursor() as cursor:
            try:
                with transaction.atomic():
                    if connection.vendor == "postgresql":
                        # One big join per statement: hash it in memory, and skip JIT compilation, which
                        # costs more than it saves on these simple expressions.
                        cursor.execute("SET LOCAL work_mem = '256MB'")
                        cursor.execute("SET LOCAL jit = off")
                    _create_stage(cursor)
                    _load_stage(cursor, columns)
                    del columns
                    report_progress(70)
                    counts = _classify(cursor, kinds)
                    report.added, report.changed = counts["added"], counts["changed"]
                    report.unchanged, report.removed = counts["unchanged"], counts["removed"]
                    report_progress(85)
                    if not dry_run:
                        _write(cursor, batch_id=batch.pk, counts=counts, kinds=kinds)
                        report.written = True
                        if counts["added"] + counts["removed"] >= ANALYZE_AFTER_ROWS:
                            # Fresh statistics, or the next import's join is planned for a small table.
                            cursor.execute(f"ANALYZE {Observation._meta.db_table}")
            finally:
                cursor.execute(f"DROP TABLE IF EXISTS {STAGE_TABLE}")
    _finish(batch, report=report, refused=refuse, file_level=file_level, valid_rows_only=valid_rows_only)
    return report


def _finish(batch: ImportBatch, *, report: ImportReport, refused: bool, file_level: bool, valid_rows_only: bool) -> None:
    if file_level:
        status = BatchStatus.FAILED  # nothing in the file can be imported, whatever the user chooses
    elif report.dry_run:
        status = BatchStatus.PREVIEWED
    elif refused:
        status = BatchStatus.FAILED
    else:
        status = BatchStatus.DONE
    if file_level:
        message = _("Filen kunde inte läsas. Ingenting har importerats.")
    elif refused and report.errors:
        message = _("Filen har fel. Ingenting har importerats.")
    elif status == BatchStatus.DONE and report.errors:
        message = _("Bara de giltiga raderna har importerats.")
    else:
        message = ""
    batch.format = report.format
    batch.status = status
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
    batch.message = message
    batch.progress = 100
    batch.finished_at = timezone.now()
    batch.save(
        update_fields=[
            "format", "status", "valid_rows_only", "total_rows", "added_count", "changed_count", "unchanged_count",
            "removed_count", "rejected_count", "error_count", "error_report", "message", "progress", "finished_at",
        ]
    )


def import_batch_fail(*, batch: ImportBatch, message: str) -> None:
    """Mark a batch that stopped on an unexpected problem; its writes were rolled back with its transaction."""
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.FAILED, message=message[:2000], finished_at=timezone.now(), progress=100
    )


@transaction.atomic
def import_batch_rollback(*, batch: ImportBatch, user) -> ImportBatch:
    """Undo a done import exactly: remove what it wrote and restore what it changed or removed. Refused when a
    later import has since changed the same values (roll that one back first)."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != BatchStatus.DONE:
        raise RollbackError(_("Bara genomförda importer kan återställas."))
    later = list(
        ImportBatch.objects.filter(
            pk__in=ObservationChange.objects.filter(previous_batch=batch).exclude(batch=batch).values("batch")
        )
        .exclude(status=BatchStatus.ROLLED_BACK)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if later:
        raise RollbackError(
            _("Senare importer (%(batches)s) har ändrat samma värden. Återställ dem först.")
            % {"batches": ", ".join(f"#{pk}" for pk in later)}
        )
    Observation.objects.filter(batch=batch).delete()
    fields = "indicator_id, unit_kind, clinic_id, region_id, period_start, period_end, granularity, sex, value, numerator, denominator, status"
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"""INSERT INTO {Observation._meta.db_table} ({fields}, batch_id)
                    SELECT {fields}, previous_batch_id FROM {ObservationChange._meta.db_table} WHERE batch_id = %s""",
                [batch.pk],
            )
    except IntegrityError as error:
        raise RollbackError(
            _("En senare import har lagt till värden som den här importen tog bort. Återställ den först.")
        ) from error
    batch.status = BatchStatus.ROLLED_BACK
    batch.rolled_back_at = timezone.now()
    batch.rolled_back_by = user
    batch.save(update_fields=["status", "rolled_back_at", "rolled_back_by"])
    return batch
