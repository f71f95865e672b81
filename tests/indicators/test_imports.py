"""The import service: every format, matching, bad input, dry runs, re-imports and rollback."""

import datetime as dt

import pytest

from indicators.imports import rollback
from indicators.models import BatchStatus, Indicator, Observation, ObservationChange
from organisations.models import Clinic, Region
from tests.indicators.import_fixtures import (  # noqa: F401 - fixtures
    GENERIC_HEADER,
    generic_file,
    kolada_file,
    library,
    media,
    run_import,
    vis_file,
    vis_row,
    xlsx_file,
)


def _values(**filters):
    return sorted(
        Observation.objects.filter(**filters).values_list("sex", "value", "numerator", "denominator", "status")
    )


def test_vis_export_keeps_unk_msk_inv_as_statuses_never_zero(world, run_import):
    data = vis_file(
        vis_row(),
        vis_row(sex="Kvinnor", value="MSK", numerator="-", denominator="-"),
        vis_row(sex="Män", value="UNK", numerator="-", denominator="-"),
        vis_row(sex="Totalt", period="2022", value="INV", numerator="-", denominator="-"),
    )
    batch, report = run_import(data)
    assert (report.added, report.errors) == (4, [])
    assert batch.status == BatchStatus.DONE and batch.format == "vis_csv"
    assert _values(clinic=world.clinic_a1, period_start=dt.date(2023, 1, 1)) == [
        ("K", None, None, None, "masked"), ("M", None, None, None, "unknown"), ("T", 41.7, 1251.0, 3000.0, "ok"),
    ]
    assert Observation.objects.get(period_start=dt.date(2022, 1, 1)).status == "invalid"
    assert not Observation.objects.filter(value=0).exists()


def test_vis_periods_half_year_quarter_and_month(world, run_import):
    data = vis_file(vis_row(period="2023 jan-jun"), vis_row(period="2023 kv 2"), vis_row(period="2023-05"))
    run_import(data)
    stored = {(o.granularity, o.period_start, o.period_end, o.period_label) for o in Observation.objects.all()}
    assert stored == {
        ("half", dt.date(2023, 1, 1), dt.date(2023, 6, 30), "2023 jan-jun"),
        ("quarter", dt.date(2023, 4, 1), dt.date(2023, 6, 30), "2023 kv 2"),
        ("month", dt.date(2023, 5, 1), dt.date(2023, 5, 31), "2023-05"),
    }


def test_windows_1252_semicolon_decimal_comma_file_with_swedish_characters(world, run_import):
    world.clinic_a2.name = "Åsa-Öbergs hälsocentral"
    world.clinic_a2.save()
    data = generic_file(
        "PVK-01;Åsa-Öbergs hälsocentral;2023;Kvinnor;44,5;89;200",
        "PVK-01;SE-A1;2023;Män;38,25;153;400",
        "Helhetsintryck (vårdcentral);Åsa-Öbergs hälsocentral;2023;Totalt;81,3;;",
        encoding="cp1252",
    )
    batch, report = run_import(data)
    assert report.errors == [] and report.added == 3
    assert batch.format == "generic_csv"
    assert _values(clinic=world.clinic_a2) == [("K", 44.5, 89.0, 200.0, "ok"), ("T", 81.3, None, None, "ok")]
    assert Observation.objects.get(clinic=world.clinic_a1).value == 38.25
    # The NPE row named its indicator by name, not code.
    assert Observation.objects.get(clinic=world.clinic_a2, sex="T").indicator.code == "NPE-HELHET"


def test_comma_separated_decimal_point_utf8_file(world, run_import):
    data = generic_file("PVK-01,SE-A1,2023,T,41.7,1251,3000", header=GENERIC_HEADER.replace(";", ","))
    _batch, report = run_import(data)
    assert report.added == 1 and report.errors == []


def test_xlsx_in_the_generic_layout(world, run_import):
    data = xlsx_file([
        ["indikator", "enhet", "period", "kön", "värde", "täljare", "nämnare"],
        ["PVK-01", "SE-A1", 2023, "T", 41.7, 1251, 3000],
        ["PVK-01", "SE-A2", "2023", "K", "39,5", "79", "200"],
    ])
    batch, report = run_import(data, name="värden.xlsx")
    assert report.errors == [] and report.added == 2 and batch.format == "generic_xlsx"


