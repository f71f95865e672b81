"""Tests for indicators.parsers: every supported format, and every kind of bad input with its
message, line and column. No database needed."""

import datetime as dt
import io
import json
import math
import re
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from indicators.imports.cells import parse_period
from indicators.imports.formats import parse_file
from indicators.imports.frame import FRAME_COLUMNS, ParseResult, RowError

DATA = Path(__file__).parent / "data"

VIS_HEADER = (
    "Diagramrubrik;Titel;Indikator-Id;Register/källa;Enhetstyp;Regionskod;Enhetskod;Enhetsnamn;"
    "Kön/Totalt;Mätperiod;Värde;Måttenhet;Täljare;Nämnare/antal fall"
)


def vis_row(**overrides) -> str:
    """One VIS export row; keyword names are the short column keys below."""
    row = {
        "rubrik": "Kontinuitet läkare",
        "titel": "Kontinuitet läkarbesök",
        "id": "PVK-01",
        "kalla": "PrimärvårdsKvalitet",
        "typ": "Vårdenhet",
        "region": "03",
        "kod": "SE0000000000-ABC1",
        "namn": "Exempelby vårdcentral",
        "kon": "Totalt",
        "period": "2023",
        "varde": "41,7",
        "matt": "Andel (%)",
        "taljare": "1251",
        "namnare": "3000",
    }
    row.update(overrides)
    return ";".join(row.values())


def vis_file(*rows: str, bom: bool = True) -> bytes:
    text = "\r\n".join([VIS_HEADER, *rows]) + "\r\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


def parse_sample(name: str) -> ParseResult:
    return parse_file(filename=name, content=(DATA / name).read_bytes())


def errors_at(result: ParseResult, line: int | None) -> list[RowError]:
    return [e for e in result.errors if e.line == line]


def only_error(result: ParseResult) -> RowError:
    assert len(result.errors) == 1, result.errors
    return result.errors[0]


def assert_frame_shape(frame: pd.DataFrame) -> None:
    assert tuple(frame.columns) == FRAME_COLUMNS
    assert frame["line"].dtype == np.int64
    for name in ("value", "numerator", "denominator"):
        assert frame[name].dtype == np.float64
    assert frame["deleted"].dtype == bool
    for name in (
        "indicator_code",
        "indicator_name",
        "source",
        "unit_label",
        "unit_kind",
        "unit_code",
        "unit_name",
        "period_label",
        "granularity",
        "sex",
        "status",
    ):
        assert pd.api.types.is_string_dtype(frame[name].dtype), name
        assert frame[name].notna().all(), name
    for name in ("period_start", "period_end"):
        assert all(type(d) is dt.date for d in frame[name]), name
    assert set(frame["unit_kind"]) <= {"clinic", "region", "nation", "municipality"}
    assert set(frame["granularity"]) <= {"year", "half", "quarter", "month"}
    assert set(frame["sex"]) <= {"T", "K", "M"}
    assert set(frame["status"]) <= {"ok", "unknown", "masked", "invalid", "missing"}
    # a value is only present for status ok, and a missing value is never 0
    assert frame.loc[frame["status"] != "ok", "value"].isna().all()
    assert frame.loc[frame["status"] == "ok", "value"].notna().all()


# ------------------------------------------------------------------------------------------
# Samples of each format
# ------------------------------------------------------------------------------------------


