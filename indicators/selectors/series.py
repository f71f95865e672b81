"""A clinic's indicator series and their summaries: the reads behind the clinic's indicator page, presentation
mode, the indicators shown beside a guide question and the charts of a feedback deck.

Chapter 4 of the method warns that random variation, case mix and registration habits make raw numbers
misleading. So every value leaves here with what is needed to read it honestly: its 95 % interval, a
comparison with the region and the country that only counts a difference when the interval lies wholly on
one side (indicators.stats.compare_to_benchmark), a small-numbers flag, and the Anhøj run-chart verdict on
its trend. Words for all of this live in indicators/charts/, which builds the charts from these objects. One
indicator across the region (funnel plot, every clinic's run chart) is ``region``.

Queries are fixed in number, whatever the number of indicators or years: the clinic's indicators in one
query and all their observations (clinic, region, country; every period and sex) in one more. The series
are small (60 indicators × 10 years × 3 sexes × 3 units is about 5,400 rows), so they are read as tuples
and grouped in Python rather than aggregated in SQL.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Exists, OuterRef, Q

from indicators import stats
from indicators.models import Granularity, Indicator, Observation, ObservationStatus, Polarity, Sex, Unit, UnitKind
from organisations.models import Clinic, Region

# Intervals are shown at 95 % (funnels add 99.8 %: ``region``).
LEVEL = 0.95

# Units whose values can be compared with the region's and the country's: a proportion or a rate is
# independent of the clinic's size, a count or an amount in kronor is not.
COMPARABLE_UNITS = {Unit.PERCENT, Unit.RATE_PER_1000}

# When a clinic has the same number of periods at two granularities, the coarser one wins: fewer, steadier
# points are the safer default for reading a trend.
_GRANULARITY_ORDER = [Granularity.YEAR, Granularity.HALF, Granularity.QUARTER, Granularity.MONTH]


class NotCompared:
    """Why a comparison was not made (``BenchmarkComparison.reason``); charts.py puts these in words."""

    NO_VALUE = "no_value"
    NO_BENCHMARK = "no_benchmark"
    NO_INTERVAL = "no_interval"
    UNIT = "unit"


@dataclass(frozen=True)
class Point:
    """One observation as the pages read it (a tuple from the database, not a model instance)."""

    period_start: date
    period_end: date
    granularity: str
    sex: str
    value: float | None
    numerator: float | None
    denominator: float | None
    status: str

    # The model's rules for labels and values apply unchanged: they read only these attributes.
    period_label = Observation.period_label
    has_value = Observation.has_value

    @property
    def period_key(self) -> str:
        return f"{self.granularity}:{self.period_start.isoformat()}"

    @property
    def status_label(self) -> str:
        return str(ObservationStatus(self.status).label)


@dataclass(frozen=True)
class Estimate:
    """A value with its 95 % interval, both on the scale the indicator is shown in (percent 0–100, per
    1,000, a count)."""

    point: Point
    interval: stats.Interval | None
    small_numbers: bool

    @property
    def value(self) -> float:
        return self.point.value


@dataclass(frozen=True)
class BenchmarkComparison:
    kind: str  # UnitKind.REGION or UnitKind.NATION
    result: stats.Comparison
    benchmark: Point | None = None
    reason: str = ""  # a NotCompared code when result is NOT_COMPARED
    small_numbers: bool = False


def _as_count(number: float | None) -> int | None:
    """A stored float as an event count, or None when it is missing or not a whole number (weighted or
    rounded figures get no interval rather than a wrong one)."""
    if number is None or not math.isfinite(number) or number < 0 or number != int(number):
        return None
    return int(number)


def interval_for(unit: str, point: Point, *, level: float = LEVEL) -> stats.Interval | None:
    """The interval of an observation on its display scale, or None when the source gives too little."""
    if not point.has_value:
        return None
    numerator, denominator = _as_count(point.numerator), point.denominator
    if unit == Unit.PERCENT:
        if numerator is None or _as_count(denominator) is None or not 0 < denominator or numerator > denominator:
            return None
        interval = stats.wilson_interval(numerator, int(denominator), level=level)
        return stats.Interval(interval.lower * 100, interval.upper * 100, level)
    if unit == Unit.RATE_PER_1000:
        if numerator is None or denominator is None or not denominator > 0:
            return None
        return stats.rate_interval(numerator, denominator, per=1000, level=level)
    if unit == Unit.COUNT:
        events = _as_count(point.value)
        if events is None:
            return None
        if events < 10:
            return stats.poisson_exact_interval(events, level=level)
        return stats.byar_interval(events, level=level)
    return None


def estimate_for(unit: str, point: Point | None) -> Estimate | None:
    if point is None or not point.has_value:
        return None
    has_denominator = unit in COMPARABLE_UNITS
    return Estimate(
        point=point,
        interval=interval_for(unit, point),
        small_numbers=has_denominator and stats.small_numbers(point.denominator),
    )


def compare(indicator: Indicator, estimate: Estimate | None, benchmark: Point | None, kind: str) -> BenchmarkComparison:
    """The clinic against a benchmark, following the polarity of the indicator (stats.compare_to_benchmark)."""
    not_compared = stats.Comparison.NOT_COMPARED
    if indicator.unit not in COMPARABLE_UNITS:
        return BenchmarkComparison(kind, not_compared, benchmark, NotCompared.UNIT)
    if estimate is None:
        return BenchmarkComparison(kind, not_compared, benchmark, NotCompared.NO_VALUE)
    if benchmark is None or not benchmark.has_value:
        return BenchmarkComparison(kind, not_compared, benchmark, NotCompared.NO_BENCHMARK, estimate.small_numbers)
    if estimate.interval is None:
        return BenchmarkComparison(kind, not_compared, benchmark, NotCompared.NO_INTERVAL, estimate.small_numbers)
    result = stats.compare_to_benchmark(estimate.interval, benchmark.value, indicator.polarity)
    return BenchmarkComparison(kind, result, benchmark, "", estimate.small_numbers)


# ---------------------------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------------------------

_POINT_COLUMNS = (
    "indicator_id",
    "unit_kind",
    "clinic_id",
    "period_start",
    "period_end",
    "granularity",
    "sex",
    "value",
    "numerator",
    "denominator",
    "status",
)


def point_rows(queryset) -> Iterable[tuple[int, str, int | None, Point]]:
    """The observations as points. A number that is not finite (NaN or infinite, which no import stores now but an
    older one may have) is read as missing, so no page, chart or statistic has to reckon with it."""
    for indicator_id, unit_kind, clinic_id, *fields in queryset.values_list(*_POINT_COLUMNS):
        start, end, granularity, sex, value, numerator, denominator, status = fields
        yield indicator_id, unit_kind, clinic_id, Point(
            start, end, granularity, sex, _finite(value), _finite(numerator), _finite(denominator), status
        )


def _finite(number: float | None) -> float | None:
    return number if number is None or math.isfinite(number) else None


def benchmark_filter(region: Region) -> Q:
    """The region's own value and the country's, as this region imported them (benchmarks are per region)."""
    return Q(unit_kind=UnitKind.REGION, region=region, owner=region) | Q(unit_kind=UnitKind.NATION, owner=region)


def choose_granularity(points: Iterable[Point]) -> str | None:
    """The granularity with the most total-sex periods (the coarser one on a tie)."""
    counts = Counter(point.granularity for point in points if point.sex == Sex.TOTAL)
    if not counts:
        return None
    return max(counts, key=lambda granularity: (counts[granularity], -_GRANULARITY_ORDER.index(granularity)))


@dataclass
class IndicatorSeries:
    """One indicator for one clinic, in one granularity: the clinic's points per sex (in period order) and
    the region's and the country's points for the same periods."""

    indicator: Indicator
    granularity: str | None
    clinic_points: dict[str, list[Point]] = field(default_factory=dict)
    region_points: dict[tuple[date, str], Point] = field(default_factory=dict)
    nation_points: dict[tuple[date, str], Point] = field(default_factory=dict)

    def points(self, sex: str = Sex.TOTAL) -> list[Point]:
        return self.clinic_points.get(sex, [])

    def benchmark(self, kind: str, point: Point) -> Point | None:
        """The region's or the country's observation for the same period and sex as ``point``."""
        points = self.region_points if kind == UnitKind.REGION else self.nation_points
        return points.get((point.period_start, point.sex))

    def latest(self, sex: str = Sex.TOTAL) -> Point | None:
        points = self.points(sex)
        return points[-1] if points else None

    def at(self, period_start: date, sex: str) -> Point | None:
        for point in self.points(sex):
            if point.period_start == period_start:
                return point
        return None


def benchmark_lookup(points: Iterable[Point], granularity: str | None) -> dict[tuple[date, str], Point]:
    """A benchmark's points in one granularity by (period start, sex), as ``IndicatorSeries`` reads them."""
    return {(point.period_start, point.sex): point for point in points if point.granularity == granularity}


