"""Numbers that cannot be right are refused by the import, each naming its row and column, and nothing that is not
a finite number is ever stored (QA round 3): an overflow such as 1e309 beside a NaN, a count that is negative or
fractional, a proportion that contradicts its own numerator and denominator, an absurd magnitude; suppression
markers (".." "*" "<5" "–" "-") are masked or missing values; a year out of range says so; control characters and
overlong texts are refused. Pages read a non-finite number stored before these rules as missing."""

import json
import math

import pytest
from django.urls import reverse
from django.utils import timezone

from indicators.charts.spec import nice_step, spec_values, value_range
from indicators.imports.formats import parse_file
from indicators.models import Observation, ObservationStatus, Unit
from tests.indicators.factories import add_values, continuity_example, make_batch, observation, year
from tests.indicators.import_fixtures import (  # noqa: F401 - fixtures
    generic_file,
    kolada_file,
    library,
    media,
    run_import,
    xlsx_file,
)

NEXT_YEAR = timezone.localdate().year + 1
LABELLED = "indikator;enhet;period;värde;täljare;nämnare;måttenhet"


def _csv(*rows: str, header: str = "indikator;enhet;period;värde") -> bytes:
    return generic_file(*rows, header=header)


def _messages(data: bytes, name: str = "fil.csv") -> list[str]:
    return [str(error) for error in parse_file(filename=name, content=data).errors]


def _stored_numbers() -> list[float]:
    rows = Observation.objects.values_list("value", "numerator", "denominator")
    return [number for row in rows for number in row if number is not None]


# --- 1. No number that is not finite --------------------------------------------------------------------------------


def test_an_overflow_beside_a_nan_is_refused_and_nothing_infinite_is_stored(run_import):
    batch, report = run_import(
        _csv("VIS-LAKARBESOK-ANTAL;SE-A1;2020;1e309", "VIS-LAKARBESOK-ANTAL;SE-A2;2020;NaN",
             "VIS-LAKARBESOK-ANTAL;SE-A1;2021;7"),
        valid_rows_only=True,
    )
    messages = [f"Rad {e['line']}: {e['message']}" for e in batch.error_report]
    assert any(m.startswith("Rad 2:") and "”1e309”" in m and "orimligt stort" in m for m in messages)
    assert any(m.startswith("Rad 3:") and "”NaN”" in m for m in messages)
    assert report.added == 1
    assert all(math.isfinite(number) for number in _stored_numbers())


@pytest.mark.parametrize("cell", ["Infinity", "-Infinity", "inf", "NaN", "1e309", "-1e309"])
def test_a_non_finite_value_alone_is_refused_quoting_the_cell_as_written(cell):
    (message,) = _messages(_csv(f"PVK-01;SE-A1;2020;{cell}"))
    assert message.startswith("Rad 2, kolumn ”värde”:") and f"”{cell}”" in message


@pytest.mark.parametrize("column", ["täljare", "nämnare"])
def test_a_non_finite_count_is_refused(column):
    cells = {"täljare": "1e309;1000", "nämnare": "10;1e309"}[column]
    result = parse_file(filename="fil.csv", content=_csv(f"PVK-01;SE-A1;2020;1;{cells};Andel (%)", header=LABELLED))
    assert result.frame.empty
    assert any(e.column == column and "”1e309”" in e.message for e in result.errors)


def test_a_kolada_file_with_nan_and_infinity_quotes_them_as_json_writes_them():
    data = b'{"values":[{"kpi":"U71451","municipality":"0099","period":2021,"values":[' \
           b'{"gender":"T","value":NaN},{"gender":"K","value":Infinity},{"gender":"M","value":1e999}]}]}'
    result = parse_file(filename="kolada.json", content=data)
    assert result.frame.empty
    assert [e.message.split(" i kolumnen")[0] for e in result.errors] == [
        "Talet ”NaN”", "Talet ”Infinity”", "Talet ”Infinity”"
    ]


def test_a_kolada_value_of_absurd_magnitude_is_refused():
    data = kolada_file([{"kpi": "U71451", "municipality": "0003", "period": 2021,
                         "values": [{"gender": "T", "value": 10**26}]}])
    (error,) = parse_file(filename="kolada.json", content=data).errors
    assert error.column == "value" and "orimligt stort" in error.message


def test_an_xlsx_value_too_large_is_refused():
    data = xlsx_file([["indikator", "enhet", "period", "värde"], ["PVK-01", "SE-A1", "2020", 1e300]])
    result = parse_file(filename="fil.xlsx", content=data)
    assert result.frame.empty and "orimligt stort" in result.errors[0].message


