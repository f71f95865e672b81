"""Placing the parsed rows: each row's indicator (by code, else by name) and unit – a clinic of the importing region
by HSA-id, by a mapped external id (``Clinic.external_ids``) or by exact name; a region by code, Kolada id or
name; the country – with rows that cannot be placed reported as row errors (row, column, reason). Then the rules
that need the library (a proportion stays within 0–100) and duplicates that only show once placed (one row names
a clinic by HSA-id, another by name).

Lookups are built with a handful of queries whatever the size of the file, and matching runs once per distinct
combination of indicator or unit columns, not once per row.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.utils.translation import gettext as _

from indicators.imports.frame import FORMAT_KOLADA_JSON, FORMAT_VIS_CSV, RowError, packed_keys
from indicators.imports.plan import EPOCH, GRANULARITIES, KINDS, SEXES, STATUSES
from indicators.imports.rules import unit_rules
from indicators.models import Indicator, ObservationStatus, Unit, UnitKind
from organisations.models import Clinic, Region

# The column names the user sees in each format, for error messages about rows we cannot place.
_COLUMNS = {
    FORMAT_VIS_CSV: {"indicator": "Indikator-Id / Diagramrubrik", "clinic": "Enhetskod / Enhetsnamn",
                     "region": "Regionskod / Enhetsnamn", "value": "Värde", "numerator": "Täljare",
                     "denominator": "Nämnare/antal fall"},
    FORMAT_KOLADA_JSON: {"indicator": "kpi", "clinic": "ou", "region": "municipality",
                         "value": "value", "numerator": "value", "denominator": "value"},
}
_GENERIC_COLUMNS = {"indicator": "indikator", "clinic": "enhet", "region": "enhet", "value": "värde",
                    "numerator": "täljare", "denominator": "nämnare"}
_NATION_LABELS = ("riket", "sverige", "hela riket", "hela landet")


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


class Resolver:
    """Lookups for one import, built with a handful of queries whatever the size of the file."""

    def __init__(self, region: Region):
        self.region = region
        self._load_indicators(region)
        self._load_clinics(region)
        self._load_regions()

    def _load_indicators(self, region: Region) -> None:
        indicators = list(Indicator.objects.for_region(region).values("id", "code", "name", "unit", "region_id"))
        # The region's own indicator wins over a shared one with the same code.
        indicators.sort(key=lambda row: row["region_id"] is not None)
        self.indicator_by_code = {row["code"].strip().upper(): row["id"] for row in indicators}
        self.indicator_by_name = _unique_map((_norm(row["name"]), row["id"]) for row in indicators)
        self.indicator_unit = {row["id"]: row["unit"] for row in indicators}

    def _load_clinics(self, region: Region) -> None:
        clinics = list(Clinic.objects.filter(region=region).values("id", "hsa_id", "name", "external_ids"))
        self.clinic_by_hsa = {row["hsa_id"].strip().upper(): row["id"] for row in clinics}
        self.clinic_by_external = _unique_map(
            (str(value).strip().upper(), row["id"])
            for row in clinics
            for value in (row["external_ids"] or {}).values()
            if value not in (None, "")
        )
        self.clinic_by_name = _unique_map((_norm(row["name"]), row["id"]) for row in clinics)

    def _load_regions(self) -> None:
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
            return self._clinic(code, name)
        if kind == UnitKind.REGION:
            return self._region(code, name)
        if kind == "municipality":
            return kind, None, _(
                "Kommunvärden (kommun ”%(unit)s”) lagras inte: bara vårdcentraler, regioner och riket."
            ) % {"unit": name or code}
        return kind, None, _("Okänd enhetstyp ”%(kind)s”.") % {"kind": kind}

    def _clinic(self, code: str, name: str) -> tuple[str, int | None, str | None]:
        key = code.strip().upper()
        pk = (
            (self.clinic_by_hsa.get(key) or self.clinic_by_external.get(key) if key else None)
            or self.clinic_by_name.get(_norm(name))
            or (self.clinic_by_name.get(_norm(code)) if code else None)
        )
        if pk:
            return UnitKind.CLINIC, pk, None
        # A generic file names every unit in one column: "Riket" or a region's name there means that unit.
        label = _norm(name or code)
        if label in _NATION_LABELS:
            return UnitKind.NATION, 0, None
        if label.startswith(("region ", "landstinget ")) and self.region_by_name.get(label):
            return UnitKind.REGION, self.region_by_name[label], None
        shown = " ".join(part for part in (f"”{name}”" if name else "", f"({code})" if code else "") if part)
        return UnitKind.CLINIC, None, _(
            "Vårdcentralen %(unit)s finns inte i %(region)s. Kontrollera HSA-id eller namn, eller lägg in "
            "källans id för vårdcentralen under Vårdcentraler."
        ) % {"unit": shown, "region": self.region.name}

    def _region(self, code: str, name: str) -> tuple[str, int | None, str | None]:
        stripped = code.strip()
        pk = (
            self.region_by_code.get(stripped)
            or self.region_by_code.get(stripped.zfill(2) if stripped.isdigit() and len(stripped) < 2 else "")
            or self.region_by_name.get(_norm(name))
            or self.region_by_name.get(_norm(name).removeprefix("region "))
        )
        if pk:
            return UnitKind.REGION, pk, None
        return UnitKind.REGION, None, _("Regionen ”%(unit)s” är okänd. Kontrollera regionkoden eller Kolada-id.") % {
            "unit": name or code
        }


@dataclass
class _Factors:
    """Each text column of the frame factorized once: codes per row and the distinct values. Everything later
    (matching, duplicates, the codes planning uses) works on these integers."""

    codes: dict[str, np.ndarray]
    uniques: dict[str, np.ndarray]

    @classmethod
    def of(cls, frame: pd.DataFrame, names: tuple[str, ...]) -> _Factors:
        factors = {name: pd.factorize(frame[name], use_na_sentinel=False) for name in names}
        return cls(
            {name: codes.astype(np.int64) for name, (codes, _uniques) in factors.items()},
            {name: np.asarray(uniques, dtype=object) for name, (_codes, uniques) in factors.items()},
        )

    def combos(self, names: list[str]) -> tuple[np.ndarray, list[tuple]]:
        """Codes of the distinct combinations of ``names`` and the values of each combination: the Python-level
        matching then runs once per distinct unit or indicator, not once per row."""
        key = np.zeros(len(self.codes[names[0]]), dtype=np.int64)
        for name in names:
            key = key * len(self.uniques[name]) + self.codes[name]
        combo, distinct = pd.factorize(key)
        first = np.empty(len(distinct), dtype=np.int64)
        first[combo[::-1]] = np.arange(len(combo) - 1, -1, -1)
        values = [tuple(self.uniques[name][self.codes[name][row]] for name in names) for row in first]
        return combo, values

    def positions(self, name: str, vocabulary) -> np.ndarray:
        """Each row's value as its position in ``vocabulary`` (looked up once per distinct value)."""
        lookup = {word: index for index, word in enumerate(vocabulary)}
        return np.asarray([lookup[str(value)] for value in self.uniques[name]], dtype=np.int8)[self.codes[name]]

    def days(self, name: str) -> np.ndarray:
        """A column of dates as days since ``plan.EPOCH``."""
        return np.asarray([(value - EPOCH).days for value in self.uniques[name]], dtype=np.int32)[self.codes[name]]


