"""Deck content for the renderer tests: every Bilaga 3 section, eight indicator charts, and user text that
tries to break the files (markup, <script>, a very long word, emoji, 5,000 characters, a control character)."""

from datetime import UTC, datetime

import pytest

from feedback.renderers.content import ChartBlock, ChartSeries, DeckContent, Link, Section, Theme
from feedback.sections import CHARTS_AFTER, SECTIONS

MARKUP = '<b>fet</b> & <i>"kursiv"</i> </a:t></a:r>'
SCRIPT = '<script>alert("xss")</script>'
LONG_WORD = "Förbättrings" + "arbete" * 80
EMOJI = "Tack för samarbetet 😀🏥👩‍⚕️ – åäö ÅÄÖ"
FIVE_THOUSAND = ("Ett mycket långt stycke om kontinuitet i vården. " * 110)[:5000]
CONTROL = "Ringklocka\x07 och nollbyte\x00 här"
HOSTILE = [MARKUP, SCRIPT, LONG_WORD, EMOJI, FIVE_THOUSAND, CONTROL]

OBSERVATIONS = {
    "Vårdcentral": [61.2, None, 65.0, 70.4],
    "Region A": [62.0, 63.1, 64.4, 65.0],
    "Riket": [61.0, 62.2, 63.0, 64.1],
}


def make_chart(index: int, **overrides) -> ChartBlock:
    values = {
        name: [None if value is None else round(value + index, 1) for value in series]
        for name, series in OBSERVATIONS.items()
    }
    fields = dict(
        key=f"IND{index}",
        title=f"Indikator {index}: andel med fast läkarkontakt",
        categories=["2021", "2022", "2023", "2024"],
        series=[ChartSeries(name, series) for name, series in values.items()],
        unit="%",
        source="Vården i siffror",
        period="2021–2024",
        interval="95 % konfidensintervall (Wilson)",
        comparison="Högre än regionen 2024 (skillnaden är statistiskt säker).",
        kind="bar" if index % 2 else "line",
    )
    fields.update(overrides)
    return ChartBlock(**fields)


def make_content(*, items=None, charts=8, theme=None, **overrides) -> DeckContent:
    sections = [
        Section(
            key=definition.key,
            title=str(definition.title),
            items=list(items if items is not None else [f"Punkt ett för {definition.key}", "Punkt två"]),
            links=[Link("Exempel på förbättringsarbete", "https://example.org/forbattring?a=1&b=2")]
            if definition.key == "improvement_links"
            else [],
            notes=str(definition.notes),
            figure=definition.figure,
        )
        for definition in SECTIONS
    ]
    fields = dict(
        title="Återkoppling efter uppföljningsdialog",
        clinic="Vårdcentral Åsen",
        region="Region A",
        date="12 mars 2026",
        participants=["Stina A1 (verksamhetschef)", "Bo Beställare", "Uma Utveckling"],
        sections=sections,
        charts=[make_chart(index) for index in range(charts)],
        theme=theme or Theme(primary="#1F4E79", secondary="#2E75B6", font="Arial"),
        author="Bo Beställare",
        subject="Skriftlig återkoppling (Bilaga 3)",
        version_label="Version 1",
        created=datetime(2026, 3, 12, 9, 30, tzinfo=UTC),
        charts_after=CHARTS_AFTER,
    )
    fields.update(overrides)
    return DeckContent(**fields)


@pytest.fixture
def content() -> DeckContent:
    return make_content()


@pytest.fixture
def hostile_content() -> DeckContent:
    return make_content(items=HOSTILE, clinic="Vårdcentral <b>Åsen</b> & Co", participants=[SCRIPT, EMOJI])


@pytest.fixture(scope="session")
def libreoffice_conversion(tmp_path_factory):
    """Converts one complete deck (hostile text, eight charts, both figures) to PDF with LibreOffice headless,
    once per test session: the proof that the PPTX opens without repair. Returns (pptx path, pdf path,
    soffice output)."""
    from feedback.renderers.pptx import render_pptx
    from tests.libreoffice import convert_to_pdf

    deck = render_pptx(make_content(items=HOSTILE, clinic="Vårdcentral <b>Åsen</b> & Co"))
    return convert_to_pdf(deck, tmp_path_factory.mktemp("libreoffice"))


from tests.pdftext import pdf_text  # noqa: E402,F401  (the feedback tests import it from here)
