"""On-site documentation in Chromium: autosave across sections, a lost connection, a crashed tab, two documenters
on the same answer, keyboard only and tablet width; axe-core checks every page and state."""

import re

import pytest
from playwright.sync_api import expect

from dialogs.models.answers import Answer
from dialogs.services.answers import answer_save
from tests.browser.conftest import assert_accessible, expect_console_error, login, new_page, visit, wait_for
from tests.dialogs.onsite_factories import onsite_dialogue

SAVED = re.compile(r"^Sparat \d\d:\d\d")
NOT_SAVED = re.compile(r"^Inte sparat")


@pytest.fixture
def dialogue(world):
    return onsite_dialogue(world)


def section_path(dialogue, key="p1") -> str:
    return f"/dialoger/{dialogue.pk}/dokumentation/{key}/"


def question_box(page, key):
    return page.locator(f"#fraga-{key}")


def status_of(page, key):
    return question_box(page, key).locator("[data-answer-status]")


def notes(page, key):
    return question_box(page, key).locator('[data-field="text"]')


def stored_drafts(page) -> list[str]:
    return page.evaluate("Object.keys(localStorage).filter(key => key.startsWith('pu-onsite:'))")


def wait_for_drafts(page, count: int) -> None:
    """Wait until this browser keeps exactly ``count`` unsent on-site edits: the scripts write and remove them
    on their own time (after a response, or on the page after a sign-out)."""
    wait_for(
        page, "count => Object.keys(localStorage).filter(key => key.startsWith('pu-onsite:')).length === count", arg=count
    )


def answer_text(dialogue, key) -> str:
    answer = Answer.objects.filter(dialogue=dialogue, question__key=key).first()
    return answer.text if answer else ""


def test_documenting_across_sections_saves_itself_and_survives_a_reload(page, world, dialogue):
    login(page, world.user("bestallare"))
    visit(page, section_path(dialogue))
    page.get_by_label("Anteckningar: Vilka arbetar här?").press_sequentially("Tre specialister i allmänmedicin.")
    expect(status_of(page, "p1-q01")).to_have_text(SAVED)
    research = question_box(page, "p1-q02")
    research.get_by_role("radio", name="Ja", exact=True).check()
    expect(status_of(page, "p1-q02")).to_have_text(SAVED)
    expect(page.locator(".onsite-section-progress")).to_have_text("2 av 3 besvarade")
    assert_accessible(page, context="P1 saved")

    page.get_by_role("link", name=re.compile("^P4: Processer")).first.click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="P4")
    premises = question_box(page, "p4-organisation-q01")
    premises.get_by_role("group", name=re.compile("^För personalen")).get_by_role("radio", name="Nej").check()
    expect(status_of(page, "p4-organisation-q01")).to_have_text(SAVED)
    page.get_by_label("Välj ett område").fill("Diabetes")
    expect(status_of(page, "p4-konkret-exempel-q01")).to_have_text(SAVED)

    visit(page, section_path(dialogue))
    expect(page.get_by_label("Anteckningar: Vilka arbetar här?")).to_have_value("Tre specialister i allmänmedicin.")
    expect(question_box(page, "p1-q02").get_by_role("radio", name="Ja", exact=True)).to_be_checked()
    expect(page.locator(".onsite-nav")).to_contain_text("2 av 3 besvarade")
    expect(page.locator(".onsite-nav")).to_contain_text("2 av 2 besvarade")
    answer = Answer.objects.get(dialogue=dialogue, question__key="p4-organisation-q01")
    assert answer.choice_values == {"För patienterna": "", "För personalen": "nej"}
    assert Answer.objects.get(question__key="p4-konkret-exempel-q01").prompt_answers == ["Diabetes", ""]


