"""The PDF deck: every heading as selectable text, A4 landscape, page numbers, the theme, Swedish characters,
and user text rendered as text without running off the page."""

import subprocess
import xml.etree.ElementTree as ET

import pytest

from feedback.renderers.content import ChartSeries, Theme
from feedback.renderers.pdf import render_pdf, render_pdf_html
from feedback.renderers.axis import label_width
from feedback.renderers.svg import WIDTH, chart_svg, decimals_of, format_number
from feedback.sections import SECTIONS
from tests.feedback.conftest import LONG_WORD, SCRIPT, make_chart, make_content, pdf_text


@pytest.fixture(scope="module")
def hostile_pdf(tmp_path_factory):
    from tests.feedback.conftest import HOSTILE

    path = tmp_path_factory.mktemp("pdf") / "deck.pdf"
    path.write_bytes(render_pdf(make_content(items=HOSTILE, clinic="Vårdcentral <b>Åsen</b> & Co")))
    return path


def _info(path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return dict(line.split(":", 1) for line in out.splitlines() if ":" in line)


def test_every_section_heading_and_chart_title_is_text_in_the_pdf(hostile_pdf):
    text = " ".join(pdf_text(hostile_pdf).split())
    for definition in SECTIONS:
        assert str(definition.title) in text
    for index in range(8):
        assert f"Indikator {index}: andel med fast läkarkontakt" in text
    assert "Förbättringstrappan" in text and "P3: Personal" in text


def test_pages_are_a4_landscape_with_numbers(hostile_pdf):
    info = _info(hostile_pdf)
    width, height = (float(value) for value in info["Page size"].split("pts")[0].split(" x "))
    assert (round(width), round(height)) == (842, 595)
    pages = int(info["Pages"])
    assert f"2 / {pages}" in pdf_text(hostile_pdf)
    assert info["Title"].strip().startswith("Återkoppling efter uppföljningsdialog")


def test_user_markup_is_text_not_markup(hostile_pdf):
    text = pdf_text(hostile_pdf)
    assert SCRIPT in " ".join(text.split())
    assert "Vårdcentral <b>Åsen</b> & Co" in text
    assert "åäö ÅÄÖ" in text


def test_a_very_long_word_wraps_inside_the_page(hostile_pdf):
    out = subprocess.run(["pdftotext", "-bbox", str(hostile_pdf), "-"], capture_output=True, text=True, check=True)
    right_edges = [float(part.split('"')[1]) for part in out.stdout.split("xMax=")[1:]]
    assert max(right_edges) <= 842 - 16 * 72 / 25.4 + 1  # the right margin
    text = "".join(pdf_text(hostile_pdf).split())
    assert LONG_WORD in text


def test_html_escapes_user_text_and_loads_nothing_from_outside():
    html = render_pdf_html(make_content(items=[SCRIPT, '<img src="http://evil.example/x.png">'], charts=1))
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert "evil.example/x.png\">" not in html
    assert 'src="http' not in html


def test_theme_colours_and_font_reach_the_html():
    theme = Theme(primary="#0B6E4F", secondary="#3A7D44", font="Georgia")
    html = render_pdf_html(make_content(theme=theme, charts=0))
    assert "#0B6E4F" in html and '"Georgia", "DejaVu Serif"' in html


def test_an_invalid_theme_falls_back_to_the_default():
    theme = Theme(primary="red; } body { display:none", secondary="#12345", font="Comic</style>")
    html = render_pdf_html(make_content(theme=theme, charts=0))
    assert "display:none" not in html and "Comic" not in html
    assert "#1F4E79" in html


def test_the_chart_svg_holds_the_series_and_escapes_labels():
    chart = make_chart(0, title="A <b>rubrik</b>", series=make_chart(0).series)
    svg = chart_svg(chart, palette=["#000000", "#111111", "#222222"], font="Arial")
    assert "A &lt;b&gt;rubrik&lt;/b&gt;" in svg
    assert svg.count("<circle") == 11  # 12 values, one missing: a gap, never a zero


def test_numbers_are_written_the_swedish_way():
    assert decimals_of('0.0"%"') == 1 and decimals_of("0") == 0
    assert format_number(1234.5, 1) == "1\u202f234,5"


def _halves(count: int) -> list[str]:
    return [f"{2025 - count // 2 + number // 2} {'jan-jun' if number % 2 == 0 else 'jul-dec'}" for number in range(count)]


@pytest.mark.parametrize("count", [16, 24, 36])
def test_the_chart_svg_names_periods_that_never_run_into_each_other(count):
    """Names at least the longest name's width apart, the first and the latest named, and each inside the drawing."""
    categories = _halves(count)
    chart = make_chart(0, categories=categories, series=[ChartSeries("Vårdcentral", [50.0] * count)])
    root = ET.fromstring(chart_svg(chart, palette=["#000000"], font="Arial"))
    named = [(float(text.get("x")), text.text) for text in root.iter("{http://www.w3.org/2000/svg}text")
             if text.text in categories]
    assert named[0][1] == categories[0] and named[-1][1] == categories[-1]
    width = label_width(categories, 13)
    assert all(right[0] - left[0] >= width for left, right in zip(named, named[1:]))
    half = len(categories[0]) * 13 * 0.62 / 2
    assert all(0 <= x - half and x + half <= WIDTH for x, _text in named)
