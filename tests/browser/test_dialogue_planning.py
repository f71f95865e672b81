"""Dialogues in Chromium: planning (and a refused past date), each party's preparation, the summary with
booking of the follow-up meeting, and the calendar invitations parsed with ``icalendar``. axe-core checks every
page and state."""

import datetime
import re

import icalendar
from django.utils import timezone
from playwright.sync_api import expect

from dialogs.models.dialogue import Dialogue, DialogueStatus, FollowUpMeeting, Preparation
from tests.browser.conftest import assert_accessible, login, visit
from tests.dialogs.dialogue_factories import held, plan, published_dialogue_version, workday_after, write_answer


def _field(name: str):
    """A label as crispy renders it: required fields end with an asterisk."""
    return re.compile(rf"^\s*{re.escape(name)}\s*\*?\s*$")


def _switch_user(page, user) -> None:
    page.context.clear_cookies()
    login(page, user)


def _ics_from(page, link) -> icalendar.Calendar:
    with page.expect_download() as download_info:
        link.click()
    path = download_info.value.path()
    data = open(path, "rb").read()
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    return icalendar.Calendar.from_ical(data)


def test_planning_a_dialogue(page, world):
    published_dialogue_version(world)
    login(page, world.user("bestallare"))
    visit(page, "/dialoger/oversikt/")
    page.get_by_role("link", name="Planera dialog").click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="empty planning form")

    day = workday_after(20)  # a weekend or a holiday would be warned about first (test_friction.py)
    page.get_by_label(_field("Vårdcentral")).select_option(label="Vårdcentral A1")
    page.get_by_label(_field("Datum")).fill((timezone.localdate() - datetime.timedelta(days=2)).isoformat())
    page.get_by_label(_field("Starttid")).fill("09:00")
    page.get_by_label("Bo Beställare är med i teamet").check()
    team = page.locator("fieldset.team-candidate", has_text="Bo Beställare")
    team.get_by_label("intervjuare").check()
    team.get_by_label("dokumentation").check()
    page.get_by_label("Uma Utveckling är med i teamet").check()
    page.locator("fieldset.team-candidate", has_text="Uma Utveckling").get_by_label("presenterar data").check()
    first = page.locator("[data-participant-row]").first
    first.get_by_label("Namn", exact=True).fill("Vera Verksamhetschef")
    first.get_by_label("Roll", exact=True).select_option("verksamhetschef")
    page.get_by_role("button", name="Lägg till en deltagare").click()
    added = page.locator("[data-participant-row]").nth(3)
    expect(added.get_by_label("Namn", exact=True)).to_be_focused()
    added.get_by_label("Namn", exact=True).fill("Dana Distrikt")
    added.get_by_label("Roll", exact=True).select_option("annan")
    added.get_by_label("Annan roll eller befattning").fill("distriktssköterska")
    page.get_by_role("button", name="Planera dialogen").click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="past date refused")
    expect(page.get_by_role("alert")).to_contain_text("Dialogen är inte sparad")
    expect(page.get_by_text("Datumet har redan passerat")).to_be_visible()
    assert not Dialogue.objects.exists()

    page.get_by_label(_field("Datum")).fill(day.isoformat())
    page.get_by_role("button", name="Planera dialogen").click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="planned dialogue")
    dialogue = Dialogue.objects.get()
    expect(page).to_have_url(re.compile(rf"/dialoger/{dialogue.pk}/$"))
    expect(page.get_by_test_id("dialogue-status")).to_have_text("planerad")
    # Named by its heading: "Dagens program" is read once, not again as a caption.
    agenda = page.get_by_role("table", name="Dagens program", exact=True)
    expect(page.get_by_text("Dagens program")).to_have_count(1)
    expect(agenda).to_contain_text("09:00–10:00")  # the guide's 08:30 block, moved to the chosen start
    expect(agenda).to_contain_text("14:30–15:00")
    expect(page.get_by_test_id("participants")).to_contain_text("Dana Distrikt, distriktssköterska")
    expect(page.get_by_test_id("team")).to_contain_text("Uma Utveckling, Utvecklingsavdelning – presenterar data")

    event = _ics_from(page, page.get_by_test_id("dialogue-ics")).walk("VEVENT")[0]
    assert event["DTSTART"].dt.replace(tzinfo=None) == datetime.datetime.combine(day, datetime.time(9, 0))
    assert str(event["SUMMARY"]) == "Uppföljningsdialog på Vårdcentral A1"

    page.get_by_role("link", name="Förord till vårdcentralen").first.click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="letter")
    letter = page.get_by_test_id("letter")
    expect(letter).to_contain_text("Sju principer för tillitsbaserad styrning och ledning")
    expect(letter).to_contain_text("09:00–10:00 Genomgång av P1")
    expect(letter).to_contain_text("Vera Verksamhetschef, verksamhetschef")


