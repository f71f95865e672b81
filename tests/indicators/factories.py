"""Small factories for indicator tests: a source, an indicator, a batch and series of observations.

Observations are written with bulk_create, so a test can build 60 indicators × 10 years cheaply.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from datetime import date

from indicators.models import (
    DataSource,
    Granularity,
    ImportBatch,
    Indicator,
    Observation,
    ObservationStatus,
    Polarity,
    Sex,
    Unit,
    UnitKind,
)
from organisations.models import Clinic, Region

_sequence = itertools.count(1)


def make_source(name: str = "Vården i siffror", **fields) -> DataSource:
    slug = fields.pop("slug", f"kalla-{next(_sequence)}")
    return DataSource.objects.create(name=name, slug=slug, **fields)


def make_indicator(
    name: str = "Kontinuitet läkare",
    *,
    source: DataSource | None = None,
    unit: str = Unit.PERCENT,
    polarity: str = Polarity.HIGHER_BETTER,
    **fields,
) -> Indicator:
    code = fields.pop("code", f"IND-{next(_sequence)}")
    return Indicator.objects.create(
        name=name, code=code, source=source or make_source(), unit=unit, polarity=polarity, **fields
    )


def make_batch(region: Region, user=None) -> ImportBatch:
    number = next(_sequence)
    return ImportBatch.objects.create(
        region=region, user=user, file_name=f"test-{number}.csv", checksum=f"{number:064d}", status="done"
    )


def year(y: int) -> tuple[date, date, str]:
    return date(y, 1, 1), date(y, 12, 31), Granularity.YEAR


def observation(
    indicator: Indicator,
    batch: ImportBatch,
    period: tuple[date, date, str],
    *,
    clinic: Clinic | None = None,
    region: Region | None = None,
    sex: str = Sex.TOTAL,
    value: float | None = None,
    numerator: float | None = None,
    denominator: float | None = None,
    status: str = ObservationStatus.OK,
) -> Observation:
    """An unsaved observation of a clinic, a region or (neither given) the whole country."""
    unit_kind = UnitKind.CLINIC if clinic else UnitKind.REGION if region else UnitKind.NATION
    if status != ObservationStatus.OK:
        value = None
    elif value is None and numerator is not None and denominator:
        scale = 100 if indicator.unit == Unit.PERCENT else 1000
        value = round(numerator / denominator * scale, 1)
    start, end, granularity = period
    return Observation(
        indicator=indicator,
        batch=batch,
        owner_id=batch.region_id,
        unit_kind=unit_kind,
        clinic=clinic,
        region=region,
        period_start=start,
        period_end=end,
        granularity=granularity,
        sex=sex,
        value=value,
        numerator=numerator,
        denominator=denominator,
        status=status,
    )


def add_proportions(
    indicator: Indicator,
    batch: ImportBatch,
    counts: Sequence[tuple[int, int] | None],
    *,
    first_year: int = 2015,
    sex: str = Sex.TOTAL,
    **unit,
) -> list[Observation]:
    """One yearly observation per (numerator, denominator) pair from ``first_year``; None is masked."""
    observations = [
        observation(indicator, batch, year(first_year + i), sex=sex, numerator=pair[0], denominator=pair[1], **unit)
        if pair is not None
        else observation(indicator, batch, year(first_year + i), sex=sex, status=ObservationStatus.MASKED, **unit)
        for i, pair in enumerate(counts)
    ]
    return Observation.objects.bulk_create(observations)


def add_values(
    indicator: Indicator,
    batch: ImportBatch,
    values: Iterable[float],
    *,
    first_year: int = 2015,
    sex: str = Sex.TOTAL,
    **unit,
) -> list[Observation]:
    """Yearly observations with a value and no counts (an index, a number of days, a region's value)."""
    return Observation.objects.bulk_create(
        observation(indicator, batch, year(first_year + i), sex=sex, value=value, **unit)
        for i, value in enumerate(values)
    )


def continuity_example(world) -> Indicator:
    """Kontinuitet läkare in region A (target 50 %): A1 (1,000 patients a year) at 30–31 % for five years,
    then 45 % – a shift the run chart catches – with women and men; A2 small (24 a year) with its 2023 value
    masked; the region at 38 % and the country at 36 %."""
    indicator = make_indicator("Kontinuitet läkare", target=50)
    batch = make_batch(world.region_a)
    add_proportions(indicator, batch, [(300 + 4 * i, 1000) for i in range(5)] + [(450, 1000)] * 5, clinic=world.clinic_a1)
    add_proportions(indicator, batch, [(10, 24), (11, 24)] * 4 + [None, (12, 24)], clinic=world.clinic_a2)
    add_proportions(indicator, batch, [(200, 480)] * 10, clinic=world.clinic_a1, sex=Sex.WOMEN)
    add_proportions(indicator, batch, [(180, 520)] * 10, clinic=world.clinic_a1, sex=Sex.MEN)
    add_values(indicator, batch, [38.0] * 10, region=world.region_a)
    add_values(indicator, batch, [36.0] * 10)
    return indicator
