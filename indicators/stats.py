"""Statistical helpers for judging quality indicators of primary-care clinics.

Everything here is pure (no Django, no database, no I/O), so it can be
unit-tested against published reference values and called from views, exports
and management commands alike. The special functions and the binomial and
Poisson distributions come from SciPy (``scipy.special``, ``scipy.stats``); what
is ours is the method: the choice of intervals, the comparison with benchmarks,
Anhøj's rules and the construction of funnel limits.

Small clinics produce noisy indicators: one extra patient can move a
proportion by several percentage points. The functions below put a number on
that noise so the app can show it instead of ranking clinics on chance:

* confidence intervals for a clinic's own value (Wilson for proportions,
  exact Poisson or Byar for counts and rates);
* comparison with a benchmark in the style of the English public-health
  "Fingertips" tool (better / similar / worse);
* funnel-plot control limits (Spiegelhalter 2005) for comparing many clinics
  at once;
* run-chart rules (Anhøj) for spotting non-random change over time.

Proportions are on the 0-1 scale throughout; multiplying by 100 for display
is the caller's job.
"""

from __future__ import annotations

import math
import operator
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

import numpy as np
from scipy import special
from scipy import stats as distributions

__all__ = [
    "MIN_RUN_CHART_POINTS",
    "SMALL_NUMBERS_THRESHOLD",
    "Comparison",
    "FunnelPoint",
    "Interval",
    "Polarity",
    "RunChartResult",
    "anhoej_crossings_limit",
    "anhoej_run_limit",
    "byar_interval",
    "compare_to_benchmark",
    "funnel_curve",
    "funnel_curve_rate",
    "funnel_limits_proportion",
    "funnel_limits_rate",
    "poisson_exact_interval",
    "rate_interval",
    "run_chart",
    "small_numbers",
    "wilson_interval",
]

_STANDARD_NORMAL = statistics.NormalDist()

# Below this many events the Byar approximation is visibly off, so rates
# switch to the exact interval (the Fingertips convention).
_BYAR_MIN_EVENTS = 10

SMALL_NUMBERS_THRESHOLD = 30

# Anhøj's critical values are tabulated and validated from 10 useful points
# upwards; with fewer, one long run is too likely by chance to mean anything.
MIN_RUN_CHART_POINTS = 10


# ---------------------------------------------------------------------------
# Result types
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Interval:
    """A two-sided interval on the scale of the statistic it belongs to.

    ``level`` records the coverage the interval was built for (0.95, 0.998),
    so an interval can be labelled correctly far from where it was computed.
    """

    lower: float
    upper: float
    level: float = 0.95

    def __post_init__(self) -> None:
        if math.isnan(self.lower) or math.isnan(self.upper):
            raise ValueError("interval bounds must be numbers, not NaN")
        if self.lower > self.upper:
            raise ValueError(f"lower bound {self.lower} exceeds upper bound {self.upper}")

    def contains(self, value: float) -> bool:
        return self.lower <= value <= self.upper


class Polarity(str, Enum):
    """Which direction counts as good for an indicator."""

    HIGHER_BETTER = "higher_better"
    LOWER_BETTER = "lower_better"
    NO_JUDGEMENT = "no_judgement"


class Comparison(str, Enum):
    """Outcome of comparing a clinic's interval with a benchmark."""

    BETTER = "better"
    SIMILAR = "similar"
    WORSE = "worse"
    HIGHER = "higher"
    LOWER = "lower"
    NOT_COMPARED = "not_compared"


@dataclass(frozen=True)
class RunChartResult:
    """Anhøj run-chart analysis of one series.

    ``run_limit`` and ``crossings_limit`` are ``None`` only when no point is
    usable. The signals stay ``False`` whenever ``n_useful`` is below
    ``MIN_RUN_CHART_POINTS``, but the counts are still reported so the UI can
    say *why* no judgement was made.
    """

    median: float | None
    n_useful: int
    longest_run: int
    run_limit: int | None
    crossings: int
    crossings_limit: int | None
    signal_runs: bool
    signal_crossings: bool
    signal: bool


