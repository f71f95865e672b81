"""indicators.stats against published reference values and hand calculations.

Plain pytest: no Django, no database. Expected numbers come from the
literature or are worked out by hand in the comments (or from first
principles by direct summation in the test itself); none of them were
produced by running the code under test.
"""

import math

import pytest

from indicators.stats import (
    MIN_RUN_CHART_POINTS,
    Comparison,
    FunnelPoint,
    Interval,
    Polarity,
    anhoej_crossings_limit,
    anhoej_run_limit,
    byar_interval,
    compare_to_benchmark,
    funnel_curve,
    funnel_curve_rate,
    funnel_limits_proportion,
    funnel_limits_rate,
    poisson_exact_interval,
    rate_interval,
    run_chart,
    small_numbers,
    wilson_interval,
)

# ---------------------------------------------------------------------------
# Independent oracles, written from the definitions with exact binomial
# coefficients and plain sums (no incomplete beta/gamma as in the module).
# ---------------------------------------------------------------------------


def binomial_cdf(k: int, n: int, p: float) -> float:
    return sum(math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(0, k + 1))


def poisson_cdf(k: int, mean: float) -> float:
    return sum(math.exp(-mean) * mean**i / math.factorial(i) for i in range(0, k + 1))


# ---------------------------------------------------------------------------
# Wilson score interval
# ---------------------------------------------------------------------------

# Newcombe RG (1998). Two-sided confidence intervals for the single
# proportion: comparison of seven methods. Stat Med 17:857-872, Table I,
# method 3 (score interval without continuity correction), 95%, 4 decimals.
NEWCOMBE_1998_TABLE_I_METHOD_3 = [
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0000, 0.1611),
    (1, 29, 0.0061, 0.1718),
]


@pytest.mark.parametrize(("numerator", "denominator", "lower", "upper"), NEWCOMBE_1998_TABLE_I_METHOD_3)
def test_wilson_reproduces_newcombe_table_i(numerator, denominator, lower, upper):
    interval = wilson_interval(numerator, denominator)
    assert interval.lower == pytest.approx(lower, abs=5e-5)
    assert interval.upper == pytest.approx(upper, abs=5e-5)
    assert interval.level == 0.95


def test_wilson_boundaries_are_exact_at_none_and_all():
    assert wilson_interval(0, 7).lower == 0.0
    assert wilson_interval(7, 7).upper == 1.0
    # 0/20 and 20/20 mirror each other.
    assert wilson_interval(20, 20).lower == pytest.approx(1 - 0.1611, abs=5e-5)


def test_wilson_half_is_symmetric_about_one_half():
    # By hand, 5/10 at 95% (z = 1.959964, z^2 = 3.841459):
    # half-width = z * sqrt(0.025 + 3.841459 / 400) / 1.3841459 = 0.263407.
    interval = wilson_interval(5, 10)
    assert interval.lower == pytest.approx(0.5 - 0.263407, abs=1e-6)
    assert interval.upper == pytest.approx(0.5 + 0.263407, abs=1e-6)


def test_wilson_at_998_is_wider_than_at_95():
    narrow = wilson_interval(30, 120)
    wide = wilson_interval(30, 120, level=0.998)
    assert wide.level == 0.998
    assert wide.lower < narrow.lower < 0.25 < narrow.upper < wide.upper


@pytest.mark.parametrize(
    ("numerator", "denominator", "error"),
    [
        (1, 0, ValueError),
        (0, 0, ValueError),
        (11, 10, ValueError),
        (-1, 10, ValueError),
        (1, -10, ValueError),
        (1.0, 10, TypeError),
        (True, 10, TypeError),
    ],
)
def test_wilson_rejects_impossible_counts(numerator, denominator, error):
    with pytest.raises(error):
        wilson_interval(numerator, denominator)


@pytest.mark.parametrize("level", [0, 1, 95, -0.5])
def test_levels_must_be_probabilities(level):
    with pytest.raises(ValueError):
        wilson_interval(3, 10, level=level)
    with pytest.raises(ValueError):
        poisson_exact_interval(3, level=level)
    with pytest.raises(ValueError):
        funnel_limits_proportion(0.5, 10, level=level)


