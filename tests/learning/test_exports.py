"""The learning report's exports (issue 14): a PowerPoint with native charts in the region's theme that LibreOffice
opens, a PDF, and the items as CSV and XLSX – plain text, formula-safe, with the small-group rule in every one."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse
from pptx import Presentation

from feedback.models import RegionTheme
from tests.learning.factories import clinic_answers, closed_days_ago, held_with_participants, lesson, medskick
from tests.pdftext import pdf_flat_text

FORMULA = '=HYPERLINK("http://evil.example","klicka") <b>fet</b>'


@pytest.fixture
def material(world):
    dialogue = held_with_participants(world, days_ago=closed_days_ago())
    medskick(world, dialogue, text=FORMULA, categories=("villkor", "ovrigt"), area="p1")
    medskick(world, dialogue, text="Svårt att nå förvaltningen.", categories=("tillganglighet",))
    lesson(world, dialogue, text="@SUM(A1) lärdom")
    return dialogue


def _get(client, name: str, query: str = ""):
    response = client.get(reverse(name) + query)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="larande-region-a-')
    return response


def _slides(data: bytes):
    return Presentation(io.BytesIO(data)).slides


def _texts(data: bytes) -> str:
    return "\n".join(shape.text_frame.text for slide in _slides(data) for shape in slide.shapes if shape.has_text_frame)


def test_the_powerpoint_has_native_charts_in_the_regions_theme(world, client_for, material):
    RegionTheme.objects.create(region=world.region_a, primary_colour="#7B2C3F", secondary_colour="#2E75B6")
    clinic_answers(material, [5, 4, 4])
    data = _get(client_for("bestallare"), "learning:report_pptx").content
    charts = [shape.chart for slide in _slides(data) for shape in slide.shapes if shape.has_chart]
    assert len(charts) == 4  # medskick by category, criteria, and the trend of each respondent group
    categories = list(charts[0].plots[0].categories)
    assert [series.name for series in charts[0].plots[0].series][0] == "Förvaltningens tillgänglighet" and categories
    text = _texts(data)
    assert "Lärande från uppföljningsdialogerna" in text and "Region A" in text
    assert FORMULA in text  # plain text, as typed
    assert "Vårdcentralen – Användarvänlig: 100 % svarade 4–5" in text
    title = next(shape for shape in _slides(data)[1].shapes if shape.has_text_frame and shape.text_frame.text == "Om underlaget")
    assert str(title.text_frame.paragraphs[0].runs[0].font.color.rgb) == "7B2C3F"


def test_the_pdf_says_the_same(world, client_for, material):
    text = pdf_flat_text(_get(client_for("bestallare"), "learning:report_pdf").content)
    assert "Lärande från uppföljningsdialogerna" in text and 'klicka") <b>fet</b>' in text
    assert "Svårt att nå förvaltningen." in text and "@SUM(A1) lärdom" in text


def test_the_csv_is_formula_safe_plain_text(world, client_for, material):
    content = _get(client_for("bestallare"), "learning:report_csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content), delimiter=";"))
    assert rows[0][:5] == ["Typ", "Vårdcentral", "HSA-id", "Dialogens datum", "Text"]
    texts = [row[4] for row in rows[1:]]
    assert "'" + FORMULA in texts and "'@SUM(A1) lärdom" in texts
    medskick_row = next(row for row in rows if row[4] == "'" + FORMULA)
    assert medskick_row[1] == "Vårdcentral A1" and medskick_row[5] == "Villkorens rimlighet, Övrigt" and medskick_row[6].startswith("P1")


@pytest.mark.parametrize("size", [1, 2, 3])
def test_the_xlsx_holds_every_item_and_the_evaluation_only_from_three(world, client_for, material, size):
    clinic_answers(material, [5, 4, 4][:size])
    workbook = openpyxl.load_workbook(io.BytesIO(_get(client_for("bestallare"), "learning:report_xlsx").content))
    assert workbook.sheetnames == ["Medskick", "Lärdomar", "Utvärdering", "Om exporten"]
    cells = [cell.value for row in workbook["Medskick"].iter_rows() for cell in row]
    assert "'" + FORMULA in cells and all(
        cell.data_type == "s" for row in workbook["Medskick"].iter_rows() for cell in row if cell.value is not None)
    evaluation = [[cell.value for cell in row] for row in workbook["Utvärdering"].iter_rows()]
    clinic_rows = [row for row in evaluation if row[0] == "vårdcentralen"]
    assert len(clinic_rows) == 6
    if size < 3:
        assert all(row[4] == "för få svar" and row[5] in ("", None) for row in clinic_rows)
    else:
        assert clinic_rows[0][5] == "100,0"


@pytest.mark.parametrize("size", [1, 2])
def test_a_hidden_group_stays_hidden_in_the_powerpoint_and_the_pdf(world, client_for, material, size):
    clinic_answers(material, [5, 4][:size])
    client = client_for("bestallare")
    text = _texts(_get(client, "learning:report_pptx").content)
    assert "Vårdcentralen: inga svar att räkna med under perioden." in text  # a group of one or two never counts
    assert "Vårdcentralen – Användarvänlig" not in text
    charts = [shape.chart for slide in _slides(_get(client, "learning:report_pptx").content) for shape in slide.shapes
              if shape.has_chart]
    values = [value for chart in charts[1:] for series in chart.plots[0].series for value in series.values]
    assert all(value is None for value in values)  # no bar or point of the hidden group in any chart
    pdf = pdf_flat_text(_get(client, "learning:report_pdf").content)
    assert "Vårdcentralen: inga svar att räkna med" in pdf


def test_libreoffice_opens_the_report(world, client_for, material, tmp_path):
    from tests.libreoffice import convert_to_pdf

    clinic_answers(material, [5, 4, 4])
    _pptx, pdf, completed = convert_to_pdf(_get(client_for("bestallare"), "learning:report_pptx").content, tmp_path, "larande")
    assert completed.returncode == 0, completed.stderr
    assert pdf.exists() and "Lärande från uppföljningsdialogerna" in pdf_flat_text(pdf)