def build_series(
    indicator: Indicator,
    clinic_points: list[Point],
    region_lookup: dict[tuple[date, str], Point],
    nation_lookup: dict[tuple[date, str], Point],
    granularity: str | None,
) -> IndicatorSeries:
    """One clinic's series in ``granularity``, beside benchmark lookups made by ``benchmark_lookup`` for
    the same granularity (the indicator page makes them once and its clinics share them: a series is
    never changed once built; ``region.region_indicator``)."""
    by_sex: dict[str, list[Point]] = defaultdict(list)
    for point in clinic_points:
        if point.granularity == granularity:
            by_sex[point.sex].append(point)
    clinic_series = {sex: sorted(points, key=lambda p: p.period_start) for sex, points in by_sex.items()}
    return IndicatorSeries(indicator, granularity, clinic_series, region_lookup, nation_lookup)


def clinic_indicators(clinic: Clinic) -> list[Indicator]:
    """The active indicators of the clinic's region that have any observation for the clinic (1 query)."""
    has_data = Observation.objects.filter(indicator=OuterRef("pk"), clinic=clinic)
    return list(
        Indicator.objects.for_region(clinic.region)
        .filter(active=True)
        .filter(Exists(has_data))
        .select_related("source")
        .order_by("source__name", "name", "pk")
    )