# ---------------------------------------------------------------------------
# Exact (Garwood) Poisson interval
# ---------------------------------------------------------------------------

# Standard tables of exact 95% limits for a Poisson mean (Garwood 1936; as
# tabulated e.g. by Gehrels 1986 and in epidemiology texts). Printed to three
# decimals except the 0.0253 lower limit for one event.
GARWOOD_95 = {
    0: (0.0, 3.689),
    1: (0.0253, 5.572),
    2: (0.242, 7.225),
    3: (0.619, 8.767),
    4: (1.090, 10.242),
    5: (1.623, 11.668),
    10: (4.795, 18.390),
    20: (12.217, 30.888),
}


@pytest.mark.parametrize("events", sorted(GARWOOD_95))
def test_exact_poisson_reproduces_published_table(events):
    lower, upper = GARWOOD_95[events]
    interval = poisson_exact_interval(events)
    assert interval.lower == pytest.approx(lower, abs=5e-5 if events == 1 else 5e-4)
    assert interval.upper == pytest.approx(upper, abs=5e-4)


def test_exact_poisson_closed_forms_for_zero_and_one_event():
    # x = 0: the upper limit solves exp(-U) = tail, so U = -ln(tail).
    assert poisson_exact_interval(0).upper == pytest.approx(-math.log(0.025), rel=1e-12)
    assert poisson_exact_interval(0, level=0.998).upper == pytest.approx(-math.log(0.001), rel=1e-12)
    # x = 1: the lower limit solves 1 - exp(-L) = tail, so L = -ln(1 - tail).
    assert poisson_exact_interval(1).lower == pytest.approx(-math.log(0.975), rel=1e-12)


@pytest.mark.parametrize("events", [1, 2, 7, 15, 30, 60])
@pytest.mark.parametrize("level", [0.95, 0.998])
def test_exact_poisson_limits_have_the_defining_tail_probabilities(events, level):
    tail = (1 - level) / 2
    interval = poisson_exact_interval(events, level=level)
    # P(X >= x | lower) = tail and P(X <= x | upper) = tail.
    assert 1 - poisson_cdf(events - 1, interval.lower) == pytest.approx(tail, rel=1e-9)
    assert poisson_cdf(events, interval.upper) == pytest.approx(tail, rel=1e-9)


@pytest.mark.parametrize("events", [10**4, 10**5, 10**6])
def test_exact_poisson_is_robust_for_very_large_counts(events):
    interval = poisson_exact_interval(events)
    # For large x the Poisson is close to Normal(x, x): limits near x -+ 1.96 sqrt(x),
    # the upper one about one event further out.
    half_width = 1.959964 * math.sqrt(events)
    assert interval.lower == pytest.approx(events - half_width, rel=1e-4)
    assert interval.upper == pytest.approx(events + half_width + 1, rel=1e-4)
    assert interval.lower < events < interval.upper


def test_exact_poisson_rejects_negative_or_fractional_counts():
    with pytest.raises(ValueError):
        poisson_exact_interval(-1)
    with pytest.raises(TypeError):
        poisson_exact_interval(2.5)


# ---------------------------------------------------------------------------
# Byar's approximation and rates
# ---------------------------------------------------------------------------


def test_byar_by_hand_for_ten_events():
    # lower = 10 (1 - 1/90 - 1.959964 / (3 sqrt 10))^3 = 10 * 0.782291^3 = 4.78745
    # upper = 11 (1 - 1/99 + 1.959964 / (3 sqrt 11))^3 = 11 * 1.186883^3 = 18.39146
    interval = byar_interval(10)
    assert interval.lower == pytest.approx(4.78745, abs=5e-5)
    assert interval.upper == pytest.approx(18.39146, abs=5e-5)