def test_each_party_prepares_and_reads_the_others(page, world):
    dialogue = plan(world)
    for persona, party, section, question, source in [
        ("bestallare", "bestallare", "P1: Personal (Persons)", "Hur är arbetsmiljön?", "Vården i siffror"),
        ("utveckling", "utveckling", "P4: Processer", "Konkret exempel", "PrimärvårdsKvalitet"),
        ("staff_a1", "vardcentral", "P1: Personal (Persons)", "Pågår någon forskning på vårdcentralen?", "Medrave"),
    ]:
        _switch_user(page, world.user(persona))
        visit(page, f"/dialoger/{dialogue.pk}/forberedelser/")
        page.get_by_role("link", name="Gör er förberedelse").click()
        page.wait_for_load_state("load")
        assert_accessible(page, context=f"preparation form of {party}")
        page.locator("summary", has_text=section).click()
        page.get_by_label(f"Hela avsnittet {section}").check()
        page.get_by_label(question, exact=True).check()
        expect(page.locator("[data-focus-count]")).to_have_text("2 valda.")
        page.get_by_label(source).check()
        page.get_by_label("Er överblick över vårdcentralens resultat").fill(f"Överblick från {party}")
        page.get_by_role("button", name="Spara förberedelsen").click()
        page.wait_for_load_state("load")
        assert_accessible(page, context=f"preparations after {party}")
        expect(page.get_by_test_id(f"preparation-{party}")).to_contain_text(f"Överblick från {party}")
        expect(page.get_by_test_id(f"preparation-{party}")).to_contain_text(question)
    # Clinic staff read all three preparations but edit only their own.
    for party in ("bestallare", "utveckling", "vardcentral"):
        expect(page.get_by_test_id(f"preparation-{party}")).to_contain_text(f"Överblick från {party}")
    expect(page.get_by_role("link", name="Ändra er förberedelse")).to_have_count(1)
    assert Preparation.objects.filter(dialogue=dialogue).count() == 3
    assert Dialogue.objects.get(pk=dialogue.pk).status == DialogueStatus.FORBEREDELSE


def test_a_preparation_needs_two_or_three_areas(page, world):
    dialogue = plan(world)
    login(page, world.user("utveckling"))
    visit(page, f"/dialoger/{dialogue.pk}/forberedelser/utveckling/")
    page.locator("summary", has_text="P1: Personal").click()
    page.get_by_label("Vilka arbetar här?", exact=True).check()
    page.get_by_role("button", name="Spara förberedelsen").click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="one area refused")
    expect(page.get_by_text("Välj två eller tre områden. Nu är 1 valda.")).to_be_visible()
    assert not Preparation.objects.exists()


