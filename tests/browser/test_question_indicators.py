"""Indicators beside a guide question in Chromium: an administrator links an indicator to a question of a
published version, and a follow-up team member documenting a dialogue at a clinic with data sees the clinic's
value, interval and comparison beside that question; axe-core checks every page."""

import re

from playwright.sync_api import expect

from dialogs.models import Question
from tests.browser.conftest import assert_accessible, login, new_page, visit
from tests.dialogs.onsite_factories import onsite_dialogue
from tests.indicators.factories import continuity_example


def _settle(page):
    page.wait_for_load_state("load")
    assert_accessible(page)


def test_an_administrator_links_an_indicator_and_the_team_sees_it_beside_the_question(page, world, second_context):
    indicator = continuity_example(world)  # clinic A1: 45 % in 2024, better than the region (38 %)
    dialogue = onsite_dialogue(world)
    version = dialogue.guide_version
    assert not version.is_draft

    login(page, world.user("admin"))
    visit(page, f"/dialoger/dialogstod/versioner/{version.pk}/")
    page.get_by_role("link", name="Koppla indikatorer – Vilka arbetar här?").click()
    _settle(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Indikatorer till frågan")
    page.get_by_role("group", name="Vården i siffror").get_by_label(re.compile(r"^Kontinuitet läkare \(")).check()
    page.get_by_role("button", name="Spara").click()
    _settle(page)
    expect(page.locator("#q-p1-q01")).to_contain_text("Indikatorer: Kontinuitet läkare")
    assert list(Question.objects.get(version=version, key="p1-q01").indicators.all()) == [indicator]

    team = new_page(second_context)
    login(team, world.user("bestallare"))
    visit(team, f"/dialoger/{dialogue.pk}/dokumentation/p1/")
    linked = team.locator("#fraga-p1-q01").get_by_role("list", name="Indikatorer för frågan")
    expect(linked).to_contain_text("Kontinuitet läkare")
    expect(linked).to_contain_text(re.compile(r"45,0\s%"))
    expect(linked).to_contain_text(re.compile(r"95 % KI 41,9–48,1\s%"))
    expect(linked).to_contain_text("Bättre än regionen")
    expect(linked).to_contain_text("Bättre än riket")
    expect(team.locator("#fraga-p1-q02").get_by_role("list", name="Indikatorer för frågan")).to_have_count(0)
    linked.get_by_role("link", name="Kontinuitet läkare").click()
    _settle(team)
    expect(team.get_by_role("heading", level=1)).to_contain_text("Vårdcentral A1")