@pytest.mark.parametrize(
    ("events", "level", "tolerance"),
    [
        (10, 0.95, 2e-3),
        (20, 0.95, 5e-4),
        (100, 0.95, 3e-5),
        (1000, 0.95, 1e-6),
        # Further out in the tail Byar converges more slowly: at 99.8% and ten
        # events its lower limit is about 1.5% below the exact one.
        (10, 0.998, 2e-2),
        (20, 0.998, 5e-3),
        (100, 0.998, 3e-4),
        (1000, 0.998, 1e-5),
        (10_000, 0.998, 1e-6),
    ],
)
def test_byar_agrees_with_exact_for_larger_counts(events, level, tolerance):
    byar = byar_interval(events, level=level)
    exact = poisson_exact_interval(events, level=level)
    assert byar.lower == pytest.approx(exact.lower, rel=tolerance)
    assert byar.upper == pytest.approx(exact.upper, rel=tolerance)


def test_byar_lower_limit_never_negative():
    assert byar_interval(0).lower == 0.0
    assert byar_interval(1, level=0.998).lower >= 0.0


def test_rate_interval_uses_exact_limits_below_ten_events():
    # 5 events among 2,000 listed patients, per 1,000: Garwood limits for 5 halved.
    interval = rate_interval(5, 2000, per=1000)
    assert interval.lower == pytest.approx(1.623 / 2, abs=5e-4)
    assert interval.upper == pytest.approx(11.668 / 2, abs=5e-4)


def test_rate_interval_switches_to_byar_at_ten_events():
    interval = rate_interval(10, 1000, per=1000)
    # Byar's 4.78745 (hand-computed above), not the exact 4.795.
    assert interval.lower == pytest.approx(4.78745, abs=5e-5)
    assert interval.upper == pytest.approx(18.39146, abs=5e-5)
    just_below = rate_interval(9, 1000, per=1000)
    assert just_below.lower == pytest.approx(poisson_exact_interval(9).lower, rel=1e-12)
    assert just_below.lower != pytest.approx(byar_interval(9).lower, rel=1e-6)


def test_rate_interval_scales_with_per_and_exposure():
    per_thousand = rate_interval(40, 8000, per=1000, level=0.998)
    per_patient = rate_interval(40, 8000, per=1, level=0.998)
    assert per_thousand.lower == pytest.approx(per_patient.lower * 1000, rel=1e-12)
    assert per_thousand.upper == pytest.approx(per_patient.upper * 1000, rel=1e-12)
    assert per_thousand.level == 0.998
    assert per_thousand.contains(40 / 8000 * 1000)


@pytest.mark.parametrize("exposure", [0, -5, math.inf, math.nan])
def test_rate_interval_needs_positive_exposure(exposure):
    with pytest.raises(ValueError):
        rate_interval(3, exposure)


# ---------------------------------------------------------------------------
# Benchmark comparison and small numbers
# ---------------------------------------------------------------------------

ABOVE = Interval(0.70, 0.80)
BELOW = Interval(0.40, 0.50)
INCLUDES = Interval(0.55, 0.65)
TOUCHES = Interval(0.60, 0.75)
BENCHMARK = 0.60


@pytest.mark.parametrize(
    ("interval", "polarity", "expected"),
    [
        (ABOVE, Polarity.HIGHER_BETTER, Comparison.BETTER),
        (BELOW, Polarity.HIGHER_BETTER, Comparison.WORSE),
        (INCLUDES, Polarity.HIGHER_BETTER, Comparison.SIMILAR),
        (ABOVE, Polarity.LOWER_BETTER, Comparison.WORSE),
        (BELOW, Polarity.LOWER_BETTER, Comparison.BETTER),
        (INCLUDES, Polarity.LOWER_BETTER, Comparison.SIMILAR),
        (ABOVE, Polarity.NO_JUDGEMENT, Comparison.HIGHER),
        (BELOW, Polarity.NO_JUDGEMENT, Comparison.LOWER),
        (INCLUDES, Polarity.NO_JUDGEMENT, Comparison.SIMILAR),
        # An interval whose end equals the benchmark includes it.
        (TOUCHES, Polarity.HIGHER_BETTER, Comparison.SIMILAR),
    ],
)
def test_compare_to_benchmark(interval, polarity, expected):
    assert compare_to_benchmark(interval, BENCHMARK, polarity) is expected