def test_summary_booking_and_the_follow_up_invitation(page, world):
    dialogue = held(world, status=DialogueStatus.ATERKOPPLING_DELAD)
    write_answer(dialogue, "sammanfattning-q02", "Korta telefonköerna på måndagar")
    write_answer(dialogue, "aterkoppling-q01", "Bra att vi fick visa våra egna data")
    login(page, world.user("utveckling"))
    visit(page, f"/dialoger/{dialogue.pk}/sammanfattning/")
    expect(page.get_by_test_id("summary")).to_contain_text("Korta telefonköerna på måndagar")
    expect(page.get_by_test_id("team-feedback")).to_contain_text("Bra att vi fick visa våra egna data")

    # Closing before the meeting is booked is not offered; the panel says why (issue 10, §2).
    expect(page.get_by_role("button", name="Ändra till ”avslutad”")).to_have_count(0)
    expect(page.get_by_test_id("status-later")).to_contain_text("”avslutad” kan inte väljas nu:")
    expect(page.get_by_test_id("status-later")).to_contain_text("kan inte avslutas förrän uppföljningsmötet är bokat")

    visit(page, f"/dialoger/{dialogue.pk}/sammanfattning/")
    page.get_by_role("link", name="Boka uppföljningsmöte", exact=True).click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="booking form")
    day = workday_after(60)  # a weekend or a holiday would be warned about first
    page.get_by_label(_field("Datum")).fill(day.isoformat())
    page.get_by_label(_field("Starttid")).fill("13:30")
    page.get_by_label("Längd i minuter").fill("45")
    page.get_by_label("Länk till videomötet").fill("https://video.example.org/mote/7")
    page.get_by_label("Önskat fokusområde").fill("Telefontillgänglighet; fast vårdkontakt")
    page.get_by_role("button", name="Boka mötet").click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="booked")
    expect(page.get_by_test_id("dialogue-status")).to_have_text("uppföljning bokad")
    expect(page.get_by_test_id("follow-up-meeting")).to_contain_text("https://video.example.org/mote/7")
    assert FollowUpMeeting.objects.get(dialogue=dialogue).duration_minutes == 45

    event = _ics_from(page, page.get_by_test_id("follow-up-ics")).walk("VEVENT")[0]
    assert event["DTSTART"].dt.replace(tzinfo=None) == datetime.datetime.combine(day, datetime.time(13, 30))
    assert event["DTEND"].dt - event["DTSTART"].dt == datetime.timedelta(minutes=45)
    assert "Telefontillgänglighet; fast vårdkontakt" in str(event["DESCRIPTION"])

    # The feedback is shared ("återkoppling delad"), so the documentation is too: no separate share is offered.
    expect(page.get_by_role("button", name="Dela dokumentationen med vårdcentralen")).to_have_count(0)
    expect(page.locator("#share-heading").locator("..")).to_contain_text("Dokumentationen delades med vårdcentralens personal")
    page.get_by_role("button", name="Ändra till ”avslutad”").click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="closed")
    expect(page.get_by_test_id("dialogue-status")).to_have_text("avslutad")

    # The clinic now reads the summary and the whole documentation.
    _switch_user(page, world.user("staff_a1"))
    visit(page, f"/dialoger/{dialogue.pk}/sammanfattning/")
    expect(page.get_by_test_id("summary")).to_contain_text("Korta telefonköerna på måndagar")
    visit(page, f"/dialoger/{dialogue.pk}/export/")
    expect(page.get_by_test_id("exports")).to_be_visible()


def test_overview_and_per_clinic_pages(page, world):
    held(world, days_ago=400, clinic=world.clinic_a2)
    plan(world)
    login(page, world.user("admin"))
    visit(page, "/dialoger/oversikt/")
    expect(page.get_by_test_id("dialogue-table").locator("tbody tr")).to_have_count(2)
    page.get_by_label("Status").select_option(label="genomförd")
    page.get_by_role("button", name="Visa").click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="filtered")
    expect(page.get_by_test_id("dialogue-table").locator("tbody tr")).to_have_count(1)
    expect(page.get_by_test_id("dialogue-table")).to_contain_text("Vårdcentral A2")
    visit(page, "/dialoger/vardcentraler/")
    page.get_by_label("Visa bara vårdcentraler utan dialog").fill("12")
    page.get_by_role("button", name="Visa").click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="clinics without a dialogue")
    expect(page.get_by_test_id("clinic-table").locator("tbody tr")).to_have_count(2)
    visit(page, "/dialoger/brevmall/")
    expect(page.get_by_label("Brevtext")).to_contain_text("{agenda}")


def test_the_other_dialogue_pages_are_accessible(page, world):
    previous = held(world, days_ago=200, status=DialogueStatus.UPPFOLJNING_BOKAD)
    write_answer(previous, "sammanfattning-q02", "Fast vårdkontakt för de äldsta")
    write_answer(previous, "p1-q01", "Tre läkare")
    current = plan(world)
    waiting = held(world, days_ago=3, clinic=world.clinic_a2)
    login(page, world.user("bestallare"))
    visit(page, f"/dialoger/{current.pk}/")
    expect(page.get_by_test_id("continuity")).to_contain_text("Fast vårdkontakt för de äldsta")
    for path in (
        f"/dialoger/{current.pk}/andra/",
        f"/dialoger/{current.pk}/forberedelser/",
        f"/dialoger/{previous.pk}/",
        f"/dialoger/{previous.pk}/export/",
        f"/dialoger/{waiting.pk}/sammanfattning/",
        f"/dialoger/{waiting.pk}/uppfoljningsmote/inget/",
    ):
        visit(page, path)
    page.get_by_role("button", name="Spara").click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="waiver without a reason")
    expect(page.locator(".invalid-feedback")).to_be_visible()


def _press(page, control, context: str) -> None:
    """Click a link or button that loads a page, and check the page that comes back with axe-core."""
    control.click()
    page.wait_for_load_state("load")
    assert_accessible(page, context=context)


