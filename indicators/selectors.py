"""Reads of observations for pages and charts. Each function runs a fixed number of queries, however many
indicators, periods and clinics there are (DESIGN.md rule 7)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from indicators.models import Granularity, Indicator, Observation, Sex, UnitKind
from organisations.models import Clinic, Region


@dataclass
class Series:
    """One indicator's observations for one unit, oldest first, with the region's and the country's values
    for the same periods as benchmarks."""

    indicator: Indicator
    observations: list[Observation] = field(default_factory=list)
    region: list[Observation] = field(default_factory=list)
    nation: list[Observation] = field(default_factory=list)

    def for_sex(self, sex: str = Sex.TOTAL, *, of: str = "observations") -> list[Observation]:
        return [observation for observation in getattr(self, of) if observation.sex == sex]

    @property
    def latest(self) -> Observation | None:
        total = self.for_sex(Sex.TOTAL)
        return total[-1] if total else None


def _observations(**filters):
    return Observation.objects.filter(**filters).order_by("indicator_id", "period_start", "period_end", "sex")


def clinic_series(
    clinic: Clinic,
    indicators: list[Indicator] | None = None,
    *,
    granularity: str | None = Granularity.YEAR,
    since: dt.date | None = None,
) -> list[Series]:
    """Every indicator with observations for the clinic (or the given ones), each with its series and the
    clinic's region's and the country's values as benchmarks. Four queries in all."""
    filters: dict = {}
    if granularity:
        filters["granularity"] = granularity
    if since:
        filters["period_start__gte"] = since
    if indicators is None:
        own = _group(_observations(clinic=clinic, **filters))
        indicators = list(Indicator.objects.filter(pk__in=list(own)).select_related("source"))
    else:
        own = _group(_observations(clinic=clinic, indicator_id__in=[indicator.pk for indicator in indicators], **filters))
    indicator_ids = [indicator.pk for indicator in indicators]
    region = _group(
        _observations(unit_kind=UnitKind.REGION, region_id=clinic.region_id, indicator_id__in=indicator_ids, **filters)
    )
    nation = _group(_observations(unit_kind=UnitKind.NATION, indicator_id__in=indicator_ids, **filters))
    series = [
        Series(indicator, own.get(indicator.pk, []), region.get(indicator.pk, []), nation.get(indicator.pk, []))
        for indicator in indicators
    ]
    return sorted(series, key=lambda item: (item.indicator.source.name, item.indicator.name))


def region_clinic_values(
    region: Region, indicator: Indicator, *, period_start: dt.date, period_end: dt.date, sex: str = Sex.TOTAL
) -> list[Observation]:
    """All clinics of the region for one indicator and period (a funnel plot's points). One query."""
    return list(
        Observation.objects.filter(
            clinic__region=region,
            indicator=indicator,
            period_start=period_start,
            period_end=period_end,
            sex=sex,
        )
        .select_related("clinic")
        .order_by("clinic__name")
    )


def region_clinic_series(region: Region, indicator: Indicator, *, granularity: str = Granularity.YEAR) -> dict:
    """clinic → its observations (all sexes, oldest first) for one indicator: each clinic's run chart."""
    by_clinic: dict[Clinic, list[Observation]] = defaultdict(list)
    queryset = (
        Observation.objects.filter(clinic__region=region, indicator=indicator, granularity=granularity)
        .select_related("clinic")
        .order_by("clinic__name", "period_start", "sex")
    )
    for observation in queryset:
        by_clinic[observation.clinic].append(observation)
    return dict(by_clinic)


def _group(queryset) -> dict[int, list[Observation]]:
    grouped: dict[int, list[Observation]] = defaultdict(list)
    for observation in queryset:
        grouped[observation.indicator_id].append(observation)
    return grouped