def test_text_typed_offline_is_kept_and_sent_when_the_connection_returns(page, browser_context, world, dialogue):
    login(page, world.user("utveckling"))
    visit(page, section_path(dialogue))
    browser_context.set_offline(True)
    notes(page, "p1-q03").press_sequentially("Skrivet utan nät.")
    expect(status_of(page, "p1-q03")).to_have_text(NOT_SAVED)
    expect(status_of(page, "p1-q03")).to_contain_text("finns kvar i webbläsaren")
    stored = stored_drafts(page)
    assert len(stored) == 1 and stored[0].endswith(":0")
    assert stored[0].startswith(f"pu-onsite:u{world.user('utveckling').pk}:{dialogue.pk}:")  # bound to the user
    assert_accessible(page, context="offline, pending")
    assert answer_text(dialogue, "p1-q03") == ""

    browser_context.set_offline(False)
    expect(status_of(page, "p1-q03")).to_have_text(SAVED)
    assert answer_text(dialogue, "p1-q03") == "Skrivet utan nät."
    wait_for_drafts(page, 0)


def test_after_a_crash_unsaved_text_is_offered_back_not_dropped(page, world, dialogue):
    login(page, world.user("bestallare"))
    visit(page, section_path(dialogue))
    # The server is unreachable for autosaves (a dead network path), then the tab goes away.
    page.route("**/dokumentation/fragor/**", lambda route: route.abort("internetdisconnected"))
    expect_console_error(page, "ERR_INTERNET_DISCONNECTED")  # the browser logs each autosave that cannot leave
    notes(page, "p1-q01").fill("Detta får inte försvinna.")
    expect(status_of(page, "p1-q01")).to_have_text(NOT_SAVED)
    visit(page, section_path(dialogue))
    page.unroute("**/dokumentation/fragor/**")
    box = question_box(page, "p1-q01")
    expect(box.locator('[data-panel="restore"]')).to_contain_text("Detta får inte försvinna.")
    expect(notes(page, "p1-q01")).to_have_value("")  # nothing overwritten silently
    assert_accessible(page, context="restore offered")
    box.get_by_role("button", name="Återställ osparad text").click()
    expect(notes(page, "p1-q01")).to_have_value("Detta får inte försvinna.")
    expect(status_of(page, "p1-q01")).to_have_text(SAVED)
    assert answer_text(dialogue, "p1-q01") == "Detta får inte försvinna."


def two_documenters(page, second_context, world, dialogue):
    """Bo (beställare) in the test's browser and Uma (utvecklingsavdelning) in another, both on P1."""
    other = new_page(second_context)
    for browser_page, persona in [(page, "bestallare"), (other, "utveckling")]:
        login(browser_page, world.user(persona))
        visit(browser_page, section_path(dialogue))
    return other


def test_two_documenters_on_the_same_answer_see_the_conflict_and_keep_both_texts(page, second_context, world, dialogue):
    other = two_documenters(page, second_context, world, dialogue)
    expect_console_error(other, r"status of 409")  # the conflict answer, which the page shows
    notes(page, "p1-q01").press_sequentially("Bos anteckning.")
    expect(status_of(page, "p1-q01")).to_have_text(SAVED)
    notes(other, "p1-q01").press_sequentially("Umas anteckning.")
    conflict = question_box(other, "p1-q01").locator('[data-panel="conflict"]')
    expect(conflict).to_be_visible()
    expect(conflict.locator('[data-conflict-side="mine"]')).to_contain_text("Umas anteckning.")
    expect(conflict.locator('[data-conflict-side="theirs"]')).to_contain_text("Bos anteckning.")
    expect(conflict.locator('[data-conflict-side="theirs"]')).to_contain_text("Sparad av Bo Beställare")
    expect(status_of(other, "p1-q01")).to_contain_text("någon annan har ändrat svaret")
    assert answer_text(dialogue, "p1-q01") == "Bos anteckning."
    assert_accessible(other, context="conflict shown")

    # Resolve by keyboard: from the field, Tab reaches the conflict's buttons.
    notes(other, "p1-q01").focus()
    for _step in range(6):
        other.keyboard.press("Tab")
        if other.evaluate("document.activeElement.textContent") == "Redigera en sammanslagen text":
            break
    other.keyboard.press("Enter")
    expect(notes(other, "p1-q01")).to_have_value("Bos anteckning.\n\nUmas anteckning.")
    expect(status_of(other, "p1-q01")).to_have_text(SAVED)
    assert answer_text(dialogue, "p1-q01") == "Bos anteckning.\n\nUmas anteckning."
    assert_accessible(other, context="conflict merged")

    visit(page, section_path(dialogue))
    expect(notes(page, "p1-q01")).to_have_value("Bos anteckning.\n\nUmas anteckning.")
    question_box(page, "p1-q01").get_by_role("link", name=re.compile("^Historik")).click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="history")
    expect(page.get_by_role("heading", name=re.compile("^Ändring 2: Uma Utveckling"))).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("^Ändring 1: Bo Beställare"))).to_be_visible()


