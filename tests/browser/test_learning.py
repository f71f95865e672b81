"""Learning back to the region in Chromium (issue 14, "Done when"): the team records medskick and a lesson on the day,
sees them in the deck, two team members and three of the clinic's participants evaluate the dialogue (two with
their personal link from the e-mail, one signed in), and the learning report is opened as the region – whose
PowerPoint LibreOffice opens – and as a nationell läsare, who sees only aggregates. axe-core checks every page."""

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect
from pptx import Presentation

from dialogs.models.dialogue import Dialogue, DialogueStatus
from dialogs.services.dialogue import dialogue_transition
from notifications.models import OutboxMessage
from tests.browser.conftest import _new_context, assert_accessible, login, new_page, visit
from tests.learning.factories import (
    PARTICIPANTS,
    clinic_answers,
    closed_days_ago,
    held_in,
    other_region,
    plan,
    team_answer,
)
from tests.pdftext import pdf_flat_text

MEDSKICK = "Förfrågningsunderlaget säger inget om hembesök till multisjuka äldre."
LESSON = "Skicka programmet tre veckor före dialogen."


def _evaluate(page, *, score: str, improve: str = "") -> None:
    for criterion in ("Vara användarvänlig", "Främja tillit", "Främja utveckling och lärande", "Skapa värde",
                      "Ta hänsyn till verksamhetens", "Vara resurseffektiv"):
        page.get_by_role("group", name=re.compile(criterion)).get_by_role("radio", name=re.compile(rf"^{score}( |$)")).check()
    if improve:
        page.get_by_label("Vad kan bli bättre till nästa gång?").fill(improve)
    page.get_by_role("button", name=re.compile("Skicka svaret|Ändra mitt svar")).click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="evaluation sent")
    expect(page.get_by_role("status").or_(page.locator(".messages"))).to_contain_text(re.compile("Tack för ditt svar|Ditt svar är ändrat"))


@pytest.fixture
def other_regions(world):
    """Regions C and D, each with a held dialogue that three of its clinic's people evaluated: with region A, the
    three regions a national figure needs."""
    for name, code in (("Region C", "03"), ("Region D", "04")):
        region, clinic, user = other_region(name, code)
        clinic_answers(held_in(region, clinic, user, days_ago=closed_days_ago()), [4, 5, 3])


