"""Rules the database keeps for observations, and derived labels."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from indicators.models import DataSource, ImportBatch, Indicator, Observation


@pytest.fixture
def setup(world):
    source = DataSource.objects.create(name="Källa", slug="kalla")
    indicator = Indicator.objects.create(code="X-1", name="X", source=source)
    batch = ImportBatch.objects.create(region=world.region_a, file_name="f.csv", checksum="0")
    return indicator, batch


def _observation(indicator, batch, **fields):
    values = {"indicator": indicator, "batch": batch, "owner": batch.region, "period_start": dt.date(2023, 1, 1),
              "period_end": dt.date(2023, 12, 31), "granularity": "year", "sex": "T", "value": 1.0, "status": "ok"}
    return Observation.objects.create(**{**values, **fields})


@pytest.mark.parametrize("unit", [
    {"unit_kind": "clinic"}, {"unit_kind": "region"}, {"unit_kind": "nation"},
], ids=["clinic", "region", "nation"])
def test_one_observation_per_indicator_unit_period_and_sex_whatever_the_kind_of_unit(world, setup, unit):
    indicator, batch = setup
    if unit["unit_kind"] == "clinic":
        unit = {**unit, "clinic": world.clinic_a1}
    elif unit["unit_kind"] == "region":
        unit = {**unit, "region": world.region_a}
    _observation(indicator, batch, **unit)
    _observation(indicator, batch, sex="K", **unit)  # another sex is another observation
    with pytest.raises(IntegrityError), transaction.atomic():
        _observation(indicator, batch, value=2.0, **unit)
    if unit["unit_kind"] != "clinic":  # a benchmark: another region keeps its own copy of the same value
        _observation(indicator, batch, owner=world.region_b, value=2.0, **unit)


def test_a_masked_value_is_never_stored_as_a_number(world, setup):
    indicator, batch = setup
    with pytest.raises(IntegrityError), transaction.atomic():
        _observation(indicator, batch, unit_kind="nation", status="masked", value=0.0)
    with pytest.raises(IntegrityError), transaction.atomic():
        _observation(indicator, batch, unit_kind="nation", status="ok", value=None)
    masked = _observation(indicator, batch, unit_kind="nation", status="masked", value=None)
    assert not masked.has_value


def test_a_unit_is_exactly_one_of_clinic_region_or_nation(world, setup):
    indicator, batch = setup
    with pytest.raises(IntegrityError), transaction.atomic():
        _observation(indicator, batch, unit_kind="clinic", clinic=world.clinic_a1, region=world.region_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        _observation(indicator, batch, unit_kind="region")


def test_shared_indicator_codes_are_unique_and_regions_have_their_own(world, setup):
    indicator, _batch = setup
    Indicator.objects.create(code="X-1", name="Egen", source=indicator.source, region=world.region_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Indicator.objects.create(code="X-1", name="Dubblett", source=indicator.source)
    assert set(Indicator.objects.for_region(world.region_b).values_list("code", flat=True)) == {"X-1"}
    assert Indicator.objects.for_region(world.region_a).count() == 2


@pytest.mark.parametrize(("granularity", "start", "label"), [
    ("year", dt.date(2023, 1, 1), "2023"), ("half", dt.date(2023, 7, 1), "2023 jul-dec"),
    ("quarter", dt.date(2023, 4, 1), "2023 kv 2"), ("month", dt.date(2023, 5, 1), "2023-05"),
])
def test_period_label(granularity, start, label):
    assert Observation(granularity=granularity, period_start=start).period_label == label
