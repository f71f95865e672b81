"""Indicator pages in Chromium: the clinic's indicators, the region's funnel plot and run charts, and
presentation mode (keyboard, buttons, announcements, offline); axe-core checks every page and state."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, login, visit
from tests.indicators.factories import add_proportions, add_values, continuity_example, make_batch, make_indicator


@pytest.fixture
def indicators(world):
    """Two indicators for A1 and A2 with region and country values; A1's continuity shifts upwards."""
    continuity = continuity_example(world)
    batch = make_batch(world.region_a)
    review = make_indicator("Läkemedelsgenomgång 75+", source=continuity.source)
    add_proportions(review, batch, [(60 + i, 120) for i in range(10)], clinic=world.clinic_a1)
    add_proportions(review, batch, [(30, 70)] * 9 + [None], clinic=world.clinic_a2)
    add_values(review, batch, [52.0] * 10, region=world.region_a)
    return continuity, review


def settled(page) -> None:
    """Wait for the slide animation and button transitions to end, so axe-core measures final colours."""
    page.wait_for_function("document.getAnimations().every(animation => animation.playState !== 'running')")


def clinic_path(world, suffix="") -> str:
    return f"/indikatorer/data/vardcentral/{world.clinic_a1.pk}/{suffix}"


def test_clinic_page_shows_values_comparisons_in_words_and_trends(page, world, indicators):
    login(page, world.user("staff_a1"))
    visit(page, clinic_path(world))
    row = page.locator(f"#indikator-{indicators[0].pk}")
    expect(row.get_by_role("rowheader")).to_contain_text("Kontinuitet läkare")
    expect(row).to_contain_text("Bättre än regionen")
    expect(row).to_contain_text("95 % KI 41,9–48,1 %")
    expect(row.get_by_role("img")).to_have_accessible_name(re.compile(r"^Trend 2015–2024: från 30,0\s% till 45,0\s%"))
    expect(row).to_contain_text("Icke-slumpmässig variation")
    # No chart library on a page without charts.
    assert page.evaluate("typeof window.Plotly") == "undefined"


def test_funnel_plot_and_run_charts_draw_with_captions_and_tables(page, world, indicators):
    login(page, world.user("bestallare"))
    visit(page, f"/indikatorer/data/indikator/{indicators[0].pk}/")
    funnel = page.locator("#tratt")
    expect(funnel).to_have_attribute("role", "img")
    expect(funnel.locator(".main-svg").first).to_be_visible()
    # The clinic outside the limits is named on the chart itself.
    expect(funnel.locator("text", has_text="Vårdcentral A1")).to_have_count(1)
    figure = page.locator("figure", has=funnel)
    expect(figure).to_contain_text("Källa: Vården i siffror. Period: 2024.")
    figure.get_by_text("Visa siffrorna som tabell").click()
    expect(figure.get_by_role("table")).to_contain_text("Över 99,8 %-gränsen")
    run_chart = page.locator(f"#klinik-{world.clinic_a2.pk}")
    run_chart.scroll_into_view_if_needed()
    expect(run_chart.locator(".main-svg").first).to_be_visible()
    assert_accessible(page, context="charts drawn, table open")
    page.get_by_label("Period i trattdiagrammet").select_option(label="2019")
    page.get_by_role("button", name="Visa").click()
    page.wait_for_url(re.compile(r"period=year%3A2019-01-01"))
    expect(page.locator("#tratt").locator("xpath=..")).to_contain_text("Period: 2019.")
    assert_accessible(page, context="another period")


def test_presentation_mode_moves_with_keys_and_buttons_and_announces_each_slide(page, world, indicators):
    login(page, world.user("staff_a1"))
    visit(page, clinic_path(world, "visning/"))
    status = page.locator("[data-deck-status]")
    expect(status).to_have_text("Bild 1 av 3: Att läsa data tillsammans")
    expect(status).to_have_attribute("aria-live", "polite")
    expect(page.locator("#bild-start")).to_be_visible()
    page.keyboard.press("ArrowRight")
    expect(status).to_have_text("Bild 2 av 3: Kontinuitet läkare")
    slide = page.locator(f"#bild-{indicators[0].pk}")
    expect(slide).to_be_visible()
    expect(page.locator("#bild-start")).to_be_hidden()
    expect(slide.locator(".main-svg").first).to_be_visible()
    expect(slide).to_contain_text("Bättre än regionen")
    settled(page)
    assert_accessible(page, context="slide 2")
    page.get_by_role("button", name="Nästa").click()
    expect(status).to_have_text("Bild 3 av 3: Läkemedelsgenomgång 75+")
    expect(page.get_by_role("button", name="Nästa")).to_have_attribute("aria-disabled", "true")
    expect(page.get_by_role("button", name="Nästa")).to_be_focused()
    page.keyboard.press("Home")
    expect(status).to_have_text("Bild 1 av 3: Att läsa data tillsammans")
    page.keyboard.press("End")
    assert page.url.endswith(f"#bild-{indicators[1].pk}")


def test_presentation_mode_keeps_focus_visible_and_respects_reduced_motion(page, world, indicators):
    page.emulate_media(reduced_motion="reduce")
    login(page, world.user("staff_a1"))
    visit(page, clinic_path(world, f"visning/#bild-{indicators[0].pk}"))
    slide = page.locator(f"#bild-{indicators[0].pk}")
    expect(slide).to_be_visible()
    assert slide.evaluate("element => getComputedStyle(element).animationName") == "none"
    # Focus inside the slide (its table toggle) must not be left on a hidden element when the slide changes.
    slide.get_by_text("Visa siffrorna som tabell").focus()
    page.keyboard.press("ArrowRight")
    expect(page.locator(f"#bild-{indicators[1].pk}-rubrik")).to_be_focused()
    assert_accessible(page, context="focus moved to the new slide")


def test_presentation_mode_works_offline_once_loaded(page, browser_context, world, indicators):
    login(page, world.user("staff_a1"))
    visit(page, clinic_path(world, "visning/"))
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    browser_context.set_offline(True)
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    last = page.locator(f"#bild-{indicators[1].pk}")
    expect(last.locator(".main-svg").first).to_be_visible()
    page.get_by_role("button", name="Föregående").click()
    expect(page.locator(f"#bild-{indicators[0].pk}").locator(".main-svg").first).to_be_visible()
    assert requests == []
    browser_context.set_offline(False)
    settled(page)
    assert_accessible(page, context="offline")


def test_clinic_page_opens_presentation_mode_with_the_chosen_indicators(page, world, indicators):
    login(page, world.user("bestallare"))
    visit(page, clinic_path(world))
    page.get_by_label("Visa Läkemedelsgenomgång 75+ i presentationsläget").check()
    page.get_by_role("button", name="Öppna valda i presentationsläget").click()
    page.wait_for_url(re.compile(r"/visning/\?indikator="))
    assert_accessible(page)
    expect(page.locator("[data-deck-status]")).to_have_text("Bild 1 av 2: Att läsa data tillsammans")
    page.keyboard.press("End")
    expect(page.locator("[data-deck-status]")).to_have_text("Bild 2 av 2: Läkemedelsgenomgång 75+")
