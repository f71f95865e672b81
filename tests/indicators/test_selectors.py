"""indicators.selectors (series, region): intervals on the display scale, benchmark comparison, the series a page reads and
the region's funnel."""

from datetime import date

import pytest

from indicators import stats
from indicators.selectors import region
from indicators.selectors import series as selectors
from indicators.models import Granularity, Observation, Polarity, Sex, Unit, UnitKind
from indicators.selectors.series import Point
from tests.indicators.factories import (
    add_proportions,
    add_values,
    continuity_example,
    make_batch,
    make_indicator,
    make_source,
    observation,
    year,
)


def point(value, numerator=None, denominator=None, status="ok", granularity=Granularity.YEAR, start=date(2024, 1, 1)):
    return Point(start, date(start.year, 12, 31), granularity, Sex.TOTAL, value, numerator, denominator, status)


def test_proportion_interval_is_wilson_in_percent():
    interval = selectors.interval_for(Unit.PERCENT, point(41.7, 1251, 3000))
    reference = stats.wilson_interval(1251, 3000)
    assert (interval.lower, interval.upper) == pytest.approx((100 * reference.lower, 100 * reference.upper))


def test_rate_interval_is_exact_below_ten_events_and_byar_above():
    few = selectors.interval_for(Unit.RATE_PER_1000, point(2.0, 4, 2000))
    assert few == stats.rate_interval(4, 2000, per=1000)
    many = selectors.interval_for(Unit.RATE_PER_1000, point(12.5, 25, 2000))
    assert many.lower == pytest.approx(stats.byar_interval(25).lower / 2)


@pytest.mark.parametrize(
    ("unit", "observed"),
    [
        (Unit.PERCENT, point(41.7)),  # no counts
        (Unit.PERCENT, point(41.7, 12.5, 30)),  # a weighted, non-whole numerator
        (Unit.PERCENT, point(120.0, 36, 30)),  # numerator above denominator
        (Unit.DAYS, point(14.0, 10, 20)),  # no interval for a number of days
        (Unit.PERCENT, point(None, 10, 20, status="masked")),
    ],
)
def test_no_interval_rather_than_a_wrong_one(unit, observed):
    assert selectors.interval_for(unit, observed) is None


def test_small_numbers_flag_only_for_units_with_a_denominator():
    assert selectors.estimate_for(Unit.PERCENT, point(50.0, 12, 24)).small_numbers
    assert not selectors.estimate_for(Unit.COUNT, point(12.0, None, 24)).small_numbers


def test_granularity_with_most_periods_wins_and_ties_go_to_the_coarser():
    years = [point(1.0, start=date(2020 + i, 1, 1)) for i in range(3)]
    quarters = [point(1.0, granularity=Granularity.QUARTER, start=date(2024, 1 + 3 * i, 1)) for i in range(4)]
    assert selectors.choose_granularity(years + quarters) == Granularity.QUARTER
    assert selectors.choose_granularity(years + quarters[:3]) == Granularity.YEAR
    assert selectors.choose_granularity([]) is None


def test_summary_of_a_clinic(world):
    indicator = continuity_example(world)
    summary = selectors.clinic_summaries(world.clinic_a1)[0]
    assert summary.indicator == indicator
    assert summary.latest.period_label == "2024" and summary.estimate.value == 45.0
    assert summary.vs_region.result == stats.Comparison.BETTER
    assert summary.vs_nation.benchmark.value == 36.0
    assert summary.women.value == 41.7 and summary.men.value == 34.6
    assert summary.run.signal_crossings and summary.target_met is False
    assert summary.period_range == "2015–2024"


def test_target_follows_polarity(world):
    indicator = make_indicator("Väntetid över 14 dagar", polarity=Polarity.LOWER_BETTER, target=20)
    add_proportions(indicator, make_batch(world.region_a), [(15, 100)], first_year=2024, clinic=world.clinic_a1)
    assert selectors.clinic_summaries(world.clinic_a1)[0].target_met is True


def test_indicators_of_another_region_or_inactive_ones_are_not_listed(world):
    own = make_indicator("Region B:s egen", region=world.region_b)
    inactive = make_indicator("Gammal", active=False)
    batch = make_batch(world.region_a)
    for indicator in (own, inactive):
        add_proportions(indicator, batch, [(5, 10)], first_year=2024, clinic=world.clinic_a1)
    assert selectors.clinic_summaries(world.clinic_a1) == []


