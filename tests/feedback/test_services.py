"""Feedback services: prefill from the dialogue, editing with revisions, charts, sharing immutable versions with
their files and e-mail, the dialogue's status, and the review with the clinic."""

import io
import re
import xml.etree.ElementTree as ET

import pytest
from django.core.exceptions import ValidationError
from pptx import Presentation

from dialogs.models.dialogue import DialogueStatus
from feedback import selectors, services
from feedback.models import Acknowledgement, DeckFormat, FeedbackReport, RegionTheme, SharedFile
from feedback.renderers.content import Link, Theme
from feedback.sections import SECTIONS
from indicators.models import Granularity
from tests.dialogs.dialogue_factories import held, plan
from tests.feedback import factories
from tests.indicators.factories import make_indicator
from tests.pdftext import pdf_flat_text, pdf_words

pytestmark = pytest.mark.django_db


def _section(report, key):
    return report.sections.get(key=key)


def _save(report, key, user, *, items=None, links=(), notes="", revision=None):
    section = _section(report, key)
    return services.feedback_section_save(
        section=section, user=user, items=items if items is not None else section.items, links=list(links),
        notes=notes, base_revision=section.revision if revision is None else revision,
    )


def test_a_new_report_is_prefilled_from_the_dialogue_in_bilaga_3_order(world):
    report = factories.report(world)
    assert [section.key for section in report.sections.all()] == [definition.key for definition in SECTIONS]
    assert _section(report, "strengths").items == ["Stabilt läkarlag", "Öppet klimat i ledningsgruppen"]
    assert _section(report, "improvements").items == ["Telefontillgänglighet på förmiddagarna"]
    # The team's lessons are its own items now, not the clinic's answer to the team (issue 14).
    assert _section(report, "team_lessons").items == []
    meeting = _section(report, "follow_up_meeting")
    assert meeting.items[0].startswith("Datum: ") and "(45 minuter)" in meeting.items[0]
    assert meeting.items[1] == "Fokus: Kontinuitet för multisjuka"
    assert meeting.links == [{"label": "Länk till videomötet", "url": "https://video.example.org/rum/7"}]
    thanks = _section(report, "thanks").items
    assert any("Bo Beställare" in line and "bestallare@example.org" in line for line in thanks)
    assert "5P" in _section(report, "five_p").notes


def test_creating_twice_returns_the_same_report(world):
    report = factories.report(world)
    assert services.feedback_create(dialogue=report.dialogue, user=world.user("utveckling")) == report
    assert FeedbackReport.objects.count() == 1


def test_feedback_waits_until_the_dialogue_is_held(world):
    with pytest.raises(services.FeedbackError):
        services.feedback_create(dialogue=plan(world), user=world.user("bestallare"))


def test_without_a_booked_meeting_the_booking_answer_is_used(world):
    dialogue = factories.held_dialogue(world, booked=False)
    factories.write_answer(dialogue, "aterkoppling-q04", "Ja, om ett halvår", world.user("bestallare"))
    report = services.feedback_create(dialogue=dialogue, user=world.user("bestallare"))
    assert _section(report, "follow_up_meeting").items == ["Ja, om ett halvår"]


def test_saving_a_section_keeps_the_order_and_counts_the_revision(world):
    report = factories.report(world)
    before = report.content_changed_at
    saved = _save(report, "strengths", world.user("utveckling"), items=["Tredje", "Första", "  ", "Andra\x07"],
                  links=[Link("SKR", "https://skr.se/")], notes="Säg tack")
    assert saved.items == ["Tredje", "Första", "Andra"]
    assert saved.links == [{"label": "SKR", "url": "https://skr.se/"}]
    assert saved.revision == 1
    report.refresh_from_db()
    assert report.content_changed_at > before and report.content_changed_by == world.user("utveckling")


def test_a_stale_save_is_refused_and_nothing_is_lost(world):
    report = factories.report(world)
    _save(report, "strengths", world.user("bestallare"), items=["Sparad först"], revision=0)
    with pytest.raises(services.SectionConflict) as conflict:
        _save(report, "strengths", world.user("utveckling"), items=["Skriven samtidigt"], revision=0)
    assert conflict.value.section.items == ["Sparad först"]
    assert _section(report, "strengths").items == ["Sparad först"]