@pytest.mark.parametrize("polarity", list(Polarity))
def test_compare_to_benchmark_without_inputs_is_not_compared(polarity):
    assert compare_to_benchmark(None, BENCHMARK, polarity) is Comparison.NOT_COMPARED
    assert compare_to_benchmark(ABOVE, None, polarity) is Comparison.NOT_COMPARED
    assert compare_to_benchmark(ABOVE, math.nan, polarity) is Comparison.NOT_COMPARED


def test_compare_to_benchmark_accepts_stored_strings():
    assert compare_to_benchmark(ABOVE, BENCHMARK, "lower_better") is Comparison.WORSE
    with pytest.raises(ValueError):
        compare_to_benchmark(ABOVE, BENCHMARK, "sideways")


def test_enum_values_are_the_stored_strings():
    assert [p.value for p in Polarity] == ["higher_better", "lower_better", "no_judgement"]
    assert {c.value for c in Comparison} == {"better", "similar", "worse", "higher", "lower", "not_compared"}
    assert Comparison.BETTER == "better"


def test_small_numbers():
    assert small_numbers(29) is True
    assert small_numbers(30) is False
    assert small_numbers(0) is True
    assert small_numbers(None) is False
    assert small_numbers(45, threshold=50) is True


def test_interval_rejects_reversed_bounds():
    with pytest.raises(ValueError):
        Interval(0.6, 0.5)
    with pytest.raises(ValueError):
        Interval(math.nan, 0.5)


# ---------------------------------------------------------------------------
# Run charts (Anhøj rules)
# ---------------------------------------------------------------------------

# Critical values for 10-100 useful observations: (upper limit for longest
# run, lower limit for number of crossings), typed from the table in
# Appendix 2 of the qicharts2 vignette (J Anhøj, "Critical values for longest
# run and number of crossings"), the same rules as Anhøj & Olesen (2014)
# PLoS ONE 9(11):e113825.
ANHOEJ_CRITICAL_VALUES = {
    10: (6, 2), 11: (6, 2), 12: (7, 3), 13: (7, 3), 14: (7, 4),
    15: (7, 4), 16: (7, 4), 17: (7, 5), 18: (7, 5), 19: (7, 6),
    20: (7, 6), 21: (7, 6), 22: (7, 7), 23: (8, 7), 24: (8, 8),
    25: (8, 8), 26: (8, 8), 27: (8, 9), 28: (8, 9), 29: (8, 10),
    30: (8, 10), 31: (8, 11), 32: (8, 11), 33: (8, 11), 34: (8, 12),
    35: (8, 12), 36: (8, 13), 37: (8, 13), 38: (8, 14), 39: (8, 14),
    40: (8, 14), 41: (8, 15), 42: (8, 15), 43: (8, 16), 44: (8, 16),
    45: (8, 17), 46: (9, 17), 47: (9, 17), 48: (9, 18), 49: (9, 18),
    50: (9, 19), 51: (9, 19), 52: (9, 20), 53: (9, 20), 54: (9, 21),
    55: (9, 21), 56: (9, 21), 57: (9, 22), 58: (9, 22), 59: (9, 23),
    60: (9, 23), 61: (9, 24), 62: (9, 24), 63: (9, 25), 64: (9, 25),
    65: (9, 25), 66: (9, 26), 67: (9, 26), 68: (9, 27), 69: (9, 27),
    70: (9, 28), 71: (9, 28), 72: (9, 29), 73: (9, 29), 74: (9, 29),
    75: (9, 30), 76: (9, 30), 77: (9, 31), 78: (9, 31), 79: (9, 32),
    80: (9, 32), 81: (9, 33), 82: (9, 33), 83: (9, 34), 84: (9, 34),
    85: (9, 34), 86: (9, 35), 87: (9, 35), 88: (9, 36), 89: (9, 36),
    90: (9, 37), 91: (10, 37), 92: (10, 38), 93: (10, 38), 94: (10, 39),
    95: (10, 39), 96: (10, 39), 97: (10, 40), 98: (10, 40), 99: (10, 41),
    100: (10, 41),
}  # fmt: skip


