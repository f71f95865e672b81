"""A region's month in Chromium (issue 12, "Done when"): the administrator sets the cycle, the due list shows the
right clinics, the team plans one from it, the letter goes out and a real SMTP server receives it with the PDF and
the calendar invitation, the clinic follows the e-mail's link and prepares, reminders fire once at the right time
under a frozen clock, and the start page shows each person what is theirs. Also: the year plan as a calendar on a
laptop and as a list on a phone, and the personal calendar feed. axe-core checks every page and state."""

import datetime
import re

import holidays
import icalendar
import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from dialogs.models.dialogue import Dialogue, DialogueStatus
from organisations.models import Clinic
from programme.models import CalendarFeed, CycleSettings
from tests.browser.conftest import TEST_PASSWORD, assert_accessible, login, new_page, visit
from tests.dialogs.dialogue_factories import published_dialogue_version
from tests.programme.factories import dialogue_on

DAY = datetime.timedelta(days=1)


def _workday(earliest: datetime.date) -> datetime.date:
    """The first weekday on or after ``earliest`` that is not a Swedish public holiday (the planning form asks
    for a confirmation otherwise)."""
    day = earliest
    while day.weekday() >= 5 or day in holidays.SE(years=day.year):
        day += DAY
    return day


def _switch(page, user) -> None:
    page.context.clear_cookies()
    login(page, user)


def _todos(page):
    return page.get_by_test_id("todos")


@pytest.fixture
def region_a(world):
    """Region A as the month begins: A1 and A2 have never had a dialogue, a third clinic had one last year."""
    published_dialogue_version(world)
    recent = Clinic.objects.create(region=world.region_a, name="Vårdcentral A3", hsa_id="SE-A3")
    dialogue_on(world, recent, timezone.localdate() - 200 * DAY, status=DialogueStatus.GENOMFORD)
    return world


