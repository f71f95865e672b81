"""One indicator across the region: the funnel plot for one period and every clinic's run chart, the flagged
clinics first (non-random variation by Anhøj's rules, or outside the funnel's limits). One query, whatever the
number of clinics; the region's and the country's benchmark lookups are built once and shared by every
clinic's series."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Q

from indicators import stats
from indicators.models import Indicator, Observation, Sex, Unit, UnitKind
from indicators.selectors.series import (
    COMPARABLE_UNITS,
    Estimate,
    IndicatorSeries,
    Point,
    benchmark_filter,
    benchmark_lookup,
    build_series,
    choose_granularity,
    estimate_for,
    point_rows,
)
from organisations.models import Clinic, Region

# Intervals are shown at 95 %; funnels add 99.8 % (Spiegelhalter's "alarm" limits).
FUNNEL_LEVELS = (0.95, 0.998)
FUNNEL_UNITS = COMPARABLE_UNITS


class FunnelPosition:
    INSIDE = "inside"
    ABOVE_95 = "above_95"
    BELOW_95 = "below_95"
    ABOVE_998 = "above_998"
    BELOW_998 = "below_998"


@dataclass(frozen=True)
class FunnelClinic:
    clinic: Clinic
    estimate: Estimate
    size: float  # denominator (proportions) or population (rates)
    limits: tuple[stats.Interval, ...]  # at FUNNEL_LEVELS, display scale
    position: str

    @property
    def is_outside(self) -> bool:
        return self.position != FunnelPosition.INSIDE


@dataclass
class RegionIndicator:
    indicator: Indicator
    region: Region
    granularity: str | None
    periods: list[Point]  # one representative point per available period, latest first
    period: Point | None  # the chosen period
    centre: float | None = None  # display scale
    centre_is_region_value: bool = False
    funnel: list[FunnelClinic] = field(default_factory=list)
    curve: list[stats.FunnelPoint] = field(default_factory=list)  # display scale
    not_in_funnel: list[tuple[Clinic, Point | None]] = field(default_factory=list)
    clinic_series: list[tuple[Clinic, IndicatorSeries]] = field(default_factory=list)

    @property
    def has_funnel(self) -> bool:
        return bool(self.funnel) and self.centre is not None


def _position(value: float, limits: Sequence[stats.Interval]) -> str:
    inner, outer = limits
    if value > outer.upper:
        return FunnelPosition.ABOVE_998
    if value < outer.lower:
        return FunnelPosition.BELOW_998
    if value > inner.upper:
        return FunnelPosition.ABOVE_95
    if value < inner.lower:
        return FunnelPosition.BELOW_95
    return FunnelPosition.INSIDE


def _funnel_limits(unit: str, centre: float, sizes: Sequence[float]) -> list[stats.FunnelPoint]:
    """Limits on the display scale (percent or per 1,000) at each size."""
    if unit == Unit.PERCENT:
        points = stats.funnel_curve(centre / 100, [max(1, round(size)) for size in sizes], levels=FUNNEL_LEVELS)
        return [
            stats.FunnelPoint(
                size=point.size,
                limits=tuple(stats.Interval(i.lower * 100, i.upper * 100, i.level) for i in point.limits),
            )
            for point in points
        ]
    return stats.funnel_curve_rate(centre, sizes, per=1000, levels=FUNNEL_LEVELS)


def _funnel_grid(sizes: Sequence[float], steps: int = 60) -> list[float]:
    low, high = max(1.0, min(sizes) * 0.8), max(sizes) * 1.15
    if high <= low:
        high = low + 1
    ratio = (high / low) ** (1 / (steps - 1))
    return sorted({round(low * ratio**step) for step in range(steps)})


def _pooled_centre(unit: str, estimates: Sequence[Estimate]) -> float | None:
    numerator = sum(estimate.point.numerator for estimate in estimates)
    denominator = sum(estimate.point.denominator for estimate in estimates)
    if not denominator:
        return None
    return numerator / denominator * (100 if unit == Unit.PERCENT else 1000)


def region_indicator(
    indicator: Indicator, region: Region, clinics: Sequence[Clinic], *, period_key: str | None = None
) -> RegionIndicator:
    """The region's clinics on one indicator (1 query): the funnel for one period and each clinic's series.

    The funnel's centre line is the region's own value for the period when the source gives one, else the
    pooled value of the clinics shown (sum of numerators over sum of denominators). Only clinics with a
    value, numerator and denominator take part; the others are listed with their status.
    """
    clinic_points, benchmarks = _read_points(indicator, region, clinics)
    granularity = choose_granularity(point for points in clinic_points.values() for point in points)
    result = RegionIndicator(indicator, region, granularity, periods=[], period=None)
    # The same region and country values stand beside every clinic: looked up once for the page.
    region_lookup = benchmark_lookup(benchmarks[UnitKind.REGION], granularity)
    nation_lookup = benchmark_lookup(benchmarks[UnitKind.NATION], granularity)
    for clinic in clinics:
        series = build_series(indicator, clinic_points[clinic.pk], region_lookup, nation_lookup, granularity)
        if series.points():
            result.clinic_series.append((clinic, series))
    periods = {point.period_start: point for _clinic, series in result.clinic_series for point in series.points()}
    result.periods = [periods[start] for start in sorted(periods, reverse=True)]
    result.period = next((p for p in result.periods if p.period_key == period_key), None) or (
        result.periods[0] if result.periods else None
    )
    if result.period is not None and indicator.unit in FUNNEL_UNITS:
        region_point = next(
            (p for p in benchmarks[UnitKind.REGION] if p.period_key == result.period.period_key and p.has_value), None
        )
        _fill_funnel(result, region_point)
    return result


def _read_points(
    indicator: Indicator, region: Region, clinics: Sequence[Clinic]
) -> tuple[dict[int, list[Point]], dict[str, list[Point]]]:
    """The clinics' total-sex points by clinic, and the region's and the country's by kind (1 query)."""
    queryset = Observation.objects.filter(indicator=indicator, sex=Sex.TOTAL).filter(
        Q(unit_kind=UnitKind.CLINIC, clinic_id__in=[clinic.pk for clinic in clinics]) | benchmark_filter(region)
    )
    clinic_points: dict[int, list[Point]] = defaultdict(list)
    benchmarks: dict[str, list[Point]] = defaultdict(list)
    for _indicator_id, unit_kind, clinic_id, point in point_rows(queryset):
        if unit_kind == UnitKind.CLINIC:
            clinic_points[clinic_id].append(point)
        else:
            benchmarks[unit_kind].append(point)
    return clinic_points, benchmarks


