"""Statistical helpers for judging quality indicators of primary-care clinics.

Everything here is pure (no Django, no database, no I/O) and uses only the
standard library, so it can be unit-tested against published reference values
and called from views, exports and management commands alike.

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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum

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
# Special functions (stdlib has lgamma but no incomplete gamma/beta)
# ---------------------------------------------------------------------------

_EPS = 1e-15
_TINY = 1e-300
# Both the series and the continued fractions need O(sqrt(a)) terms; this cap
# is far above what a shape of 10^7 requires and only guards against a bug.
_MAX_ITERATIONS = 100_000


def _regularized_gamma(a: float, x: float) -> tuple[float, float]:
    """Return (P(a, x), Q(a, x)), the regularized lower and upper incomplete gamma.

    Series below x = a + 1, Lentz continued fraction above it (Numerical
    Recipes 6.2); each is used where it converges fast, and the *other* tail
    is obtained by subtraction only when it is the large one, so both tails
    keep full relative precision.
    """
    if a <= 0:
        raise ValueError("shape must be positive")
    if x <= 0:
        return 0.0, 1.0
    log_prefactor = a * math.log(x) - x - math.lgamma(a)
    if x < a + 1.0:
        term = total = 1.0 / a
        denominator = a
        for _ in range(_MAX_ITERATIONS):
            denominator += 1.0
            term *= x / denominator
            total += term
            if abs(term) < abs(total) * _EPS:
                break
        p = total * math.exp(log_prefactor)
        return p, 1.0 - p
    b = x + 1.0 - a
    c = 1.0 / _TINY
    d = 1.0 / b
    h = d
    for i in range(1, _MAX_ITERATIONS):
        an = -i * (i - a)
        b += 2.0
        d = an * d + b
        if abs(d) < _TINY:
            d = _TINY
        c = b + an / c
        if abs(c) < _TINY:
            c = _TINY
        d = 1.0 / d
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < _EPS:
            break
    q = math.exp(log_prefactor) * h
    return 1.0 - q, q


def _beta_continued_fraction(a: float, b: float, x: float) -> float:
    # Modified Lentz evaluation, Numerical Recipes 6.4 (betacf). Written with
    # chained comparisons instead of abs(): this loop dominates the cost of a
    # funnel for a thousand clinics.
    qab = a + b
    qap = a + 1.0
    qam = a - 1.0
    c = 1.0
    d = 1.0 - qab * x / qap
    if -_TINY < d < _TINY:
        d = _TINY
    d = 1.0 / d
    h = d
    for m in range(1, _MAX_ITERATIONS):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        if -_TINY < d < _TINY:
            d = _TINY
        c = 1.0 + aa / c
        if -_TINY < c < _TINY:
            c = _TINY
        d = 1.0 / d
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        if -_TINY < d < _TINY:
            d = _TINY
        c = 1.0 + aa / c
        if -_TINY < c < _TINY:
            c = _TINY
        d = 1.0 / d
        delta = d * c
        h *= delta
        if 1.0 - _EPS < delta < 1.0 + _EPS:
            break
    return h


def _regularized_beta(a: float, b: float, x: float) -> float:
    """I_x(a, b), the regularized incomplete beta function."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    front = math.exp(log_front)
    # The continued fraction converges fast only on this side of the mean;
    # the symmetry I_x(a, b) = 1 - I_{1-x}(b, a) covers the other side.
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _beta_continued_fraction(a, b, x) / a
    return 1.0 - front * _beta_continued_fraction(b, a, 1.0 - x) / b