def test_a_regions_month(page, region_a, smtp_sink, monkeypatch):
    world = region_a
    # The administrator: the start page says what to do; the cycle is set, with a mistake first.
    login(page, world.user("admin"))
    expect(_todos(page)).to_contain_text("Ställ in regionens uppföljningscykel")
    _todos(page).get_by_role("link", name=re.compile("Ställ in regionens uppföljningscykel")).click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="cycle settings")
    page.get_by_label("Månader mellan två dialoger").fill("18")
    page.get_by_label("Förberedelserna klara, dagar före dialogen").fill("35")
    page.get_by_label("Påminnelse om förberedelser, dagar före dialogen").fill("40")
    page.get_by_role("button", name="Spara").click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="cycle refused")
    expect(page.get_by_role("alert")).to_contain_text("Inställningarna är inte sparade")
    expect(page.get_by_text("efter att förordet har skickats")).to_be_visible()
    assert not CycleSettings.objects.exists()
    page.get_by_label("Förberedelserna klara, dagar före dialogen").fill("7")
    page.get_by_label("Påminnelse om förberedelser, dagar före dialogen").fill("10")
    page.get_by_role("button", name="Spara").click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="cycle saved")
    expect(page.get_by_role("status")).to_contain_text("Uppföljningscykeln är sparad")
    assert CycleSettings.objects.get(region=world.region_a).interval_months == 18

    # The clinic's contact address, so the letter has somewhere to go.
    visit(page, f"/vardcentraler/{world.clinic_a1.pk}/redigera/")
    page.get_by_label("E-postadress för kontakt").fill("kontakt@vc-a1.example.org")
    page.get_by_role("button", name="Spara").click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="clinic saved")

    # The due list: A1 and A2 overdue (never followed up), A3 not due yet.
    visit(page, "/program/vardcentraler/")
    expect(page.locator('[data-status="forsenad"]')).to_have_text("2")
    expect(page.locator('[data-status="ej-aktuell"]')).to_have_text("1")
    expect(page.locator('tr[data-clinic="SE-A3"]')).to_contain_text("inte aktuell än")

    # The beställare plans A1 from the list, with a participant who has an e-mail address.
    _switch(page, world.user("bestallare"))
    expect(_todos(page)).to_contain_text("2 vårdcentraler är försenade")
    _todos(page).get_by_role("link", name=re.compile("vårdcentraler är försenade")).click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="overdue clinics")
    page.get_by_role("link", name="Planera – Vårdcentral A1").click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="planning form from the due list")
    expect(page.get_by_label(re.compile(r"^\s*Vårdcentral"))).to_have_value(str(world.clinic_a1.pk))
    day = _workday(timezone.localdate() + 20 * DAY)
    page.get_by_label(re.compile(r"^\s*Datum")).fill(day.isoformat())
    page.get_by_label("Bo Beställare är med i teamet").check()
    page.get_by_label("Uma Utveckling är med i teamet").check()
    first = page.locator("[data-participant-row]").first
    first.get_by_label("Namn", exact=True).fill("Vera Verksamhetschef")
    first.get_by_label("Roll", exact=True).select_option("verksamhetschef")
    first.get_by_label("E-post", exact=True).fill("vera@vc-a1.example.org")
    page.get_by_role("button", name="Planera dialogen").click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="planned")
    dialogue = Dialogue.objects.get(clinic=world.clinic_a1)

    # The letter goes out; the SMTP server receives it with the PDF, the invitation and the preparation link.
    page.get_by_role("link", name="Förord till vårdcentralen").first.click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="letter before sending")
    expect(page.get_by_test_id("letter-recipients")).to_contain_text("kontakt@vc-a1.example.org")
    expect(page.get_by_test_id("letter-recipients")).to_contain_text("vera@vc-a1.example.org")
    page.get_by_role("button", name="Skicka förordet").click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="letter sent")
    expect(page.get_by_test_id("letter-sent")).to_contain_text("vera@vc-a1.example.org")
    expect(page.get_by_test_id("letter-sent").get_by_text("skickat", exact=True)).to_have_count(2)
    assert sorted(item.rcpt_tos[0] for item in smtp_sink.received) == ["kontakt@vc-a1.example.org", "vera@vc-a1.example.org"]
    letter = smtp_sink.to("kontakt@vc-a1.example.org")[0]
    attachments = letter.attachments()
    assert attachments[f"forord-uppfoljningsdialog-{day:%Y-%m-%d}.pdf"][1].startswith(b"%PDF")
    invitation = icalendar.Calendar.from_ical(attachments[f"uppfoljningsdialog-{day:%Y-%m-%d}.ics"][1]).walk("VEVENT")[0]
    assert invitation["DTSTART"].dt.date() == day
    link = re.search(r"http\S+/dialoger/\d+/forberedelser/vardcentral/", letter.text()).group(0)
    # Pressing send again sends nothing twice.
    page.get_by_role("button", name="Skicka förordet igen").click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="letter sent again")
    assert len(smtp_sink.received) == 2

    # The clinic follows the link in the e-mail, signs in and prepares.
    page.context.clear_cookies()
    page.goto(link.replace(link.split("/dialoger/")[0], page.url.split("/dialoger/")[0]))
    page.wait_for_load_state("load")
    assert_accessible(page, context="sign in from the e-mail's link")
    page.get_by_label("Användarnamn").fill(world.user("staff_a1").username)
    page.get_by_label("Lösenord").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    expect(page).to_have_url(re.compile(rf"/dialoger/{dialogue.pk}/forberedelser/vardcentral/$"))
    assert_accessible(page, context="the clinic's preparation form")
    sections = page.locator("input[name='focus'][value^='section-']")
    for index in range(2):
        box = sections.nth(index)
        if not box.is_visible():
            page.locator("details", has=box).locator("summary").first.click()
        box.check()
    page.get_by_role("button", name="Spara förberedelsen").click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="the clinic has prepared")
    assert dialogue.preparations.filter(party="vardcentral").exists()

    # Reminders under a frozen clock: nothing 11 days before, each unprepared party once from 10 days before.
    smtp_sink.received.clear()

    def reminders_on(when: datetime.date) -> None:
        frozen = timezone.make_aware(datetime.datetime.combine(when, datetime.time(7, 0)))
        with monkeypatch.context() as patched:
            patched.setattr(timezone, "now", lambda: frozen)
            call_command("send_reminders")

    reminders_on(day - 11 * DAY)
    assert smtp_sink.received == []
    reminders_on(day - 10 * DAY)
    reminders_on(day - 10 * DAY)
    reminders_on(day - 9 * DAY)
    assert sorted(item.rcpt_tos[0] for item in smtp_sink.received) == ["bestallare@example.org", "utveckling@example.org"]
    assert all(item.subject.startswith("Påminnelse: förberedelse") for item in smtp_sink.received)

    # The start page shows each person what is theirs.
    expect(page.get_by_test_id("preparation-vardcentral")).to_be_visible()
    visit(page, "/")
    expect(_todos(page)).to_contain_text("Nästa möte")
    expect(_todos(page)).not_to_contain_text("Gör vårdcentralens förberedelse")
    _switch(page, world.user("utveckling"))
    expect(_todos(page)).to_contain_text("Gör utvecklingsavdelningens förberedelse")
    expect(_todos(page)).to_contain_text("Läs förberedelserna inför Vårdcentral A1")
    expect(_todos(page)).not_to_contain_text("Skicka förordet")
    expect(_todos(page)).to_contain_text("1 vårdcentral är försenad")  # A2 still waits
    _switch(page, world.user("admin"))
    expect(_todos(page)).to_contain_text("1 vårdcentral är försenad")
    expect(_todos(page)).not_to_contain_text("uppföljningscykel")