@dataclass(frozen=True)
class FunnelPoint:
    """Control limits at one unit size, one ``Interval`` per requested level.

    ``size`` is a denominator (proportions) or an exposure such as listed
    patients (rates); ``limits`` follows the order of the requested levels.
    """

    size: float
    limits: tuple[Interval, ...]


# ---------------------------------------------------------------------------
# Small shared helpers
# ---------------------------------------------------------------------------


def _check_level(level: float) -> None:
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be strictly between 0 and 1, got {level}")


def _z(level: float) -> float:
    _check_level(level)
    return _STANDARD_NORMAL.inv_cdf(0.5 + level / 2.0)


def _as_count(name: str, value: int) -> int:
    # operator.index accepts any true integer (including numpy's, which pandas
    # hands out) but refuses floats, where a fractional count would hide a bug.
    # bool is an int subclass, yet True as a count is certainly a mistake.
    if isinstance(value, bool):
        raise TypeError(f"{name} must be an integer, got a bool")
    try:
        count = operator.index(value)
    except TypeError:
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}") from None
    if count < 0:
        raise ValueError(f"{name} must not be negative, got {count}")
    return count


def _as_positive(name: str, value: float) -> float:
    # float() also admits Decimal values straight from a DecimalField.
    number = float(value)
    if not (number > 0.0 and math.isfinite(number)):
        raise ValueError(f"{name} must be a positive number, got {value}")
    return number


# ---------------------------------------------------------------------------
# Confidence intervals for a single clinic
# ---------------------------------------------------------------------------


def wilson_interval(numerator: int, denominator: int, *, level: float = 0.95) -> Interval:
    """Wilson score interval for a proportion, on the 0-1 scale.

    Chosen over the textbook Wald interval because it stays inside [0, 1]
    and keeps close to nominal coverage for the small denominators and
    extreme proportions that small clinics produce (Newcombe 1998).
    """
    numerator = _as_count("numerator", numerator)
    denominator = _as_count("denominator", denominator)
    if denominator == 0:
        raise ValueError("a proportion needs a denominator greater than zero")
    if numerator > denominator:
        raise ValueError(f"numerator {numerator} exceeds denominator {denominator}")
    z = _z(level)
    n = float(denominator)
    p = numerator / n
    z2 = z * z
    centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n)
    half_width = z * math.sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n)) / (1.0 + z2 / n)
    # At 0/n and n/n the formula touches the boundary exactly; pin it so
    # rounding cannot produce -1e-17 or 1.0000000000000002.
    lower = 0.0 if numerator == 0 else max(0.0, centre - half_width)
    upper = 1.0 if numerator == denominator else min(1.0, centre + half_width)
    return Interval(lower, upper, level)


def poisson_exact_interval(events: int, *, level: float = 0.95) -> Interval:
    """Exact (Garwood) interval for the mean of a Poisson count.

    The limits are chi-square quantiles, chi2(a/2; 2x)/2 and
    chi2(1 - a/2; 2x + 2)/2, i.e. quantiles of Gamma(x) and Gamma(x + 1): the
    inverse regularized incomplete gamma functions, the upper one through its
    upper tail so that it keeps full precision.
    """
    events = _as_count("events", events)
    _check_level(level)
    tail = (1.0 - level) / 2.0
    lower = 0.0 if events == 0 else float(special.gammaincinv(events, tail))
    upper = float(special.gammainccinv(events + 1.0, tail))
    return Interval(lower, upper, level)


def byar_interval(events: int, *, level: float = 0.95) -> Interval:
    """Byar's approximation to the exact Poisson interval for a count.

    Closed form, so cheap for large counts; within a fraction of a percent of
    the exact limits from about ten events upwards.
    """
    events = _as_count("events", events)
    z = _z(level)
    if events == 0:
        lower = 0.0
    else:
        x = float(events)
        # At high levels and tiny counts the bracket can dip below zero.
        lower = x * max(0.0, 1.0 - 1.0 / (9.0 * x) - z / (3.0 * math.sqrt(x))) ** 3
    x1 = float(events) + 1.0
    upper = x1 * (1.0 - 1.0 / (9.0 * x1) + z / (3.0 * math.sqrt(x1))) ** 3
    return Interval(lower, upper, level)