def _gamma_quantile(shape: float, p: float) -> float:
    """x such that P(shape, x) = p, i.e. the p-quantile of Gamma(shape, 1).

    Equivalent to chi2.ppf(p, 2 * shape) / 2, the quantity behind Garwood's
    exact Poisson limits. Newton's method from a Wilson-Hilferty start,
    falling back to bisection whenever a step would leave the bracket.
    """
    if not 0.0 < p < 1.0:
        raise ValueError("p must be strictly between 0 and 1")
    z = _STANDARD_NORMAL.inv_cdf(p)
    c = 1.0 / (9.0 * shape)
    x = shape * (1.0 - c + z * math.sqrt(c)) ** 3
    if not x > 0.0:
        # Small shape and lower tail: P(a, x) ~ x^a / Gamma(a + 1) near 0.
        x = math.exp((math.log(p) + math.lgamma(shape + 1.0)) / shape)
    lower_bracket, upper_bracket = 0.0, math.inf
    log_gamma_shape = math.lgamma(shape)
    for _ in range(200):
        lower_tail, upper_tail = _regularized_gamma(shape, x)
        # Compare in whichever tail is small, where the subtraction is exact.
        excess = lower_tail - p if p < 0.5 else (1.0 - p) - upper_tail
        if excess == 0.0:
            return x
        if excess > 0.0:
            upper_bracket = x
        else:
            lower_bracket = x
        density = math.exp((shape - 1.0) * math.log(x) - x - log_gamma_shape)
        candidate = x - excess / density if density > 0.0 else math.nan
        if not lower_bracket < candidate < upper_bracket:
            candidate = (
                (lower_bracket + upper_bracket) / 2.0
                if math.isfinite(upper_bracket)
                else 2.0 * x
            )
        if abs(candidate - x) <= 1e-14 * max(x, 1e-300):
            return candidate
        x = candidate
    return x


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
    chi2(1 - a/2; 2x + 2)/2, computed here as Gamma quantiles.
    """
    events = _as_count("events", events)
    _check_level(level)
    tail = (1.0 - level) / 2.0
    lower = 0.0 if events == 0 else _gamma_quantile(float(events), tail)
    upper = _gamma_quantile(float(events) + 1.0, 1.0 - tail)
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


def _smallest_count_reaching(
    p: float,
    start: int,
    cdf: Callable[[int], float],
    pmf: Callable[[int], float],
    max_count: float,
) -> tuple[int, float, float]:
    """Smallest r with F(r) >= p, walking from a nearby start.

    Returns (r, F(r), P(X = r)).
    """
    r = start
    cumulative = cdf(r)
    mass = pmf(r)
    if cumulative >= p:
        while r > 0:
            below = cumulative - mass
            if below < p:
                break
            r -= 1
            cumulative = below
            mass = pmf(r)
    else:
        while cumulative < p and r < max_count:
            r += 1
            mass = pmf(r)
            cumulative += mass
    return r, cumulative, mass


def _interpolated_limits(
    tails: Sequence[float],
    start: int,
    cdf: Callable[[int], float],
    pmf: Callable[[int], float],
    next_mass_ratio: Callable[[int], float],
    max_count: float,
) -> list[tuple[float, float]]:
    """Interpolated (lower, upper) count limits for each tail probability.

    Spiegelhalter's interpolation turns the step-shaped quantiles of a
    discrete distribution into a smooth funnel. Lower limit: r - a, with r
    the smallest count where F(r) >= tail and a = (F(r) - tail) / P(X = r).
    Upper limit: r + 1 - a, with r the smallest count where F(r) >= 1 - tail
    and a = (F(r) - (1 - tail)) / P(X = r). The upper limit mirrors the lower
    one, so the limits are symmetric whenever the distribution is, and an
    in-control unit lies strictly outside either limit with probability at
    most ``tail``.

    Only the lowest quantile needs an incomplete beta/gamma evaluation; the
    others are reached by adding probability masses from the recurrence
    P(X = r + 1) = P(X = r) * next_mass_ratio(r), which keeps a funnel for a
    thousand clinics cheap.
    """
    quantile_probabilities = sorted({q for tail in tails for q in (tail, 1.0 - tail)})
    r, cumulative, mass = _smallest_count_reaching(
        quantile_probabilities[0], start, cdf, pmf, max_count
    )
    found = {quantile_probabilities[0]: (r, cumulative, mass)}
    for q in quantile_probabilities[1:]:
        while cumulative < q and r < max_count:
            mass *= next_mass_ratio(r)
            r += 1
            cumulative += mass
        found[q] = (r, cumulative, mass)

    def fraction(excess: float, point_mass: float) -> float:
        return min(1.0, max(0.0, excess / point_mass)) if point_mass > 0.0 else 0.0

    limits = []
    for tail in tails:
        r_low, f_low, mass_low = found[tail]
        r_high, f_high, mass_high = found[1.0 - tail]
        lower = r_low - fraction(f_low - tail, mass_low)
        upper = r_high + 1.0 - fraction(f_high - (1.0 - tail), mass_high)
        limits.append((max(0.0, lower), min(max_count, upper)))
    return limits


def _start_count(mean: float, sd: float, p: float, skew: float, max_count: float) -> int:
    # Cornish-Fisher corrected normal quantile: usually within a count or two
    # of the answer, so the walk from it takes few steps.
    z = _STANDARD_NORMAL.inv_cdf(p)
    guess = mean + sd * (z + skew * (z * z - 1.0) / 6.0)
    return int(min(max_count, max(0.0, math.floor(guess))))


def _check_levels(levels: Sequence[float]) -> None:
    if not levels:
        raise ValueError("at least one level is needed")
    for level in levels:
        _check_level(level)


def _proportion_funnel(target: float, denominator: int, levels: Sequence[float]) -> tuple[Interval, ...]:
    _check_levels(levels)
    denominator = _as_count("denominator", denominator)
    if denominator == 0:
        raise ValueError("a funnel needs a denominator greater than zero")
    target = float(target)
    if not 0.0 <= target <= 1.0:
        raise ValueError(f"target must be a proportion between 0 and 1, got {target}")
    if target in (0.0, 1.0):
        return tuple(Interval(target, target, level) for level in levels)
    n = denominator
    log_p, log_q = math.log(target), math.log1p(-target)
    odds = target / (1.0 - target)
    log_n_factorial = math.lgamma(n + 1.0)

    def pmf(r: int) -> float:
        if r < 0 or r > n:
            return 0.0
        return math.exp(
            log_n_factorial
            - math.lgamma(r + 1.0)
            - math.lgamma(n - r + 1.0)
            + r * log_p
            + (n - r) * log_q
        )

    def cdf(r: int) -> float:
        if r < 0:
            return 0.0
        if r >= n:
            return 1.0
        return _regularized_beta(float(n - r), r + 1.0, 1.0 - target)

    def next_mass_ratio(r: int) -> float:
        return (n - r) / (r + 1.0) * odds

    tails = [(1.0 - level) / 2.0 for level in levels]
    sd = math.sqrt(n * target * (1.0 - target))
    start = _start_count(n * target, sd, min(tails), (1.0 - 2.0 * target) / sd, n)
    limits = _interpolated_limits(tails, start, cdf, pmf, next_mass_ratio, n)
    return tuple(
        Interval(lower / n, upper / n, level) for (lower, upper), level in zip(limits, levels)
    )


def _rate_funnel(
    target_rate: float, exposure: float, per: float, levels: Sequence[float]
) -> tuple[Interval, ...]:
    _check_levels(levels)
    exposure = _as_positive("exposure", exposure)
    per = _as_positive("per", per)
    target_rate = float(target_rate)
    if not target_rate >= 0 or not math.isfinite(target_rate):
        raise ValueError(f"target rate must be a non-negative number, got {target_rate}")
    expected = target_rate * exposure / per
    scale = per / exposure
    if expected == 0.0:
        return tuple(Interval(0.0, 0.0, level) for level in levels)
    log_expected = math.log(expected)

    def pmf(r: int) -> float:
        if r < 0:
            return 0.0
        return math.exp(r * log_expected - expected - math.lgamma(r + 1.0))

    def cdf(r: int) -> float:
        if r < 0:
            return 0.0
        return _regularized_gamma(r + 1.0, expected)[1]

    def next_mass_ratio(r: int) -> float:
        return expected / (r + 1.0)

    tails = [(1.0 - level) / 2.0 for level in levels]
    sd = math.sqrt(expected)
    start = _start_count(expected, sd, min(tails), 1.0 / sd, math.inf)
    limits = _interpolated_limits(tails, start, cdf, pmf, next_mass_ratio, math.inf)
    return tuple(
        Interval(lower * scale, upper * scale, level)
        for (lower, upper), level in zip(limits, levels)
    )


def funnel_limits_proportion(target: float, denominator: int, *, level: float) -> Interval:
    """Control limits around ``target`` (0-1) for a unit with ``denominator`` cases.

    Exact binomial limits with Spiegelhalter's interpolation, on the 0-1
    scale. A clinic whose proportion lies outside the 95% limits is an
    "alert", outside the 99.8% limits an "alarm" (Spiegelhalter 2005). No
    allowance is made for over-dispersion between clinics.
    """
    return _proportion_funnel(target, denominator, (level,))[0]


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
    return _rate_funnel(target_rate, exposure, per, (level,))[0]


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
    return [FunnelPoint(size=n, limits=_proportion_funnel(target, n, levels)) for n in denominators]


def funnel_curve_rate(
    target_rate: float,
    exposures: Sequence[float],
    *,
    per: float = 1000,
    levels: Sequence[float] = (0.95, 0.998),
) -> list[FunnelPoint]:
    """Rate funnel limits at each exposure; see ``funnel_curve``."""
    return [
        FunnelPoint(size=exposure, limits=_rate_funnel(target_rate, exposure, per, levels))
        for exposure in exposures
    ]
