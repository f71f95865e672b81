"""An administrator adapts the region's dialogue guide in the browser: drafts a new version, adds a question,
moves it with the keyboard, previews and publishes. Every page is checked with axe-core."""

import re

from django.utils import timezone
from playwright.sync_api import expect

from dialogs.models import GuideVersion, GuideVersionStatus, Question
from tests.browser.conftest import assert_accessible, login, visit
from tests.dialogs.factories import region_a_draft, region_a_published

NEW_QUESTION = "Hur ser kompetensförsörjningen ut de närmaste åren?"


def _question(page, text: str):
    """The question as the guide page shows it (its answer preview's hidden legend repeats the text for screen
    readers, in a part of its own)."""
    return page.locator(".guide-question > p").filter(has_text=re.compile(rf"^\s*{re.escape(text)}\s*$"))


def _settle(page):
    page.wait_for_load_state("load")
    assert_accessible(page)


def test_administrator_drafts_adds_moves_previews_and_publishes(page, world):
    first = region_a_published(world)
    login(page, world.user("admin"))
    visit(page, "/dialoger/")
    page.get_by_role("link", name="Dialogstöd", exact=True).click()
    _settle(page)
    page.get_by_role("link", name="Testguide").click()
    _settle(page)

    page.get_by_role("button", name="Nytt utkast från denna").click()
    _settle(page)
    expect(page.get_by_role("heading", name="Redigera utkast", level=1)).to_be_visible()
    draft = GuideVersion.objects.get(status=GuideVersionStatus.DRAFT)

    page.get_by_role("link", name="Lägg till fråga i P1: Personal (Persons)").click()
    _settle(page)
    page.get_by_label("Frågetext").fill(NEW_QUESTION)
    page.get_by_label("Ja/nej och fritext").check()
    page.get_by_label("Fördjupningsfrågor").fill("Pensionsavgångar?\nRekryteringsläge?")
    page.get_by_role("button", name="Spara").click()
    _settle(page)
    question = Question.objects.get(version=draft, text=NEW_QUESTION)
    items = page.locator(f"#section-{question.section_id} > .card-body > ol > li")
    expect(items.last).to_have_text(re.compile(rf"^4\..*{re.escape(NEW_QUESTION)}", re.S), use_inner_text=True)

    # Move it up twice with the keyboard only; after each move the focus is back on the question.
    for _step in range(2):
        page.get_by_role("button", name=f"Flytta upp – {NEW_QUESTION}").focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        _settle(page)
        expect(page.locator(f"#question-{question.pk}")).to_be_focused()
    expect(items.nth(1)).to_contain_text(NEW_QUESTION)
    expect(page.get_by_role("status")).to_have_text("Frågan är flyttad upp.")

    page.get_by_role("link", name="Förhandsgranska").click()
    _settle(page)
    expect(page.get_by_role("heading", name="Förhandsvisning av utkastet")).to_be_visible()
    preview_question = page.locator("li.guide-question", has_text=NEW_QUESTION)
    expect(preview_question.get_by_label("Ja")).to_be_disabled()
    preview_question.locator("summary").click()
    expect(preview_question.get_by_text("Pensionsavgångar?")).to_be_visible()
    assert_accessible(page, context="follow-ups opened")

    page.get_by_role("link", name="Publicera…").click()
    _settle(page)
    page.get_by_role("button", name="Publicera versionen").click()
    _settle(page)
    # A region's edited guide is named as the region's own (SKR stays the named source), not as SKR's text.
    year = timezone.localdate().year
    expect(page.get_by_role("status")).to_contain_text(f"Version 2 – Region A {year} är publicerad.")
    expect(_question(page, NEW_QUESTION)).to_be_visible()
    draft.refresh_from_db()
    assert (draft.status, draft.number) == (GuideVersionStatus.PUBLISHED, 2)

    visit(page, f"/dialoger/dialogstod/versioner/{first.pk}/")
    expect(page.get_by_text(NEW_QUESTION)).to_have_count(0)
    expect(_question(page, "Vilka arbetar här?")).to_be_visible()

    visit(page, f"/dialoger/dialogstod/versioner/{draft.pk}/utskrift/")
    expect(page.get_by_text(NEW_QUESTION, exact=True)).to_be_visible()
    expect(page.get_by_text("Sveriges Kommuner och Regioner (SKR)").first).to_be_visible()