def _fill_funnel(result: RegionIndicator, region_point: Point | None) -> None:
    unit = result.indicator.unit
    start = result.period.period_start
    estimates: list[tuple[Clinic, Estimate]] = []
    for clinic, series in result.clinic_series:
        point = series.at(start, Sex.TOTAL)
        estimate = estimate_for(unit, point)
        if estimate is None or estimate.interval is None or not point.denominator:
            result.not_in_funnel.append((clinic, point))
        else:
            estimates.append((clinic, estimate))
    if not estimates:
        return
    if region_point is not None:
        result.centre, result.centre_is_region_value = region_point.value, True
    else:
        result.centre = _pooled_centre(unit, [estimate for _clinic, estimate in estimates])
    if result.centre is None or (unit == Unit.PERCENT and not 0 <= result.centre <= 100):
        result.centre = None
        return
    sizes = [estimate.point.denominator for _clinic, estimate in estimates]
    own_limits = _funnel_limits(unit, result.centre, sizes)
    for (clinic, estimate), limits in zip(estimates, own_limits):
        result.funnel.append(
            FunnelClinic(clinic, estimate, estimate.point.denominator, limits.limits, _position(estimate.value, limits.limits))
        )
    result.curve = _funnel_limits(unit, result.centre, _funnel_grid(sizes))


# ---------------------------------------------------------------------------------------------------------
# The clinics' run charts on the indicator page: the ones worth a look first, found by name
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClinicRun:
    """One clinic's series on the indicator page with what makes it worth a look: non-random variation by
    Anhøj's rules, or a place outside the funnel's limits in the chosen period."""

    clinic: Clinic
    series: IndicatorSeries
    run: stats.RunChartResult
    position: str | None  # a FunnelPosition; None when the clinic is not in the funnel

    @property
    def is_outside(self) -> bool:
        return self.position not in (None, FunnelPosition.INSIDE)

    @property
    def is_flagged(self) -> bool:
        return self.run.signal or self.is_outside


def clinic_runs(data: RegionIndicator) -> list[ClinicRun]:
    """Every clinic's series of ``data`` with its run-chart verdict, flagged clinics first, each group in the
    order the clinics were given (by name). No queries: the series are already read."""
    positions = {entry.clinic.pk: entry.position for entry in data.funnel}
    runs = [
        ClinicRun(clinic, series, stats.run_chart([point.value for point in series.points()]), positions.get(clinic.pk))
        for clinic, series in data.clinic_series
    ]
    return sorted(runs, key=lambda run: not run.is_flagged)


def find_clinic_runs(runs: Iterable[ClinicRun], *, search: str = "", flagged_only: bool = False) -> list[ClinicRun]:
    """The runs whose clinic's name contains ``search`` (ignoring case), only flagged ones if asked."""
    needle = search.strip().casefold()
    return [
        run
        for run in runs
        if (not needle or needle in run.clinic.name.casefold()) and (run.is_flagged or not flagged_only)
    ]