def test_links_must_be_web_addresses(world):
    report = factories.report(world)
    for url in ["javascript:alert(1)", "ftp://example.org/x", "inte en adress"]:
        with pytest.raises(ValidationError):
            _save(report, "improvement_links", world.user("bestallare"), links=[Link("x", url)])


def test_too_many_or_too_long_points_are_refused(world):
    report = factories.report(world)
    with pytest.raises(ValidationError):
        _save(report, "strengths", world.user("bestallare"), items=["x"] * (services.MAX_ITEMS + 1))
    with pytest.raises(ValidationError):
        _save(report, "strengths", world.user("bestallare"), items=["x" * (services.MAX_ITEM_LENGTH + 1)])


def test_charts_keep_the_chosen_order_and_stay_in_the_region(world):
    report = factories.report(world)
    first, second = factories.indicators_with_data(world, 2)
    charts = services.feedback_charts_save(report=report, user=world.user("bestallare"), indicators=[second, first, second])
    assert [chart.indicator for chart in charts] == [second, first]
    foreign = make_indicator("Region B:s egen", region=world.region_b)
    with pytest.raises(ValidationError):
        services.feedback_charts_save(report=report, user=world.user("bestallare"), indicators=[foreign])


def test_the_pptx_charts_hold_the_clinics_observations(world):
    report = factories.report(world, charts=2)
    deck = Presentation(io.BytesIO(services.deck_build_pptx(report=report, user=world.user("bestallare"))))
    charts = [shape.chart for slide in deck.slides for shape in slide.shapes if shape.has_chart]
    assert len(charts) == 2
    for number, chart in enumerate(charts):
        clinic_series = chart.plots[0].series[0]
        assert clinic_series.name == "Vårdcentral A1"
        # 2022 is masked at the source: a gap, never a zero.
        assert list(clinic_series.values) == [30.0 + number, 32.0, None, 35.0, 40.0 + number / 10]
        assert list(chart.plots[0].categories) == ["2020", "2021", "2022", "2023", "2024"]
    titles = [slide.shapes.title.text for slide in deck.slides]
    assert titles.index("Indikator 1") == titles.index("Förbättringsområden och frågor att fundera vidare över i verksamheten") + 1
    facts = next(shape for slide in deck.slides for shape in slide.shapes if shape.name == "Chart facts").text_frame.text
    assert "Wilson" in facts and "regionen" in facts


def test_the_pdf_holds_every_heading(world, tmp_path):
    report = factories.report(world, charts=1)
    path = tmp_path / "deck.pdf"
    path.write_bytes(services.deck_build_pdf(report=report, user=world.user("bestallare")))
    text = pdf_flat_text(path)
    for definition in SECTIONS:
        assert str(definition.title) in text
    assert "Indikator 1" in text and "Vårdcentral A1" in text


SVG = "{http://www.w3.org/2000/svg}"
MANY_PERIODS = [(Granularity.HALF, 16), (Granularity.MONTH, 36), (Granularity.HALF, 24)]


def _period_report(world, *periods: tuple[str, int]):
    report = factories.report(world)
    indicators = [factories.indicator_over_periods(world, granularity, count) for granularity, count in periods]
    services.feedback_charts_save(report=report, user=world.user("bestallare"), indicators=indicators)
    return report


def _named_periods(svg: str, categories: list[str]) -> tuple[list[tuple[float, str]], int]:
    """The period names on the axis of an indicators.charts drawing, with their x, and their font size."""
    root = ET.fromstring(svg)
    axis = root.find(f"{SVG}g[@class='axes']")
    named = [(float(text.get("x")), text.text) for text in axis.iter(f"{SVG}text") if text.text in categories]
    return named, int(root.get("font-size"))


@pytest.mark.parametrize("granularity, count", MANY_PERIODS)
def test_the_pdf_and_screen_charts_name_periods_that_never_run_into_each_other(world, granularity, count):
    """The names' x positions stand at least the longest name's width apart (0.62 em a character, generous
    for the charts' fonts), and the latest period is always named."""
    report = _period_report(world, (granularity, count))
    (chart,) = services.deck_content(report=report, version_label="", author="").charts
    assert len(chart.categories) == count
    for svg in (chart.svg, chart.screen_svg):
        named, font_size = _named_periods(svg, chart.categories)
        width = max(len(category) for category in chart.categories) * font_size * 0.62
        gaps = [right[0] - left[0] for left, right in zip(named, named[1:])]
        assert len(named) >= 3 and min(gaps) >= width, (named, width)
        assert named[-1][1] == chart.categories[-1]