def test_a_column_pandas_reads_as_numbers_keeps_its_text():
    """pandas 3 reads a category column whose every text is a number as numbers: a region code "03" became 3."""
    result = parse_file(filename="fil.csv", content=_csv("PVK-01;03;2020;41,7", "PVK-01;03;2021;42"))
    assert result.errors == []
    assert list(result.frame["unit_code"]) == ["03", "03"]
    assert list(result.frame["unit_kind"]) == ["region", "region"]


# --- 4. Values that cannot be right ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        ("VIS-LAKARBESOK-ANTAL;SE-A1;2020;-100;;;Antal", "värde", "negativt, men ett antal"),
        ("PVK-01;SE-A1;2020;52,5;10,5;20;Andel (%)", "täljare", "Talet 10,5 är inte ett heltal"),
        ("PVK-01;SE-A1;2020;50;0;0;Andel (%)", "värde", "Nämnaren är 0, så värdet 50"),
        ("PVK-01;SE-A1;2020;50;30;40;Andel (%)", "värde", "stämmer inte med täljaren 30 och nämnaren 40, som ger 75 %"),
        ("VIS-LAKARBESOK-ANTAL;SE-A1;2020;99999999999999999999999999;;;Antal", "värde", "orimligt stort"),
        ("PVK-01;SE-A1;2020;50;10;2000000000000;Andel (%)", "nämnare", "orimligt stort"),
    ],
)
def test_a_value_that_cannot_be_right_is_refused_naming_row_and_column(row, column, words):
    result = parse_file(filename="fil.csv", content=_csv(row, header=LABELLED))
    assert result.frame.empty
    assert any(e.line == 2 and e.column == column and words in e.message for e in result.errors), result.errors


@pytest.mark.parametrize("row", [
    "PVK-01;SE-A1;2020;72;725;1000;Andel (%)", "PVK-01;SE-A1;2020;41,7;1251;3000;Andel (%)",
    "VIS-LAKARBESOK-ANTAL;SE-A1;2020;0;;;Antal", "VIS-LAKARBESOK-ANTAL;SE-A1;2020;2,5;;;Antal",
    "PVK-01;SE-A1;2020;MSK;0;0;Andel (%)",
])
def test_values_that_agree_with_their_counts_within_rounding_are_accepted(row):
    result = parse_file(filename="fil.csv", content=_csv(row, header=LABELLED))
    assert result.errors == [] and len(result.frame) == 1


def test_the_library_unit_is_enough_to_refuse_a_negative_count_or_a_contradicted_proportion(run_import):
    """The file says no unit; the library knows VIS-LAKARBESOK-ANTAL is a count and PVK-01 a proportion."""
    header = "indikator;enhet;period;värde;täljare;nämnare"
    batch, report = run_import(
        _csv("VIS-LAKARBESOK-ANTAL;SE-A1;2020;-100;;", "VIS-LAKARBESOK-ANTAL;SE-A1;2021;3;2,5;",
             "PVK-01;SE-A1;2020;50;0;0", "PVK-01;SE-A1;2021;50;10,5;21", "PVK-01;SE-A1;2022;50;10;30",
             "VIS-LAKARBESOK-ANTAL;SE-A1;2022;12;;", header=header),
        valid_rows_only=True,
    )
    by_line = {e["line"]: e for e in batch.error_report}
    assert by_line[2]["column"] == "värde" and "negativt" in by_line[2]["message"]
    assert by_line[3]["column"] == "täljare" and "heltal" in by_line[3]["message"]
    assert by_line[4]["column"] == "värde" and "Nämnaren är 0" in by_line[4]["message"]
    assert by_line[5]["column"] == "täljare" and "10,5" in by_line[5]["message"]
    assert by_line[6]["column"] == "värde" and "som ger 33,3 %" in by_line[6]["message"]
    assert report.added == 1 and Observation.objects.get().value == 12


# --- 5. Suppression markers ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "status"),
    [("..", "masked"), ("*", "masked"), ("<5", "masked"), ("< 10", "masked"), ("–", "missing"), ("-", "missing")],
)
def test_a_suppression_marker_is_a_status_without_a_value(cell, status):
    row = f"PVK-01;SE-A1;2020;{cell};{cell};20;Andel (%)"
    result = parse_file(filename="fil.csv", content=_csv(row, header=LABELLED))
    assert result.errors == []
    (row,) = result.frame.to_dict("records")
    assert row["status"] == status and math.isnan(row["value"]) and math.isnan(row["numerator"])


