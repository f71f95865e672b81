"""Files that once broke the import (issue 10): each is refused with a clear message – on the web after an upload
(a page, never a 500) and from ``manage.py import_indicators`` (one line, a non-zero exit, no traceback) – and
nothing is written."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from indicators.imports.formats import parse_file, xlsx
from indicators.models import BatchStatus, ImportBatch, Observation
from tests.common.test_textfiles import png
from tests.indicators.import_fixtures import generic_file, library, media, xlsx_file  # noqa: F401 - fixtures

DEEP_JSON = b'{"values": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
NEXT_YEAR = timezone.localdate().year + 1


def _upload(client, data: bytes, name: str) -> str:
    """Upload as the administrator does and read the batch's page the upload leads to."""
    response = client.post(reverse("indicators:batch_upload"), {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    return page.content.decode()


def _command(tmp_path, data: bytes, name: str, *options: str) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(CommandError) as refused:
        call_command("import_indicators", str(path), "--region", "Region A", "--user", "admin", *options)
    message = str(refused.value)
    assert "\n" not in message and "Traceback" not in message
    return message


def _sheet_workbook(sheet_xml: bytes) -> bytes:
    """A real workbook (openpyxl's) whose first sheet is replaced by ``sheet_xml``."""
    original = zipfile.ZipFile(io.BytesIO(xlsx_file([["indikator", "enhet", "period", "värde"]])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in original.infolist():
            data = sheet_xml if item.filename == "xl/worksheets/sheet1.xml" else original.read(item.filename)
            archive.writestr(item.filename, data)
    return buffer.getvalue()


def _sheet(rows: bytes, dimension: str = "") -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + (f'<dimension ref="{dimension}"/>'.encode() if dimension else b"")
        + b"<sheetData>" + rows + b"</sheetData></worksheet>"
    )


HEADER_ROW = (
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>indikator</t></is></c><c r="B1" t="inlineStr"><is><t>enhet</t></is></c>'
    b'<c r="C1" t="inlineStr"><is><t>period</t></is></c><c r="D1" t="inlineStr"><is><t>v\xc3\xa4rde</t></is></c></row>'
)


# --- JSON nested 100,000 levels deep ---------------------------------------------------------------------------


def test_deeply_nested_json_is_refused_before_it_is_parsed():
    (error,) = parse_file(filename="kolada.json", content=DEEP_JSON).errors
    assert error.line is None and "nästlad i fler än 20 nivåer" in error.message


def test_deeply_nested_json_on_the_web(world, client_for, library):
    page = _upload(client_for("admin"), DEEP_JSON, "kolada.json")
    assert "nästlad i fler än 20 nivåer" in page
    assert ImportBatch.objects.get().status == BatchStatus.FAILED and not Observation.objects.exists()


def test_deeply_nested_json_from_the_command(world, library, tmp_path):
    assert "nästlad i fler än 20 nivåer" in _command(tmp_path, DEEP_JSON, "kolada.json")


# --- a workbook that inflates far beyond its size ---------------------------------------------------------------


def test_a_sheet_declaring_millions_of_cells_is_refused_before_reading():
    bomb = _sheet_workbook(_sheet(HEADER_ROW, dimension="A1:Z1048576"))  # 27 million cells declared
    (error,) = parse_file(filename="stor.xlsx", content=bomb).errors
    assert error.line is None and "för stor när den packas upp" in error.message


def test_a_workbook_inflating_beyond_the_limit_is_refused_by_its_declared_sizes(monkeypatch):
    empty_rows = b"<row/>" * 500_000  # 3 MB of XML, a few kB zipped
    bomb = _sheet_workbook(_sheet(HEADER_ROW + empty_rows))
    assert len(bomb) < 100_000
    monkeypatch.setattr(xlsx, "MAX_UNCOMPRESSED_BYTES", 1024 * 1024)
    (error,) = parse_file(filename="stor.xlsx", content=bomb).errors
    assert "för stor när den packas upp" in error.message


def test_a_sheet_that_hides_its_size_is_stopped_while_it_is_read(monkeypatch):
    rows = b"".join(
        b'<row r="%d"><c r="A%d"><v>1</v></c><c r="D%d"><v>2</v></c></row>' % (row, row, row) for row in range(2, 200)
    )
    monkeypatch.setattr(xlsx, "MAX_CELLS", 100)  # no <dimension>: only counting the cells read finds it
    (error,) = parse_file(filename="stor.xlsx", content=_sheet_workbook(_sheet(HEADER_ROW + rows))).errors
    assert "för stor när den packas upp" in error.message


def _data_rows(count: int, first: int = 2) -> bytes:
    return b"".join(
        b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>PVK-01</t></is></c><c r="B%d" t="inlineStr"><is><t>SE-A1</t></is>'
        b'</c><c r="C%d"><v>%d</v></c><c r="D%d"><v>41.7</v></c></row>' % (row, row, row, row, 1990 + row, row)
        for row in range(first, first + count)
    )


def test_a_sheet_hiding_its_cells_is_refused_before_openpyxl_reads_it(monkeypatch):
    """QA round 3: 1.7 MB, no <dimension>, 21 million cells took openpyxl 6.5 minutes to read before the count
    refused it; counting the cell elements of the XML refuses it in a second or two."""
    import openpyxl

    monkeypatch.setattr(xlsx, "MAX_CELLS", 1000)
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *args, **kwargs: pytest.fail("the sheet was read"))
    workbook = _sheet_workbook(_sheet(HEADER_ROW + _data_rows(300)))  # 1,204 cells
    (error,) = parse_file(filename="stor.xlsx", content=workbook).errors
    assert error.line is None and "för stor när den packas upp" in error.message


def test_cells_are_counted_across_pieces_and_with_a_namespace_prefix():
    cell = b'<x:c r="A1"><x:v>1</x:v></x:c>'
    xml = b'<?xml version="1.0"?><x:worksheet xmlns:x="ns"><x:sheetData><x:row r="1">' + cell * 100_000
    xml += b"<x:c/><x:col/></x:row></x:sheetData></x:worksheet>"
    assert len(xml) > 2 << 20  # three pieces of a megabyte
    assert xlsx._count_cells(io.BytesIO(xml), 10**9) == 100_001
    with pytest.raises(xlsx.TooLarge):
        xlsx._count_cells(io.BytesIO(xml), 100_000)


def test_a_sheet_declaring_a_dimension_of_one_cell_reads_the_cells_present():
    """Some report generators write <dimension ref="A1"/> whatever the sheet holds: openpyxl read one cell."""
    for dimension in ("A1", "A1:B2", ""):
        result = parse_file(filename="a1.xlsx", content=_sheet_workbook(_sheet(HEADER_ROW + _data_rows(3), dimension)))
        assert result.errors == [], dimension
        assert result.frame[["indicator_code", "unit_code", "period_label", "value"]].values.tolist() == [
            ["PVK-01", "SE-A1", str(year), 41.7] for year in (1992, 1993, 1994)
        ]


def test_a_small_workbook_that_unpacks_large_is_read_in_the_worker(world, client_for, library, monkeypatch,
                                                                 django_capture_on_commit_callbacks):
    from indicators.imports import batches

    workbook = _sheet_workbook(_sheet(HEADER_ROW + _data_rows(2000)))
    assert len(workbook) < batches.IMPORT_INLINE_MAX_BYTES
    monkeypatch.setattr(batches, "IMPORT_INLINE_MAX_UNPACKED_BYTES", 100_000)  # the sheet's XML is ~300 kB
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client_for("admin").post(
            reverse("indicators:batch_upload"), {"file": SimpleUploadedFile("stor.xlsx", workbook)}
        )
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert batch.status == BatchStatus.QUEUED and len(callbacks) == 1  # not read during the request
    monkeypatch.setattr(batches, "IMPORT_INLINE_MAX_UNPACKED_BYTES", 16 * 1024 * 1024)
    client_for("admin").post(reverse("indicators:batch_upload"), {"file": SimpleUploadedFile("liten.xlsx", workbook)})
    assert ImportBatch.objects.get(file_name="liten.xlsx").status == BatchStatus.PREVIEWED  # read during the request


def test_an_inflating_workbook_on_the_web_and_from_the_command(world, client_for, library, tmp_path):
    bomb = _sheet_workbook(_sheet(HEADER_ROW, dimension="A1:Z1048576"))
    assert "för stor när den packas upp" in _upload(client_for("admin"), bomb, "stor.xlsx")
    assert "för stor när den packas upp" in _command(tmp_path, bomb, "stor.xlsx")
    assert not Observation.objects.exists()


# --- a file over MAX_IMPORT_MB from the command ---------------------------------------------------------------


def test_the_command_refuses_a_file_over_the_limit_in_one_line(world, library, tmp_path, settings):
    settings.MAX_IMPORT_BYTES = 1024
    data = generic_file(*["PVK-01;SE-A1;2023;T;41,7;;"] * 100)
    message = _command(tmp_path, data, "stor.csv")
    assert "Filen är för stor" in message and "MAX_IMPORT_MB" in message
    assert not ImportBatch.objects.exists()


def test_the_command_refuses_a_missing_file_and_an_unknown_region_in_one_line(world, library, tmp_path):
    with pytest.raises(CommandError, match="finns inte"):
        call_command("import_indicators", str(tmp_path / "saknas.csv"), "--region", "Region A", "--user", "admin")
    with pytest.raises(CommandError, match="Regionen 'Region Ö' finns inte"):
        call_command("import_indicators", str(tmp_path), "--region", "Region Ö", "--user", "admin")


# --- a period after next year ---------------------------------------------------------------------------------


def test_a_period_after_next_year_is_refused_naming_its_row():
    result = parse_file(
        filename="x.csv",
        content=generic_file(f"PVK-01;SE-A1;{NEXT_YEAR};T;41,7;;", "PVK-01;SE-A1;2099;T;41,7;;"),
    )
    (error,) = result.errors
    assert (error.line, error.column) == (3, "period")
    assert f"Perioden ”2099” i kolumnen ”period” ligger efter {NEXT_YEAR}" in error.message
    assert result.frame["line"].tolist() == [2]  # next year itself is accepted (a plan, a forecast)


def test_a_period_after_next_year_on_the_web_and_from_the_command(world, client_for, library, tmp_path):
    data = generic_file("PVK-01;SE-A1;2099;T;41,7;;")
    assert "Perioden ”2099” i kolumnen ”period” ligger efter" in _upload(client_for("admin"), data, "v.csv")
    path = tmp_path / "v.csv"
    path.write_bytes(data)
    with pytest.raises(CommandError, match="Filen har fel"):
        call_command("import_indicators", str(path), "--region", "Region A", "--user", "admin")
    assert not Observation.objects.exists()


# --- a picture renamed .csv -----------------------------------------------------------------------------------


def test_a_png_renamed_csv_is_named_as_a_picture_not_utf16():
    (error,) = parse_file(filename="varden.csv", content=png(4, 4)).errors
    assert error.line is None and "PNG-bild" in error.message and "UTF-16" not in error.message


def test_a_png_renamed_csv_on_the_web_and_from_the_command(world, client_for, library, tmp_path):
    assert "Filen är en PNG-bild, inte en tabell." in _upload(client_for("admin"), png(), "varden.csv")
    assert "Filen är en PNG-bild, inte en tabell." in _command(tmp_path, png(), "varden.csv")
