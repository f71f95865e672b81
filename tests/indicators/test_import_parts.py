"""A large CSV file imported in parts, one part written while the next is read (indicators.imports.parts), gives
exactly what reading it whole gives: this module runs every import test of test_imports.py again with parts of two
records, as the worker runs them (no transaction around the import), and checks the parts' own cases: a clean file
goes through the parts; an error or a duplicate in a later part rolls the parts back and the file is read whole."""

import pytest

from indicators.imports import parts, write
from indicators.models import BatchStatus, Observation, ObservationChange
from tests.indicators.import_fixtures import generic_file, library, media, run_import  # noqa: F401 - fixtures
from tests.indicators.test_imports import *  # noqa: F403 - the same tests, read in parts

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def in_parts(monkeypatch):
    """Parts of two records, for any file of more than one line; counts the imports the parts finished."""
    monkeypatch.setattr(parts, "PART_ROWS", 2)
    monkeypatch.setattr(parts, "PARTS_FROM_ROWS", 1)
    finished = []
    real = write._import_in_parts

    def counted(*args, **kwargs):
        report = real(*args, **kwargs)
        finished.append(report is not None)
        return report

    monkeypatch.setattr(write, "_import_in_parts", counted)
    return finished


def _rows(count: int, *, start: int = 2000) -> list[str]:
    # The value is 100 × täljare / nämnare, as the import checks.
    return [f"PVK-01;SE-A1;{start + n};T;{40 + n},5;{405 + 10 * n};1000" for n in range(count)]


def test_a_clean_file_is_written_part_by_part_in_one_batch(world, run_import, in_parts):
    batch, report = run_import(generic_file(*_rows(7)))
    assert in_parts == [True]
    assert batch.status == BatchStatus.DONE and (report.total_rows, report.added) == (7, 7)
    assert Observation.objects.filter(batch=batch).count() == 7
    assert sorted(Observation.objects.values_list("value", flat=True)) == [40.5 + n for n in range(7)]


def test_a_changed_value_in_a_later_part_is_changed_and_remembered_for_a_rollback(world, run_import, in_parts):
    run_import(generic_file(*_rows(7)))
    changed = _rows(7)
    changed[5] = "PVK-01;SE-A1;2005;T;99,0;990;1000"
    batch, report = run_import(generic_file(*changed))
    assert in_parts == [True, True]
    assert (report.added, report.changed, report.unchanged) == (0, 1, 6)
    assert ObservationChange.objects.get(batch=batch).value == 45.5
    assert Observation.objects.get(period_start__year=2005).value == 99.0


def test_an_error_in_the_last_part_writes_nothing_and_is_reported_as_when_read_whole(world, run_import, in_parts):
    batch, report = run_import(generic_file(*_rows(6), "PVK-01;SE-A1;2010;T;inte ett tal;;"))
    assert in_parts == [False]
    assert batch.status == BatchStatus.FAILED and [error.line for error in report.errors] == [8]
    assert not Observation.objects.exists()


def test_the_same_observation_in_two_parts_is_reported_as_a_duplicate(world, run_import, in_parts):
    rows = _rows(6)
    batch, report = run_import(generic_file(*rows, rows[0].replace("40,5;405", "41,5;415")))
    assert in_parts == [False]
    assert batch.status == BatchStatus.FAILED and sorted(error.line for error in report.errors) == [2, 8]
    assert not Observation.objects.exists()


def test_a_byte_the_first_megabyte_did_not_foretell_ends_the_parts_so_the_file_is_read_whole():
    from indicators.imports.formats.csv import read_csv_parts

    # Windows-1252, but nothing before the last line says so: the parts read it as UTF-8 until that line.
    rows = [f"PVK-01;SE-A{n};2020;T;{n % 90},5;;" for n in range(40_000)]
    header = "indicator;unit;period;sex;value;numerator;denominator"
    content = generic_file(*rows, "PVK-01;Vårdcentral Åby;2023;T;41,7;;", encoding="cp1252", header=header)
    head, rest = content[: 1 << 20], content[1 << 20 :]
    assert b"\xc5" in rest and not any(byte > 127 for byte in head)
    found = list(read_csv_parts(content, lambda: 10_000))
    assert all(not part.errors for part in found[:-1]) and found[-1].errors  # the import reads it whole instead