def test_cancelling_a_planned_dialogue_and_the_clinic_sees_it_cancelled(page, second_context, world):
    from tests.browser.conftest import new_page

    dialogue = plan(world)
    login(page, world.user("utveckling"))
    visit(page, f"/dialoger/{dialogue.pk}/")
    _press(page, page.get_by_role("link", name="Ställ in dialogen"), "cancel form")
    _press(page, page.get_by_role("button", name="Ställ in dialogen"), "cancel without a reason")
    expect(page.get_by_text("Detta fält måste fyllas i.")).to_be_visible()
    page.get_by_label("Varför ställs dialogen in?").fill("Verksamhetschefen är sjuk; ny tid bokas i höst.")
    _press(page, page.get_by_role("button", name="Ställ in dialogen"), "cancelled")
    expect(page.get_by_test_id("dialogue-status")).to_have_text("inställd")
    expect(page.get_by_test_id("cancellation")).to_contain_text("Verksamhetschefen är sjuk; ny tid bokas i höst.")
    assert Dialogue.objects.get(pk=dialogue.pk).status == DialogueStatus.INSTALLD

    visit(page, "/dialoger/oversikt/")
    expect(page.get_by_test_id("dialogue-table").locator(".status-installd")).to_have_count(0)
    visit(page, "/dialoger/oversikt/?status=installd")
    expect(page.get_by_test_id("dialogue-table").locator("tbody tr")).to_have_count(1)
    expect(page.get_by_test_id("dialogue-table").locator(".status-installd")).to_have_text("inställd")

    clinic = new_page(second_context)
    login(clinic, world.user("staff_a1"))
    visit(clinic, f"/dialoger/{dialogue.pk}/")
    expect(clinic.get_by_test_id("dialogue-status")).to_have_text("inställd")
    expect(clinic.get_by_test_id("cancellation")).to_contain_text("ny tid bokas i höst")
    expect(clinic.get_by_role("link", name="Ställ in dialogen")).to_have_count(0)


def test_deleting_a_dialogue_planned_by_mistake(page, world):
    dialogue = plan(world)
    login(page, world.user("bestallare"))
    visit(page, f"/dialoger/{dialogue.pk}/")
    _press(page, page.get_by_role("link", name="Ta bort dialogen"), "confirm delete")
    _press(page, page.get_by_role("button", name="Ja, ta bort dialogen"), "deleted")
    expect(page.get_by_text(f"Dialogen med {dialogue.clinic.name} är borttagen.")).to_be_visible()
    assert not Dialogue.objects.filter(pk=dialogue.pk).exists()


def test_a_section_posted_after_the_dialogue_closed_is_refused_on_an_accessible_page(page, world):
    """The on-site page answers 409 with the posted text shown back when the dialogue was closed meanwhile
    (dialogs/onsite/closed.html); axe-core checks that page too. The form is posted natively (no script
    handlers), as a browser without JavaScript would."""
    from tests.dialogs.onsite_factories import close, onsite_dialogue

    dialogue = onsite_dialogue(world)
    login(page, world.user("bestallare"))
    visit(page, f"/dialoger/{dialogue.pk}/dokumentation/p1/")
    close(world, dialogue)  # a colleague closes the dialogue while the page is open
    page.locator('#fraga-p1-q01 [data-field="text"]').fill("Skrivet efter stängningen.")
    with page.expect_navigation():
        page.get_by_role("button", name="Spara avsnittet").evaluate("button => button.form.submit()")
    assert_accessible(page, context="refused: closed")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dokumentationen är låst – inget har sparats")
    expect(page.get_by_test_id("documentation-closed")).to_contain_text("Dialogen är avslutad")
    expect(page.get_by_text("Skrivet efter stängningen.")).to_be_visible()