def _words(pdf: bytes, tmp_path) -> list[tuple[int, float, float, float, str]]:
    """Every word of the PDF with its box: (page, top, left, right, text)."""
    return [(word.page, word.top, word.left, word.right, word.text) for word in pdf_words(pdf)]


def test_period_names_in_the_rendered_pdf_do_not_overlap(world, tmp_path):
    """Measured on the PDF itself: on the line of a chart's period names, no word reaches into the next."""
    report = _period_report(world, (Granularity.HALF, 16), (Granularity.MONTH, 36))
    words = _words(services.deck_build_pdf(report=report, user=world.user("bestallare")), tmp_path)
    period = re.compile(r"^(\d{4}(-\d\d)?|jan-jun|jul-dec)$")
    lines: dict[tuple[int, float], list[tuple[float, float, str]]] = {}
    for page, top, left, right, text in words:
        if period.match(text):
            lines.setdefault((page, top), []).append((left, right, text))
    axes = [sorted(line) for line in lines.values() if len(line) >= 4]
    assert len(axes) == 2  # the half-years' axis and the months'
    for axis in axes:
        for (_left, right, text), (next_left, _right, next_text) in zip(axis, axis[1:]):
            assert right <= next_left, f"{text} runs into {next_text}: {axis}"


def test_sharing_makes_an_immutable_version_with_its_files(world, django_capture_on_commit_callbacks, mailoutbox):
    report = factories.report(world, charts=1)
    with django_capture_on_commit_callbacks(execute=True):
        version = services.feedback_share(report=report, user=world.user("bestallare"), message="Tack för sist!")
    assert version.number == 1
    assert version.snapshot["sections"][2]["items"] == ["Stabilt läkarlag", "Öppet klimat i ledningsgruppen"]
    assert version.snapshot["version_label"].startswith("Version 1, delad")
    files = {file.format: bytes(file.data) for file in SharedFile.objects.filter(version=version)}
    assert files[DeckFormat.PPTX][:2] == b"PK" and files[DeckFormat.PDF][:5] == b"%PDF-"
    assert [message.to for message in mailoutbox] == [["staff_a1@example.org"]]
    assert "Tack för sist!" in mailoutbox[0].body and f"/aterkoppling/version/{version.pk}/" in mailoutbox[0].body


def test_the_shared_version_does_not_follow_the_draft(world):
    report = factories.report(world)
    version = services.feedback_share(report=report, user=world.user("bestallare"))
    pptx_before = services.file_of(version, DeckFormat.PPTX)[0]
    _save(report, "strengths", world.user("bestallare"), items=["Ändrat efter delning"])
    version.refresh_from_db()
    assert "Ändrat efter delning" not in str(version.snapshot)
    assert services.file_of(version, DeckFormat.PPTX)[0] == pptx_before
    second = services.feedback_share(report=report, user=world.user("bestallare"))
    assert second.number == 2 and second.snapshot["sections"][2]["items"] == ["Ändrat efter delning"]
    assert services.file_of(version, DeckFormat.PDF)[0][:5] == b"%PDF-"  # the first stays downloadable


def test_sharing_marks_the_dialogue_feedback_shared(world):
    report = factories.report(world)
    assert report.dialogue.status == DialogueStatus.GENOMFORD
    services.feedback_share(report=report, user=world.user("bestallare"))
    assert factories.status_after_share(report.dialogue) == DialogueStatus.ATERKOPPLING_DELAD
    assert report.dialogue.status_changes.filter(to_status=DialogueStatus.ATERKOPPLING_DELAD).exists()


def test_sharing_never_moves_a_dialogue_backwards(world):
    dialogue = held(world, status=DialogueStatus.AVSLUTAD)
    report = services.feedback_create(dialogue=dialogue, user=world.user("bestallare"))
    services.feedback_share(report=report, user=world.user("bestallare"))
    assert factories.status_after_share(dialogue) == DialogueStatus.AVSLUTAD