def test_anhoej_table_is_complete():
    assert sorted(ANHOEJ_CRITICAL_VALUES) == list(range(10, 101))


@pytest.mark.parametrize("n_useful", sorted(ANHOEJ_CRITICAL_VALUES))
def test_anhoej_limits_match_published_table(n_useful):
    longest_run, crossings = ANHOEJ_CRITICAL_VALUES[n_useful]
    assert anhoej_run_limit(n_useful) == longest_run
    assert anhoej_crossings_limit(n_useful) == crossings


def test_anhoej_limits_for_small_n_by_hand():
    # n = 9: round(log2 9 + 3) = round(6.17) = 6. Binomial(8, 1/2):
    # P(X <= 1) = 9/256 = 0.035 < 0.05 and P(X <= 2) = 37/256 = 0.145, so 2.
    assert anhoej_run_limit(9) == 6
    assert anhoej_crossings_limit(9) == 2
    # n = 1: nothing can cross, and P(X <= 0) = 1 for Binomial(0, 1/2).
    assert anhoej_crossings_limit(1) == 0
    with pytest.raises(ValueError):
        anhoej_run_limit(0)
    with pytest.raises(ValueError):
        anhoej_crossings_limit(0)


def series(sides: str) -> list[float]:
    """Values from a pattern of '+' (above) and '-' (below).

    Equal numbers of each put the median between the two groups, so no value
    lies on it and the runs and crossings can be counted from the pattern.
    """
    assert sides.count("+") == sides.count("-")
    return [(20.0 if side == "+" else 10.0) + (i % 3) * 0.1 for i, side in enumerate(sides)]


def test_run_chart_flags_a_shift_of_eight_points():
    # Runs: 1, 8, 2, 1, 2, 1, 5 -> longest 8, crossings 6. With 20 points the
    # limits are 7 (run) and 6 (crossings): the run signals, crossings do not.
    result = run_chart(series("-++++++++--+--+-----"))
    assert (result.n_useful, result.longest_run, result.crossings) == (20, 8, 6)
    assert (result.run_limit, result.crossings_limit) == (7, 6)
    assert result.signal_runs is True
    assert result.signal_crossings is False
    assert result.signal is True


def test_run_chart_does_not_flag_a_random_looking_series():
    # Runs: 1, 7, 2, 1, 2, 2, 5 -> longest 7 (not more than 7), crossings 6.
    result = run_chart(series("-+++++++--+--++-----"))
    assert (result.longest_run, result.crossings) == (7, 6)
    assert result.signal is False


def test_run_chart_flags_too_few_crossings():
    # Runs 6, 4, 4, 6 -> 3 crossings, fewer than the limit of 6; no run over 7.
    result = run_chart(series("++++++----++++------"))
    assert (result.longest_run, result.crossings) == (6, 3)
    assert result.signal_runs is False
    assert result.signal_crossings is True
    assert result.signal is True


def test_run_chart_flags_a_sustained_step_change():
    low = [61.0, 63.0, 60.0, 62.0, 64.0, 61.0, 63.0, 62.0, 60.0, 64.0, 62.0, 61.0]
    high = [71.0, 73.0, 70.0, 72.0, 74.0, 71.0, 73.0, 72.0, 70.0, 74.0, 72.0, 71.0]
    result = run_chart(low + high)
    assert result.median == pytest.approx(67.0)
    assert (result.n_useful, result.longest_run, result.crossings) == (24, 12, 1)
    # qicharts2 vignette: 24 useful points give limits 8 and 8.
    assert (result.run_limit, result.crossings_limit) == (8, 8)
    assert result.signal_runs and result.signal_crossings