def test_a_weekend_meeting_is_confirmed_with_the_keyboard_and_the_planner_sees_a_team_clash(page, world):
    """The warned states of the booking form and the dialogue page, read and answered without a mouse."""
    dialogue = held(world, status=DialogueStatus.ATERKOPPLING_DELAD)
    login(page, world.user("bestallare"))
    visit(page, f"/dialoger/{dialogue.pk}/uppfoljningsmote/")
    saturday = workday_after(30)
    saturday += datetime.timedelta(days=(5 - saturday.weekday()) % 7)
    page.get_by_label(_field("Datum")).fill(saturday.isoformat())
    page.get_by_label(_field("Starttid")).fill("10:00")
    page.get_by_role("button", name="Boka mötet").click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="a Saturday warned about")
    expect(page.get_by_test_id("follow-up-form")).to_contain_text("är en lördag.")
    assert not FollowUpMeeting.objects.filter(dialogue=dialogue).exists()
    confirm = page.get_by_role("checkbox", name="Boka mötet den dagen ändå")
    confirm.focus()
    page.keyboard.press("Space")
    expect(confirm).to_be_checked()
    page.get_by_role("button", name="Boka mötet").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert_accessible(page, context="booked on a Saturday")
    expect(page.get_by_test_id("dialogue-status")).to_have_text("uppföljning bokad")
    assert FollowUpMeeting.objects.get(dialogue=dialogue).date == saturday

    day = workday_after(21)
    morning = plan(world, day=day, start=datetime.time(8, 30))
    afternoon = plan(world, clinic=world.clinic_a2, day=day, start=datetime.time(13, 0))
    visit(page, f"/dialoger/{morning.pk}/")
    assert_accessible(page, context="a team member in two dialogues that day")
    clashes = page.get_by_test_id("team-clashes")
    expect(clashes).to_contain_text("Samma dag i en annan dialog")
    expect(clashes.get_by_role("listitem")).to_have_count(1)  # one line per other dialogue, naming everyone
    expect(clashes).to_contain_text(f"är också med i teamet för {world.clinic_a2.name} (kl. 13:00)")
    clashes.get_by_role("link", name=world.clinic_a2.name).click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="the other dialogue that day")
    assert page.url.endswith(f"/dialoger/{afternoon.pk}/")


def test_two_planners_changing_the_plan_at_once_see_each_others_change(page, second_context, world):
    from tests.browser.conftest import new_page

    dialogue = plan(world)
    login(page, world.user("utveckling"))
    visit(page, f"/dialoger/{dialogue.pk}/andra/")
    other = new_page(second_context)
    login(other, world.user("bestallare"))
    visit(other, f"/dialoger/{dialogue.pk}/andra/")

    page.get_by_label(_field("Starttid")).fill("13:00")
    _press(page, page.get_by_role("button", name="Spara"), "the first planner's change saved")
    other.get_by_label(_field("Plats")).fill("Regionhuset, sal 3")
    _press(other, other.get_by_role("button", name="Spara"), "the second planner meets the first one's change")
    saved = other.get_by_test_id("saved-plan")
    expect(saved).to_contain_text("Någon annan har ändrat planeringen")
    expect(saved).to_contain_text("13:00")
    expect(other.get_by_label(_field("Plats"))).to_have_value("Regionhuset, sal 3")
    assert Dialogue.objects.get(pk=dialogue.pk).place != "Regionhuset, sal 3"

    other.get_by_label(_field("Starttid")).fill("13:00")  # read the saved plan, keeps the new time
    _press(other, other.get_by_role("button", name="Spara"), "saved after seeing the other change")
    expect(other.get_by_text("Ändringarna är sparade.")).to_be_visible()
    saved_now = Dialogue.objects.get(pk=dialogue.pk)
    assert (saved_now.start_time, saved_now.place) == (datetime.time(13, 0), "Regionhuset, sal 3")


def test_two_tabs_editing_the_letter_template_keep_both_texts(page, browser_context, world):
    from tests.browser.conftest import new_page

    login(page, world.user("admin"))
    visit(page, "/dialoger/brevmall/")
    other = new_page(browser_context)  # the same administrator in a second tab
    visit(other, "/dialoger/brevmall/")

    page.get_by_label(_field("Brevtext")).fill("Välkomna den {datum}. Text från första fliken.")
    _press(page, page.get_by_role("button", name="Spara brevmallen"), "the first tab's letter saved")
    other.get_by_label(_field("Brevtext")).fill("Välkomna den {datum}. Text från andra fliken.")
    _press(other, other.get_by_role("button", name="Spara brevmallen"), "the second tab meets the first one's letter")
    expect(other.get_by_test_id("saved-letter")).to_contain_text("Text från första fliken.")
    expect(other.get_by_label(_field("Brevtext"))).to_have_value("Välkomna den {datum}. Text från andra fliken.")
    _press(other, other.get_by_role("button", name="Spara brevmallen"), "saved after seeing the other text")
    expect(other.get_by_text("Brevmallen är sparad.")).to_be_visible()
    expect(other.get_by_label(_field("Brevtext"))).to_have_value("Välkomna den {datum}. Text från andra fliken.")