def rate_interval(
    events: int,
    exposure: float,
    *,
    per: float = 1000,
    level: float = 0.95,
) -> Interval:
    """Interval for a rate such as events per 1,000 listed patients.

    Exact Poisson limits below ten events and Byar's approximation from ten
    upwards, as in the Fingertips technical guidance; the count limits are
    then scaled by ``per / exposure``. The exposure (listed patients,
    person-years) is treated as known without error.
    """
    events = _as_count("events", events)
    exposure = _as_positive("exposure", exposure)
    per = _as_positive("per", per)
    counts = (
        poisson_exact_interval(events, level=level)
        if events < _BYAR_MIN_EVENTS
        else byar_interval(events, level=level)
    )
    scale = per / exposure
    return Interval(counts.lower * scale, counts.upper * scale, level)


# ---------------------------------------------------------------------------
# Benchmark comparison and small numbers
# ---------------------------------------------------------------------------


def compare_to_benchmark(
    interval: Interval | None,
    benchmark: float | None,
    polarity: Polarity | str,
) -> Comparison:
    """Compare a clinic's confidence interval with a benchmark value.

    Follows the Fingertips rule: only an interval lying wholly on one side of
    the benchmark counts as a difference. An interval that touches the
    benchmark includes it and is therefore "similar". Whether a difference is
    "better" or "worse" depends on the indicator's polarity; indicators
    without a preferred direction get "higher"/"lower" instead.
    """
    polarity = Polarity(polarity)
    if interval is None or benchmark is None or math.isnan(benchmark):
        return Comparison.NOT_COMPARED
    if interval.lower > benchmark:
        direction = Comparison.HIGHER
    elif interval.upper < benchmark:
        direction = Comparison.LOWER
    else:
        return Comparison.SIMILAR
    if polarity is Polarity.NO_JUDGEMENT:
        return direction
    clinic_is_higher = direction is Comparison.HIGHER
    higher_is_better = polarity is Polarity.HIGHER_BETTER
    return Comparison.BETTER if clinic_is_higher == higher_is_better else Comparison.WORSE


def small_numbers(denominator: float | None, *, threshold: int = SMALL_NUMBERS_THRESHOLD) -> bool:
    """True when a denominator is too small for the value to be read on its own.

    With fewer than about 30 patients in the denominator, chance alone moves
    a proportion a long way: at 15/30 the 95% Wilson interval already runs
    from 33% to 67%, and a single patient shifts the value by more than three
    percentage points. Such values should be shown with a warning and their
    interval rather than ranked. The threshold is a display convention, not a
    statistical test; the intervals carry the actual uncertainty.

    ``None`` means the indicator has no denominator (an index score, a number
    of days), so the warning does not apply and ``False`` is returned.
    """
    if denominator is None:
        return False
    return denominator < threshold


# ---------------------------------------------------------------------------
# Run charts (Anhøj rules)
# ---------------------------------------------------------------------------


def anhoej_run_limit(n_useful: int) -> int:
    """Longest run expected by chance: round(log2(n) + 3) (Schilling 2012).

    A run *longer* than this signals a shift.
    """
    if n_useful < 1:
        raise ValueError("need at least one useful observation")
    # floor(x + 0.5) rather than round(): log2 of an integer is never exactly
    # .5 past an integer, but this states the intent without banker's rounding.
    return math.floor(math.log2(n_useful) + 3.0 + 0.5)


def anhoej_crossings_limit(n_useful: int) -> int:
    """Fewest median crossings expected by chance (Chen 2010).

    The 5th percentile of Binomial(n - 1, 0.5): the smallest k with
    P(X <= k) >= 0.05. *Fewer* crossings than this signal a shift. Computed in
    exact integer arithmetic, P(X <= k) >= 1/20 being 20 * sum C(m, i) >= 2^m,
    so no tie can be decided by rounding.
    """
    if n_useful < 1:
        raise ValueError("need at least one useful observation")
    trials = n_useful - 1
    total = 1 << trials
    coefficient = 1  # C(trials, k), updated in place to stay linear in n
    cumulative = 0
    for k in range(trials + 1):
        cumulative += coefficient
        if 20 * cumulative >= total:
            return k
        coefficient = coefficient * (trials - k) // (k + 1)
    return trials  # unreachable: the cumulative sum reaches 2^trials