def test_vis_export_sample():
    result = parse_sample("vis_export.csv")
    assert result.format == "vis_csv"
    assert result.errors == []
    assert result.total_rows == 10
    frame = result.frame
    assert_frame_shape(frame)
    assert frame["line"].tolist() == list(range(2, 12))
    first = frame.iloc[0]
    assert first["indicator_code"] == "PVK-01"
    assert first["indicator_name"] == "Kontinuitet läkarbesök"
    assert first["source"] == "PrimärvårdsKvalitet"
    assert first["unit_kind"] == "clinic"
    assert first["unit_code"] == "SE0000000000-ABC1"
    assert first["unit_label"] == "Andel (%)"
    assert first["value"] == pytest.approx(41.7)
    assert (first["numerator"], first["denominator"]) == (1251.0, 3000.0)
    by_line = frame.set_index("line")
    # UNK / MSK / INV become statuses with no value, never 0
    assert by_line.loc[3, "status"] == "masked" and math.isnan(by_line.loc[3, "value"])
    assert by_line.loc[3, "sex"] == "K"
    assert by_line.loc[4, "status"] == "unknown" and by_line.loc[4, "sex"] == "M"
    assert by_line.loc[6, "status"] == "invalid" and math.isnan(by_line.loc[6, "value"])
    assert math.isnan(by_line.loc[3, "numerator"]) and math.isnan(by_line.loc[3, "denominator"])
    # periods
    assert (by_line.loc[5, "granularity"], by_line.loc[5, "period_start"], by_line.loc[5, "period_end"]) == (
        "half",
        dt.date(2023, 1, 1),
        dt.date(2023, 6, 30),
    )
    assert by_line.loc[6, "period_start"] == dt.date(2023, 7, 1)
    assert (by_line.loc[7, "granularity"], by_line.loc[7, "period_label"]) == ("quarter", "2023 kv 2")
    assert (by_line.loc[7, "period_start"], by_line.loc[7, "period_end"]) == (dt.date(2023, 4, 1), dt.date(2023, 6, 30))
    assert by_line.loc[8, "period_start"] == dt.date(2023, 7, 1)  # "2023 kvartal 3"
    assert (by_line.loc[9, "granularity"], by_line.loc[9, "period_end"]) == ("month", dt.date(2023, 5, 31))
    assert by_line.loc[10, "period_start"] == dt.date(2023, 4, 1)  # "2023 apr"
    assert by_line.loc[11, "value"] == pytest.approx(9.5)
    # region row: the region code; nation row: no code
    assert (by_line.loc[7, "unit_kind"], by_line.loc[7, "unit_code"]) == ("region", "03")
    assert (by_line.loc[8, "unit_kind"], by_line.loc[8, "unit_code"], by_line.loc[8, "unit_name"]) == (
        "nation",
        "",
        "Riket",
    )
    # "-" in Täljare is NaN, the denominator is kept
    assert math.isnan(by_line.loc[9, "numerator"]) and by_line.loc[9, "denominator"] == 210.0


def test_vis_minimal_variant_infers_unit_kind_and_sex():
    result = parse_sample("vis_minimal.csv")
    assert result.format == "vis_csv"
    assert result.errors == []
    frame = result.frame
    assert_frame_shape(frame)
    assert frame["indicator_code"].tolist() == ["Diabetes HbA1c under 52"] * 3
    assert frame["indicator_name"].tolist() == ["Diabetes HbA1c under 52"] * 3
    assert frame["unit_kind"].tolist() == ["clinic", "region", "nation"]
    assert frame["unit_code"].tolist() == ["", "", ""]
    assert frame["sex"].tolist() == ["T", "T", "T"]
    assert frame["source"].tolist() == ["NDR"] * 3


def test_generic_windows_1252_semicolon_decimal_comma():
    content = (DATA / "generic_cp1252.csv").read_bytes()
    assert "Åby".encode("cp1252") in content  # really cp1252 bytes, not UTF-8
    result = parse_file(filename="export.csv", content=content)
    assert result.format == "generic_csv"
    assert result.errors == []
    frame = result.frame
    assert_frame_shape(frame)
    assert frame["unit_name"].tolist() == [
        "Vårdcentralen Åby",
        "Hälsocentralen Öster",
        "Vårdcentralen Älvsjö",
        "Region Exempellän",
    ]
    assert frame["source"].iloc[0] == "Egen uppföljning"
    assert frame["indicator_name"].iloc[0] == "Andel patienter med fast läkarkontakt"
    assert frame["value"].iloc[0] == pytest.approx(72.5)
    assert frame["sex"].tolist() == ["T", "K", "M", "T"]
    assert frame["status"].tolist() == ["ok", "ok", "masked", "ok"]
    assert frame["unit_kind"].tolist() == ["clinic", "clinic", "clinic", "region"]
    assert frame["unit_code"].iloc[3] == "03"
    assert frame["granularity"].tolist() == ["year", "year", "quarter", "month"]


