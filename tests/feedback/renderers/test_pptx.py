"""The PowerPoint deck: titles in Bilaga 3 order, native charts holding the observations, the 5P figure and the
staircase as shapes, the region's theme, document properties, and user text that cannot break the file."""

import dataclasses
import io
import zipfile

import pytest
from PIL import Image
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches

from indicators.charts.axis import label_width
from feedback.renderers.content import ChartSeries, Theme
from feedback.renderers.pptx import (
    CATEGORY_AXIS_WIDTH,
    CHART_PT,
    Entry,
    chars_per_line,
    line_starts,
    lines_per_box,
    paginate,
    render_pptx,
)
from feedback.sections import SECTIONS
from tests.feedback.conftest import HOSTILE, OBSERVATIONS, SCRIPT, make_chart, make_content, pdf_text

ALLOWED_TAIL = " (forts.)"


def _open(content) -> Presentation:
    return Presentation(io.BytesIO(render_pptx(content)))


def _titles(deck) -> list[str]:
    return [slide.shapes.title.text for slide in deck.slides]


def _flat(shapes) -> list:
    """The shapes of a slide, those inside a group (a figure) included."""
    found = []
    for shape in shapes:
        found.append(shape)
        if shape.shape_type == MSO_SHAPE_TYPE.GROUP:
            found += _flat(shape.shapes)
    return found


def _all_text(deck) -> str:
    parts = []
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                parts.append(shape.text_frame.text)
    return "\n".join(parts)


def test_slides_follow_bilaga_3_with_the_charts_after_the_improvement_areas(content):
    deck = _open(content)
    headings = [str(definition.title) for definition in SECTIONS]
    charts = [chart.title for chart in content.charts]
    expected = [content.title, *headings[:4], *charts, *headings[4:]]
    assert _titles(deck) == expected


def test_the_deck_is_16_by_9(content):
    deck = _open(content)
    assert deck.slide_width / deck.slide_height == pytest.approx(16 / 9, rel=0.01)


def test_each_chart_is_a_native_chart_holding_the_observations(content):
    deck = _open(content)
    charts = [shape.chart for slide in deck.slides for shape in slide.shapes if shape.has_chart]
    assert len(charts) == 8
    for index, chart in enumerate(charts):
        plot = chart.plots[0]
        assert list(plot.categories) == ["2021", "2022", "2023", "2024"]
        for series, (name, values) in zip(plot.series, OBSERVATIONS.items(), strict=True):
            assert series.name == name
            assert list(series.values) == [None if value is None else round(value + index, 1) for value in values]


def test_chart_slides_name_source_period_interval_and_comparison(content):
    deck = _open(content)
    slide = next(slide for slide in deck.slides if slide.shapes.title.text == content.charts[0].title)
    facts = next(shape for shape in slide.shapes if shape.name == "Chart facts").text_frame.text
    for expected in ["Vården i siffror", "2021–2024", "Wilson", "Högre än regionen"]:
        assert expected in facts
    assert "Högre än regionen" in slide.notes_slide.notes_text_frame.text


def test_the_5p_figure_and_the_staircase_are_native_shapes(content):
    deck = _open(content)
    five_p = next(slide for slide in deck.slides if slide.shapes.title.text == "Uppföljningsdialog utifrån 5P")
    names = {shape.name: shape for shape in _flat(five_p.shapes)}
    assert "5P" in names["5P centre"].text_frame.text
    # Bilaga 2's numbering, as on the day (docs/5p.md).
    for code, word in [("P1", "Personal"), ("P2", "Syfte"), ("P3", "Patienter"), ("P4", "Processer"), ("P5", "Mönster")]:
        assert f"{code}: {word}" in names[f"5P {code}"].text_frame.text
    body = names["Body"].text_frame.text
    assert "Vårdcentral Åsen" in body and "12 mars 2026" in body and "Uma Utveckling" in body
    thanks = deck.slides[-1]
    steps = [shape for shape in _flat(thanks.shapes) if shape.name.startswith("Staircase step")]
    assert len(steps) == 9
    assert "5P" in steps[0].text_frame.text
    # The figure is named on the slide, as in the PDF, clear of every step.
    title = next(shape for shape in thanks.shapes if shape.name == "Staircase title")
    assert title.text_frame.text == "Förbättringstrappan"
    for step in steps:
        apart_sideways = step.left >= title.left + title.width or step.left + step.width <= title.left
        assert apart_sideways or step.top >= title.top + title.height, step.name


