"""Importing observations: match the parsed rows to the library and the region's units, then write them
set-based (rolling a batch back is ``indicators.rollback``).

Reading the file is ``indicators.parsers`` (one pandas frame of valid rows plus row errors). This module:

1. *resolves* each row's indicator (by code, else by name) and unit – a clinic of the importing region by
   HSA-id, by a mapped external id (``Clinic.external_ids``) or by exact name; a region by code, Kolada id or
   name; the country – and reports rows it cannot place as row errors (row, column, reason);
2. *plans*: reads the stored observations the file could touch (one query per kind of unit) and joins them
   with the rows in memory, which classifies every row as added, changed, unchanged or removed;
3. *writes* inside one transaction, only what differs (``indicators.bulk``): remembers the previous state of
   what it changes or removes (``ObservationChange``, so a rollback is exact), updates and deletes by id, and
   inserts the new rows – on PostgreSQL with one binary ``COPY`` straight into the table, built with numpy.
   A handful of statements whatever the size of the file; no Python loop per row.

A file with any bad row writes nothing unless the user chose to import only the valid rows; importing the
same file twice finds every row unchanged and writes nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

import numpy as np
import pandas as pd
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators import bulk, liveness, parsers
from indicators.models import (
    BatchStatus,
    ImportBatch,
    ImportStage,
    Indicator,
    Observation,
    ObservationStatus,
    Unit,
    UnitKind,
)
from indicators.parsers import RowError
from indicators.progress import ImportProgress
from organisations.models import Clinic, Region

ERROR_REPORT_LIMIT = 5000
ANALYZE_AFTER_ROWS = 50_000
PACK_LIMIT = 2**62  # the largest number of distinct keys _match_keys packs into one int64

IMPORT_LOCK_KEY = 5_000_001  # pg_advisory_xact_lock key held by the import that is writing


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


# --- classifying and writing ------------------------------------------------------------------------------------


def _rows(frame: pd.DataFrame) -> pd.DataFrame:
    """The resolved rows as codes (see ``indicators.bulk``): the form classification and writing use."""
    return pd.DataFrame(
        {
            "kind": bulk.codes(frame["unit_kind"], bulk.KINDS),
            "unit_id": frame["unit_id"].to_numpy(dtype=np.int64),
            "indicator_id": frame["indicator_id"].to_numpy(dtype=np.int64),
            "period_start": bulk.days(frame["period_start"]),
            "period_end": bulk.days(frame["period_end"]),
            "sex": bulk.codes(frame["sex"], bulk.SEXES),
            "granularity": bulk.codes(frame["granularity"], bulk.GRANULARITIES),
            **{name: frame[name].to_numpy(dtype=np.float64) for name in bulk.NUMBERS},
            "status": bulk.codes(frame["status"], bulk.STATUSES),
            "deleted": frame["deleted"].to_numpy(dtype=bool),
        }
    )


@dataclass
class _Plan:
    """What writing the rows means: counts, the new rows, and the stored rows to update or delete."""

    counts: dict[str, int]
    added: pd.DataFrame
    changes: pd.DataFrame


def _plan(rows: pd.DataFrame, *, owner_id: int) -> _Plan:
    """Compare the rows with what is stored: one read per kind of unit, then a join in memory. A row is
    *added* when nothing is stored under its key, *changed* when its numbers or status differ, *removed*
    when the file deletes a stored value; anything else is *unchanged* (so a second run writes nothing).
    Only the importing region's own observations count: its benchmarks are its own copy."""
    stored = [
        bulk.fetch_stored(kind, owner_id, np.unique(part["indicator_id"]), np.unique(part["unit_id"]))
        for kind, part in rows.groupby("kind", sort=True)
    ]
    stored = [frame for frame in stored if len(frame)]
    deleted = rows["deleted"].to_numpy()
    if not stored:
        added = rows[~deleted]
        counts = {"added": len(added), "changed": 0, "unchanged": int(deleted.sum()), "removed": 0}
        return _Plan(counts, added, pd.DataFrame(columns=["id", "removed", *bulk.NUMBERS, "status"]))
    stored = pd.concat(stored, ignore_index=True)
    position = _match_keys(rows, stored)
    found = position >= 0
    matched = stored.iloc[np.where(found, position, 0)]  # row 0 stands in where nothing matched
    same = rows["status"].to_numpy() == matched["status"].to_numpy()
    for name in bulk.NUMBERS:
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
            **{name: rows[name].to_numpy()[touched] for name in bulk.NUMBERS},
            "status": rows["status"].to_numpy()[touched],
        }
    )
    counts = {
        "added": int(added.sum()),
        "changed": int(changed.sum()),
        "removed": int(removed.sum()),
        "unchanged": int(len(rows) - added.sum() - touched.sum()),
    }
    return _Plan(counts, rows[added], changes)


def _match_keys(rows: pd.DataFrame, stored: pd.DataFrame) -> np.ndarray:
    """For each row, the position in ``stored`` of the observation with the same key, or -1. The key's
    columns are turned into dense codes and packed into one integer, so the match is one hash lookup."""
    both = len(rows)
    packed = np.zeros(both + len(stored), dtype=np.int64)
    room = 1
    for name in bulk.KEY:
        codes, uniques = pd.factorize(np.concatenate([rows[name].to_numpy(), stored[name].to_numpy()]))
        room *= max(len(uniques), 1)
        if room >= PACK_LIMIT:  # too many distinct keys to pack in one integer: join on the columns instead
            merged = rows[bulk.KEY].merge(stored[bulk.KEY].assign(_position=np.arange(len(stored))), how="left")
            return merged["_position"].fillna(-1).to_numpy(dtype=np.int64)
        packed = packed * len(uniques) + codes
    return pd.Index(packed[both:]).get_indexer(packed[:both])