def run_chart(values: Sequence[float | None]) -> RunChartResult:
    """Apply the two Anhøj rules to a series, using its own median as centre.

    Missing values (``None`` or NaN) are skipped entirely. Points exactly on
    the median are not "useful": they neither extend nor break a run and are
    not crossings, which is how Anhøj counts them. With fewer than
    ``MIN_RUN_CHART_POINTS`` useful points, no signal is raised but the
    counts are still returned.
    """
    observed = [float(v) for v in values if v is not None and not math.isnan(float(v))]
    if not observed:
        return RunChartResult(
            median=None,
            n_useful=0,
            longest_run=0,
            run_limit=None,
            crossings=0,
            crossings_limit=None,
            signal_runs=False,
            signal_crossings=False,
            signal=False,
        )
    centre = statistics.median(observed)
    sides = [1 if v > centre else -1 for v in observed if v != centre]
    n_useful = len(sides)

    longest_run = 0
    crossings = 0
    current_run = 0
    previous = 0
    for side in sides:
        if side == previous:
            current_run += 1
        else:
            if previous != 0:
                crossings += 1
            current_run = 1
            previous = side
        longest_run = max(longest_run, current_run)

    run_limit = anhoej_run_limit(n_useful) if n_useful else None
    crossings_limit = anhoej_crossings_limit(n_useful) if n_useful else None
    judged = n_useful >= MIN_RUN_CHART_POINTS
    signal_runs = judged and run_limit is not None and longest_run > run_limit
    signal_crossings = judged and crossings_limit is not None and crossings < crossings_limit
    return RunChartResult(
        median=centre,
        n_useful=n_useful,
        longest_run=longest_run,
        run_limit=run_limit,
        crossings=crossings,
        crossings_limit=crossings_limit,
        signal_runs=signal_runs,
        signal_crossings=signal_crossings,
        signal=signal_runs or signal_crossings,
    )


# ---------------------------------------------------------------------------
# Funnel plots (Spiegelhalter 2005)
# ---------------------------------------------------------------------------


