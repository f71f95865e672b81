"""Issue 13's finishing touches in Chromium, each page checked with axe-core: the indication answer beside the
"mark an indication" way for the team and absent for the clinic's staff after sharing; a wrongly uploaded case
document removed after a confirmation; and a long search paged with its filters kept, and a search without hits."""

import re

from playwright.sync_api import expect

from dialogs.models.answers import Answer
from dialogs.services.cases import case_document_add
from tests.browser.conftest import assert_accessible, login, new_page, visit
from tests.continuity.factories import case, last_year

SECRET = "Ja: misstanke om hemlighetsmakeri kring journalerna"


def test_the_indication_answer_is_the_teams_and_points_to_a_case(page, second_context, world):
    dialogue = last_year(world)  # shared with the clinic
    dialogue.answers.filter(question__key="sammanfattning-q03").update(text=SECRET)
    login(page, world.user("bestallare"))
    visit(page, f"/dialoger/{dialogue.pk}/sammanfattning/")
    note = page.get_by_test_id("team-only-note")
    expect(note).to_contain_text("Bara för uppföljningsteamet")
    expect(page.get_by_test_id("summary")).to_contain_text("hemlighetsmakeri")
    note.get_by_role("link", name="Markera en indikation för fördjupad uppföljning").click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="indication form from the summary")
    expect(page.get_by_label("Vad bygger indikationen på?")).to_be_visible()

    clinic = new_page(second_context)
    login(clinic, world.user("staff_a1"))
    for path in (f"/dialoger/{dialogue.pk}/sammanfattning/", f"/dialoger/{dialogue.pk}/export/",
                 f"/dialoger/{dialogue.pk}/dokumentation/sammanfattning/"):
        visit(clinic, path)
        expect(clinic.locator("main")).not_to_contain_text("hemlighetsmakeri")
        expect(clinic.locator("main")).not_to_contain_text("Föreligger någon indikation")
    visit(clinic, "/kontinuitet/sok/?q=hemlighetsmakeri")
    expect(clinic.get_by_test_id("no-hits")).to_be_visible()  # it repeats the words searched, nothing more
    expect(clinic.locator(".search-hit")).to_have_count(0)


def test_the_team_removes_a_wrongly_uploaded_document(page, world):
    opened = case(world)
    case_document_add(case=opened, user=world.user("bestallare"), name="fel-fil.pdf", data=b"%PDF-1.4\n%%EOF\n")
    login(page, world.user("utveckling"))
    visit(page, f"/dialoger/fordjupad-uppfoljning/{opened.pk}/")
    page.get_by_role("link", name="Ta bort fel-fil.pdf").click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="confirm removing a document")
    page.get_by_label(re.compile("Varför tas dokumentet bort")).fill("Hör till en annan vårdcentral.")
    page.get_by_role("button", name="Ja, ta bort dokumentet").click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="case after removing a document")
    expect(page.get_by_test_id("case-documents")).to_have_count(0)
    expect(page.get_by_test_id("case-entries")).to_contain_text("Hör till en annan vårdcentral.")


def test_a_long_search_is_paged_with_its_filters(page, world):
    dialogue = last_year(world)
    questions = list(dialogue.guide_version.questions.exclude(key__startswith="sammanfattning").order_by("pk"))
    days = 400
    for number in range(25):
        if number and number % len(questions) == 0:
            days += 1
            dialogue = last_year(world, days_ago=days)
        Answer.objects.update_or_create(dialogue=dialogue, question=questions[number % len(questions)],
                                        defaults={"text": f"Lokalerna nummer {number}", "revision": 1})
    login(page, world.user("admin"))
    visit(page, f"/kontinuitet/sok/?q=lokalerna&vardcentral={world.clinic_a1.pk}")
    expect(page.locator(".search-hit")).to_have_count(20)
    pages = page.get_by_role("navigation", name="Sidor med träffar")
    pages.get_by_role("link", name="Nästa sida").click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="second page of hits")
    expect(page).to_have_url(re.compile(rf"vardcentral={world.clinic_a1.pk}.*sida=2|sida=2.*vardcentral={world.clinic_a1.pk}"))
    expect(page.locator(".search-hit")).to_have_count(5)
    expect(pages.locator('[aria-current="page"]')).to_have_text("Sida 2")
    visit(page, "/kontinuitet/sok/?q=zzzqqq")
    expect(page.get_by_test_id("no-hits")).to_contain_text("Inga träffar för ”zzzqqq”")