def test_keep_mine_and_keep_theirs_settle_a_conflict(page, second_context, world, dialogue):
    other = two_documenters(page, second_context, world, dialogue)
    expect_console_error(other, r"status of 409")  # the conflict answers, which the page shows
    notes(page, "p1-q01").fill("Bo först.")
    notes(page, "p1-q03").fill("Bo på trean.")
    expect(status_of(page, "p1-q03")).to_have_text(SAVED)
    expect(status_of(page, "p1-q01")).to_have_text(SAVED)

    notes(other, "p1-q01").fill("Uma vill behålla sitt.")
    question_box(other, "p1-q01").get_by_role("button", name="Behåll min text").click()
    expect(status_of(other, "p1-q01")).to_have_text(SAVED)
    assert answer_text(dialogue, "p1-q01") == "Uma vill behålla sitt."

    notes(other, "p1-q03").fill("Uma ångrar sig.")
    question_box(other, "p1-q03").get_by_role("button", name="Behåll den sparade texten").click()
    expect(notes(other, "p1-q03")).to_have_value("Bo på trean.")
    expect(status_of(other, "p1-q03")).to_have_text(SAVED)
    assert answer_text(dialogue, "p1-q03") == "Bo på trean."
    assert_accessible(other, context="conflicts settled")


def test_too_long_text_is_refused_with_a_message_and_kept_in_the_browser(page, world, dialogue):
    login(page, world.user("bestallare"))
    visit(page, section_path(dialogue))
    expect_console_error(page, r"status of 413")  # the refusal, which the page shows
    notes(page, "p1-q01").fill("x" * 20_001)
    expect(status_of(page, "p1-q01")).to_contain_text("Texten är för lång")
    wait_for_drafts(page, 1)
    assert_accessible(page, context="too long")
    assert not Answer.objects.exists()


def test_the_form_works_by_keyboard_only(page, world, dialogue):
    login(page, world.user("utveckling"))
    visit(page, section_path(dialogue))
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Hoppa till innehållet")).to_be_focused()
    page.keyboard.press("Enter")
    # Through the day's navigation to P4.
    for _step in range(12):
        page.keyboard.press("Tab")
        if (page.evaluate("document.activeElement.textContent") or "").strip().startswith("P4: Processer"):
            break
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/p4/$"))
    assert_accessible(page, context="P4 by keyboard")
    # A labelled choice is a real radio group: Tab into it, arrows choose.
    radio = question_box(page, "p4-organisation-q01").get_by_role("radio", name="Ja").first
    radio.focus()
    page.keyboard.press("ArrowRight")
    expect(question_box(page, "p4-organisation-q01").get_by_role("radio", name="Nej").first).to_be_checked()
    expect(status_of(page, "p4-organisation-q01")).to_have_text(SAVED)
    page.keyboard.press("Tab")  # out of this group, onto the next one's checked "Inget svar"
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("Tab")  # into the notes
    page.keyboard.type("Lokalerna är trånga.")
    expect(notes(page, "p4-organisation-q01")).to_have_value("Lokalerna är trånga.")
    expect(status_of(page, "p4-organisation-q01")).to_have_text(SAVED)
    assert Answer.objects.get(question__key="p4-organisation-q01").choice_values == {
        "För patienterna": "nej", "För personalen": "nej"
    }
    # Follow-up questions open from the keyboard.
    visit(page, section_path(dialogue))
    summary = question_box(page, "p1-q01").locator("summary")
    summary.focus()
    page.keyboard.press("Enter")
    expect(question_box(page, "p1-q01").get_by_text("Andel specialister i allmänmedicin?")).to_be_visible()
    assert_accessible(page, context="follow-ups open")