_TEXT_COLUMNS = ("indicator_code", "indicator_name", "unit_kind", "unit_code", "unit_name", "period_start",
                 "period_end", "sex", "granularity", "status")


def resolve(frame: pd.DataFrame, *, resolver: Resolver, fmt: str) -> tuple[pd.DataFrame, list[RowError]]:
    """Add ``indicator_id``, ``unit_id`` and the codes planning uses (``plan.rows_as_codes``) to the frame; rows
    that cannot be placed become errors, and so do rows the library's rules or a duplicate refuse."""
    lines = frame["line"].to_numpy()
    factors = _Factors.of(frame, _TEXT_COLUMNS)
    indicator_id, indicator_errors = _indicators(factors, resolver, fmt, lines)
    kind, unit_id, unit_errors = _units(factors, resolver, fmt, lines)
    # A status "ok" without a number (e.g. a status column saying ok beside an empty value) is a missing value.
    status = factors.positions("status", STATUSES)
    ok, missing = STATUSES.index(ObservationStatus.OK), STATUSES.index(ObservationStatus.MISSING)
    status = np.where((status == ok) & np.isnan(frame["value"].to_numpy()), missing, status).astype(np.int8)
    frame = frame.assign(
        indicator_id=indicator_id,
        unit_id=unit_id,
        unit_kind=np.asarray(KINDS, dtype=object)[np.maximum(kind, 0)],
        status=np.asarray(STATUSES, dtype=object)[status],
        kind_code=kind,
        status_code=status,
        sex_code=factors.positions("sex", SEXES),
        granularity_code=factors.positions("granularity", GRANULARITIES),
        start_day=factors.days("period_start"),
        end_day=factors.days("period_end"),
    )
    frame = frame[(indicator_id != 0) & (unit_id >= 0)]
    frame, value_errors = _check_against_library(frame, resolver=resolver, fmt=fmt)
    frame, duplicate_errors = _drop_duplicates(frame)
    return frame, indicator_errors + unit_errors + value_errors + duplicate_errors