def test_every_shape_stays_on_the_slide(content):
    deck = _open(content)
    for slide in deck.slides:
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.top >= 0, shape.name
            assert shape.left + shape.width <= deck.slide_width, shape.name
            assert shape.top + shape.height <= deck.slide_height, shape.name


def test_theme_colours_font_and_logo_are_applied():
    logo = io.BytesIO()
    Image.new("RGB", (400, 100), "#0B6E4F").save(logo, format="PNG")
    theme = Theme(primary="#0B6E4F", secondary="#3A7D44", font="Georgia", logo=logo.getvalue())
    data = render_pptx(make_content(theme=theme, charts=1))
    deck = Presentation(io.BytesIO(data))
    title_run = deck.slides[1].shapes.title.text_frame.paragraphs[0].runs[0]
    assert str(title_run.font.color.rgb) == "0B6E4F"
    assert title_run.font.name == "Georgia"
    assert all(any(shape.name == "Logo" for shape in slide.shapes) for slide in deck.slides)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        theme_xml = package.read("ppt/theme/theme1.xml").decode()
    assert 'typeface="Georgia"' in theme_xml and "0B6E4F" in theme_xml


def test_document_properties_are_set(content):
    properties = _open(content).core_properties
    assert properties.title == "Återkoppling efter uppföljningsdialog – Vårdcentral Åsen"
    assert properties.author == "Bo Beställare"
    assert properties.subject == "Skriftlig återkoppling (Bilaga 3)"
    assert properties.created.year == 2026 and properties.created.month == 3


def test_speaker_notes_carry_the_section_guidance(content):
    deck = _open(content)
    assert "5P" in deck.slides[1].notes_slide.notes_text_frame.text


def test_links_are_hyperlinks(content):
    deck = _open(content)
    slide = next(slide for slide in deck.slides if slide.shapes.title.text.startswith("Tips på länkar"))
    runs = [run for shape in slide.shapes if shape.has_text_frame for p in shape.text_frame.paragraphs for run in p.runs]
    assert any(run.hyperlink.address == "https://example.org/forbattring?a=1&b=2" for run in runs)


def test_a_javascript_link_is_written_as_plain_text():
    from feedback.renderers.content import Link, Section

    content = make_content(charts=0)
    sections = [
        Section(**{**vars(section), "links": [Link("Klicka", "javascript:alert(1)")]}) for section in content.sections
    ]
    deck = _open(make_content(charts=0, sections=sections))
    runs = [run for slide in deck.slides for shape in slide.shapes if shape.has_text_frame
            for p in shape.text_frame.paragraphs for run in p.runs]
    assert any(run.text == "Klicka" for run in runs)
    assert all(run.hyperlink.address is None for run in runs)


def test_long_sections_continue_on_further_slides_without_losing_text():
    long_items = [f"Punkt {number}: " + "ett förbättringsområde att fundera vidare över " * 6 for number in range(30)]
    deck = _open(make_content(items=long_items, charts=0))
    titles = _titles(deck)
    strengths = "Ett urval av styrkorna i verksamheten"
    continued = [title for title in titles if title == strengths + ALLOWED_TAIL]
    assert len(continued) >= 2
    text = " ".join(
        shape.text_frame.text
        for slide in deck.slides
        if slide.shapes.title.text.startswith(strengths)
        for shape in slide.shapes
        if shape.name.startswith("Body")
    )
    for number in range(30):
        assert f"Punkt {number}:" in text


def test_each_body_fits_its_line_budget():
    deck = _open(make_content(items=HOSTILE, charts=0))
    for slide in deck.slides:
        for shape in slide.shapes:
            if not shape.name.startswith("Body"):
                continue
            size = shape.text_frame.paragraphs[0].runs[0].font.size.pt
            width = chars_per_line(shape.width, size)
            lines = sum(len(line_starts(p.text, width)) for p in shape.text_frame.paragraphs)
            assert lines <= lines_per_box(shape.height, size), slide.shapes.title.text