def test_without_javascript_the_section_form_still_saves(page, _browser, live_server, world, dialogue):
    context = _browser.new_context(base_url=live_server.url, locale="sv-SE", java_script_enabled=False)
    try:
        plain = context.new_page()
        plain.goto("/konto/logga-in/")
        plain.get_by_label("Användarnamn").fill("bestallare")
        plain.get_by_label("Lösenord").fill("correct horse battery")
        plain.get_by_role("button", name="Logga in").click()
        plain.goto(section_path(dialogue))
        notes(plain, "p1-q01").fill("Utan skript.")
        question_box(plain, "p1-q02").get_by_role("radio", name="Nej", exact=True).check()
        plain.get_by_role("button", name="Spara avsnittet").click()
        plain.wait_for_load_state("load")
        expect(plain.get_by_text("Avsnittet är sparat.")).to_be_visible()
        expect(notes(plain, "p1-q01")).to_have_value("Utan skript.")
        assert answer_text(dialogue, "p1-q01") == "Utan skript."
        saved_html = plain.content()
        # Meanwhile a colleague saves the same answer; the stale post comes back with both texts in the field.
        target = dialogue.guide_version.questions.get(key="p1-q01")
        answer_save(dialogue=dialogue, question=target, user=world.user("utveckling"), base_revision=1, text="Umas rad.")
        notes(plain, "p1-q01").fill("Utan skript, och mer.")
        plain.get_by_role("button", name="Spara avsnittet").click()
        plain.wait_for_load_state("load")
        expect(plain.get_by_text("1 svar kunde inte sparas.", exact=False)).to_be_visible()
        expect(question_box(plain, "p1-q01").locator("[data-server-conflict]")).to_contain_text("Sparad av Uma Utveckling")
        expect(notes(plain, "p1-q01")).to_have_value("Umas rad.\n\nUtan skript, och mer.")
        conflict_html = plain.content()
    finally:
        context.close()
    # axe-core needs JavaScript: check each page exactly as the script-less browser got it. Loaded into a blank
    # page (origin null), its scripts and style sheets are cross-origin requests the browser refuses and logs.
    expect_console_error(page, r"origin 'null'|net::ERR_FAILED")
    for html, state in [(saved_html, "saved without JavaScript"), (conflict_html, "conflict without JavaScript")]:
        page.set_content(html.replace("<head>", f'<head><base href="{live_server.url}/">', 1))
        assert_accessible(page, context=state)