def test_other_regions_benchmarks_are_not_used(world):
    indicator = make_indicator("Kontinuitet")
    batch = make_batch(world.region_a)
    add_proportions(indicator, batch, [(450, 1000)], first_year=2024, clinic=world.clinic_a1)
    add_values(indicator, batch, [30.0], first_year=2024, region=world.region_b)
    summary = selectors.clinic_summaries(world.clinic_a1)[0]
    assert summary.vs_region.result == stats.Comparison.NOT_COMPARED
    assert summary.vs_region.reason == selectors.NotCompared.NO_BENCHMARK


def test_benchmarks_another_region_imported_are_not_used_even_for_this_region_or_the_country(world):
    """Region B's copy of region A's value and of the country's value (its own import) never reaches A's
    pages; A compares with what A imported."""
    indicator = make_indicator("Kontinuitet")
    own, other = make_batch(world.region_a), make_batch(world.region_b)
    add_proportions(indicator, own, [(450, 1000)], first_year=2024, clinic=world.clinic_a1)
    add_values(indicator, other, [30.0], first_year=2024, region=world.region_a)
    add_values(indicator, other, [31.0], first_year=2024)
    summary = selectors.clinic_summaries(world.clinic_a1)[0]
    assert (summary.vs_region.reason, summary.vs_nation.reason) == (selectors.NotCompared.NO_BENCHMARK,) * 2
    add_values(indicator, own, [44.0], first_year=2024)
    assert selectors.clinic_summaries(world.clinic_a1)[0].vs_nation.benchmark.value == 44.0


def test_select_indicators_keeps_the_requested_order_and_ignores_junk(world):
    first, second = make_indicator("A"), make_indicator("B")
    assert selectors.select_indicators([first, second], [str(second.pk), "x", str(first.pk), "999999"]) == [second, first]
    assert selectors.select_indicators([first, second], []) == [first, second]


def test_region_indicator_funnel_uses_the_regions_value_and_classifies_clinics(world):
    indicator = continuity_example(world)
    data = region.region_indicator(indicator, world.region_a, [world.clinic_a1, world.clinic_a2])
    assert data.period.period_label == "2024" and data.centre == 38.0 and data.centre_is_region_value
    positions = {entry.clinic: entry.position for entry in data.funnel}
    assert positions == {
        world.clinic_a1: region.FunnelPosition.ABOVE_998,
        world.clinic_a2: region.FunnelPosition.INSIDE,
    }
    assert [p.period_label for p in data.periods][:2] == ["2024", "2023"]
    masked_year = region.region_indicator(
        indicator, world.region_a, [world.clinic_a1, world.clinic_a2], period_key="year:2023-01-01"
    )
    assert [(clinic, point.status) for clinic, point in masked_year.not_in_funnel] == [(world.clinic_a2, "masked")]


def test_region_indicator_without_a_funnel_for_other_units(world):
    indicator = make_indicator("Väntetid (dagar)", unit=Unit.DAYS)
    batch = make_batch(world.region_a)
    add_values(indicator, batch, [12.0, 14.0], first_year=2023, clinic=world.clinic_a1)
    data = region.region_indicator(indicator, world.region_a, [world.clinic_a1, world.clinic_a2])
    assert not data.has_funnel and len(data.clinic_series) == 1


def test_nation_values_come_from_unit_kind_nation_only(world):
    indicator = make_indicator("Kontinuitet")
    batch = make_batch(world.region_a)
    add_proportions(indicator, batch, [(450, 1000)], first_year=2024, clinic=world.clinic_a1)
    observation(indicator, batch, (date(2024, 1, 1), date(2024, 12, 31), Granularity.YEAR), value=40.0).save()
    series = selectors.load_series(world.clinic_a1, [indicator])[indicator.pk]
    latest = series.latest()
    assert series.benchmark(UnitKind.NATION, latest).value == 40.0
    assert series.benchmark(UnitKind.REGION, latest) is None


# --- Reads in a constant number of queries -----------------------------------------------------------------