def test_the_year_plan_is_a_calendar_on_a_laptop_and_a_list_on_a_phone(page, browser_context, world):
    day = _workday(timezone.localdate() + 10 * DAY)
    dialogue = dialogue_on(world, world.clinic_a1, day)
    login(page, world.user("bestallare"))
    page.get_by_role("link", name="Årsplan").first.click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="year plan, this month")
    visit(page, f"/program/arsplan/?ar={day.year}&manad={day.month}")
    calendar = page.get_by_test_id("month-calendar")
    expect(calendar).to_be_visible()
    expect(calendar.get_by_role("link", name=re.compile("Vårdcentral A1"))).to_be_visible()
    expect(page.get_by_test_id("month-list")).to_be_hidden()
    expect(page.get_by_test_id("team-load")).to_contain_text("Bo Beställare")

    phone = new_page(browser_context)
    phone.set_viewport_size({"width": 390, "height": 844})
    visit(phone, f"/program/arsplan/?ar={day.year}&manad={day.month}")
    expect(phone.get_by_test_id("month-calendar")).to_be_hidden()
    listing = phone.get_by_test_id("month-list")
    expect(listing).to_be_visible()
    listing.get_by_role("link", name=re.compile("Vårdcentral A1")).click()
    expect(phone).to_have_url(re.compile(rf"/dialoger/{dialogue.pk}/$"))
    assert_accessible(phone, context="dialogue from the phone's list")


def test_a_person_creates_and_revokes_their_calendar_feed(page, world, live_server):
    login(page, world.user("staff_a1"))
    page.get_by_role("button", name=re.compile("Stina A1")).click()
    page.get_by_role("link", name="Min kalender").click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="calendar feed page")
    page.get_by_role("button", name="Skapa min kalenderadress").click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="calendar feed created")
    address = page.get_by_test_id("feed-url").input_value()
    token = CalendarFeed.objects.get(user=world.user("staff_a1")).token
    assert address.endswith(f"/program/kalender/{token}.ics")
    feed_path = f"/program/kalender/{token}.ics"
    assert page.request.get(live_server.url + feed_path).status == 200
    page.get_by_role("button", name="Stäng adressen").click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="calendar feed revoked")
    assert page.request.get(live_server.url + feed_path).status == 404


def test_a_person_turns_off_a_reminder_by_keyboard_and_hears_when_each_comes(page, world):
    login(page, world.user("staff_a1"))
    page.get_by_role("button", name=re.compile("Stina A1")).click()
    page.get_by_role("link", name="E-postinställningar").click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="e-mail settings")
    reminder = page.get_by_role("checkbox", name="Påminnelse före uppföljningsmötet")
    expect(reminder).to_be_checked()
    expect(reminder).to_have_accessible_description(re.compile("Några dagar före det bokade uppföljningsmötet"))
    reminder.focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Spara").press("Enter")
    page.wait_for_load_state("load")
    expect(page.get_by_text("Dina e-postinställningar är sparade.")).to_be_visible()
    assert_accessible(page, context="e-mail settings saved")
    expect(page.get_by_role("checkbox", name="Påminnelse före uppföljningsmötet")).not_to_be_checked()
    expect(page.get_by_role("checkbox", name="När teamet delar återkopplingen med min vårdcentral")).to_be_checked()