def test_tablet_width_fits_and_stays_accessible(page, world, dialogue):
    page.set_viewport_size({"width": 768, "height": 1024})
    login(page, world.user("bestallare"))
    visit(page, section_path(dialogue, "p4"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 768
    notes(page, "p4-organisation-q01").fill("På surfplattan.")
    expect(status_of(page, "p4-organisation-q01")).to_have_text(SAVED)
    assert_accessible(page, context="tablet")


def sign_out(page) -> None:
    page.get_by_role("button", name=re.compile("Bo Beställare|Uma Utveckling")).click()
    page.get_by_role("button", name="Logga ut").click()
    expect(page).to_have_url(re.compile(r"/konto/logga-in/"))
    assert_accessible(page, context="signed out")


def test_unsent_text_on_a_shared_tablet_is_never_offered_to_the_next_person_and_goes_at_sign_out(page, world, dialogue):
    bo, uma = world.user("bestallare"), world.user("utveckling")
    login(page, bo)
    visit(page, section_path(dialogue))
    page.route("**/dokumentation/fragor/**", lambda route: route.abort("internetdisconnected"))
    expect_console_error(page, "ERR_INTERNET_DISCONNECTED")  # the browser logs each autosave that cannot leave
    notes(page, "p1-q01").fill("Bos osända anteckning.")
    expect(status_of(page, "p1-q01")).to_have_text(NOT_SAVED)
    page.unroute("**/dokumentation/fragor/**")
    assert stored_drafts(page) == [f"pu-onsite:u{bo.pk}:{dialogue.pk}:{dialogue.guide_version.questions.get(key='p1-q01').pk}:0"]

    # Bo's session ends without signing out (the tablet is handed over); Uma signs in on the same browser.
    page.context.clear_cookies()
    login(page, uma)
    visit(page, section_path(dialogue))
    expect(question_box(page, "p1-q01").locator('[data-panel="restore"]')).to_have_count(0)
    expect(notes(page, "p1-q01")).to_have_value("")
    notes(page, "p1-q01").fill("Umas egen text.")
    expect(status_of(page, "p1-q01")).to_have_text(SAVED)
    assert answer_text(dialogue, "p1-q01") == "Umas egen text."  # Bo's text was never sent in Uma's name
    sign_out(page)
    wait_for_drafts(page, 1)  # Uma's sign-out leaves Bo's text alone

    login(page, bo)
    visit(page, section_path(dialogue))
    expect(question_box(page, "p1-q01").locator('[data-panel="restore"]')).to_contain_text("Bos osända anteckning.")
    assert_accessible(page, context="Bo's own draft offered")
    sign_out(page)
    wait_for_drafts(page, 0)


def test_a_closed_dialogues_documentation_is_read_only(page, world, dialogue):
    from tests.dialogs.onsite_factories import close

    answer_save(dialogue=dialogue, question=dialogue.guide_version.questions.get(key="p1-q01"),
                user=world.user("bestallare"), base_revision=0, text="Sparad före stängning.")
    close(world, dialogue)
    login(page, world.user("bestallare"))
    visit(page, section_path(dialogue))
    expect(page.get_by_test_id("documentation-closed")).to_contain_text("Dialogen är avslutad.")
    expect(question_box(page, "p1-q01")).to_contain_text("Sparad före stängning.")
    expect(page.locator("textarea")).to_have_count(0)
    expect(page.get_by_role("button", name="Spara avsnittet")).to_have_count(0)
    page.get_by_role("link", name="ändra statusen ett steg tillbaka").click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="dialogue status")
    page.get_by_role("button", name="Ändra till ”återkoppling delad”").click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="reopened")
    visit(page, section_path(dialogue))
    expect(notes(page, "p1-q01")).to_have_value("Sparad före stängning.")


def test_autosave_meeting_a_close_keeps_the_text_and_says_why(page, world, dialogue):
    from tests.dialogs.onsite_factories import close

    login(page, world.user("bestallare"))
    visit(page, section_path(dialogue))
    close(world, dialogue)  # a colleague closes the dialogue while the page is open
    expect_console_error(page, r"status of 409")  # the refusal, which the page shows
    notes(page, "p1-q01").fill("Skrivet efter stängningen.")
    expect(status_of(page, "p1-q01")).to_contain_text("Dialogen är avslutad")
    expect(status_of(page, "p1-q01")).to_contain_text("finns kvar i webbläsaren")
    assert_accessible(page, context="refused: closed")
    assert answer_text(dialogue, "p1-q01") == ""
    wait_for_drafts(page, 1)