def _interpolated_limits(
    tails: Sequence[float], distribution, max_count: np.ndarray | float
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Interpolated (lower, upper) count limits for each tail probability, for every size at once.

    Spiegelhalter's interpolation turns the step-shaped quantiles of a
    discrete distribution into a smooth funnel. Lower limit: r - a, with r
    the smallest count where F(r) >= tail and a = (F(r) - tail) / P(X = r).
    Upper limit: r + 1 - a, with r the smallest count where F(r) >= 1 - tail
    and a = (F(r) - (1 - tail)) / P(X = r). The upper limit mirrors the lower
    one, so the limits are symmetric whenever the distribution is, and an
    in-control unit lies strictly outside either limit with probability at
    most ``tail``. ``distribution`` is a frozen SciPy distribution over the
    sizes (its quantile function gives r).
    """

    def step(q: float) -> tuple[np.ndarray, np.ndarray]:
        r = distribution.ppf(q)
        mass = distribution.pmf(r)
        excess = distribution.cdf(r) - q
        with np.errstate(divide="ignore", invalid="ignore"):
            fraction = np.where(mass > 0.0, np.clip(excess / mass, 0.0, 1.0), 0.0)
        return r, fraction

    limits = []
    for tail in tails:
        r_low, a_low = step(tail)
        r_high, a_high = step(1.0 - tail)
        limits.append((np.maximum(0.0, r_low - a_low), np.minimum(max_count, r_high + 1.0 - a_high)))
    return limits


def _check_levels(levels: Sequence[float]) -> None:
    if not levels:
        raise ValueError("at least one level is needed")
    for level in levels:
        _check_level(level)


def _check_target(target: float) -> float:
    target = float(target)
    if not 0.0 <= target <= 1.0:
        raise ValueError(f"target must be a proportion between 0 and 1, got {target}")
    return target


def _proportion_funnels(target: float, denominators: Sequence[int], levels: Sequence[float]) -> list[tuple[Interval, ...]]:
    """Exact binomial limits around ``target`` for each denominator, one Interval per level."""
    _check_levels(levels)
    sizes = [_as_count("denominator", denominator) for denominator in denominators]
    if any(size == 0 for size in sizes):
        raise ValueError("a funnel needs a denominator greater than zero")
    target = _check_target(target)
    if target in (0.0, 1.0):
        return [tuple(Interval(target, target, level) for level in levels) for _size in sizes]
    n = np.asarray(sizes, dtype=np.float64)
    limits = _interpolated_limits([(1.0 - level) / 2.0 for level in levels], distributions.binom(n, target), n)
    return [
        tuple(Interval(float(lower[i] / n[i]), float(upper[i] / n[i]), level) for (lower, upper), level in zip(limits, levels))
        for i in range(len(sizes))
    ]


def _rate_funnels(
    target_rate: float, exposures: Sequence[float], per: float, levels: Sequence[float]
) -> list[tuple[Interval, ...]]:
    """Poisson limits around ``target_rate`` (events per ``per``) for each exposure, one Interval per level."""
    _check_levels(levels)
    sizes = [_as_positive("exposure", exposure) for exposure in exposures]
    per = _as_positive("per", per)
    target_rate = float(target_rate)
    if not target_rate >= 0 or not math.isfinite(target_rate):
        raise ValueError(f"target rate must be a non-negative number, got {target_rate}")
    if target_rate == 0.0:
        return [tuple(Interval(0.0, 0.0, level) for level in levels) for _size in sizes]
    exposure = np.asarray(sizes, dtype=np.float64)
    expected = target_rate * exposure / per
    scale = per / exposure
    limits = _interpolated_limits([(1.0 - level) / 2.0 for level in levels], distributions.poisson(expected), math.inf)
    return [
        tuple(
            Interval(float(lower[i] * scale[i]), float(upper[i] * scale[i]), level)
            for (lower, upper), level in zip(limits, levels)
        )
        for i in range(len(sizes))
    ]


def funnel_limits_proportion(target: float, denominator: int, *, level: float) -> Interval:
    """Control limits around ``target`` (0-1) for a unit with ``denominator`` cases.

    Exact binomial limits with Spiegelhalter's interpolation, on the 0-1
    scale. A clinic whose proportion lies outside the 95% limits is an
    "alert", outside the 99.8% limits an "alarm" (Spiegelhalter 2005). No
    allowance is made for over-dispersion between clinics.
    """
    return _proportion_funnels(target, [denominator], (level,))[0][0]


def funnel_limits_rate(
    target_rate: float,
    exposure: float,
    *,
    per: float = 1000,
    level: float,
) -> Interval:
    """Poisson control limits around ``target_rate`` (events per ``per``).

    The analogue of ``funnel_limits_proportion`` for rates: the expected
    count target_rate * exposure / per gets interpolated Poisson limits,
    which are scaled back to a rate per ``per``.
    """
    return _rate_funnels(target_rate, [exposure], per, (level,))[0][0]


def funnel_curve(
    target: float,
    denominators: Sequence[int],
    *,
    levels: Sequence[float] = (0.95, 0.998),
) -> list[FunnelPoint]:
    """Proportion funnel limits at each denominator, for drawing the funnel.

    Pass the clinics' own denominators to classify them, or an evenly spaced
    grid to draw smooth curves. Results keep the order of ``denominators``;
    each point's limits keep the order of ``levels``.
    """
    return [
        FunnelPoint(size=n, limits=limits)
        for n, limits in zip(denominators, _proportion_funnels(target, denominators, levels))
    ]


def funnel_curve_rate(
    target_rate: float,
    exposures: Sequence[float],
    *,
    per: float = 1000,
    levels: Sequence[float] = (0.95, 0.998),
) -> list[FunnelPoint]:
    """Rate funnel limits at each exposure; see ``funnel_curve``."""
    return [
        FunnelPoint(size=exposure, limits=limits)
        for exposure, limits in zip(exposures, _rate_funnels(target_rate, exposures, per, levels))
    ]