def test_hostile_text_is_kept_as_text(hostile_content):
    data = render_pptx(hostile_content)
    deck = Presentation(io.BytesIO(data))
    text = _all_text(deck)
    assert SCRIPT in text
    assert "<b>fet</b> & <i>\"kursiv\"</i> </a:t></a:r>" in text
    assert "😀🏥" in text
    assert "Ringklocka och nollbyte här" in text  # control characters dropped, nothing else
    assert "Vårdcentral <b>Åsen</b> & Co" in deck.slides[0].placeholders[1].text_frame.text
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        slides_xml = "".join(package.read(name).decode() for name in package.namelist() if name.startswith("ppt/slides/"))
    assert "<script>" not in slides_xml and "&lt;script&gt;" in slides_xml


def test_five_thousand_characters_are_all_there_across_slides(hostile_content):
    deck = _open(hostile_content)
    body = "".join(
        shape.text_frame.text
        for slide in deck.slides
        if slide.shapes.title.text.startswith("Ett urval av styrkorna")
        for shape in slide.shapes
        if shape.name.startswith("Body")
    )
    assert body.replace(" ", "").count("kontinuitet") == HOSTILE[4].count("kontinuitet")


def test_paginate_splits_a_long_entry_and_drops_the_bullet_on_its_tail():
    pages = paginate([Entry("ord " * 100)], width=20, max_lines=6)
    assert len(pages) > 1
    assert pages[0][0].bullet and not pages[1][0].bullet
    assert " ".join(entry.text for page in pages for entry in page).split() == ["ord"] * 100


def test_line_starts_break_a_word_longer_than_a_line():
    assert line_starts("a" * 25, 10) == [0, 10, 20]
    assert line_starts("ett två tre", 7) == [0, 8]


def test_line_budget_grows_with_the_box():
    assert chars_per_line(Inches(12), 20) > chars_per_line(Inches(6), 20)
    assert lines_per_box(Emu(Inches(5)), 20) > lines_per_box(Emu(Inches(2)), 20)


def test_libreoffice_converts_the_deck_without_error(libreoffice_conversion):
    pptx, pdf, completed = libreoffice_conversion
    assert completed.returncode == 0, completed.stderr
    assert pdf.exists() and pdf.stat().st_size > 10_000, completed.stdout + completed.stderr
    text = pdf_text(pdf)
    for definition in SECTIONS:
        assert str(definition.title)[:30] in " ".join(text.split())


def test_a_long_chart_title_gets_smaller_type(content):
    from tests.feedback.conftest import make_chart

    long_title = ("Andel patienter med diagnosen " + "och ytterligare villkor " * 12)[:255]
    deck = _open(dataclasses.replace(content, charts=[make_chart(0, title=long_title)]))
    slide = next(slide for slide in deck.slides if slide.shapes.title.text == long_title)
    assert slide.shapes.title.text_frame.paragraphs[0].runs[0].font.size.pt == 16


def _label_skip(chart) -> int | None:
    skip = chart._chartSpace.find(".//" + qn("c:catAx") + "/" + qn("c:tickLblSkip"))
    return None if skip is None else int(skip.get("val"))


@pytest.mark.parametrize(
    "categories, skip",
    [
        ([f"{2017 + number // 2} {('jan-jun', 'jul-dec')[number % 2]}" for number in range(16)], 5),
        ([f"{2022 + number // 12}-{number % 12 + 1:02d}" for number in range(36)], 5),
        (["2021", "2022", "2023", "2024"], None),  # room for every name: PowerPoint's own choice stands
    ],
)
def test_a_chart_with_many_periods_names_every_kth_so_the_names_fit(categories, skip):
    """Every skip-th name from the first, ending on the latest, with the room of `skip` periods for each name."""
    chart_block = make_chart(0, categories=categories, series=[ChartSeries("Vårdcentral", [50.0] * len(categories))])
    deck = _open(dataclasses.replace(make_content(charts=0), charts=[chart_block]))
    (chart,) = [shape.chart for slide in deck.slides for shape in slide.shapes if shape.has_chart]
    assert _label_skip(chart) == skip
    if skip:
        slot = Emu(CATEGORY_AXIS_WIDTH).pt / len(categories)
        assert skip * slot >= label_width(categories, CHART_PT)
        assert (len(categories) - 1) % skip == 0  # the latest period is named
