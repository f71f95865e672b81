"""A clinic followed over two years in Chromium (issue 13, "Done when"): agreements made on the day from the
summary, updated by the clinic in between, shown to each party when preparing, beside the questions next year and
in the deck; and a fördjupad uppföljning opened, followed and closed by the team while the clinic's staff never see
it – not on any page, not in the export, not in the search. axe-core checks every page and state."""

import datetime
import io
import re

import pytest
from playwright.sync_api import expect
from pptx import Presentation

from dialogs.models.agreements import Agreement
from dialogs.models.cases import Case
from dialogs.services.dialogue import follow_up_book
from tests.browser.conftest import assert_accessible, login, new_page, visit
from tests.continuity.factories import held_today, last_year, next_dialogue


@pytest.fixture
def year_one(world):
    dialogue = last_year(world, days_ago=380)
    follow_up_book(dialogue=dialogue, user=world.user("bestallare"), date=dialogue.date + datetime.timedelta(days=60),
                   start_time=datetime.time(13, 0), duration_minutes=45, video_link="https://video.example.org/rum/1",
                   focus_area="Kontinuitet")
    dialogue.refresh_from_db()
    return dialogue


def test_agreements_carry_a_clinic_from_one_year_to_the_next(page, second_context, world, year_one):
    # Year one, at the end of the day: the team turns a line of "Vad ska ni jobba vidare med?" into an agreement
    # and writes one more for the beställarorganisation.
    login(page, world.user("bestallare"))
    visit(page, f"/dialoger/{year_one.pk}/sammanfattning/")
    page.get_by_role("button", name=re.compile("Gör till överenskommelse.*Telefontider på förmiddagen")).click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="summary after one click")
    agreements = page.get_by_test_id("agreements")
    expect(agreements.get_by_role("link", name="Telefontider på förmiddagen, även för barnfamiljer")).to_be_visible()
    page.get_by_text("Skriv en ny överenskommelse").click()
    assert_accessible(page, context="new agreement form open")
    page.get_by_label("Överenskommelse", exact=True).fill("Se över ersättningen för fast vårdkontakt")
    page.get_by_label("Ansvarig").select_option("bestallare")
    page.get_by_role("button", name="Spara överenskommelsen").click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="summary with two agreements")
    expect(agreements.get_by_test_id("agreement")).to_have_count(2)

    # At the follow-up video meeting the team records where each agreement stands.
    page.get_by_role("link", name=re.compile("Vid uppföljningsmötet")).click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="follow-up meeting statuses")
    telephone = Agreement.objects.get(text__startswith="Telefontider")
    page.locator(f"#id_status_{telephone.pk}").select_option("pagar")
    page.locator(f"#id_comment_{telephone.pk}").fill("Upphandling av ny telefonlösning pågår.")
    page.get_by_role("button", name="Spara genomgången").click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="summary after the meeting")

    # Between the dialogues the clinic updates its agreement from its own page.
    clinic = new_page(second_context)
    login(clinic, world.user("staff_a1"))
    visit(clinic, f"/kontinuitet/vardcentraler/{world.clinic_a1.pk}/")
    clinic.get_by_test_id("open-agreements").get_by_role("link", name=re.compile("Telefontider")).click()
    clinic.wait_for_load_state("load")
    assert_accessible(clinic, context="agreement, clinic")
    expect(clinic.get_by_test_id("agreement-history")).to_contain_text("Upphandling av ny telefonlösning pågår.")
    clinic.get_by_label("Status", exact=True).select_option("klar")
    clinic.get_by_label("Kommentar (valfritt)").fill("Förmiddagstider varje dag sedan september.")
    clinic.get_by_role("button", name="Spara").click()
    clinic.wait_for_load_state("load")
    assert_accessible(clinic, context="agreement updated by the clinic")
    expect(clinic.get_by_test_id("agreement-status")).to_contain_text("klar")

    # Year two: planning the next dialogue brings the open agreements and last year's participants.
    visit(page, f"/dialoger/ny/?vardcentral={world.clinic_a1.pk}")
    continuity = page.get_by_test_id("planning-continuity")
    expect(continuity).to_contain_text("Se över ersättningen för fast vårdkontakt")
    expect(continuity).not_to_contain_text("Telefontider")  # done
    upcoming = next_dialogue(world)

    # Each party sees, when preparing, the agreements it owns.
    visit(clinic, f"/dialoger/{upcoming.pk}/forberedelser/vardcentral/")
    expect(clinic.get_by_test_id("party-agreements")).to_contain_text("Telefontider på förmiddagen")
    expect(clinic.get_by_test_id("party-agreements")).not_to_contain_text("ersättningen")
    visit(page, f"/dialoger/{upcoming.pk}/forberedelser/bestallare/")
    expect(page.get_by_test_id("party-agreements")).to_contain_text("Se över ersättningen för fast vårdkontakt")

    # On the day, last year's answer is beside the question, collapsed, with its date.
    visit(page, f"/dialoger/{upcoming.pk}/dokumentation/p1/")
    previous = page.get_by_test_id("previous-answer").first
    expect(previous.get_by_text("sjuksköterskorna bär kontinuiteten")).to_be_hidden()
    previous.locator("summary").click()
    expect(previous.get_by_text("sjuksköterskorna bär kontinuiteten")).to_be_visible()
    assert_accessible(page, context="last year's answer open")
    visit(page, f"/dialoger/{upcoming.pk}/dokumentation/sammanfattning/")
    expect(page.get_by_test_id("carried-agreements")).to_contain_text("Förmiddagstider varje dag sedan september.")

    # The deck after this year's dialogue tells what happened with last year's agreements.
    held_today(world, upcoming)
    visit(page, "/aterkoppling/")
    page.get_by_role("row", name=re.compile(upcoming.date.isoformat())).get_by_role("button", name="Skriv återkoppling till Vårdcentral A1").click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="report with last year's agreements")
    section = page.get_by_test_id("previous-agreements")
    expect(section).to_contain_text("Telefontider på förmiddagen, även för barnfamiljer — Status: klar")
    download = page.request.get(page.get_by_role("link", name="Ladda ner utkastet (PowerPoint)").get_attribute("href"))
    deck = Presentation(io.BytesIO(download.body()))
    text = "\n".join(shape.text_frame.text for slide in deck.slides for shape in slide.shapes if shape.has_text_frame)
    assert "Så gick det med överenskommelserna från förra dialogen" in text and "Förmiddagstider varje dag" in text