def test_points_on_the_median_neither_break_nor_extend_runs():
    # Sorted: 1 1 1 2 2 5 5 5 8 8 9 9 9 -> median 5, three values on it.
    # Remaining sides: - - - - - then + + + + + : runs of 5, one crossing.
    # Had the 5 after the third value broken the run, the longest would be 3.
    values = [1, 2, 1, 5, 2, 1, 9, 8, 9, 5, 8, 9, 5]
    result = run_chart(values)
    assert result.median == 5
    assert result.n_useful == 10
    assert (result.longest_run, result.crossings) == (5, 1)
    # n = 10: limits 6 and 2, so one crossing is a signal but a run of 5 is not.
    assert (result.run_limit, result.crossings_limit) == (6, 2)
    assert result.signal_runs is False
    assert result.signal_crossings is True


def test_missing_values_are_skipped():
    values = [1, 2, None, 1, 5, 2, 1, 9, math.nan, 8, 9, 5, 8, None, 9, 5]
    result = run_chart(values)
    assert result.median == 5
    assert (result.n_useful, result.longest_run, result.crossings) == (10, 5, 1)


def test_run_chart_needs_ten_useful_points_for_a_judgement():
    assert MIN_RUN_CHART_POINTS == 10
    # Sorted: 1 1 1 1 5 5 9 9 9 9 9 -> median 5; two values on it, nine useful:
    # four below then five above, one crossing. The limits for n = 9 are 6 and 2
    # (worked out above), so one crossing would signal with enough data.
    nine = run_chart([1, 1, 1, 1, 5, 5, 9, 9, 9, 9, 9])
    assert (nine.median, nine.n_useful, nine.longest_run, nine.crossings) == (5, 9, 5, 1)
    assert (nine.run_limit, nine.crossings_limit) == (6, 2)
    assert nine.signal_crossings is False
    assert nine.signal is False
    # One more point below the median makes ten useful points and a judgement.
    ten = run_chart([1, 1, 1, 1, 1, 5, 9, 9, 9, 9, 9])
    assert (ten.median, ten.n_useful, ten.crossings, ten.crossings_limit) == (5, 10, 1, 2)
    assert ten.signal_crossings is True


def test_run_chart_of_nothing():
    result = run_chart([None, None])
    assert result.median is None
    assert result.n_useful == 0
    assert result.run_limit is None and result.crossings_limit is None
    assert result.signal is False


# ---------------------------------------------------------------------------
# Funnel plots
# ---------------------------------------------------------------------------


def test_funnel_limits_by_hand_for_ten_cases_around_one_half():
    # Binomial(10, 1/2) cumulative counts out of 1024: F(1) = 11, F(2) = 56,
    # F(7) = 968, F(8) = 1013; P(X = 2) = P(X = 8) = 45/1024.
    # Lower 95%: r = 2 (first F >= 0.025 * 1024 = 25.6), a = (56 - 25.6) / 45,
    #   limit = (2 - 0.675556) / 10 = 0.1324444.
    # Upper 95%: r = 8 (first F >= 998.4), a = (1013 - 998.4) / 45,
    #   limit = (8 + 1 - 0.324444) / 10 = 0.8675556.
    limits = funnel_limits_proportion(0.5, 10, level=0.95)
    assert limits.lower == pytest.approx(0.1324444, abs=1e-7)
    assert limits.upper == pytest.approx(0.8675556, abs=1e-7)
    # 99.8%: F(0) = 1 < 1.024 <= F(1) = 11, a = (11 - 1.024) / 10 = 0.9976,
    #   lower = (1 - 0.9976) / 10 = 0.00024; upper mirrors it.
    wide = funnel_limits_proportion(0.5, 10, level=0.998)
    assert wide.lower == pytest.approx(0.00024, abs=1e-9)
    assert wide.upper == pytest.approx(0.99976, abs=1e-9)
    assert wide.level == 0.998