def test_suppressed_values_are_stored_masked_never_zero(run_import):
    batch, report = run_import(_csv("PVK-01;SE-A1;2020;..", "PVK-01;SE-A1;2021;<5", "PVK-01;SE-A1;2022;-"))
    assert report.added == 3
    stored = dict(Observation.objects.values_list("period_start__year", "status"))
    assert stored == {2020: ObservationStatus.MASKED, 2021: ObservationStatus.MASKED, 2022: ObservationStatus.MISSING}
    assert not Observation.objects.exclude(value=None).exists()


# --- 6. Periods and texts --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("period", ["1800", "1899 kv 2", "2150"])
def test_a_year_out_of_range_names_the_allowed_range(period):
    (message,) = _messages(_csv(f"PVK-01;SE-A1;{period};41,7"))
    assert message.startswith("Rad 2, kolumn ”period”:")
    assert "utanför det tillåtna intervallet" in message and f"1900–{NEXT_YEAR}" in message
    assert "kan inte tolkas" not in message


@pytest.mark.parametrize("name", ["ok\x07namn", "ok\x1b[31mnamn", "två\nrader"])
def test_control_characters_in_a_name_are_refused(name):
    data = ("indikator;indikatornamn;enhet;period;värde\r\n" f'PVK-01;"{name}";SE-A1;2020;41,7\r\n').encode()
    (error,) = parse_file(filename="fil.csv", content=data).errors
    assert (error.line, error.column) == (2, "indikatornamn") and "styrtecken" in error.message


def test_a_name_longer_than_its_field_is_refused_naming_the_row():
    data = _csv("PVK-01;;SE-A1;2020;41,7", "PVK-01;" + "Å" * 200_000 + ";SE-A1;2021;41,7",
                header="indikator;indikatornamn;enhet;period;värde")
    result = parse_file(filename="fil.csv", content=data)
    (error,) = result.errors
    assert (error.line, error.column) == (3, "indikatornamn")
    assert "200000 tecken" in error.message and "högst 255" in error.message and len(str(error)) < 300


# --- Pages with a non-finite number already stored ------------------------------------------------------------------


def test_pages_read_a_stored_non_finite_number_as_missing(client_for, world):
    indicator = continuity_example(world)
    batch = make_batch(world.region_a)
    Observation.objects.filter(indicator=indicator, clinic=world.clinic_a1, period_start__year=2023, sex="T").update(
        value=float("inf")
    )
    Observation.objects.filter(indicator=indicator, clinic=world.clinic_a1, period_start__year=2022, sex="T").update(
        numerator=float("nan")
    )
    # (SQLite stores NaN as NULL; PostgreSQL keeps it.)
    Observation.objects.bulk_create(
        [observation(indicator, batch, year(2014), clinic=world.clinic_a1, value=float("-inf"))]
    )
    for url in (reverse("indicators:indicator_region", args=[indicator.pk]),
                reverse("indicators:clinic_indicators", args=[world.clinic_a1.pk])):
        response = client_for("admin").get(url)
        assert response.status_code == 200, url
        content = response.content.decode()
        assert "inf\xa0%" not in content and "nan\xa0%" not in content


def test_chart_ranges_leave_out_numbers_that_are_not_finite():
    with_others = [10.0, float("inf"), float("nan"), 20.0]
    assert value_range(with_others, Unit.PERCENT) == value_range([10.0, 20.0], Unit.PERCENT)
    assert value_range([float("nan")], Unit.COUNT) == value_range([], Unit.COUNT)
    assert nice_step(float("nan")) == nice_step(float("inf")) == nice_step(0.0) == 1.0
    assert value_range([-1e308, 1e308], Unit.COUNT)  # no OverflowError


def test_spec_values_skip_non_finite_points():
    from indicators.charts.spec import Series

    series = Series(name="x", role="clinic", y=(1.0, float("inf"), None, float("nan"), 2.0))
    assert spec_values([series]) == [1.0, 2.0]


def test_kolada_import_of_a_masked_and_a_deleted_value_still_works(run_import):
    """The markers do not change Kolada's own statuses."""
    data = json.dumps({"values": [{"kpi": "U71451", "municipality": "0000", "period": 2021,
                                   "values": [{"gender": "T", "value": None, "status": "Sekretess"}]}]}).encode()
    batch, report = run_import(data, name="kolada.json")
    assert report.added == 1 and Observation.objects.get().status == ObservationStatus.MASKED
