"""Accessible documents (issue 15 §6): every PDF the product makes is tagged PDF/UA-1 with its language, title,
bookmarks from its headings and a text alternative for every figure, read back with pikepdf (tests/pdfua.py); in
the PowerPoint every chart, picture and figure has a description and each slide's reading order starts with its
title."""

import io

import pytest
from django.urls import reverse
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from feedback.models import DeckFormat
from feedback.renderers.content import Theme
from feedback.renderers.pdf import render_pdf
from feedback.renderers.pptx import is_decorative, render_pptx
from tests.dialogs.dialogue_factories import plan
from tests.feedback.conftest import make_content
from tests.feedback.factories import held_dialogue, report
from tests.pdfua import assert_accessible

PNG_LOGO = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde\x00\x00\x00"
    b"\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82"
)


def _themed(charts: int = 2):
    return make_content(charts=charts, theme=Theme(primary="#1F4E79", secondary="#2E75B6", font="Arial",
                                                    logo=PNG_LOGO, name="Region A"))


def test_the_letter_is_a_tagged_pdf_in_the_language_the_clinic_reads_it_in(world, client_for):
    dialogue = plan(world, place="Vårdcentralens konferensrum")
    client = client_for("bestallare")
    structure = assert_accessible(client.get(reverse("dialogs:dialogue_letter_pdf", args=[dialogue.pk])).content)
    assert structure.lang == "sv"
    from dialogs.selectors.dialogue import dialogue_letter

    assert structure.title == dialogue_letter(dialogue).letter.subject
    assert structure.bookmarks[0] == structure.title

    # Downloaded from an English page it is still the letter the clinic receives, in Swedish.
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = assert_accessible(client.get(reverse("dialogs:dialogue_letter_pdf", args=[dialogue.pk])).content)
    assert (english.lang, english.title) == ("sv", structure.title)


def test_the_documentation_is_a_tagged_pdf_with_bookmarks_for_its_sections(world, client_for):
    dialogue = held_dialogue(world)
    content = client_for("bestallare").get(reverse("dialogs:dialogue_export_pdf", args=[dialogue.pk])).content
    structure = assert_accessible(content)
    assert "Vårdcentral A1" in structure.title
    assert {"Deltagare", "Förberedelser", "Sammanfattning", "Uppföljningsmöte"} <= set(structure.bookmarks)


def test_the_printed_guide_is_a_tagged_pdf(world, client_for):
    dialogue = plan(world)
    url = reverse("dialogs:version_pdf", args=[dialogue.guide_version_id])
    response = client_for("admin").get(url)
    assert response["Content-Type"] == "application/pdf"
    structure = assert_accessible(response.content)
    assert "Dialogguide" in structure.title and len(structure.bookmarks) > 3


def test_the_shared_deck_pdf_is_tagged_and_its_charts_are_described(world, client_for):
    from feedback import services

    shared = services.feedback_share(report=report(world, charts=2), user=world.user("bestallare"))
    pdf = bytes(shared.files.get(format=DeckFormat.PDF).data)
    structure = assert_accessible(pdf)
    chart_alts = [alt for alt in structure.figures if alt.startswith("Indikator")]
    assert len(chart_alts) == 2
    assert all("Källa:" in alt and "Period:" in alt for alt in chart_alts)
    assert any("5P-modellen" in alt for alt in structure.figures)


def test_every_figure_of_a_themed_deck_pdf_has_a_text_alternative():
    content = _themed(charts=3)
    structure = assert_accessible(render_pdf(content))
    chart = content.charts[0]
    described = next(alt for alt in structure.figures if alt.startswith(chart.title))
    # Title, main finding, source and period, in words.
    assert chart.comparison in described and "Källa: Vården i siffror" in described and "Period: 2021–2024" in described
    logos = [alt for alt in structure.figures if alt == "Logotyp: Region A"]
    assert len(logos) == len(structure.bookmarks)  # the logo is on every page, one heading each
    assert structure.title == f"{content.title} – {content.clinic}"


def _flat(shapes):
    for shape in shapes:
        yield shape
        if shape.shape_type == MSO_SHAPE_TYPE.GROUP:
            yield from _flat(shape.shapes)


def _descr(shape) -> str:
    return shape._element._nvXxPr.cNvPr.get("descr", "")


def test_every_chart_picture_and_figure_in_the_powerpoint_has_a_description():
    content = _themed(charts=2)
    deck = Presentation(io.BytesIO(render_pptx(content)))
    charts = pictures = groups = 0
    for slide in deck.slides:
        for shape in slide.shapes:
            kind = shape.shape_type
            if getattr(shape, "has_chart", False) and shape.has_chart:
                charts += 1
                title = shape.chart.chart_title.text_frame.text if shape.chart.has_title else slide.shapes.title.text
                assert _descr(shape).startswith(title) and "Källa:" in _descr(shape) and "Period:" in _descr(shape)
                assert content.charts[0].comparison in _descr(shape)
            elif kind == MSO_SHAPE_TYPE.PICTURE:
                pictures += 1
                assert _descr(shape) == "Logotyp: Region A"
            elif kind == MSO_SHAPE_TYPE.GROUP:
                groups += 1
                assert _descr(shape).startswith(("5P-modellen", "Förbättringstrappan")), shape.name
    assert charts == 2 and pictures == len(deck.slides) and groups == 2


def test_each_slide_reads_title_first_and_decorations_are_skipped():
    deck = Presentation(io.BytesIO(render_pptx(_themed(charts=1))))
    for number, slide in enumerate(deck.slides, 1):
        read = [shape for shape in slide.shapes if not is_decorative(shape._element)]
        assert read[0].shape_id == slide.shapes.title.shape_id, number
        names = [shape.name for shape in read]
        if number > 1:
            assert names[-1] == "Slide number" and names[-2] == "Footer"
        for shape in slide.shapes:
            if shape.name in {"Title band", "Accent bar"}:
                assert is_decorative(shape._element)
    chart_slide = next(slide for slide in deck.slides if any(shape.has_chart for shape in slide.shapes
                                                              if hasattr(shape, "has_chart")))
    names = [shape.name for shape in chart_slide.shapes if not is_decorative(shape._element)]
    assert names.index("Chart facts") == names.index(next(name for name in names if name.startswith("Chart "))) + 1


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_deck_pdf_says_which_language_it_is_in(language):
    from django.utils import translation

    with translation.override(language):
        structure = assert_accessible(render_pdf(_themed(charts=1)))
    assert structure.lang == language


def test_the_learning_report_is_tagged_and_its_charts_are_described(world, client_for):
    """The learning report (issue 14) is drawn by the deck's renderers, so it is accessible the same way."""
    from tests.learning.factories import clinic_answers, held_with_participants, medskick

    dialogue = held_with_participants(world)
    medskick(world, dialogue, text="Svårt att nå förvaltningen.", categories=("tillganglighet",))
    clinic_answers(dialogue, [5, 4, 4])
    client = client_for("bestallare")
    structure = assert_accessible(client.get(reverse("learning:report_pdf")).content)
    assert structure.title.startswith("Lärande från uppföljningsdialogerna")
    assert any(alt.startswith("Medskick") or "medskick" in alt for alt in structure.figures)
    deck = Presentation(io.BytesIO(client.get(reverse("learning:report_pptx")).content))
    charts = [shape for slide in deck.slides for shape in slide.shapes if getattr(shape, "has_chart", False) and shape.has_chart]
    assert charts and all("Källa:" in _descr(chart) and "Period:" in _descr(chart) for chart in charts)