def test_rate_funnel_by_hand_for_an_expected_count_of_one():
    # 1 per 1,000 among 1,000 listed patients: expected count 1.
    # F(0) = e^-1 = 0.368 >= 0.025 already, so the lower limit is 0 - a < 0 -> 0.
    # Upper: F(2) = 2.5 e^-1 = 0.920 < 0.975 <= F(3) = (8/3) e^-1 = 0.981,
    #   limit = 3 + 1 - (F(3) - 0.975) / P(X = 3) = 3.9019 per 1,000.
    f3 = 8 / 3 * math.exp(-1)
    expected_upper = 4 - (f3 - 0.975) / (math.exp(-1) / 6)
    limits = funnel_limits_rate(1.0, 1000, per=1000, level=0.95)
    assert expected_upper == pytest.approx(3.9019, abs=1e-4)
    assert limits.lower == 0.0
    assert limits.upper == pytest.approx(expected_upper, rel=1e-9)


def reference_binomial_limits(target: float, n: int, tail: float) -> tuple[float, float]:
    """Spiegelhalter's interpolated limits by direct summation (small n only)."""
    cdf = [binomial_cdf(k, n, target) for k in range(n + 1)]

    def quantile(p: float) -> int:
        return next(r for r in range(n + 1) if cdf[r] >= p)

    def mass(r: int) -> float:
        return cdf[r] - (cdf[r - 1] if r else 0.0)

    r_low = quantile(tail)
    r_high = quantile(1 - tail)
    lower = r_low - (cdf[r_low] - tail) / mass(r_low)
    upper = r_high + 1 - (cdf[r_high] - (1 - tail)) / mass(r_high)
    return max(0.0, lower) / n, min(float(n), upper) / n


@pytest.mark.parametrize("n", [1, 2, 7, 25, 60, 150])
@pytest.mark.parametrize("target", [0.03, 0.2, 0.5, 0.85])
@pytest.mark.parametrize("level", [0.95, 0.998])
def test_funnel_limits_match_direct_summation(n, target, level):
    lower, upper = reference_binomial_limits(target, n, (1 - level) / 2)
    limits = funnel_limits_proportion(target, n, level=level)
    assert limits.lower == pytest.approx(lower, abs=1e-9)
    assert limits.upper == pytest.approx(upper, abs=1e-9)


@pytest.mark.parametrize("n", [12, 40, 97, 250])
@pytest.mark.parametrize("target", [0.05, 0.35, 0.5, 0.9])
@pytest.mark.parametrize("level", [0.95, 0.998])
def test_in_control_clinic_falls_outside_each_limit_at_most_at_nominal_rate(n, target, level):
    tail = (1 - level) / 2
    limits = funnel_limits_proportion(target, n, level=level)
    # Counts strictly below the lower / above the upper limit, under the target.
    below = sum(math.comb(n, k) * target**k * (1 - target) ** (n - k) for k in range(n + 1) if k / n < limits.lower)
    above = sum(math.comb(n, k) * target**k * (1 - target) ** (n - k) for k in range(n + 1) if k / n > limits.upper)
    assert below <= tail + 1e-12
    assert above <= tail + 1e-12


def test_funnel_narrows_as_clinics_grow_and_998_is_wider():
    target = 0.62
    sizes = [20, 50, 100, 300, 1000, 3000, 10_000]
    previous_width = math.inf
    for n in sizes:
        inner = funnel_limits_proportion(target, n, level=0.95)
        outer = funnel_limits_proportion(target, n, level=0.998)
        assert outer.lower < inner.lower < target < inner.upper < outer.upper
        width = outer.upper - outer.lower
        assert width < previous_width
        previous_width = width


def test_funnel_approaches_normal_limits_for_large_clinics():
    n, target = 100_000, 0.3
    half_width = 1.959964 * math.sqrt(target * (1 - target) / n)
    limits = funnel_limits_proportion(target, n, level=0.95)
    assert limits.lower == pytest.approx(target - half_width, abs=2e-5)
    assert limits.upper == pytest.approx(target + half_width, abs=2e-5)


def test_funnel_limits_mirror_for_complementary_targets():
    for n in (9, 64, 333):
        low = funnel_limits_proportion(0.3, n, level=0.95)
        high = funnel_limits_proportion(0.7, n, level=0.95)
        assert low.lower == pytest.approx(1 - high.upper, abs=1e-12)
        assert low.upper == pytest.approx(1 - high.lower, abs=1e-12)