def load_series(
    clinic: Clinic, indicators: Sequence[Indicator], *, granularity: str | None = None
) -> dict[int, IndicatorSeries]:
    """Each indicator's series for the clinic with the region's and country's benchmarks (1 query)."""
    by_indicator = {indicator.pk: indicator for indicator in indicators}
    clinic_points: dict[int, list[Point]] = defaultdict(list)
    region_points: dict[int, list[Point]] = defaultdict(list)
    nation_points: dict[int, list[Point]] = defaultdict(list)
    queryset = Observation.objects.filter(indicator_id__in=list(by_indicator)).filter(
        Q(unit_kind=UnitKind.CLINIC, clinic=clinic) | benchmark_filter(clinic.region)
    )
    buckets = {UnitKind.CLINIC: clinic_points, UnitKind.REGION: region_points, UnitKind.NATION: nation_points}
    for indicator_id, unit_kind, _clinic_id, point in point_rows(queryset):
        buckets[unit_kind][indicator_id].append(point)
    series = {}
    for pk, indicator in by_indicator.items():
        chosen = granularity or choose_granularity(clinic_points[pk])
        series[pk] = build_series(
            indicator,
            clinic_points[pk],
            benchmark_lookup(region_points[pk], chosen),
            benchmark_lookup(nation_points[pk], chosen),
            chosen,
        )
    return series


# ---------------------------------------------------------------------------------------------------------
# One indicator of one clinic: the row of the clinic page, the summary beside a question, a slide
# ---------------------------------------------------------------------------------------------------------


