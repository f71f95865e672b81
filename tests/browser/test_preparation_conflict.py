"""Two of the clinic's staff prepare at once in two browsers: the one who saves second meets the other's save,
sees both texts, and saves the merge; nobody's words are lost. Saving without a connection sends nothing and leaves
the text on the page (static/js/submit-once.js). axe-core checks every page."""

from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from dialogs.models.dialogue import Preparation
from organisations.models import Membership, Party, Role
from tests.browser.conftest import TEST_PASSWORD, assert_accessible, login, new_page, visit
from tests.dialogs.dialogue_factories import plan

NOTES = "Er överblick över vårdcentralens resultat"


def _open_form(page, dialogue) -> None:
    visit(page, f"/dialoger/{dialogue.pk}/forberedelser/vardcentral/")
    for summary in page.locator("details.focus-group summary").all()[:2]:
        summary.click()
    page.locator("input[name=focus][value^=section-]").nth(0).check()
    page.locator("input[name=focus][value^=section-]").nth(1).check()


def test_two_staff_preparing_at_once_keep_both_texts(page, second_context, world):
    nurse = get_user_model().objects.create_user("nurse_a1", password=TEST_PASSWORD, first_name="Nora", last_name="N")
    Membership.objects.create(user=nurse, region=world.region_a, clinic=world.clinic_a1, role=Role.VARDCENTRAL,
                              party=Party.VARDCENTRAL)
    dialogue = plan(world)
    login(page, world.user("staff_a1"))
    _open_form(page, dialogue)
    other = new_page(second_context)
    login(other, nurse)
    _open_form(other, dialogue)

    page.get_by_label(NOTES).fill("Väntetiden i telefon har ökat.")
    page.get_by_role("button", name="Spara förberedelsen").click()
    expect(page.get_by_text("Förberedelsen är sparad.")).to_be_visible()
    assert_accessible(page, context="preparations after a save")

    other.get_by_label(NOTES).fill("Andelen med fast läkarkontakt har minskat.")
    other.get_by_role("button", name="Spara förberedelsen").click()
    conflict = other.get_by_test_id("preparation-conflict")
    expect(conflict).to_contain_text("Sparad av Stina A1")
    expect(conflict.get_by_test_id("conflict-theirs")).to_have_text("Väntetiden i telefon har ökat.")
    expect(conflict.get_by_test_id("conflict-mine")).to_have_text("Andelen med fast läkarkontakt har minskat.")
    assert_accessible(other, context="preparation conflict")
    merged = other.get_by_label(NOTES)
    expect(merged).to_have_value("Väntetiden i telefon har ökat.\n\nAndelen med fast läkarkontakt har minskat.")

    other.get_by_role("button", name="Spara förberedelsen").click()
    expect(other.get_by_text("Förberedelsen är sparad.")).to_be_visible()
    assert_accessible(other, context="preparations after the merge was saved")
    saved = Preparation.objects.get(dialogue=dialogue, party=Party.VARDCENTRAL)
    assert "Väntetiden" in saved.overview_notes and "fast läkarkontakt" in saved.overview_notes


def test_saving_without_a_connection_keeps_the_text_on_the_page_and_says_nothing_was_sent(page, browser_context, world):
    dialogue = plan(world)
    login(page, world.user("staff_a1"))
    _open_form(page, dialogue)
    page.get_by_label(NOTES).fill("Skrivet på tåget, utan nät.")
    browser_context.set_offline(True)
    page.get_by_role("button", name="Spara förberedelsen").click()
    notice = page.get_by_role("alert").filter(has_text="Du är inte ansluten till nätet")
    expect(notice).to_be_visible()
    expect(page.get_by_label(NOTES)).to_have_value("Skrivet på tåget, utan nät.")
    expect(page.get_by_role("button", name="Spara förberedelsen")).to_be_enabled()
    assert_accessible(page, context="a save pressed offline")
    assert not Preparation.objects.filter(dialogue=dialogue, party="vardcentral").exists()

    browser_context.set_offline(False)
    expect(notice).to_be_hidden()
    page.get_by_role("button", name="Spara förberedelsen").click()
    expect(page.get_by_text("Förberedelsen är sparad.")).to_be_visible()
    assert_accessible(page, context="saved once the connection returned")
    assert Preparation.objects.get(dialogue=dialogue, party="vardcentral").overview_notes == "Skrivet på tåget, utan nät."
