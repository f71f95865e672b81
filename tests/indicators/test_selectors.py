"""Reads for pages and charts run a constant number of queries."""

import datetime as dt

from indicators import selectors
from indicators.models import DataSource, ImportBatch, Indicator, Observation


def _fill(world, indicators: int, years: int):
    source = DataSource.objects.create(name="Källa", slug="kalla")
    batch = ImportBatch.objects.create(region=world.region_a, file_name="f.csv", checksum="0")
    created = [Indicator.objects.create(code=f"I{i}", name=f"Indikator {i}", source=source) for i in range(indicators)]
    rows = []
    for indicator in created:
        for year in range(2015, 2015 + years):
            period = {"period_start": dt.date(year, 1, 1), "period_end": dt.date(year, 12, 31), "granularity": "year"}
            for sex in "TKM":
                rows.append(Observation(indicator=indicator, unit_kind="clinic", clinic=world.clinic_a1, sex=sex,
                                        value=50.0, numerator=50, denominator=100, batch=batch, **period))
            rows.append(Observation(indicator=indicator, unit_kind="region", region=world.region_a, value=48.0,
                                    batch=batch, **period))
            rows.append(Observation(indicator=indicator, unit_kind="nation", value=47.0, batch=batch, **period))
    Observation.objects.bulk_create(rows)
    return created


def test_clinic_series_groups_per_indicator_in_constant_queries(world, django_assert_max_num_queries):
    _fill(world, indicators=60, years=10)
    with django_assert_max_num_queries(4):
        series = selectors.clinic_series(world.clinic_a1)
    assert len(series) == 60
    first = series[0]
    assert len(first.observations) == 30 and len(first.region) == 10 and len(first.nation) == 10
    assert first.latest.period_start == dt.date(2024, 1, 1) and first.latest.sex == "T"
    assert selectors.clinic_series(world.clinic_b1) == []


def test_region_clinic_values_for_a_funnel_plot(world):
    indicator = _fill(world, indicators=1, years=2)[0]
    values = selectors.region_clinic_values(world.region_a, indicator, period_start=dt.date(2016, 1, 1),
                                            period_end=dt.date(2016, 12, 31))
    assert [(o.clinic, o.value) for o in values] == [(world.clinic_a1, 50.0)]
    assert list(selectors.region_clinic_series(world.region_a, indicator)) == [world.clinic_a1]