def test_a_clinic_comment_reaches_the_team(world, django_capture_on_commit_callbacks, mailoutbox):
    version = factories.shared_version(world)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        comment = services.feedback_comment_add(
            version=version, user=world.user("staff_a1"), section_key="strengths", text="  Stämmer <b>bra</b>  "
        )
    assert comment.text == "Stämmer <b>bra</b>"
    # One message per team member, each addressed to that person alone.
    assert sorted(address for message in mailoutbox for address in message.to) == [
        "bestallare@example.org", "utveckling@example.org"
    ]
    assert all("Ett urval av styrkorna i verksamheten" in message.body for message in mailoutbox)


def test_comments_name_a_section_of_the_version_and_say_something(world):
    version = factories.shared_version(world)
    with pytest.raises(ValidationError):
        services.feedback_comment_add(version=version, user=world.user("staff_a1"), section_key="okand", text="Hej")
    with pytest.raises(ValidationError):
        services.feedback_comment_add(version=version, user=world.user("staff_a1"), section_key="strengths", text="  ")


def test_acknowledging_twice_changes_nothing_and_the_team_replies(world):
    version = factories.shared_version(world)
    first = services.feedback_acknowledge(version=version, user=world.user("staff_a1"))
    assert services.feedback_acknowledge(version=version, user=world.user("staff_a1")) == first
    assert Acknowledgement.objects.count() == 1
    reply = services.feedback_reply_add(comment=factories.comment(world), user=world.user("utveckling"), text="Tack!")
    assert reply.comment.replies.get() == reply


def test_the_region_theme_reaches_the_deck(world):
    services.region_theme_save(
        region=world.region_a, user=world.user("admin"), primary_colour="#0b6e4f", secondary_colour="#3A7D44", font="Georgia"
    )
    theme = selectors.region_theme(world.region_a).as_theme()
    assert (theme.primary, theme.secondary, theme.font) == ("#0B6E4F", "#3A7D44", "Georgia")
    deck = Presentation(io.BytesIO(services.deck_build_pptx(report=factories.report(world), user=None)))
    assert deck.slides[1].shapes.title.text_frame.paragraphs[0].runs[0].font.name == "Georgia"


def test_a_region_without_a_theme_gets_the_defaults_and_nothing_is_stored(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        theme = selectors.region_theme(world.region_a)
        assert theme.as_theme() == Theme(name="Region A")
    assert theme.pk is None and not RegionTheme.objects.exists()
    content = services.deck_content(report=factories.report(world), version_label="", author="")
    assert content.theme == Theme(name="Region A")


def test_a_theme_colour_without_contrast_is_refused(world):
    with pytest.raises(ValidationError) as error:
        services.region_theme_save(
            region=world.region_a, user=world.user("admin"), primary_colour="#FFD700", secondary_colour="#EEEEEE",
            font="Arial",
        )
    assert set(error.value.message_dict) == {"primary_colour", "secondary_colour"}


def test_the_deck_is_swedish_whichever_language_its_author_reads_the_site_in(world):
    """The clinic's document does not change language with the person who builds or shares it."""
    from django.utils import translation

    from tests.pdfua import read_structure

    with translation.override("en"):
        draft = factories.report(world)
        pdf = services.deck_build_pdf(report=draft, user=world.user("bestallare"))
        version = services.feedback_share(report=draft, user=world.user("bestallare"))
    titles = [section["title"] for section in version.snapshot["sections"]]
    assert "Uppföljningsdialog utifrån 5P" in titles and "Follow-up dialogue based on the 5Ps" not in titles
    assert version.snapshot["version_label"].startswith("Version 1, delad ")
    assert draft.title == "Återkoppling efter uppföljningsdialog"
    assert read_structure(pdf).lang == "sv" and read_structure(version.files.get(format=DeckFormat.PDF).data).lang == "sv"
    assert "Utkast" in pdf_flat_text(pdf)
    # The same draft shared again from a Swedish page shows nothing new.
    with pytest.raises(services.NothingChanged):
        services.feedback_share(report=draft, user=world.user("bestallare"))
