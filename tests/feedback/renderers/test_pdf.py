"""The PDF deck: every heading as selectable text, A4 landscape, page numbers, the theme, Swedish characters,
and user text rendered as text without running off the page."""

import xml.etree.ElementTree as ET

import pytest

from feedback.renderers.content import ChartSeries, Theme
from feedback.renderers.pdf import render_pdf, render_pdf_html
from feedback.renderers.charts import PDF, SCREEN, block_svg
from indicators.charts.axis import decimals_of, label_width
from feedback.sections import SECTIONS
from tests.feedback.conftest import LONG_WORD, SCRIPT, make_chart, make_content
from tests.pdftext import pdf_info, pdf_text, pdf_words


@pytest.fixture(scope="module")
def hostile_pdf(tmp_path_factory):
    from tests.feedback.conftest import HOSTILE

    path = tmp_path_factory.mktemp("pdf") / "deck.pdf"
    path.write_bytes(render_pdf(make_content(items=HOSTILE, clinic="Vårdcentral <b>Åsen</b> & Co")))
    return path




def test_every_section_heading_and_chart_title_is_text_in_the_pdf(hostile_pdf):
    text = " ".join(pdf_text(hostile_pdf).split())
    for definition in SECTIONS:
        assert str(definition.title) in text
    for index in range(8):
        assert f"Indikator {index}: andel med fast läkarkontakt" in text
    assert "Förbättringstrappan" in text and "P1: Personal" in text and "P3: Patienter" in text


def test_pages_are_a4_landscape_with_numbers(hostile_pdf):
    info = pdf_info(hostile_pdf)
    width, height = info.page_size
    assert (round(width), round(height)) == (842, 595)
    assert f"2 / {info.pages}" in pdf_text(hostile_pdf)
    assert info.title.strip().startswith("Återkoppling efter uppföljningsdialog")


def test_user_markup_is_text_not_markup(hostile_pdf):
    text = pdf_text(hostile_pdf)
    assert SCRIPT in " ".join(text.split())
    assert "Vårdcentral <b>Åsen</b> & Co" in text
    assert "åäö ÅÄÖ" in text


def test_a_very_long_word_wraps_inside_the_page(hostile_pdf):
    right_edges = [word.right for word in pdf_words(hostile_pdf)]
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


SVG = "{http://www.w3.org/2000/svg}"


def _series_groups(root: ET.Element) -> list[ET.Element]:
    return [group for group in root.iter(f"{SVG}g") if "series" in group.get("class", "").split()]


def _in_series(root: ET.Element, tag: str) -> list[ET.Element]:
    return [element for group in _series_groups(root) for element in group.iter(f"{SVG}{tag}")]


def test_the_chart_svg_holds_the_series_and_escapes_labels():
    chart = make_chart(0, title="A <b>rubrik</b>", series=make_chart(0).series)
    svg = block_svg(chart, palette=["#000000", "#111111", "#222222"], font="Arial")
    assert "A &lt;b&gt;rubrik&lt;/b&gt;" in svg
    assert len(_in_series(ET.fromstring(svg), "circle")) == 11  # 12 values, one missing: a gap, never a zero


def _texts(svg: str) -> list[ET.Element]:
    root = ET.fromstring(svg)
    return [text for text in root.iter(f"{SVG}text")]


def test_the_chart_svg_for_a_page_is_narrower_with_larger_type():
    """A version shared before screen drawings: in a 690 px column on a 768 px tablet its text is 12 px or more."""
    chart = make_chart(0)
    screen = block_svg(chart, palette=["#000000"], font="Arial", layout=SCREEN)
    root = ET.fromstring(screen)
    assert (root.get("width"), root.get("viewBox")) == ("640", "0 0 640 420")
    sizes = [int(text.get("font-size", root.get("font-size"))) for text in _texts(screen)]
    assert min(sizes) * 690 / 640 >= 12  # every text, the smallest included
    assert {"Vårdcentral", "Region A", "Riket", "2021", "2024", "%"} <= {text.text for text in _texts(screen)}


def test_the_chart_svg_draws_each_series_as_the_powerpoint_chart_does():
    """Dashes, markers and the value axis' range come from the snapshot, so an old version looks like its PPTX."""
    chart = make_chart(
        0, axis_min=50.0, axis_max=80.0,
        series=[ChartSeries("Vårdcentral", [61.0, 62.0, 63.0, 64.0], colour="#1D5A85"),
                ChartSeries("Vårdcentral, 95 % KI, nedre", [55.0, 56.0, 57.0, 58.0], colour="#1D5A85", dash="DASH",
                            markers=False),
                ChartSeries("Riket", [60.0, None, 61.0, 62.0], colour="#4F5B66", dash="ROUND_DOT")],
    )
    root = ET.fromstring(block_svg(chart, palette=["#000000"], font="Arial", layout=SCREEN))
    lines = _in_series(root, "polyline")
    assert [line.get("stroke-dasharray") is None for line in lines] == [True, False, False]  # Riket: 61–62
    assert [line.get("stroke") for line in lines] == ["#1D5A85", "#1D5A85", "#4F5B66"]
    assert len(_in_series(root, "circle")) == 4 + 3  # none on the interval, none where Riket has no value
    ticks = [text.text for text in root.iter(f"{SVG}text") if text.get("text-anchor") == "end"]
    assert ticks == ["50", "60", "70", "80"]  # the range of the PPTX's value axis


def test_numbers_are_written_as_the_indicator_pages_write_them():
    assert decimals_of('0.0"%"') == 1 and decimals_of("0") == 0
    chart = make_chart(0, series=[ChartSeries("Besök", [1200.0, 2400.0, 3100.0, 4200.0])], number_format="#,##0")
    root = ET.fromstring(block_svg(chart, palette=["#000000"], font="Arial"))
    ticks = [text.text for text in root.iter(f"{SVG}text") if text.get("text-anchor") == "end"]
    assert ticks[-4:] == ["2\xa0000", "3\xa0000", "4\xa0000", "5\xa0000"]  # indicators.charts.format_number


def _halves(count: int) -> list[str]:
    return [f"{2025 - count // 2 + number // 2} {'jan-jun' if number % 2 == 0 else 'jul-dec'}" for number in range(count)]


@pytest.mark.parametrize("count", [16, 24, 36])
def test_the_chart_svg_names_periods_that_never_run_into_each_other(count):
    """Names at least the longest name's width apart, the first and the latest named, and each inside the drawing."""
    categories = _halves(count)
    chart = make_chart(0, categories=categories, series=[ChartSeries("Vårdcentral", [50.0] * count)])
    root = ET.fromstring(block_svg(chart, palette=["#000000"], font="Arial"))
    named = [(float(text.get("x")), text.text) for text in root.iter(f"{SVG}text") if text.text in categories]
    assert named[0][1] == categories[0] and named[-1][1] == categories[-1]
    width = label_width(categories, 13)
    assert all(right[0] - left[0] >= width for left, right in zip(named, named[1:]))
    half = len(categories[0]) * 13 * 0.62 / 2
    assert all(0 <= x - half and x + half <= PDF.width for x, _text in named)