def test_a_case_is_followed_to_its_end_and_the_clinic_never_sees_it(page, second_context, world, year_one):
    reason = "Läkemedelsgenomgångar i särskilt boende uteblir enligt flera medarbetare"
    login(page, world.user("bestallare"))
    visit(page, f"/dialoger/{year_one.pk}/sammanfattning/")
    panel = page.get_by_test_id("cases-panel")
    expect(panel).to_contain_text("Syns bara för uppföljningsteamet")
    panel.get_by_text("Markera en indikation för fördjupad uppföljning").click()
    assert_accessible(page, context="indication form open")
    panel.get_by_label("Kategori").select_option("patientsakerhet")
    panel.get_by_label("Vad bygger indikationen på?").fill(reason)
    panel.get_by_role("button", name="Markera indikation").click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="case page")
    case = Case.objects.get()
    expect(page.get_by_test_id("case-status")).to_contain_text("indikation")

    # The team follows it: a dated note, a document, the investigation, the plan, and closing with a note.
    page.get_by_role("textbox", name="Anteckning").fill("Avvikelserapporterna för året är begärda.")
    page.get_by_role("button", name="Spara anteckningen").click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="after a note")
    page.locator("input[type=file]").set_input_files(files=[{"name": "avvikelser.pdf", "mimeType": "application/pdf",
                                                          "buffer": b"%PDF-1.4\n%%EOF\n"}])
    page.get_by_role("button", name="Ladda upp").click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="after an upload")
    expect(page.get_by_test_id("case-documents")).to_contain_text("avvikelser.pdf")
    page.locator("input[type=file]").set_input_files(files=[{"name": "program.pdf", "mimeType": "application/pdf",
                                                          "buffer": b"MZ\x90\x00 not a pdf"}])
    page.get_by_role("button", name="Ladda upp").click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="a refused upload")
    expect(page.get_by_text(re.compile("Filen heter .pdf men innehållet"))).to_be_visible()
    for status in ("utredning", "atgardsplan"):
        page.get_by_label("Ny status").select_option(status)
        page.get_by_role("button", name="Ändra status").click()
        page.wait_for_load_state("load")
        assert_accessible(page, context=f"case in {status}")
    visit(page, "/dialoger/fordjupad-uppfoljning/")
    expect(page.get_by_test_id("case-list")).to_contain_text("Vårdcentral A1")

    # The clinic's staff: no trace on the summary, the clinic's page, the export or in the search; 404 at the case.
    clinic = new_page(second_context)
    login(clinic, world.user("staff_a1"))
    for path in (f"/dialoger/{year_one.pk}/sammanfattning/", f"/kontinuitet/vardcentraler/{world.clinic_a1.pk}/",
                 f"/dialoger/{year_one.pk}/export/", "/"):
        visit(clinic, path)
        expect(clinic.locator("main")).not_to_contain_text("Läkemedelsgenomgångar i särskilt boende")
        assert clinic.locator("a[href*='fordjupad-uppfoljning']").count() == 0
    visit(clinic, "/kontinuitet/sok/?q=l%C3%A4kemedelsgenomg%C3%A5ngar")
    expect(clinic.get_by_test_id("no-hits")).to_be_visible()
    csv = clinic.request.get(f"/dialoger/{year_one.pk}/export/dokumentation.csv").text()
    assert "Läkemedelsgenomgångar" not in csv
    for path in (f"/dialoger/fordjupad-uppfoljning/{case.pk}/", "/dialoger/fordjupad-uppfoljning/",
                 f"/dialoger/fordjupad-uppfoljning/dokument/{case.documents.get().pk}/"):
        response = clinic.goto(path)
        assert response.status == 404
        assert_accessible(clinic, context=f"404 for {path}")

    # The next dialogue shows the case to the team; the team closes it with what it came to.
    upcoming = next_dialogue(world)
    visit(page, f"/dialoger/{upcoming.pk}/")
    page.get_by_test_id("clinic-cases").get_by_role("link", name=re.compile("Risk för patientsäkerheten")).click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="case from the next dialogue")
    page.get_by_label("Ny status").select_option("avslutad")
    page.get_by_role("button", name="Ändra status").click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="closing refused without a note")
    expect(page.get_by_text("Skriv varför uppföljningen avslutas.")).to_be_visible()
    page.get_by_label("Ny status").select_option("avslutad")
    page.get_by_role("textbox", name="Kommentar").fill("Rutinen för läkemedelsgenomgångar är införd och följs upp av MAS.")
    page.get_by_role("button", name="Ändra status").click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="closed case")
    expect(page.get_by_test_id("case-status")).to_contain_text("avslutad")
    visit(clinic, f"/dialoger/{upcoming.pk}/")
    assert clinic.locator("a[href*='fordjupad-uppfoljning']").count() == 0