def test_kolada_v2_region_and_nation_benchmarks(world, run_import):
    world.region_a.kolada_id = "0001"
    world.region_a.save()
    data = kolada_file(
        [
            {"kpi": "U71451", "municipality": "0001", "period": 2023, "values": [
                {"gender": "T", "count": 1, "status": "", "value": 74.1},
                {"gender": "K", "count": 1, "status": "", "value": 75.0},
                {"gender": "M", "count": 1, "status": "Uppgift saknas", "value": None},
            ]},
            {"kpi": "U71451", "municipality": "0000", "period": 2023, "values": [
                {"gender": "T", "count": 1, "status": "", "value": 72.0},
            ]},
        ],
        version=2,
    )
    batch, report = run_import(data, name="kolada.json")
    assert report.errors == [] and report.added == 4 and batch.format == "kolada_json"
    assert _values(region=world.region_a) == [("K", 75.0, None, None, "ok"), ("M", None, None, None, "missing"),
                                              ("T", 74.1, None, None, "ok")]
    assert Observation.objects.get(unit_kind="nation").value == 72.0


def test_each_region_keeps_its_own_benchmarks_so_another_regions_import_or_rollback_never_changes_them(
    world, run_import
):
    """Region and country values are benchmarks that every region imports for itself: region B's wrong
    national value, or its rollback, must not change what region A's users see."""
    nation = "PVK-01;Riket;2023;T;{value};;"
    first_a, _report = run_import(generic_file(nation.format(value="72,0")), region=world.region_a)
    first_b, report = run_import(generic_file(nation.format(value="99,9")), region=world.region_b)
    assert (report.added, report.changed) == (1, 0)  # B's own copy, not a change of A's
    again_b, _report = run_import(generic_file(nation.format(value="98,0")), region=world.region_b)
    assert sorted(Observation.objects.filter(unit_kind="nation").values_list("owner__code", "value")) == sorted(
        [(world.region_a.code, 72.0), (world.region_b.code, 98.0)]
    )
    rollback.import_batch_rollback(batch=again_b, user=None)
    rollback.import_batch_rollback(batch=first_b, user=None)
    assert list(Observation.objects.filter(unit_kind="nation").values_list("owner", "value", "batch")) == [
        (world.region_a.pk, 72.0, first_a.pk)
    ]


def test_kolada_v3_deletion_removes_the_observation_and_rollback_restores_it(world, run_import):
    world.region_a.kolada_id = "0001"
    world.region_a.save()
    item = {"kpi": "N79173", "municipality": "0001", "period": 2022, "values": [{"gender": "T", "value": 88.0}]}
    first, _report = run_import(kolada_file([item]), name="kolada.json")
    deleted = {**item, "isdeleted": True}
    batch, report = run_import(kolada_file([deleted]), name="kolada.json")
    assert (report.removed, report.added, report.changed) == (1, 0, 0)
    assert not Observation.objects.exists()
    rollback.import_batch_rollback(batch=batch, user=world.user("admin"))
    restored = Observation.objects.get()
    assert (restored.value, restored.batch_id) == (88.0, first.pk)


def test_kolada_municipality_values_are_rejected_with_a_reason(world, run_import):
    data = kolada_file([{"kpi": "U71451", "municipality": "0180", "period": 2023, "values": [{"gender": "T", "value": 1}]}])
    _batch, report = run_import(data, dry_run=True)
    assert [(e.line, e.column) for e in report.errors] == [(1, "municipality")]
    assert "Kommunvärden" in report.errors[0].message


def test_clinics_are_matched_by_external_id_and_never_in_another_region(world, run_import):
    world.clinic_a2.external_ids = {"vis": "VIS-0042"}
    world.clinic_a2.save()
    data = generic_file("PVK-01;VIS-0042;2023;T;41,7;;", "PVK-01;SE-B1;2023;T;40,0;;", "PVK-01;Vårdcentral B1;2022;T;40,0;;")
    _batch, report = run_import(data, dry_run=True)
    assert report.added == 1
    assert [(e.line, e.column) for e in report.errors] == [(3, "enhet"), (4, "enhet")]
    assert "finns inte i Region A" in report.errors[0].message