def test_funnel_limits_stay_on_the_proportion_scale():
    assert funnel_limits_proportion(0.0, 50, level=0.95) == Interval(0.0, 0.0, 0.95)
    assert funnel_limits_proportion(1.0, 50, level=0.95) == Interval(1.0, 1.0, 0.95)
    limits = funnel_limits_proportion(0.01, 15, level=0.998)
    assert 0.0 <= limits.lower <= 0.01 <= limits.upper <= 1.0


@pytest.mark.parametrize(("target", "n"), [(0.5, 0), (1.2, 10), (-0.1, 10)])
def test_funnel_rejects_impossible_inputs(target, n):
    with pytest.raises(ValueError):
        funnel_limits_proportion(target, n, level=0.95)


def test_funnel_curve_returns_one_point_per_size_in_level_order():
    curve = funnel_curve(0.4, [30, 10, 500])
    assert [point.size for point in curve] == [30, 10, 500]
    for point in curve:
        assert isinstance(point, FunnelPoint)
        assert [limit.level for limit in point.limits] == [0.95, 0.998]
        for limit in point.limits:
            single = funnel_limits_proportion(0.4, point.size, level=limit.level)
            assert limit.lower == pytest.approx(single.lower, abs=1e-12)
            assert limit.upper == pytest.approx(single.upper, abs=1e-12)


def test_rate_funnel_matches_direct_summation_and_scales():
    expected_count = 12.5  # 5 per 1,000 among 2,500 listed patients
    tail = 0.025
    cdf = [poisson_cdf(k, expected_count) for k in range(80)]
    r_low = next(r for r in range(80) if cdf[r] >= tail)
    r_high = next(r for r in range(80) if cdf[r] >= 1 - tail)
    lower = r_low - (cdf[r_low] - tail) / (cdf[r_low] - cdf[r_low - 1])
    upper = r_high + 1 - (cdf[r_high] - (1 - tail)) / (cdf[r_high] - cdf[r_high - 1])
    limits = funnel_limits_rate(5.0, 2500, per=1000, level=0.95)
    assert limits.lower == pytest.approx(lower / 2.5, rel=1e-9)
    assert limits.upper == pytest.approx(upper / 2.5, rel=1e-9)
    per_patient = funnel_limits_rate(0.005, 2500, per=1, level=0.95)
    assert per_patient.upper * 1000 == pytest.approx(limits.upper, rel=1e-12)


def test_rate_funnel_narrows_and_998_is_wider():
    previous_width = math.inf
    for exposure in (500, 2000, 8000, 30_000):
        inner = funnel_limits_rate(45.0, exposure, level=0.95)
        outer = funnel_limits_rate(45.0, exposure, level=0.998)
        assert outer.lower < inner.lower < 45.0 < inner.upper < outer.upper
        assert outer.upper - outer.lower < previous_width
        previous_width = outer.upper - outer.lower
    [point] = funnel_curve_rate(45.0, [2000])
    assert point.limits[1].upper == pytest.approx(funnel_limits_rate(45.0, 2000, level=0.998).upper, abs=1e-9)


def test_accepts_numpy_integers_and_decimal_exposures():
    # pandas hands out numpy integers and DecimalFields hand out Decimals.
    numpy = pytest.importorskip("numpy")
    from decimal import Decimal

    interval = wilson_interval(numpy.int64(81), numpy.int64(263))
    assert interval.lower == pytest.approx(0.2553, abs=5e-5)
    rate = rate_interval(numpy.int64(5), Decimal("2000"), per=1000)
    assert rate.upper == pytest.approx(11.668 / 2, abs=5e-4)
    assert funnel_limits_rate(Decimal("1.0"), Decimal("1000"), level=0.95).lower == 0.0


def test_funnel_curve_needs_a_level():
    with pytest.raises(ValueError):
        funnel_curve(0.5, [10], levels=())
