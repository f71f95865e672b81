"""Friction found in a year's use (issue 10, §6), in Chromium with axe-core on every page: the deck editor and
presentation mode at 1024 × 768."""

from django.urls import reverse
from playwright.sync_api import expect

from feedback import services as feedback_services
from tests.browser.conftest import assert_accessible, expect_console_error, login, visit, wait_for
from tests.browser.test_indicator_pages import clinic_path, indicators  # noqa: F401  (a fixture)
from tests.feedback.factories import held_dialogue


def test_an_empty_section_opens_with_a_field_and_help_that_speaks_of_fields(page, world):
    dialogue = held_dialogue(world)
    report = feedback_services.feedback_create(dialogue=dialogue, user=world.user("bestallare"))
    assert report.sections.get(key="administration_lessons").items == []
    login(page, world.user("bestallare"))
    visit(page, reverse("feedback:section_edit", kwargs={"pk": report.pk, "key": "administration_lessons"}))
    field = page.get_by_role("textbox", name="Punkt 1", exact=True)
    expect(field).to_be_visible()
    expect(page.locator("#id_items-help")).to_have_text(
        "Ett fält per punkt. Ordningen här är ordningen i presentationen; flytta med pilarna."
    )
    expect(page.locator("#id_links-help")).to_contain_text("Ett fält per länk")
    field.fill("Ersättningsmodellen bör stödja fast vårdkontakt")
    page.get_by_role("button", name="Spara avsnittet").click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="report after saving the first point")
    assert report.sections.get(key="administration_lessons").items == ["Ersättningsmodellen bör stödja fast vårdkontakt"]


def test_presentation_mode_at_1024_by_768_keeps_its_controls_in_view_after_the_arrow_keys(page, world, indicators):
    continuity, _review = indicators
    page.set_viewport_size({"width": 1024, "height": 768})
    login(page, world.user("staff_a1"))
    visit(page, clinic_path(world, f"visning/#bild-{continuity.pk}"))
    page.locator(f"#bild-{continuity.pk}").get_by_text("Visa siffrorna som tabell").focus()
    in_view = """() => [...document.querySelectorAll('[data-deck-prev], [data-deck-next]')].every(button => {
        const box = button.getBoundingClientRect();
        return box.top >= 0 && box.bottom <= window.innerHeight;
    })"""
    for key in ("ArrowRight", "ArrowLeft", "ArrowRight"):
        page.keyboard.press(key)
        wait_for(page, in_view, timeout=3000)
    assert_accessible(page, context="1024 × 768 after the arrow keys")


def test_the_months_field_of_the_clinic_overview_is_as_wide_as_its_number(page, world):
    login(page, world.user("bestallare"))
    visit(page, reverse("dialogs:dialogue_clinics"))
    field = page.get_by_label("Visa bara vårdcentraler utan dialog de senaste … månaderna", exact=False)
    field.fill("18")
    box = field.bounding_box()
    assert box is not None and box["width"] < 160, box
    page.get_by_role("button", name="Visa", exact=True).click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="clinics without a dialogue for 18 months")
    expect(page.get_by_test_id("clinic-table").locator("caption")).to_contain_text("de senaste 18 månaderna")


def test_notes_of_an_agenda_block_without_questions_save_themselves_like_answers(page, second_context, world):
    import re

    from dialogs.models.answers import AgendaNote
    from tests.browser.conftest import new_page
    from tests.dialogs.onsite_factories import onsite_dialogue, skr_version_of_region_a

    dialogue = onsite_dialogue(world, version=skr_version_of_region_a(world))
    login(page, world.user("bestallare"))
    visit(page, reverse("dialogs:onsite_section", args=[dialogue.pk, "p1"]))
    page.get_by_role("link", name="Anteckningar till programpunkter utan frågor").click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="agenda notes")
    field = page.get_by_label("Anteckningar: Samtal med medarbetare från olika professioner")
    field.press_sequentially("Sjuksköterskorna beskrev tidsbrist.")
    box = page.locator("article", has=field)
    expect(box.locator("[data-answer-status]")).to_have_text(re.compile(r"^Sparat \d\d:\d\d$"))
    note = AgendaNote.objects.get(dialogue=dialogue)
    assert note.text == "Sjuksköterskorna beskrev tidsbrist." and note.revision == 1

    # A colleague saves in between: the conflict panel shows both texts, nothing is lost.
    colleague = new_page(second_context)
    login(colleague, world.user("utveckling"))
    visit(colleague, reverse("dialogs:agenda_notes", args=[dialogue.pk]))
    colleague_field = colleague.get_by_label("Anteckningar: Samtal med medarbetare från olika professioner")
    colleague_field.fill("Läkarna: IT-stödet krånglar.")
    expect(colleague.locator("article", has=colleague_field).locator("[data-answer-status]")).to_have_text(
        re.compile(r"^Sparat")
    )
    expect_console_error(page, r"status of 409")  # the refused autosave, which the page shows
    field.press_sequentially(" Mer om schemat.")
    expect(box.locator("[data-answer-status]")).to_contain_text("Inte sparat")
    expect(box.locator("[data-answer-panel]")).to_contain_text("Läkarna: IT-stödet krånglar.")
    assert_accessible(page, context="agenda notes in conflict")
    assert AgendaNote.objects.get(dialogue=dialogue).text == "Läkarna: IT-stödet krånglar."

    # The colleague's page, reloaded, links to the notes' history: both saves, who made them, before and after.
    colleague.reload()
    colleague_box = colleague.locator("article", has=colleague_field)
    colleague_box.get_by_role("link", name=re.compile(r"^Historik \(2 ändringar\)")).click()
    colleague.wait_for_load_state("load")
    expect(colleague.get_by_role("heading", level=1)).to_have_text("Anteckningarnas historik")
    expect(colleague.locator(".onsite-history-entry")).to_have_count(2)
    expect(colleague.locator(".onsite-history-entry").first).to_contain_text("Läkarna: IT-stödet krånglar.")
    assert_accessible(colleague, context="agenda notes' history")


def test_planning_on_a_public_holiday_is_warned_about_and_confirmed(page, world):
    import datetime

    from django.utils import timezone

    from dialogs.models.dialogue import Dialogue
    from tests.dialogs.dialogue_factories import published_dialogue_version

    published_dialogue_version(world)
    holiday = datetime.date(timezone.localdate().year + 1, 6, 6)  # Nationaldagen
    login(page, world.user("bestallare"))
    visit(page, reverse("dialogs:dialogue_create"))
    page.get_by_label("Vårdcentral", exact=False).first.select_option(label="Vårdcentral A1")
    page.locator("#id_date").fill(holiday.isoformat())
    page.get_by_label("Bo Beställare är med i teamet").check()
    page.get_by_role("button", name="Planera dialogen").click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="holiday warned about")
    expect(page.get_by_text("är en helgdag: Nationaldagen.")).to_be_visible()
    assert not Dialogue.objects.exists()
    page.get_by_label("Planera dialogen den dagen ändå").check()
    page.get_by_role("button", name="Planera dialogen").click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="planned on the holiday")
    assert Dialogue.objects.get().date == holiday