def test_medskick_lessons_and_evaluations_reach_the_region_and_the_nation(
    page, second_context, _browser, live_server, world, other_regions, tmp_path
):
    # On the day the team records a medskick and a lesson from the on-site screens.
    from django.utils import timezone

    dialogue = plan(world, day=timezone.localdate(), participants=PARTICIPANTS)
    login(page, world.user("bestallare"))
    visit(page, f"/dialoger/{dialogue.pk}/dokumentation/p1/")
    page.get_by_role("link", name="Medskick till förvaltningen och teamets lärdomar").click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="medskick and lessons, empty")
    form = page.get_by_test_id("medskick-form")
    form.get_by_label("Medskick", exact=True).fill(MEDSKICK)
    form.get_by_label("Förfrågningsunderlagets kvalitet").check()
    form.get_by_label("Uppdragets omfattning").check()
    form.get_by_label("Lyft av").select_option("vardcentral")
    form.get_by_role("button", name="Spara medskicket").click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="one medskick")
    expect(page.get_by_test_id("medskick")).to_contain_text("Förfrågningsunderlagets kvalitet")
    page.get_by_test_id("lesson-form").get_by_label("Lärdom för uppföljningsteamet").fill(LESSON)
    page.get_by_role("button", name="Spara lärdomen").click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="one lesson")
    expect(page.get_by_test_id("lesson")).to_contain_text(LESSON)

    # The day ends; the deck's sections are built from them.
    dialogue_transition(dialogue=dialogue, to_status=DialogueStatus.GENOMFORD, user=world.user("bestallare"))
    visit(page, "/aterkoppling/")
    page.get_by_role("button", name="Skriv återkoppling till Vårdcentral A1").click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="feedback draft")
    expect(page.get_by_test_id("built-section").first).to_contain_text(LESSON)
    expect(page.get_by_test_id("built-section").last).to_contain_text(MEDSKICK)
    deck = page.request.get(page.get_by_role("link", name="Ladda ner utkastet (PowerPoint)").get_attribute("href"))
    slides = Presentation(io.BytesIO(deck.body())).slides
    text = "\n".join(shape.text_frame.text for slide in slides for shape in slide.shapes if shape.has_text_frame)
    assert "Lärdomar och medskick till Hälso- och sjukvårdsförvaltningen" in text and MEDSKICK in text and LESSON in text

    # After the day the invitations go out; two participants answer with their personal links, one signed in.
    call_command("send_evaluation_invitations", stdout=open("/dev/null", "w"))
    links = {message.to: re.search(r"/dialoger/utvardering/[\w-]+/", message.body_text).group(0)
             for message in OutboxMessage.objects.filter(kind="dialogs.evaluation", to__endswith="vc-a1.example.org")}
    anonymous = _new_context(_browser, live_server)
    try:
        for address, score in (("maja@vc-a1.example.org", "5"), ("elin@vc-a1.example.org", "4")):
            participant = new_page(anonymous)
            visit(participant, links[address])
            _evaluate(participant, score=score, improve="Mer tid för rundvandringen.")
    finally:
        anonymous.close()
    staff = new_page(second_context)
    login(staff, world.user("staff_a1"))
    staff.get_by_role("link", name=re.compile("Utvärdera dialogen med Vårdcentral A1")).click()
    staff.wait_for_load_state("load")
    assert_accessible(staff, context="evaluation, clinic staff")
    _evaluate(staff, score="2")

    # The two team members evaluate from their start pages.
    page.get_by_role("link", name="PrimärvårdsUppföljning").click()
    page.get_by_role("link", name=re.compile("Utvärdera dialogen med Vårdcentral A1")).click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="evaluation, team")
    _evaluate(page, score="4")
    team_answer(world, dialogue, "utveckling", value=5)

    # While the round is open the dialogue's page shows how many have answered, no result that an answer could move.
    visit(page, f"/dialoger/{dialogue.pk}/")
    results = page.get_by_test_id("evaluation-results")
    expect(results).to_contain_text("Svar hittills: 3.")
    expect(results).not_to_contain_text("%)")

    # Six weeks on, the round has closed: the clinic's result (three answers), not the team's (two), and no names.
    Dialogue.objects.filter(pk=dialogue.pk).update(date=timezone.localdate() - timezone.timedelta(days=closed_days_ago()))
    visit(page, f"/dialoger/{dialogue.pk}/")
    assert_accessible(page, context="evaluation results after the round")
    results = page.get_by_test_id("evaluation-results")
    expect(results).to_contain_text("Svar från vårdcentralen")
    expect(results).to_contain_text("67 %")  # two of three answered 4 or 5
    expect(results).to_contain_text("2 svar: för få för att visas")
    expect(results).not_to_contain_text("Maja")

    # The region's learning report, and its PowerPoint opened by LibreOffice.
    page.get_by_role("link", name="Lärande", exact=True).click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="learning report")
    expect(page.get_by_test_id("medskick-table")).to_contain_text(MEDSKICK)
    expect(page.get_by_test_id("medskick-table")).to_contain_text("Vårdcentral A1")
    expect(page.get_by_test_id("lessons-list")).to_contain_text(LESSON)
    page.get_by_label("Kategori", exact=True).select_option("villkor")
    page.get_by_role("button", name="Visa").click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="learning report filtered")
    expect(page.get_by_text("Inga medskick under perioden.")).to_be_visible()
    report = page.request.get(page.get_by_role("link", name=re.compile("^PowerPoint")).get_attribute("href"))
    from tests.libreoffice import convert_to_pdf

    _pptx, pdf, completed = convert_to_pdf(report.body(), tmp_path, "larande")
    assert completed.returncode == 0, completed.stderr
    assert "Lärande från uppföljningsdialogerna" in pdf_flat_text(pdf)

    # A nationell läsare sees only what is pooled from three regions: no clinic, no text.
    reader = new_page(second_context)
    reader.context.clear_cookies()
    login(reader, world.user("national"))
    expect(reader.get_by_role("navigation", name="Huvudmeny")).not_to_contain_text("Dialoger")
    reader.get_by_role("link", name="Öppna den nationella sammanställningen").click()
    reader.wait_for_load_state("load")
    assert_accessible(reader, context="national view")
    body = reader.locator("main")
    expect(body).to_contain_text("dialoger från 3 regioner")
    expect(body).to_contain_text("Andel 4–5 (95 % KI)")
    for private in (MEDSKICK, LESSON, "Vårdcentral A1", "Region A", "Mer tid för rundvandringen."):
        expect(body).not_to_contain_text(private)


def test_the_clinic_comments_on_a_medskick_in_its_shared_feedback(page, world):
    from feedback import services as feedback_services
    from tests.feedback import factories
    from tests.learning.factories import medskick

    report = factories.report(world)
    medskick(world, report.dialogue, text=MEDSKICK, categories=("forfragningsunderlag",))
    version = feedback_services.feedback_share(report=report, user=world.user("bestallare"))
    login(page, world.user("staff_a1"))
    visit(page, version.get_absolute_url())
    point = page.get_by_test_id("medskick-point")
    expect(point).to_contain_text(MEDSKICK)
    point.get_by_label(re.compile("Kommentera medskicket")).fill("Vi vill gärna vara med och ta fram ett förslag.")
    point.get_by_role("button", name="Skicka kommentar").click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="shared version after a medskick comment")
    expect(page.get_by_test_id("medskick-comment")).to_contain_text("Vi vill gärna vara med")
    visit(page, f"/dialoger/{report.dialogue_id}/medskick/")
    expect(page.get_by_test_id("medskick-comment")).to_contain_text("Vi vill gärna vara med")