def test_generic_utf8_comma_separated_decimal_point_english_headers():
    result = parse_sample("generic_comma.csv")
    assert result.format == "generic_csv"
    assert result.errors == []
    frame = result.frame
    assert_frame_shape(frame)
    assert frame["unit_name"].iloc[0] == "Clinic Åby, north"  # quoted separator
    assert frame["value"].tolist()[0] == pytest.approx(72.5)
    assert frame["value"].iloc[2] == pytest.approx(70.25)
    assert frame["value"].iloc[3] == pytest.approx(1234.5)  # "1,234.5"
    assert frame["status"].tolist() == ["ok", "masked", "ok", "ok"]
    assert frame["unit_kind"].tolist() == ["clinic", "clinic", "nation", "region"]
    assert (frame["granularity"].iloc[2], frame["period_end"].iloc[2]) == ("half", dt.date(2024, 6, 30))
    assert (frame["granularity"].iloc[3], frame["period_start"].iloc[3]) == ("quarter", dt.date(2024, 10, 1))


def test_header_names_are_case_whitespace_and_order_insensitive():
    content = ("\ufeff  VÄRDE ; Period;HSA-ID ;Extra kolumn; INDIKATOR\n12,5;2024;SE1;x;A1\n").encode("utf-8")
    result = parse_file(filename="x.csv", content=content)
    assert result.errors == []
    row = result.frame.iloc[0]
    assert (row["indicator_code"], row["unit_code"], row["value"], row["sex"]) == ("A1", "SE1", 12.5, "T")


def test_excel_sep_hint_line_and_blank_lines_keep_line_numbers():
    content = "sep=;\nindikator;enhet;period;värde\n\nA;SE1;2024;1\n;;;\nA;SE2;2024;abc\n".encode()
    result = parse_file(filename="x.csv", content=content)
    assert result.frame["line"].tolist() == [4]
    assert result.total_rows == 2
    error = only_error(result)
    assert (error.line, error.column) == (6, "värde")