def test_a_publishing_problem_is_named_and_the_editor_pages_are_accessible(page, world):
    first = region_a_published(world)
    login(page, world.user("admin"))
    visit(page, f"/dialoger/dialogstod/{first.guide_id}/")
    page.get_by_role("button", name="Nytt utkast från denna").click()
    _settle(page)
    page.get_by_role("link", name="Lägg till avsnitt").click()
    _settle(page)
    page.get_by_label("Kod").fill("P6")
    page.get_by_label("Rubrik").fill("Digitalisering")
    page.get_by_role("button", name="Spara").click()
    _settle(page)
    page.get_by_role("link", name="Publicera…").click()
    _settle(page)
    expect(page.get_by_role("alert").get_by_text("Avsnittet ”P6: Digitalisering” har inga frågor.")).to_be_visible()
    page.get_by_role("link", name="Avsnittet ”P6: Digitalisering” har inga frågor.").click()
    _settle(page)
    page.get_by_role("link", name="Lägg till agendapunkt").click()
    _settle(page)
    page.get_by_role("link", name="Avbryt").click()
    _settle(page)
    question = page.get_by_role("link", name="Flytta till avsnitt… – Vilka arbetar här?")
    question.click()
    _settle(page)
    page.get_by_label("P6: Digitalisering").check()
    page.get_by_role("button", name="Spara").click()
    _settle(page)
    visit(page, f"/dialoger/dialogstod/{first.guide_id}/jamfor/?old={first.pk}&new={first.pk + 1}")
    expect(page.get_by_role("table", name="Flyttade frågor")).to_be_visible()


def test_the_other_guide_pages_are_accessible(page, world, tmp_path):
    from dialogs.services.guide import guide_load_shipped

    national, _created = guide_load_shipped()
    login(page, world.user("admin"))
    visit(page, "/dialoger/dialogstod/")
    expect(page.get_by_role(
        "button", name="Skapa regionens dialogstöd från PrimärvårdsUppföljning – dialogstöd (SKR 2021)"
    )).to_be_visible()
    visit(page, f"/dialoger/dialogstod/versioner/{national.pk}/")
    expect(page.get_by_test_id("attribution").first).to_be_visible()

    visit(page, "/dialoger/dialogstod/importera/")
    broken = tmp_path / "guide.json"
    broken.write_text('{"format": "primarvardsuppfoljning/guide", "format_version": 1, "guide": {}}', encoding="utf-8")
    page.get_by_label("JSON-fil med ett dialogstöd").set_input_files(str(broken))
    page.get_by_role("button", name="Importera").click()
    _settle(page)
    expect(page.get_by_role("alert")).to_contain_text("Ingenting har sparats.")

    first = region_a_published(world)
    visit(page, "/dialoger/dialogstod/")
    page.get_by_role("link", name="Testguide").click()
    _settle(page)
    page.get_by_role("button", name="Nytt utkast från denna").click()
    _settle(page)
    page.get_by_role("link", name="Ändra uppgifterna om versionen").click()
    _settle(page)
    page.get_by_role("link", name="Avbryt").click()
    _settle(page)
    page.get_by_role("link", name="Ändra – Hur är arbetsmiljön?").click()
    _settle(page)
    expect(page.get_by_label("Länk").first).to_have_value("http://www.patientenkat.se/")
    page.go_back()
    _settle(page)
    page.get_by_role("link", name="Ta bort utkastet").click()
    _settle(page)

    response = page.goto(f"/dialoger/dialogstod/versioner/{first.pk}/redigera/")
    assert response.status == 409
    assert_accessible(page)
    visit(page, f"/dialoger/dialogstod/versioner/{first.pk}/utskrift/")


def _press(page, control) -> None:
    control.click()
    _settle(page)


def _edit(page, link: str, field: str, text: str) -> None:
    """Open an item's form from the editor, change one field and save."""
    _press(page, page.get_by_role("link", name=link))
    page.get_by_label(field).fill(text)
    _press(page, page.get_by_role("button", name="Spara"))