def _indicators(factors: _Factors, resolver: Resolver, fmt: str, lines) -> tuple[np.ndarray, list[RowError]]:
    """Each row's indicator id (0 where unknown) and the errors for the unknown ones."""
    combo, values = factors.combos(["indicator_code", "indicator_name"])
    ids = np.asarray([resolver.indicator(code, name) or 0 for code, name in values], dtype=np.int64)
    indicator_id = ids[combo]
    column = _column(fmt, "indicator")
    message = _(
        "Indikatorn ”%(code)s” finns inte i indikatorbiblioteket. Lägg till den i biblioteket eller "
        "kontrollera koden."
    )
    errors = [
        RowError(int(lines[row]), column, message % {"code": values[combo[row]][0]})
        for row in np.flatnonzero(indicator_id == 0)
    ]
    return indicator_id, errors


def _units(factors: _Factors, resolver: Resolver, fmt: str, lines) -> tuple[np.ndarray, np.ndarray, list[RowError]]:
    """Each row's kind of unit (a position in ``plan.KINDS``, -1 for a kind not stored) and unit id (-1 where it
    cannot be placed; 0 for the country), and the errors."""
    combo, values = factors.combos(["unit_kind", "unit_code", "unit_name"])
    resolved = [resolver.unit(*value) for value in values]
    unit_id = np.asarray([pk if pk is not None else -1 for _kind, pk, _message in resolved], dtype=np.int64)[combo]
    kind = np.asarray([KINDS.index(k) if k in KINDS else -1 for k, _pk, _message in resolved], dtype=np.int8)[combo]
    errors = [
        RowError(
            int(lines[row]),
            _column(fmt, "region" if values[combo[row]][0] in (UnitKind.REGION, "municipality") else "clinic"),
            resolved[combo[row]][2],
        )
        for row in np.flatnonzero(unit_id < 0)
    ]
    return kind, unit_id, errors


def _check_against_library(frame: pd.DataFrame, *, resolver: Resolver, fmt: str):
    """Proportions must lie within 0–100 and have a numerator no larger than the denominator, also when the
    file does not say the unit (the library knows it); and the rules of ``rules.unit_rules`` for the library's
    proportions and counts."""
    percent_ids = [pk for pk, unit in resolver.indicator_unit.items() if unit == Unit.PERCENT]
    count_ids = [pk for pk, unit in resolver.indicator_unit.items() if unit == Unit.COUNT]
    is_percent = frame["indicator_id"].isin(percent_ids).to_numpy()
    is_count = frame["indicator_id"].isin(count_ids).to_numpy()
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
    bad = out_of_range | too_big
    for breach in unit_rules(value, numerator, denominator, percent=is_percent & ~bad, count=is_count):
        bad[breach.rows] = True
        column = _column(fmt, breach.column)
        errors.extend(
            RowError(int(lines[row]), column, message)
            for row, message in zip(breach.rows, breach.messages, strict=True)
        )
    return frame[~bad], errors


def _number(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def _drop_duplicates(frame: pd.DataFrame):
    """Two rows that land on the same observation (e.g. one names the clinic by HSA-id, the other by name)."""
    keys = pd.DataFrame(
        {
            "indicator": frame["indicator_id"].to_numpy(),
            "kind": frame["kind_code"].to_numpy(),
            "unit": frame["unit_id"].to_numpy(),
            "start": frame["start_day"].to_numpy(),
            "end": frame["end_day"].to_numpy(),
            "sex": frame["sex_code"].to_numpy(),
        }
    )
    deleted = frame["deleted"].to_numpy(dtype=bool)
    live_dup = np.asarray(packed_keys(keys[~deleted]).duplicated(keep=False))
    errors = _duplicate_errors(keys[~deleted][live_dup], frame["line"].to_numpy()[~deleted][live_dup])
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


def _duplicate_errors(keys: pd.DataFrame, lines: np.ndarray) -> list[RowError]:
    errors = []
    for positions in keys.groupby(list(keys.columns), sort=False).indices.values() if len(keys) else ():
        group_lines = [int(lines[p]) for p in positions]
        for line in group_lines:
            others = ", ".join(str(other) for other in group_lines if other != line)
            errors.append(RowError(line, None, _(
                "Raden gäller samma indikator, enhet, period och kön som rad %(lines)s."
            ) % {"lines": others}))
    return errors