@dataclass
class IndicatorSummary:
    series: IndicatorSeries
    latest: Point | None  # the latest total-sex period, even when the source masked its value
    estimate: Estimate | None
    vs_region: BenchmarkComparison
    vs_nation: BenchmarkComparison
    women: Estimate | Point | None
    men: Estimate | Point | None
    run: stats.RunChartResult
    target_met: bool | None

    @property
    def indicator(self) -> Indicator:
        return self.series.indicator

    @property
    def trend(self) -> list[float | None]:
        return [point.value for point in self.series.points()]

    @property
    def small_numbers(self) -> bool:
        return bool(self.estimate and self.estimate.small_numbers)

    @property
    def period_range(self) -> str:
        points = self.series.points()
        if not points:
            return ""
        first, last = points[0].period_label, points[-1].period_label
        return first if first == last else f"{first}–{last}"


def _target_met(indicator: Indicator, estimate: Estimate | None) -> bool | None:
    if indicator.target is None or estimate is None or indicator.polarity == Polarity.NO_JUDGEMENT:
        return None
    if indicator.polarity == Polarity.HIGHER_BETTER:
        return estimate.value >= indicator.target
    return estimate.value <= indicator.target


def summarise(series: IndicatorSeries) -> IndicatorSummary:
    indicator = series.indicator
    latest = series.latest()
    estimate = estimate_for(indicator.unit, latest)
    by_sex = {}
    for sex in (Sex.WOMEN, Sex.MEN):
        point = series.at(latest.period_start, sex) if latest else None
        by_sex[sex] = estimate_for(indicator.unit, point) or point
    return IndicatorSummary(
        series=series,
        latest=latest,
        estimate=estimate,
        vs_region=compare(indicator, estimate, latest and series.benchmark(UnitKind.REGION, latest), UnitKind.REGION),
        vs_nation=compare(indicator, estimate, latest and series.benchmark(UnitKind.NATION, latest), UnitKind.NATION),
        women=by_sex[Sex.WOMEN],
        men=by_sex[Sex.MEN],
        run=stats.run_chart([point.value for point in series.points()]),
        target_met=_target_met(indicator, estimate),
    )


def clinic_summaries(clinic: Clinic) -> list[IndicatorSummary]:
    """Every indicator of the clinic, summarised (2 queries, however many indicators and years)."""
    indicators = clinic_indicators(clinic)
    series = load_series(clinic, indicators)
    return [summarise(series[indicator.pk]) for indicator in indicators]


def indicator_summaries(clinic: Clinic, indicators: Iterable[Indicator]) -> list[IndicatorSummary]:
    """Summaries of the given indicators for a clinic, in the order given, duplicates dropped (1 query).

    For the dialogue form: collect the indicators of all its questions, call this once, and hand each
    question its own with ``summaries_for``. Indicators without data for the clinic are kept (with no
    latest value), so the form can say that nothing is known.
    """
    unique = list({indicator.pk: indicator for indicator in indicators}.values())
    series = load_series(clinic, unique)
    return [summarise(series[indicator.pk]) for indicator in unique]


def summaries_for(summaries: Iterable[IndicatorSummary], indicators: Iterable[Indicator]) -> list[IndicatorSummary]:
    """The summaries of ``indicators`` (e.g. one question's), picked from a list made for many questions."""
    by_pk = {summary.indicator.pk: summary for summary in summaries}
    return [by_pk[indicator.pk] for indicator in indicators if indicator.pk in by_pk]


def select_indicators(indicators: Sequence[Indicator], pks: Iterable[str]) -> list[Indicator]:
    """The indicators whose primary keys are listed (in the list's order); all of them when none is."""
    wanted = [int(pk) for pk in pks if str(pk).isdigit()]
    if not wanted:
        return list(indicators)
    by_pk = {indicator.pk: indicator for indicator in indicators}
    return [by_pk[pk] for pk in dict.fromkeys(wanted) if pk in by_pk]