def _is_unique_violation(error: IntegrityError) -> bool:
    cause = error.__cause__
    return getattr(cause, "sqlstate", None) == "23505" or "UNIQUE constraint failed" in str(error)


def lock_observation_writes() -> None:
    """One import writes at a time (PostgreSQL: a transaction-level advisory lock), so two imports never
    both plan to add the same observation. SQLite serializes writers by itself; a clash there surfaces as
    an IntegrityError, which the caller reports. A dry run takes no lock: it writes no observation (only
    its own batch's counts), so it may compare while another import writes."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK_KEY])


# --- the service -----------------------------------------------------------------------------------------------


def _batch_content(batch: ImportBatch) -> bytes:
    if not batch.file:
        raise ImportFileError(_("Filen till import #%(pk)s finns inte kvar.") % {"pk": batch.pk})
    with batch.file.open("rb") as handle:
        content = handle.read()
    if sha256(content) != batch.checksum:
        raise ImportFileError(_("Filen har ändrats sedan den laddades upp (kontrollsumman stämmer inte)."))
    return content


# Progress (percent) at the start of each stage; the write stage moves from WRITE_FROM to WRITE_TO as the
# rows go to the database.
MATCH_FROM, COMPARE_FROM, WRITE_FROM, WRITE_TO = 40, 55, 70, 98


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
    # The batch's lock says "alive" for as long as the batch may say running (indicators.liveness).
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
    parsed = parsers.parse_file(filename=batch.file_name, content=content, max_bytes=settings.MAX_IMPORT_BYTES)
    del content
    progress.report(MATCH_FROM, ImportStage.MATCH)
    report = ImportReport(format=parsed.format, total_rows=parsed.total_rows, dry_run=dry_run)
    frame, resolve_errors = _resolve(parsed.frame, resolver=_Resolver(batch.region), fmt=parsed.format)
    report.errors = sorted(parsed.errors + resolve_errors, key=lambda error: (error.line or 0))
    report.rejected = max(report.total_rows - len(frame), 0) if not parsed.file_errors else report.total_rows

    file_level = bool(parsed.file_errors) or report.total_rows == 0
    refuse = file_level or (bool(report.errors) and not valid_rows_only and not dry_run)
    finish = partial(
        _finish, batch, report=report, refused=refuse, file_level=file_level, valid_rows_only=valid_rows_only
    )
    if refuse:
        finish()
    else:
        rows = _rows(frame)
        del frame
        if dry_run:
            progress.report(COMPARE_FROM, ImportStage.COMPARE)
            _count(report, _plan(rows, owner_id=batch.region_id))
            finish()
        else:
            _write(rows, batch=batch, report=report, progress=progress, finish=finish)
    return report


def _count(report: ImportReport, plan: _Plan) -> None:
    report.added, report.changed = plan.counts["added"], plan.counts["changed"]
    report.unchanged, report.removed = plan.counts["unchanged"], plan.counts["removed"]


def _write(
    rows: pd.DataFrame, *, batch: ImportBatch, report: ImportReport, progress: ImportProgress, finish: Callable[[], None]
) -> None:
    """Plan and write under the import lock, in one transaction, reporting the write as it goes where the
    polling page can see it (``progress.live``), else naming the whole stage up front. The batch's result
    (``finish``) is written in the same transaction: a worker that dies before the commit leaves the batch
    *running* and nothing written, never values without their result (``indicators.recovery`` relies on it)."""
    progress.report(COMPARE_FROM, ImportStage.COMPARE if progress.live else ImportStage.COMPARE_WRITE)
    try:
        with progress.writing(), transaction.atomic():
            lock_observation_writes()
            plan = _plan(rows, owner_id=batch.region_id)
            del rows
            _count(report, plan)
            total = max(len(plan.changes) + len(plan.added), 1)
            written = 0

            def sent(count: int) -> None:
                nonlocal written
                written += count
                progress.report(WRITE_FROM + (WRITE_TO - WRITE_FROM) * written // total)

            progress.report(
                WRITE_FROM,
                ImportStage.WRITE if progress.live else None,
                added_count=report.added, changed_count=report.changed, removed_count=report.removed,
            )
            with connection.cursor() as cursor:
                bulk.apply_changes(cursor, plan.changes, batch_id=batch.pk)
                sent(len(plan.changes))
                bulk.insert_observations(cursor, plan.added, batch_id=batch.pk, owner_id=batch.region_id, sent=sent)
                if plan.counts["added"] + plan.counts["removed"] >= ANALYZE_AFTER_ROWS:
                    # Fresh statistics, so later queries are planned for the table's real size.
                    cursor.execute(f"ANALYZE {Observation._meta.db_table}")
            report.written = True
            finish()
    except IntegrityError as error:
        if not _is_unique_violation(error):
            raise  # a broken rule of the table is a bug, not something the user can fix
        raise ImportFileError(
            _("En annan import skrev samma värden samtidigt. Ingenting har importerats; kör importen igen.")
        ) from error


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