def test_region_own_indicator_code_wins_for_that_region(world, run_import):
    shared = Indicator.objects.get(code="PVK-01", region__isnull=True)
    own = Indicator.objects.create(code="A-1", name="Egen", source=shared.source, region=world.region_a)
    run_import(generic_file("A-1;SE-A1;2023;T;41,7;;"))
    assert Observation.objects.get().indicator == own
    _batch, report = run_import(generic_file("A-1;SE-B1;2023;T;41,7;;"), region=world.region_b, dry_run=True)
    assert "finns inte i indikatorbiblioteket" in report.errors[0].message


@pytest.mark.parametrize(
    ("data", "line", "column", "fragment"),
    [
        (b"", None, None, "tom"),
        (b"\xff\xfe" + "indikator;enhet".encode("utf-16-le"), None, None, "UTF-16"),
        (generic_file(header="namn;adress;telefon"), None, None, ""),
        (generic_file("PVK-01;SE-A1;2023;T;fyrtio;;"), 2, "värde", "kan inte läsas som ett tal"),
        (generic_file("PVK-01;SE-A1;2023;T;41,7;10;-5"), 2, "nämnare", "negativ"),
        (vis_file(vis_row(numerator="3001")), 2, "Täljare", "större än nämnaren"),
        (generic_file("PVK-01;SE-A1;2023;T;41,7;3001;3000"), 2, "täljare", "större än nämnaren"),
        (generic_file("XYZ-99;SE-A1;2023;T;41,7;;"), 2, "indikator", "finns inte i indikatorbiblioteket"),
        (generic_file("PVK-01;SE-OKAND;2023;T;41,7;;"), 2, "enhet", "finns inte i Region A"),
        (generic_file("PVK-01;=cmd|' /C calc'!A0;2023;T;41,7;;"), 2, "enhet", "formel"),
    ],
    ids=["empty", "utf16", "unknown-header", "text-in-number", "negative-denominator", "vis-numerator-too-big",
         "library-proportion", "unknown-indicator", "unknown-clinic", "formula"],
)
def test_bad_input_gets_a_specific_message_and_nothing_is_written(world, run_import, data, line, column, fragment):
    good = "PVK-01;SE-A2;2023;T;41,7;;"
    if data.startswith(GENERIC_HEADER.encode()) and line:
        data = data + good.encode() + b"\r\n"
    batch, report = run_import(data)
    assert report.errors, "expected a row error"
    error = report.errors[0]
    assert (error.line, (error.column or "").lower() if column else None) == (line, column.lower() if column else None)
    assert fragment.lower() in error.message.lower()
    assert batch.status == BatchStatus.FAILED and batch.error_count >= 1
    assert not Observation.objects.exists()


def test_duplicate_rows_are_named_with_each_other(world, run_import):
    data = generic_file("PVK-01;SE-A1;2023;T;41,7;;", "PVK-01;Vårdcentral A1;2023;T;40,0;;")
    _batch, report = run_import(data)
    assert sorted(e.line for e in report.errors) == [2, 3]
    assert all("rad" in e.message for e in report.errors)
    assert not Observation.objects.exists()


def test_an_upload_over_the_limit_is_refused_before_parsing(world, run_import, settings):
    settings.MAX_IMPORT_BYTES = 100
    batch, report = run_import(generic_file(*["PVK-01;SE-A1;2023;T;41,7;;"] * 10))
    assert "för stor" in report.errors[0].message and batch.status == BatchStatus.FAILED


def test_valid_rows_only_imports_the_good_rows_when_asked(world, run_import):
    data = generic_file("PVK-01;SE-A1;2023;T;41,7;;", "PVK-01;SE-OKAND;2023;T;41,7;;")
    batch, report = run_import(data, valid_rows_only=True)
    assert (report.added, report.rejected, batch.status) == (1, 1, BatchStatus.DONE)
    assert batch.error_report == [{"line": 3, "column": "enhet", "message": report.errors[0].message}]