def _many_years(world, indicators: int, years: int, clinics=()) -> list:
    """``indicators`` × ``years`` for A1 (three sexes) and the given clinics (total only), with the region's
    and the country's values."""
    source = make_source()
    batch = make_batch(world.region_a)
    created = [make_indicator(f"Indikator {number:02d}", source=source) for number in range(indicators)]
    rows = []
    for indicator in created:
        for offset in range(years):
            period = year(2015 + offset)
            for sex in (Sex.TOTAL, Sex.WOMEN, Sex.MEN):
                rows.append(observation(indicator, batch, period, clinic=world.clinic_a1, sex=sex, numerator=50,
                                        denominator=100))
            for number, clinic in enumerate(clinics):
                rows.append(observation(indicator, batch, period, clinic=clinic, numerator=40 + number,
                                        denominator=100))
            rows.append(observation(indicator, batch, period, region=world.region_a, value=48.0))
            rows.append(observation(indicator, batch, period, value=47.0))
    Observation.objects.bulk_create(rows)
    return created


def test_clinic_summaries_read_every_indicator_and_year_in_two_queries(world, django_assert_max_num_queries):
    _many_years(world, indicators=60, years=10)
    with django_assert_max_num_queries(2):
        summaries = selectors.clinic_summaries(world.clinic_a1)
    assert len(summaries) == 60
    series = summaries[0].series
    assert [len(series.points(sex)) for sex in (Sex.TOTAL, Sex.WOMEN, Sex.MEN)] == [10, 10, 10]
    latest = series.latest()
    assert latest.period_start == date(2024, 1, 1) and latest.sex == Sex.TOTAL
    assert series.benchmark(UnitKind.REGION, latest).value == 48.0
    assert series.benchmark(UnitKind.NATION, latest).value == 47.0
    assert selectors.clinic_summaries(world.clinic_b1) == []


def test_region_indicator_reads_every_clinic_in_one_query(world, django_assert_num_queries):
    clinics = [
        world.region_a.clinics.create(name=f"Extra {number:02d}", hsa_id=f"SE-EXTRA-{number}") for number in range(30)
    ]
    indicator = _many_years(world, indicators=1, years=10, clinics=clinics)[0]
    everyone = [world.clinic_a1, world.clinic_a2, *clinics]
    with django_assert_num_queries(1):
        data = region.region_indicator(indicator, world.region_a, everyone)
    # A2 has no values: it has no run chart and is not in the funnel.
    assert [clinic for clinic, _series in data.clinic_series] == [world.clinic_a1, *clinics]
    assert {entry.clinic: entry.estimate.value for entry in data.funnel}[clinics[3]] == 43.0
    assert len(data.funnel) == 31 and data.centre == 48.0
    # The region's and the country's values stand beside every clinic, looked up once for the page.
    for _clinic, series in data.clinic_series:
        latest = series.latest()
        assert (series.benchmark(UnitKind.REGION, latest).value, series.benchmark(UnitKind.NATION, latest).value) == (
            48.0, 47.0,
        )
    assert len({id(series.region_points) for _clinic, series in data.clinic_series}) == 1
    assert len({id(series.nation_points) for _clinic, series in data.clinic_series}) == 1


def test_clinic_runs_put_flagged_clinics_first_and_find_them_by_name(world):
    indicator = continuity_example(world)
    steady = world.region_a.clinics.create(name="Älvdalen", hsa_id="SE-ALV")
    add_proportions(indicator, make_batch(world.region_a), [(380, 1000), (390, 1000)] * 5, clinic=steady)
    runs = region.clinic_runs(
        region.region_indicator(indicator, world.region_a, [world.clinic_a2, steady, world.clinic_a1])
    )
    # A1 lies above the 99.8 % limit with a shift; A2 and Älvdalen vary at random inside the limits.
    assert [run.clinic for run in runs] == [world.clinic_a1, world.clinic_a2, steady]  # the rest keep their order
    assert runs[0].is_outside and runs[0].run.signal and runs[0].is_flagged
    assert [run.is_flagged for run in runs[1:]] == [False, False]
    assert [run.clinic for run in region.find_clinic_runs(runs, search=" ÄLV")] == [steady]
    flagged = region.find_clinic_runs(runs, search="a", flagged_only=True)
    assert [run.clinic for run in flagged] == [world.clinic_a1]
    assert region.find_clinic_runs(runs) == runs
