"""The feedback deck's section on last time's agreements (issue 13, item 2), in the PowerPoint and the PDF, and a
deck improvement point made an agreement with one click from the summary."""

import io

from django.urls import reverse
from pptx import Presentation

from dialogs.services.agreements import agreement_status_set
from feedback import services as feedback_services
from feedback.agreements import PREVIOUS_AGREEMENTS
from feedback.models import FeedbackSection
from tests.continuity.factories import agreement, held_today, last_year, next_dialogue
from tests.pdftext import pdf_flat_text


def _this_years_report(world):
    previous = last_year(world)
    done = agreement(world, previous, "Fast läkarkontakt för multisjuka äldre")
    agreement_status_set(agreement=done, user=world.user("staff_a1"), status="klar", comment="Alla 412 har en fast läkare.")
    agreement(world, previous, "Telefontider på förmiddagen", owner="bestallare")
    dialogue = held_today(world, next_dialogue(world))
    return feedback_services.feedback_create(dialogue=dialogue, user=world.user("bestallare"))


def test_the_deck_has_last_times_agreements_after_the_5p_slide(world):
    report = _this_years_report(world)
    content = feedback_services.deck_content(report=report, version_label="", author="")
    keys = [section.key for section in content.sections]
    assert keys[:2] == ["five_p", PREVIOUS_AGREEMENTS]
    items = content.sections[1].items
    assert items[0].startswith("Fast läkarkontakt för multisjuka äldre — Status: klar")
    assert "Alla 412 har en fast läkare." in items[0]
    assert "ansvarig: beställarorganisation" in items[1]


def test_the_section_is_in_the_powerpoint_and_the_pdf(world):
    report = _this_years_report(world)
    deck = Presentation(io.BytesIO(feedback_services.deck_build_pptx(report=report, user=world.user("bestallare"))))
    slide_text = "\n".join(shape.text_frame.text for slide in deck.slides for shape in slide.shapes if shape.has_text_frame)
    assert "Så gick det med överenskommelserna från förra dialogen" in slide_text
    assert "Alla 412 har en fast läkare." in slide_text
    pdf = pdf_flat_text(feedback_services.deck_build_pdf(report=report, user=world.user("bestallare")))
    assert "Så gick det med överenskommelserna" in pdf and "Alla 412 har en fast läkare." in pdf


def test_a_shared_version_keeps_the_section_as_it_was_and_the_clinic_may_comment_on_it(world, client_for):
    report = _this_years_report(world)
    version = feedback_services.feedback_share(report=report, user=world.user("bestallare"))
    page = client_for("staff_a1").get(reverse("feedback:version_detail", args=[version.pk])).content.decode()
    assert "Så gick det med överenskommelserna" in page
    response = client_for("staff_a1").post(
        reverse("feedback:comment_create", args=[version.pk, PREVIOUS_AGREEMENTS]), {"text": "Telefontiderna väntar på IT."}
    )
    assert response.status_code == 302
    assert version.comments.get().section_key == PREVIOUS_AGREEMENTS


def test_a_first_dialogue_has_no_such_section(world):
    dialogue = held_today(world, next_dialogue(world))
    report = feedback_services.feedback_create(dialogue=dialogue, user=world.user("bestallare"))
    content = feedback_services.deck_content(report=report, version_label="", author="")
    assert PREVIOUS_AGREEMENTS not in [section.key for section in content.sections]


def test_the_draft_page_shows_the_section_read_only(world, client_for):
    report = _this_years_report(world)
    page = client_for("bestallare").get(reverse("feedback:report_detail", args=[report.pk])).content.decode()
    assert 'data-testid="previous-agreements"' in page and "Telefontider på förmiddagen" in page


def test_an_improvement_point_of_the_deck_becomes_an_agreement_from_the_summary(world, client_for):
    dialogue = held_today(world, next_dialogue(world))
    report = feedback_services.feedback_create(dialogue=dialogue, user=world.user("bestallare"))
    FeedbackSection.objects.filter(report=report, key="improvements").update(
        items=["Kortare väntetid till psykolog – mät varje månad", "Se över jourlistan"]
    )
    client = client_for("bestallare")
    page = client.get(reverse("dialogs:dialogue_summary", args=[dialogue.pk])).content.decode()
    assert 'data-testid="deck-improvements"' in page and page.count('data-testid="point-to-agreement"') == 2
    url = reverse("feedback:improvement_agreement", args=[report.pk])
    for _press in range(2):
        assert client.post(url, {"index": "0"}).status_code == 302
    assert list(dialogue.agreements.values_list("text", flat=True)) == ["Kortare väntetid till psykolog – mät varje månad"]
    assert client.post(url, {"index": "9"}, follow=True).content.decode().count("unkten finns inte längre") == 1
    assert client_for("staff_a1").post(url, {"index": "1"}).status_code == 403


def test_a_point_moved_or_changed_since_the_page_was_read_is_found_by_its_words_or_refused(world, client_for):
    dialogue = held_today(world, next_dialogue(world))
    report = feedback_services.feedback_create(dialogue=dialogue, user=world.user("bestallare"))
    points = FeedbackSection.objects.filter(report=report, key="improvements")
    points.update(items=["Se över jourlistan", "Kortare väntetid till psykolog"])
    client, url = client_for("bestallare"), reverse("feedback:improvement_agreement", args=[report.pk])
    points.update(items=["En ny första punkt", "Se över jourlistan\nmed alla yrken", "Kortare väntetid till psykolog"])
    # The page showed "Kortare väntetid…" second; a colleague has added a point above it since.
    assert client.post(url, {"index": "1", "text": "Kortare väntetid till psykolog"}).status_code == 302
    assert client.post(url, {"index": "0", "text": "Se över jourlistan\r\nmed alla yrken"}).status_code == 302
    page = client.post(url, {"index": "0", "text": "Se över jourlistan"}, follow=True).content.decode()
    assert "Återkopplingen har ändrats sedan sidan öppnades" in page  # edited since: refused, never another point
    assert sorted(dialogue.agreements.values_list("text", flat=True)) == [
        "Kortare väntetid till psykolog", "Se över jourlistan\nmed alla yrken"]
