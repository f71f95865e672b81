"""The deck's two learning sections built from the dialogue's items (issue 14): "Lärdomar för uppföljningsteamet"
from the team's lessons (no longer from the clinic's answers), "Lärdomar och medskick till Hälso- och
sjukvårdsförvaltningen" from the medskick with their categories; plain text in the PPTX and the PDF; the clinic
comments on each medskick in its shared version."""

import io
import importlib

from django.apps import apps
from django.urls import reverse
from pptx import Presentation

from dialogs.models.learning import Medskick, MedskickComment, TeamLesson
from feedback import services
from feedback import sections as bilaga3
from tests.feedback import factories
from tests.learning.factories import lesson, medskick
from tests.pdftext import pdf_flat_text

HOSTILE = '<b>Fet</b> & "citat" </a:t> =HYPERLINK("x")'


def _slides_text(data: bytes) -> str:
    deck = Presentation(io.BytesIO(data))
    return "\n".join(shape.text_frame.text for slide in deck.slides for shape in slide.shapes if shape.has_text_frame)


def test_the_sections_are_built_from_the_items_when_the_deck_is_built(world):
    report = factories.report(world)
    dialogue = report.dialogue
    medskick(world, dialogue, text="Förfrågningsunderlaget säger inget om hembesök.",
             categories=("forfragningsunderlag", "uppdrag"), area="p1")
    lesson(world, dialogue, text="Skicka programmet tre veckor före.")
    content = services.deck_content(report=report, version_label="", author="")
    sections = {section.key: section for section in content.sections}
    assert sections[bilaga3.TEAM_LESSONS].items == ["Skicka programmet tre veckor före."]
    point = sections[bilaga3.ADMINISTRATION_LESSONS].items[0]
    assert point.startswith("Förfrågningsunderlaget säger inget om hembesök. (Förfrågningsunderlagets kvalitet, "
                            "Uppdragets omfattning; P1")
    assert point.endswith("lyft av vårdcentralen)")
    assert sections[bilaga3.ADMINISTRATION_LESSONS].item_refs == [f"medskick:{Medskick.objects.get().pk}"]


def test_the_clinics_answer_to_the_team_is_not_a_team_lesson(world):
    report = factories.report(world)  # the clinic answered "Vad var bra?" with factories.TEAM_LESSON
    content = services.deck_content(report=report, version_label="", author="")
    lessons = next(section for section in content.sections if section.key == bilaga3.TEAM_LESSONS)
    assert factories.TEAM_LESSON not in lessons.items and lessons.items == []


def test_medskick_text_is_plain_text_in_the_pptx_and_the_pdf(world):
    report = factories.report(world)
    medskick(world, report.dialogue, text=HOSTILE)
    lesson(world, report.dialogue, text=HOSTILE)
    pptx = services.deck_build_pptx(report=report, user=world.user("bestallare"))
    assert _slides_text(pptx).count(HOSTILE) == 2
    pdf = services.deck_build_pdf(report=report, user=world.user("bestallare"))
    assert pdf_flat_text(pdf).count('<b>Fet</b> & "citat"') == 2


def test_the_draft_page_shows_the_built_points_and_where_they_are_written(world, client_for):
    report = factories.report(world)
    medskick(world, report.dialogue)
    page = client_for("bestallare").get(reverse("feedback:report_detail", args=[report.pk])).content.decode()
    assert "Förfrågningsunderlaget säger inget om hembesök." in page
    assert reverse("dialogs:learning_items", args=[report.dialogue_id]) in page
    assert reverse("feedback:section_edit", args=[report.pk, bilaga3.ADMINISTRATION_LESSONS]) not in page


def test_the_clinic_comments_on_each_medskick_in_its_shared_version(world, client_for):
    report = factories.report(world)
    first = medskick(world, report.dialogue, text="Första medskicket")
    medskick(world, report.dialogue, text="Andra medskicket", categories=("ovrigt",))
    version = services.feedback_share(report=report, user=world.user("bestallare"))
    page = client_for("staff_a1").get(version.get_absolute_url()).content.decode()
    assert page.count('data-testid="medskick-point"') == 2
    assert reverse("dialogs:medskick_comment", args=[first.pk]) in page
    response = client_for("staff_a1").post(
        reverse("dialogs:medskick_comment", args=[first.pk]),
        {"text": "Vi vill gärna vara med och ta fram ett förslag.", "back": version.get_absolute_url()},
    )
    assert response.status_code == 302 and response["Location"] == version.get_absolute_url()
    team_page = client_for("bestallare").get(version.get_absolute_url()).content.decode()
    assert "Vi vill gärna vara med och ta fram ett förslag." in team_page
    assert MedskickComment.objects.get().by_clinic


def test_a_version_page_reads_its_medskick_in_a_fixed_number_of_queries(world, client_for, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    report = factories.report(world)
    medskick(world, report.dialogue, text="Ett")
    version = services.feedback_share(report=report, user=world.user("bestallare"))
    client = client_for("staff_a1")
    client.get(version.get_absolute_url())
    with CaptureQueriesContext(connection) as before:
        client.get(version.get_absolute_url())
    for number in range(6):
        item = medskick(world, report.dialogue, text=f"Medskick {number}")
        MedskickComment.objects.create(medskick=item, text="k", by_clinic=True)
    version = services.feedback_share(report=report, user=world.user("bestallare"))
    with django_assert_max_num_queries(len(before)):
        client.get(version.get_absolute_url())


def test_typed_points_of_a_draft_become_items(world):
    report = factories.report(world)
    report.sections.filter(key=bilaga3.ADMINISTRATION_LESSONS).update(items=["Bättre information om avtalet"])
    report.sections.filter(key=bilaga3.TEAM_LESSONS).update(items=["Skicka programmet tidigare", "Boka större rum"])
    migration = importlib.import_module("feedback.migrations.0002_learning_sections_from_items")
    migration.forwards(apps, None)
    assert list(TeamLesson.objects.values_list("text", flat=True)) == ["Skicka programmet tidigare", "Boka större rum"]
    item = Medskick.objects.get()
    assert item.text == "Bättre information om avtalet" and item.categories == ["ovrigt"] and item.raised_by == "team"
    assert report.sections.get(key=bilaga3.ADMINISTRATION_LESSONS).items == []
    content = services.deck_content(report=report, version_label="", author="")
    assert "Boka större rum" in next(s for s in content.sections if s.key == bilaga3.TEAM_LESSONS).items