def test_dry_run_reports_counts_without_writing(world, run_import):
    run_import(generic_file("PVK-01;SE-A1;2023;T;41,7;;", "PVK-01;SE-A1;2022;T;40,0;;"))
    data = generic_file("PVK-01;SE-A1;2023;T;41,7;;", "PVK-01;SE-A1;2022;T;39,0;;", "PVK-01;SE-A2;2023;T;50,0;;",
                        "PVK-01;SE-OKAND;2023;T;1,0;;")
    batch, report = run_import(data, dry_run=True)
    assert (report.added, report.changed, report.unchanged, report.rejected) == (1, 1, 1, 1)
    assert batch.status == BatchStatus.PREVIEWED
    assert Observation.objects.count() == 2 and Observation.objects.get(period_start__year=2022).value == 40.0


def test_importing_the_same_file_twice_changes_nothing_the_second_time(world, run_import):
    data = vis_file(vis_row(), vis_row(sex="Kvinnor", value="MSK", numerator="-", denominator="-"))
    first, _report = run_import(data)
    second, report = run_import(data)
    assert (report.added, report.changed, report.unchanged) == (0, 0, 2)
    assert set(Observation.objects.values_list("batch_id", flat=True)) == {first.pk}
    assert not ObservationChange.objects.exists()


def test_rollback_restores_changed_values_exactly_and_removes_added_ones(world, run_import):
    first, _ = run_import(generic_file("PVK-01;SE-A1;2023;T;41,7;1251;3000", "PVK-01;SE-A1;2022;K;MSK;;"))
    before = sorted(Observation.objects.values_list("period_start", "sex", "value", "numerator", "denominator", "status", "batch_id"))
    second, report = run_import(generic_file("PVK-01;SE-A1;2023;T;42,0;1260;3000", "PVK-01;SE-A1;2022;K;12,5;5;40",
                                             "PVK-01;SE-A2;2023;T;50,0;;"))
    assert (report.added, report.changed) == (1, 2)
    rollback.import_batch_rollback(batch=second, user=world.user("admin"))
    after = sorted(Observation.objects.values_list("period_start", "sex", "value", "numerator", "denominator", "status", "batch_id"))
    assert after == before
    second.refresh_from_db()
    assert second.status == BatchStatus.ROLLED_BACK and second.rolled_back_by == world.user("admin")
    rollback.import_batch_rollback(batch=first, user=world.user("admin"))
    assert not Observation.objects.exists()


def test_rollback_is_refused_while_a_later_import_changed_the_same_values(world, run_import):
    first, _ = run_import(generic_file("PVK-01;SE-A1;2023;T;41,7;;"))
    second, _ = run_import(generic_file("PVK-01;SE-A1;2023;T;43,0;;"))
    with pytest.raises(rollback.RollbackError, match=f"#{second.pk}"):
        rollback.import_batch_rollback(batch=first, user=None)
    assert Observation.objects.get().value == 43.0
    rollback.import_batch_rollback(batch=second, user=None)
    with pytest.raises(rollback.RollbackError, match="Bara genomförda"):
        rollback.import_batch_rollback(batch=second, user=None)
    rollback.import_batch_rollback(batch=first, user=None)
    assert not Observation.objects.exists()


def test_region_rows_match_by_code_name_and_the_nation_by_riket(world, run_import):
    data = vis_file(
        vis_row(kind="Region", unit="", name="Region A"),
        vis_row(kind="Region", unit="", name="Region B", sex="Kvinnor", region_code="02"),
        vis_row(kind="Region", unit="", name="Region B", sex="Män", region_code=""),
        vis_row(kind="Riket", unit="", name="Riket", region_code=""),
    )
    _batch, report = run_import(data)
    assert report.errors == [] and report.added == 4
    assert set(Observation.objects.values_list("unit_kind", "region_id")) == {
        ("region", world.region_a.pk), ("region", world.region_b.pk), ("nation", None),
    }
    assert Region.objects.count() == 2 and Clinic.objects.count() == 3