def _delete(page, name: str, question: str) -> None:
    """Delete an item from the editor: its confirmation page asks ``question`` first."""
    _press(page, page.get_by_role("link", name=f"Ta bort – {name}"))
    expect(page.get_by_role("heading", level=1)).to_have_text(question)
    _press(page, page.get_by_role("button", name="Ta bort", exact=True))
    expect(page.get_by_role("status")).to_contain_text("Borttaget.")


def test_administrator_edits_and_deletes_agenda_items_sections_and_subsections(page, world):
    from dialogs.models import AgendaBlock, Section

    draft = region_a_draft(world)
    login(page, world.user("admin"))
    visit(page, f"/dialoger/dialogstod/versioner/{draft.pk}/redigera/")
    agenda = page.get_by_role("table", name="Agendapunkter i den ordning de hålls")

    _edit(page, "Ändra – Kaffepaus", "Innehåll", "Fika med personalen")
    expect(agenda.get_by_role("rowheader", name="Fika med personalen")).to_be_visible()
    _delete(page, "Fika med personalen", "Ta bort agendapunkten?")
    expect(agenda.get_by_text("Fika med personalen")).to_have_count(0)
    expect(agenda.locator("tbody tr")).to_have_count(2)
    assert not AgendaBlock.objects.filter(version=draft, title="Fika med personalen").exists()

    _edit(page, "Ändra avsnittet – P1: Personal (Persons)", "Rubrik", "Personal och kompetens")
    expect(page.get_by_role("heading", name="P1: Personal och kompetens", level=3)).to_be_visible()
    _edit(page, "Ändra delavsnittet – Konkret exempel", "Rubrik", "Ett exempel ur vardagen")
    subsection = page.get_by_role("heading", name="Ett exempel ur vardagen", level=4)
    expect(subsection).to_be_visible()

    # The confirmation says what goes with the item; cancelling keeps everything.
    _press(page, page.get_by_role("link", name="Ta bort – Ett exempel ur vardagen"))
    expect(page.get_by_role("main")).to_contain_text("(1 frågor)")
    _press(page, page.get_by_role("link", name="Avbryt"))
    expect(subsection).to_be_visible()
    _delete(page, "Ett exempel ur vardagen", "Ta bort Ett exempel ur vardagen?")
    expect(subsection).to_have_count(0)
    expect(page.get_by_role("heading", name="Organisation och ledning", level=4)).to_be_visible()
    assert not Section.objects.filter(version=draft, title="Ett exempel ur vardagen").exists()

    _delete(page, "Fördjupningsdel Levnadsvanor", "Ta bort Fördjupningsdel Levnadsvanor?")
    expect(page.get_by_role("heading", name="Fördjupningsdel Levnadsvanor")).to_have_count(0)
    assert not Section.objects.filter(version=draft, title="Fördjupningsdel Levnadsvanor").exists()


def test_two_administrators_editing_one_question_keep_both_texts(page, browser_context, world):
    from tests.browser.conftest import new_page

    question = region_a_draft(world).questions.get(key="p1-q03")
    login(page, world.user("admin"))
    visit(page, f"/dialoger/dialogstod/fragor/{question.pk}/")
    other = new_page(browser_context)  # a second tab, or a colleague
    visit(other, f"/dialoger/dialogstod/fragor/{question.pk}/")

    page.get_by_label("Frågetext").fill("Hur mår personalen just nu?")
    page.get_by_role("button", name="Spara").click()
    _settle(page)
    other.get_by_label("Frågetext").fill("Hur är arbetsmiljön just nu?")
    other.get_by_role("button", name="Spara").click()
    _settle(other)
    expect(other.get_by_test_id("saved-item")).to_contain_text("Hur mår personalen just nu?")
    expect(other.get_by_label("Frågetext")).to_have_value("Hur är arbetsmiljön just nu?")
    assert Question.objects.get(pk=question.pk).text == "Hur mår personalen just nu?"
    other.get_by_role("button", name="Spara").click()
    _settle(other)
    assert Question.objects.get(pk=question.pk).text == "Hur är arbetsmiljön just nu?"
