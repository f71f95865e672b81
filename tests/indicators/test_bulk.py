"""The bulk layer under the import: what goes into the database in one COPY (or executemany) comes back
exactly, whatever mix of units, missing numbers and statuses a file holds; and the in-memory key match
agrees with a plain join."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from django.db import IntegrityError, connection, transaction

from indicators.imports import plan, write
from indicators.models import DataSource, ImportBatch, Indicator, Observation
from organisations.models import Clinic, Region

NAN = float("nan")


@pytest.fixture
def place(db):
    region = Region.objects.create(name="Region Bulk", code="91")
    clinic = Clinic.objects.create(region=region, name="Bulkens vårdcentral", hsa_id="SE-BULK-1")
    source = DataSource.objects.create(name="Testkälla", slug="testkalla")
    indicator = Indicator.objects.create(code="T-1", name="Testindikator", source=source)
    batch = ImportBatch.objects.create(region=region, file_name="t.csv", checksum="x", file_size=1)
    return region, clinic, indicator, batch


def _rows(records):
    """records: (kind, unit_id, indicator_id, year, sex, value, numerator, denominator, status)."""
    frame = pd.DataFrame(records, columns=["kind", "unit_id", "indicator_id", "year", "sex", *plan.NUMBERS, "status"])
    return pd.DataFrame(
        {
            "kind": plan.codes(frame["kind"], plan.KINDS),
            "unit_id": frame["unit_id"].to_numpy(dtype=np.int64),
            "indicator_id": frame["indicator_id"].to_numpy(dtype=np.int64),
            "period_start": plan.days([dt.date(y, 1, 1) for y in frame["year"]]),
            "period_end": plan.days([dt.date(y, 12, 31) for y in frame["year"]]),
            "sex": plan.codes(frame["sex"], plan.SEXES),
            "granularity": plan.codes(["year"] * len(frame), plan.GRANULARITIES),
            **{name: frame[name].to_numpy(dtype=np.float64) for name in plan.NUMBERS},
            "status": plan.codes(frame["status"], plan.STATUSES),
        }
    )


def _stored():
    return sorted(
        (o.unit_kind, o.clinic_id, o.region_id, o.period_start.year, o.sex, o.value, o.numerator, o.denominator,
         o.status)
        for o in Observation.objects.all()
    )


def test_every_mix_of_units_and_missing_numbers_is_stored_exactly(place):
    region, clinic, indicator, batch = place
    rows = _rows([
        ("clinic", clinic.pk, indicator.pk, 2021, "T", 41.7, 1251, 3000, "ok"),
        ("clinic", clinic.pk, indicator.pk, 2021, "K", NAN, NAN, NAN, "masked"),
        ("clinic", clinic.pk, indicator.pk, 2021, "M", 12.5, NAN, 40, "ok"),
        ("clinic", clinic.pk, indicator.pk, 2022, "T", 0.1, 1, NAN, "ok"),
        ("region", region.pk, indicator.pk, 2021, "T", 55.0, 5500, 10000, "ok"),
        ("nation", 0, indicator.pk, 2021, "T", NAN, NAN, NAN, "unknown"),
        ("nation", 0, indicator.pk, 2022, "T", 1e-9, 123456789, 987654321, "ok"),
    ])
    with transaction.atomic(), connection.cursor() as cursor:
        write.insert_observations(cursor, rows, batch_id=batch.pk, owner_id=batch.region_id)
    assert _stored() == sorted([
        ("clinic", clinic.pk, None, 2021, "T", 41.7, 1251.0, 3000.0, "ok"),
        ("clinic", clinic.pk, None, 2021, "K", None, None, None, "masked"),
        ("clinic", clinic.pk, None, 2021, "M", 12.5, None, 40.0, "ok"),
        ("clinic", clinic.pk, None, 2022, "T", 0.1, 1.0, None, "ok"),
        ("region", None, region.pk, 2021, "T", 55.0, 5500.0, 10000.0, "ok"),
        ("nation", None, None, 2021, "T", None, None, None, "unknown"),
        ("nation", None, None, 2022, "T", 1e-9, 123456789.0, 987654321.0, "ok"),
    ])
    stored = pd.concat([plan.fetch_stored(kind, region.pk, [indicator.pk], [clinic.pk, region.pk]) for kind in range(3)])
    assert len(stored) == 7
    position = plan.match_keys(rows, stored.reset_index(drop=True))
    matched = stored.reset_index(drop=True).iloc[position]
    for name in plan.NUMBERS:  # the numbers read back are the numbers written, NaN for NULL
        np.testing.assert_array_equal(matched[name].to_numpy(), rows[name].to_numpy())
    np.testing.assert_array_equal(matched["status"].to_numpy(), rows["status"].to_numpy())


def test_changes_update_and_delete_by_id_and_remember_the_previous_values(place):
    _region, clinic, indicator, batch = place
    rows = _rows([
        ("clinic", clinic.pk, indicator.pk, 2021, "T", 41.7, 1251, 3000, "ok"),
        ("clinic", clinic.pk, indicator.pk, 2022, "T", 40.0, 1200, 3000, "ok"),
    ])
    with transaction.atomic(), connection.cursor() as cursor:
        write.insert_observations(cursor, rows, batch_id=batch.pk, owner_id=batch.region_id)
    ids = dict(Observation.objects.values_list("period_start__year", "id"))
    later = ImportBatch.objects.create(region=batch.region, file_name="u.csv", checksum="y", file_size=1)
    changes = pd.DataFrame({
        "id": [ids[2021], ids[2022]], "removed": [False, True], "value": [NAN, NAN], "numerator": [NAN, NAN],
        "denominator": [NAN, NAN], "status": plan.codes(["masked", "ok"], plan.STATUSES),
    })
    with transaction.atomic(), connection.cursor() as cursor:
        write.apply_changes(cursor, changes, batch_id=later.pk)
    assert _stored() == [("clinic", clinic.pk, None, 2021, "T", None, None, None, "masked")]
    assert Observation.objects.get().batch_id == later.pk
    remembered = sorted(later.changes.values_list("action", "period_start__year", "value", "previous_batch_id"))
    assert remembered == [("changed", 2021, 41.7, batch.pk), ("removed", 2022, 40.0, batch.pk)]


@pytest.mark.parametrize("unit_step", [1, 2**50], ids=["ids-close", "ids-far-apart"])
def test_the_packed_key_match_agrees_with_a_join_on_the_columns(monkeypatch, unit_step):
    """Packed by the columns' ranges, by codes of their distinct values (ids too far apart for ranges), or joined
    on the columns: the same matches."""
    rng = np.random.default_rng(7)
    n = 5000

    def frame(size):
        return pd.DataFrame({
            "kind": rng.integers(0, 3, size).astype(np.int8),
            "unit_id": rng.integers(1, 40, size) * unit_step,
            "indicator_id": rng.integers(1, 30, size),
            "period_start": rng.integers(7000, 7010, size).astype(np.int32),
            "period_end": rng.integers(7400, 7402, size).astype(np.int32),
            "sex": rng.integers(0, 3, size).astype(np.int8),
        }).drop_duplicates(ignore_index=True)

    rows, stored = frame(n), frame(n)
    assert (plan._packed_by_range(rows, stored) is None) == (unit_step > 1)
    packed = plan.match_keys(rows, stored)
    monkeypatch.setattr(plan, "_packed_by_range", lambda *_: None)  # force the codes of distinct values
    by_codes = plan.match_keys(rows, stored)
    monkeypatch.setattr(plan, "PACK_LIMIT", 1)  # force the column join
    joined = plan.match_keys(rows, stored)
    np.testing.assert_array_equal(packed, joined)
    np.testing.assert_array_equal(by_codes, joined)
    hits = packed >= 0
    assert 0 < hits.sum() < len(rows)  # the data really has both matches and misses
    pd.testing.assert_frame_equal(
        rows[hits].reset_index(drop=True), stored.iloc[packed[hits]].reset_index(drop=True)
    )


def test_a_row_that_already_exists_is_refused_by_the_database_and_told_as_a_concurrent_import(place):
    """The plan said 'new', but another import stored the row in between: the unique index refuses it, and
    the importer reports that clash (and only that kind of error) as one the user can retry."""
    _region, clinic, indicator, batch = place
    rows = _rows([("clinic", clinic.pk, indicator.pk, 2021, "T", 41.7, 1251, 3000, "ok")])
    with transaction.atomic(), connection.cursor() as cursor:
        write.insert_observations(cursor, rows, batch_id=batch.pk, owner_id=batch.region_id)
    with pytest.raises(IntegrityError) as caught, transaction.atomic(), connection.cursor() as cursor:
        write.insert_observations(cursor, rows, batch_id=batch.pk, owner_id=batch.region_id)
    assert write._is_unique_violation(caught.value)
    with pytest.raises(IntegrityError) as caught, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO indicators_observation (indicator_id, unit_kind, clinic_id, period_start, period_end, "
            "granularity, sex, value, status, batch_id, owner_id) VALUES (%s, 'clinic', NULL, '2020-01-01', "
            "'2020-12-31', 'year', 'T', 1.0, 'ok', %s, %s)",
            [indicator.pk, batch.pk, batch.region_id],
        )
    assert not write._is_unique_violation(caught.value)  # a check constraint, not a clash
    assert Observation.objects.count() == 1


@pytest.mark.parametrize("binary", [False, True], ids=["rows", "binary"])
def test_stored_rows_read_back_with_every_status_sex_and_period_shape(place, binary):
    """What a re-import compares with: every status and sex, periods before and after 2000, a month and a
    decade, missing numbers, read back as the codes that were written (on PostgreSQL also as one binary value,
    the parts' way). The rows of the batch being written can be left out."""
    region, clinic, indicator, batch = place
    periods = [(dt.date(1999, 7, 1), dt.date(1999, 12, 31)), (dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
               (dt.date(2010, 1, 1), dt.date(2019, 12, 31)), (dt.date(2025, 1, 1), dt.date(2025, 12, 31))]
    records = []
    for number, status in enumerate(plan.STATUSES):
        for sex in plan.SEXES:
            start, end = periods[(number + len(records)) % len(periods)]
            value = 12.5 + number if status == "ok" else NAN
            numerator = NAN if number % 2 else 7.0
            records.append((start + dt.timedelta(days=number), end, sex, value, numerator, 40.0, status))
    frame = pd.DataFrame(records, columns=["start", "end", "sex", *plan.NUMBERS, "status"])
    rows = pd.DataFrame({
        "kind": np.zeros(len(frame), dtype=np.int8), "unit_id": np.full(len(frame), clinic.pk),
        "indicator_id": np.full(len(frame), indicator.pk), "period_start": plan.days(frame["start"]),
        "period_end": plan.days(frame["end"]), "sex": plan.codes(frame["sex"], plan.SEXES),
        "granularity": plan.codes(["year"] * len(frame), plan.GRANULARITIES),
        **{name: frame[name].to_numpy(dtype=np.float64) for name in plan.NUMBERS},
        "status": plan.codes(frame["status"], plan.STATUSES),
    })
    with transaction.atomic(), connection.cursor() as cursor:
        write.insert_observations(cursor, rows, batch_id=batch.pk, owner_id=batch.region_id)

    stored = plan.fetch_stored(0, region.pk, [indicator.pk], [clinic.pk], binary=binary)
    position = plan.match_keys(rows, stored)
    assert (position >= 0).all() and len(stored) == len(rows)
    matched = stored.iloc[position].reset_index(drop=True)
    pd.testing.assert_frame_equal(matched[plan.KEY], rows[plan.KEY], check_dtype=False)
    for name in (*plan.NUMBERS, "status"):
        np.testing.assert_array_equal(matched[name].to_numpy(), rows[name].to_numpy())
    assert sorted(matched["id"]) == sorted(Observation.objects.values_list("id", flat=True))
    assert len(plan.fetch_stored(0, region.pk, [indicator.pk], [clinic.pk], binary=binary, not_batch=batch.pk)) == 0


@pytest.mark.parametrize("kind", ["clinic", "region", "nation"])
def test_a_region_holds_observations_of_each_kind_of_unit_and_not_another_regions(place, kind):
    """An import in parts compares with what is stored only when the region holds something (plan.holds_any)."""
    region, clinic, indicator, batch = place
    other = Region.objects.create(name="Region Annan", code="92")
    assert not plan.holds_any(region.pk) and not plan.holds_any(other.pk)
    unit = {"clinic": clinic.pk, "region": other.pk, "nation": 0}[kind]
    rows = _rows([(kind, unit, indicator.pk, 2021, "T", 41.7, 1251, 3000, "ok")])
    with transaction.atomic(), connection.cursor() as cursor:
        write.insert_observations(cursor, rows, batch_id=batch.pk, owner_id=region.pk)
    assert plan.holds_any(region.pk)
    assert not plan.holds_any(other.pk)  # the benchmark row of the other region is the importing region's own copy


@pytest.mark.parametrize("binary", [False, True], ids=["rows", "binary"])
def test_only_the_stored_periods_a_file_could_touch_are_read(place, binary):
    """A file for 2020 compares with 2020 only, not with every year stored before and after it."""
    region, clinic, indicator, batch = place
    years = (2019, 2020, 2021)
    rows = _rows([("clinic", clinic.pk, indicator.pk, year, "T", 40.0 + year % 10, 4, 10, "ok") for year in years])
    with transaction.atomic(), connection.cursor() as cursor:
        write.insert_observations(cursor, rows, batch_id=batch.pk, owner_id=batch.region_id)
    day = int(plan.days([dt.date(2020, 1, 1)])[0])
    stored = plan.fetch_stored(0, region.pk, [indicator.pk], [clinic.pk], starts=(day, day), binary=binary)
    assert list(stored["period_start"]) == [day] and list(stored["value"]) == [40.0]
    both = plan.fetch_stored(0, region.pk, [indicator.pk], [clinic.pk], starts=(day, day + 366), binary=binary)
    assert sorted(both["value"]) == [40.0, 41.0]