def _xlsx_with_cached_formula(path: Path) -> bytes:
    """Write a workbook, then give the formula in C3 a cached result as Excel would."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(["Kommentar", "Värde", "Period", "Indikator", "Enhet", "Enhetsnamn", "Måttenhet"])  # row 1
    ws.append(
        ["text", "41,7", 2023, "EGEN-01", "SE0000000000-VC01", "Vårdcentralen Åby", "Andel (%)"]
    )  # number as text
    ws.append(
        ["formel", "=40+2", dt.datetime(2023, 5, 17), "EGEN-01", "SE0000000000-VC01", "Vårdcentralen Åby", "Andel (%)"]
    )
    ws.append([None] * 7)  # an empty row is skipped
    ws.append(["utan resultat", "=1+1", "2023 kv 3", "EGEN-01", "SE0000000000-VC01", "Vårdcentralen Åby", "Andel (%)"])
    ws.append(["", 55.25, "2023 jan-jun", "EGEN-01", "SE0000000000-VC02", "Hälsocentralen Öster", "Andel (%)"])
    wb.save(path)
    raw = path.read_bytes()
    src = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                text, count = re.subn(r'(<c r="B3"[^>]*>\s*<f>[^<]*</f>)\s*(<v>\s*</v>|<v/>)?', r"\1<v>42</v>", text)
                assert count == 1
                data = text.encode()
            dst.writestr(item, data)
    path.write_bytes(out.getvalue())
    return out.getvalue()


def test_generic_xlsx(tmp_path):
    content = _xlsx_with_cached_formula(tmp_path / "data.xlsx")
    result = parse_file(filename="data.xlsx", content=content)
    assert result.format == "generic_xlsx"
    assert result.total_rows == 4
    frame = result.frame
    assert_frame_shape(frame)
    by_line = frame.set_index("line")
    assert sorted(by_line.index) == [2, 3, 6]
    assert by_line.loc[2, "value"] == pytest.approx(41.7)  # number stored as text
    assert by_line.loc[2, "period_label"] == "2023" and by_line.loc[2, "granularity"] == "year"
    assert by_line.loc[3, "value"] == pytest.approx(42.0)  # the formula's cached value
    assert (by_line.loc[3, "granularity"], by_line.loc[3, "period_start"]) == ("month", dt.date(2023, 5, 1))
    assert by_line.loc[6, "value"] == pytest.approx(55.25)
    assert by_line.loc[6, "unit_name"] == "Hälsocentralen Öster"
    # the formula without a stored result is an error on its Excel row and column
    error = only_error(result)
    assert (error.line, error.column) == (5, "Värde")
    assert "formel utan sparat resultat" in error.message


def test_xlsx_header_mismatch_and_broken_workbook(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["Namn", "Summa"])
    wb.active.append(["a", 1])
    wb.save(tmp_path / "bad.xlsx")
    result = parse_file(filename="bad.xlsx", content=(tmp_path / "bad.xlsx").read_bytes())
    assert result.format == "generic_xlsx"
    error = only_error(result)
    assert error.line is None and "”Namn”, ”Summa”" in error.message

    broken = parse_file(filename="x.xlsx", content=b"PK\x03\x04 not really a zip file")
    assert broken.format == "generic_xlsx"
    assert "kunde inte öppnas" in only_error(broken).message


def test_kolada_v2():
    result = parse_sample("kolada_v2.json")
    assert result.format == "kolada_json"
    assert result.errors == []
    assert result.total_rows == 5
    frame = result.frame
    assert_frame_shape(frame)
    assert frame["line"].tolist() == [1, 1, 1, 2, 3]
    assert set(frame["source"]) == {"Kolada"}
    assert frame["indicator_code"].tolist()[:4] == ["U71451"] * 4
    assert frame["sex"].tolist()[:3] == ["T", "K", "M"]
    assert frame["value"].iloc[0] == pytest.approx(74.1)
    assert frame["unit_kind"].tolist() == ["region", "region", "region", "nation", "municipality"]
    assert frame["unit_code"].tolist() == ["0003", "0003", "0003", "0000", "0180"]
    last = frame.iloc[4]
    assert last["status"] == "missing" and math.isnan(last["value"])  # null value, never 0
    assert bool(last["deleted"]) is True
    assert not frame["deleted"].iloc[:4].any()
    assert frame["numerator"].isna().all() and frame["denominator"].isna().all()


def test_kolada_v3_ou_data_with_null_values_and_isdeleted():
    result = parse_sample("kolada_v3.json")
    assert result.errors == []
    frame = result.frame
    assert_frame_shape(frame)
    assert frame["unit_kind"].tolist() == ["clinic"] * 4
    assert frame["unit_code"].tolist() == ["V15E0180101"] * 3 + ["V15E0180102"]
    assert frame["status"].tolist() == ["ok", "masked", "missing", "ok"]  # "Sekretess" -> masked
    assert frame["value"].iloc[3] == 91.0
    assert frame["deleted"].tolist() == [False, False, False, True]
    assert frame["period_label"].tolist() == ["2023"] * 4


def test_kolada_list_of_pages_counts_items_across_pages():
    page1 = json.loads((DATA / "kolada_v3.json").read_text())
    page2 = {
        "values": [
            {
                "kpi": "N79179",
                "ou": "V15E0180103",
                "period": 2023,
                "values": [{"gender": "X", "status": "", "value": 1.0}, {"gender": "T", "status": "", "value": "abc"}],
            }
        ],
        "count": 1,
        "next_url": None,
    }
    result = parse_file(filename="pages.json", content=json.dumps([page1, page2]).encode())
    assert result.format == "kolada_json"
    assert result.total_rows == 6
    assert [(e.line, e.column) for e in result.errors] == [(3, "gender"), (3, "value")]
    assert "”X”" in result.errors[0].message
    assert "”abc”" in result.errors[1].message
    assert len(result.frame) == 4


def test_kolada_structural_errors():
    bad_json = parse_file(filename="k.json", content=b'{"values": [')
    assert bad_json.format == "kolada_json"
    assert "inte giltig JSON" in only_error(bad_json).message

    not_kolada = parse_file(filename="k.json", content=b'{"foo": 1}')
    assert "Koladas format" in only_error(not_kolada).message

    content = json.dumps(
        {
            "values": [
                {"kpi": "U1", "municipality": "0001", "period": 2023, "values": [{"gender": "T", "value": 5}]},
                {"kpi": "U1", "period": 2023, "values": []},
                {"kpi": "U1", "municipality": "0001", "period": "2023 x", "values": [{"gender": "T", "value": 5}]},
            ]
        }
    ).encode()
    result = parse_file(filename="k.json", content=content)
    assert [(e.line, e.column) for e in result.errors] == [(2, "municipality"), (3, "period")]
    assert result.frame["line"].tolist() == [1]


# ------------------------------------------------------------------------------------------
# File-level problems
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b"\r\n  \r\n"])
def test_empty_file(content):
    result = parse_file(filename="tom.csv", content=content)
    error = only_error(result)
    assert (error.line, error.column, error.message) == (None, None, "Filen är tom.")
    assert result.frame.empty and tuple(result.frame.columns) == FRAME_COLUMNS


def test_header_only_file():
    result = parse_file(filename="x.csv", content=b"indikator;enhet;period;v\xc3\xa4rde\r\n")
    assert result.total_rows == 0
    assert "inga datarader" in only_error(result).message


def test_file_over_max_bytes_is_not_parsed():
    content = vis_file(*[vis_row(period=str(2000 + i)) for i in range(20)])
    result = parse_file(filename="stor.csv", content=content, max_bytes=100)
    error = only_error(result)
    assert error.line is None
    assert "för stor" in error.message and "100 B" in error.message
    assert result.frame.empty and result.total_rows == 0


@pytest.mark.parametrize(
    "content",
    [
        VIS_HEADER.encode("utf-16"),  # with BOM
        VIS_HEADER.encode("utf-16-le"),  # without BOM
    ],
)
def test_utf16_is_rejected(content):
    error = only_error(parse_file(filename="x.csv", content=content))
    assert error.line is None and "UTF-16" in error.message


def test_binary_junk_is_rejected():
    junk = bytes(np.random.default_rng(0).integers(0, 256, 4096, dtype=np.uint8))
    error = only_error(parse_file(filename="x.csv", content=junk))
    assert error.line is None and "binära data" in error.message


def test_old_xls_is_rejected():
    error = only_error(parse_file(filename="x.xls", content=b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100))
    assert ".xls" in error.message


def test_undecodable_encoding_is_reported_not_mangled():
    # 0x81 and 0x8d are invalid both in UTF-8 and in Windows-1252
    content = b"indikator;enhet;period;v\xe4rde\nA;Enhet \x81\x8d;2024;1\n"
    result = parse_file(filename="x.csv", content=content)
    error = only_error(result)
    assert error.line is None and "teckenkodning" in error.message


def test_header_matching_no_layout_names_found_and_required_columns():
    content = b"Namn;Summa;Datum\nA;1;2024\n"
    result = parse_file(filename="x.csv", content=content)
    error = only_error(result)
    assert error.line is None
    assert "Hittade kolumner: ”Namn”, ”Summa”, ”Datum”" in error.message
    assert "indikator, enhet (eller hsa-id), period, värde" in error.message
    assert result.frame.empty


def test_vis_header_missing_required_columns():
    content = "Diagramrubrik;Enhetsnamn;Värde\nA;B;1\n".encode()
    result = parse_file(filename="x.csv", content=content)
    assert result.format == "vis_csv"
    error = only_error(result)
    assert "Saknas: Mätperiod" in error.message


def test_two_columns_with_the_same_meaning():
    content = "indikator;enhet;hsa-id;period;värde\nA;B;C;2024;1\n".encode()
    error = only_error(parse_file(filename="x.csv", content=content))
    assert error.line == 1 and "”enhet”, ”hsa-id”" in error.message


def test_row_with_too_many_fields():
    content = vis_file(
        vis_row(),
        vis_row(kon="Kvinnor") + ";extra",
        vis_row(kon="Män") + ";a;b;c;d;e",
    )
    result = parse_file(filename="x.csv", content=content)
    assert [e.line for e in result.errors] == [3, 4]
    assert all("fler fält" in e.message for e in result.errors)
    assert result.frame["line"].tolist() == [2]
    assert result.total_rows == 3


# ------------------------------------------------------------------------------------------
# Row-level validation
# ------------------------------------------------------------------------------------------


def test_text_in_number_columns():
    content = vis_file(
        vis_row(),
        vis_row(kon="Kvinnor", varde="fyrtio"),
        vis_row(kon="Män", taljare="många"),
    )
    result = parse_file(filename="x.csv", content=content)
    assert result.frame["line"].tolist() == [2]  # the valid row stays
    first, second = result.errors
    assert (first.line, first.column) == (3, "Värde")
    assert first.message == "Talet ”fyrtio” i kolumnen ”Värde” kan inte läsas som ett tal."
    assert (second.line, second.column) == (4, "Täljare")
    assert "”många”" in second.message
    assert str(first) == "Rad 3, kolumn ”Värde”: " + first.message


def test_negative_numerator_and_denominator():
    content = vis_file(vis_row(taljare="-5"), vis_row(kon="Män", namnare="-10", taljare="1"))
    result = parse_file(filename="x.csv", content=content)
    assert [(e.line, e.column) for e in result.errors] == [(2, "Täljare"), (3, "Nämnare/antal fall")]
    assert "negativt" in result.errors[0].message and "”-5”" in result.errors[0].message
    assert result.frame.empty


def test_numerator_larger_than_denominator_for_a_proportion():
    content = vis_file(
        vis_row(taljare="3001", varde="99"),
        vis_row(kon="Män", taljare="3001", matt="Antal", varde="3001"),  # not a proportion: fine
    )
    result = parse_file(filename="x.csv", content=content)
    error = only_error(result)
    assert (error.line, error.column) == (2, "Täljare")
    assert "Täljaren ”3001” är större än nämnaren ”3000”" in error.message
    assert result.frame["line"].tolist() == [3]


@pytest.mark.parametrize("value", ["100,1", "-0,5", "250"])
def test_percent_value_outside_0_100(value):
    content = vis_file(vis_row(varde=value), vis_row(kon="Män", varde=value, matt="Median (dagar)"))
    result = parse_file(filename="x.csv", content=content)
    error = only_error(result)
    assert (error.line, error.column) == (2, "Värde")
    assert "utanför 0–100" in error.message and f"”{value}”" in error.message
    assert result.frame["line"].tolist() == [3]


def test_negative_number_in_a_number_column_is_a_number_not_a_formula():
    content = vis_file(vis_row(varde="-3,5", matt="Förändring (dagar)", taljare="-", namnare="-"))
    result = parse_file(filename="x.csv", content=content)
    assert result.errors == []
    assert result.frame["value"].iloc[0] == pytest.approx(-3.5)


def test_unknown_period_format():
    content = vis_file(vis_row(period="2023 vecka 5"), vis_row(kon="Män", period=""), vis_row(kon="Kvinnor"))
    result = parse_file(filename="x.csv", content=content)
    first, second = result.errors
    assert (first.line, first.column) == (2, "Mätperiod")
    assert "Perioden ”2023 vecka 5” i kolumnen ”Mätperiod” kan inte tolkas" in first.message
    assert (second.line, second.column) == (3, "Mätperiod") and "saknas" in second.message
    assert result.frame["line"].tolist() == [4]


def test_unknown_sex():
    result = parse_file(filename="x.csv", content=vis_file(vis_row(kon="Övriga")))
    error = only_error(result)
    assert (error.line, error.column) == (2, "Kön/Totalt")
    assert "Okänt kön ”Övriga”" in error.message


def test_unknown_unit_type():
    result = parse_file(filename="x.csv", content=vis_file(vis_row(typ="Planet")))
    error = only_error(result)
    assert (error.line, error.column) == (2, "Enhetstyp") and "”Planet”" in error.message


def test_missing_unit_and_indicator():
    content = "indikator;enhet;period;värde\n;SE1;2024;1\nA;;2024;1\n".encode()
    result = parse_file(filename="x.csv", content=content)
    assert [(e.line, e.column) for e in result.errors] == [(2, "indikator"), (3, "enhet")]
    assert "Indikator saknas" in result.errors[0].message
    assert "Enhet saknas" in result.errors[1].message


def test_duplicate_rows_report_both_lines():
    content = vis_file(
        vis_row(period="2023 kv 2"),
        vis_row(kon="Kvinnor"),
        vis_row(period="2023 kvartal 2", varde="40", taljare="1200"),  # the same quarter, spelt differently
        vis_row(kon="Kvinnor", kod="SE0000000000-OTHER"),  # another unit: not a duplicate
    )
    result = parse_file(filename="x.csv", content=content)
    assert [(e.line, e.column) for e in result.errors] == [(2, None), (4, None)]
    assert result.errors[0].message == "Samma indikator, enhet, period och kön finns också på rad 4."
    assert result.errors[1].message == "Samma indikator, enhet, period och kön finns också på rad 2."
    assert result.frame["line"].tolist() == [3, 5]


def test_a_broken_row_does_not_knock_out_the_valid_row_it_repeats():
    content = vis_file(vis_row(), vis_row(varde="fel"))
    result = parse_file(filename="x.csv", content=content)
    assert [e.line for e in result.errors] == [3]
    assert result.frame["line"].tolist() == [2]


@pytest.mark.parametrize(
    ("column", "key", "text"),
    [
        ("Enhetsnamn", "namn", "=cmd|' /C calc'!A0"),
        ("Diagramrubrik", "rubrik", "@SUM(A1:A9)"),
        ("Titel", "titel", '+HYPERLINK("http://example.invalid")'),
        ("Register/källa", "kalla", "-2+3+cmd|' /C calc'!A0"),
        ("Enhetskod", "kod", "=1+1"),
    ],
)
def test_formula_like_text_cells_are_rejected(column, key, text):
    result = parse_file(filename="x.csv", content=vis_file(vis_row(**{key: text}), vis_row(kon="Män")))
    formula_errors = [e for e in result.errors if "kalkylbladsformel" in e.message]
    assert [(e.line, e.column) for e in formula_errors] == [(2, column)]
    assert f"börjar med ”{text[0]}”" in formula_errors[0].message
    assert 2 not in result.frame["line"].tolist()
    assert 3 in result.frame["line"].tolist()


def test_placeholder_dash_in_text_column_is_not_a_formula():
    result = parse_file(filename="x.csv", content=vis_file(vis_row(typ="Riket", region="-", kod="-", namn="Riket")))
    assert result.errors == []
    assert result.frame["unit_kind"].iloc[0] == "nation"


def test_status_column_in_generic_layout():
    content = (
        "indikator;enhet;period;värde;status\n"
        "A;SE1;2024;12;MSK\n"
        "A;SE2;2024;;saknas\n"
        "A;SE3;2024;5;hemlig\n"
        "A;SE4;2024;7;ok\n"
    ).encode()
    result = parse_file(filename="x.csv", content=content)
    error = only_error(result)
    assert (error.line, error.column) == (4, "status") and "”hemlig”" in error.message
    frame = result.frame
    assert frame["status"].tolist() == ["masked", "missing", "ok"]
    assert frame["value"].isna().tolist() == [True, True, False]


# ------------------------------------------------------------------------------------------
# Periods
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("2023", ("year", (2023, 1, 1), (2023, 12, 31))),
        ("2023-05", ("month", (2023, 5, 1), (2023, 5, 31))),
        ("202302", ("month", (2023, 2, 1), (2023, 2, 28))),
        ("2024 feb", ("month", (2024, 2, 1), (2024, 2, 29))),
        ("2023 maj", ("month", (2023, 5, 1), (2023, 5, 31))),
        ("2023 Januari", ("month", (2023, 1, 1), (2023, 1, 31))),
        ("okt 2023", ("month", (2023, 10, 1), (2023, 10, 31))),
        ("2023 sept.", ("month", (2023, 9, 1), (2023, 9, 30))),
        ("2023-05-17", ("month", (2023, 5, 1), (2023, 5, 31))),
        ("2023 jan-jun", ("half", (2023, 1, 1), (2023, 6, 30))),
        ("2023 jul–dec", ("half", (2023, 7, 1), (2023, 12, 31))),
        ("2023 januari-juni", ("half", (2023, 1, 1), (2023, 6, 30))),
        ("2023 H2", ("half", (2023, 7, 1), (2023, 12, 31))),
        ("2023 halvår 1", ("half", (2023, 1, 1), (2023, 6, 30))),
        ("2023 kv 2", ("quarter", (2023, 4, 1), (2023, 6, 30))),
        ("2023 kv2", ("quarter", (2023, 4, 1), (2023, 6, 30))),
        ("2023 kvartal 4", ("quarter", (2023, 10, 1), (2023, 12, 31))),
        ("2023Q1", ("quarter", (2023, 1, 1), (2023, 3, 31))),
        ("2023 apr-jun", ("quarter", (2023, 4, 1), (2023, 6, 30))),
        ("2023 jan-dec", ("year", (2023, 1, 1), (2023, 12, 31))),
    ],
)
def test_parse_period(label, expected):
    granularity, start, end = expected
    assert parse_period(label) == (dt.date(*start), dt.date(*end), granularity)


@pytest.mark.parametrize(
    "label", ["", "23", "2023-13", "2023 kv 5", "2023 feb-maj", "2022-2023", "vecka 5", "3000", "2023 foo"]
)
def test_parse_period_rejects(label):
    assert parse_period(label) is None


def test_many_duplicates_name_ten_lines_and_count_the_rest():
    rows = [vis_row(varde=str(i), taljare="-", namnare="-") for i in range(13)]
    result = parse_file(filename="x.csv", content=vis_file(*rows))
    assert len(result.errors) == 13 and result.frame.empty
    assert result.errors[0].message == (
        "Samma indikator, enhet, period och kön finns också på rad 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 och på 2 rader till."
    )


def test_vis_export_saved_as_xlsx(tmp_path):
    wb = openpyxl.Workbook()
    lines = (DATA / "vis_export.csv").read_text(encoding="utf-8-sig").splitlines()
    for line in lines:
        wb.active.append(line.split(";"))
    wb.save(tmp_path / "vis.xlsx")
    result = parse_file(filename="vis.xlsx", content=(tmp_path / "vis.xlsx").read_bytes())
    assert result.format == "generic_xlsx"
    assert result.errors == []
    expected = parse_sample("vis_export.csv").frame
    pd.testing.assert_frame_equal(result.frame, expected)
