"""Indicator pages in Chromium: the clinic's indicators, the region's funnel plot and run charts, and
presentation mode (keyboard, buttons, announcements, offline); axe-core checks every page and state."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, login, visit, wait_for
from tests.indicators.factories import (
    add_proportions,
    add_values,
    continuity_example,
    make_batch,
    make_indicator,
    make_source,
)


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
    wait_for(page, "document.getAnimations().every(animation => animation.playState !== 'running')")


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


def test_run_charts_are_found_by_name_flag_and_page_with_the_keyboard(page, world, indicators):
    continuity = indicators[0]
    batch = make_batch(world.region_a)
    for number in range(14):  # steady around the region's 38 %: inside the limits, no signal
        clinic = world.region_a.clinics.create(name=f"Extra {number:02d}", hsa_id=f"SE-EXTRA-{number}")
        add_proportions(continuity, batch, [(380, 1000), (390, 1000)] * 5, clinic=clinic)
    login(page, world.user("utveckling"))
    visit(page, f"/indikatorer/data/indikator/{continuity.pk}/")
    expect(page.get_by_text("Visar 1–12 av 16 vårdcentraler.")).to_be_visible()
    # A1 lies outside the limits with a shift: first, though its name sorts after the Extra clinics.
    first_chart = page.locator("[data-chart^='klinik-']").first
    expect(first_chart).to_have_id(f"klinik-{world.clinic_a1.pk}")
    pages = page.get_by_role("navigation", name="Sidor med vårdcentraler")
    expect(pages.get_by_role("link")).to_have_text(["Sida 2", "Nästa"], use_inner_text=False)
    pages.get_by_role("link", name="Nästa").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"sida=2#runs-heading$"))
    expect(page.get_by_text("Visar 13–16 av 16 vårdcentraler.")).to_be_visible()
    expect(pages.get_by_role("link")).to_have_text(["Föregående", "Sida 1"], use_inner_text=False)
    assert_accessible(page, context="second page of run charts")
    search = page.get_by_role("searchbox", name="Sök vårdcentral")
    search.fill("extra 07")
    search.press("Enter")
    page.wait_for_url(re.compile(r"sok=extra\+07"))
    expect(page.get_by_text("Visar 1–1 av 1 vårdcentral.")).to_be_visible()
    expect(page.locator("#tratt .main-svg").first).to_be_visible()  # the funnel keeps every clinic
    expect(page.get_by_role("searchbox", name="Sök vårdcentral")).to_have_value("extra 07")
    assert_accessible(page, context="search by name")
    page.get_by_role("link", name="Visa alla vårdcentraler").click()
    flagged = page.get_by_role("checkbox", name=re.compile(r"^Bara vårdcentraler med icke-slumpmässig variation"))
    expect(flagged).to_have_accessible_name(re.compile(r"\(1 av 16\)$"))
    expect(page.get_by_text("Visar 1–12 av 16 vårdcentraler.")).to_be_visible()
    assert_accessible(page, context="search cleared")
    flagged.focus()
    page.keyboard.press("Space")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"avvikande=on"))
    expect(page.get_by_text("Visar 1–1 av 1 vårdcentral.")).to_be_visible()
    chart = page.locator(f"#klinik-{world.clinic_a1.pk}")
    expect(chart.locator(".main-svg").first).to_be_visible()
    chart_block = page.locator("figure", has=chart).locator("xpath=..")
    expect(chart_block).to_contain_text("Trattdiagrammet: Över 99,8 %-gränsen")
    assert_accessible(page, context="only flagged clinics")


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
    expect(status).to_have_text("Bild 3 av 3: Läkemedelsgenomgång 75+")
    # The address follows the slide (history.replaceState), so a link to it opens the same slide.
    expect(page).to_have_url(re.compile(rf"#bild-{indicators[1].pk}$"))


def test_presentation_mode_keeps_focus_visible_and_respects_reduced_motion(page, world, indicators):
    page.emulate_media(reduced_motion="reduce")
    login(page, world.user("staff_a1"))
    visit(page, clinic_path(world, f"visning/#bild-{indicators[0].pk}"))
    slide = page.locator(f"#bild-{indicators[0].pk}")
    expect(slide).to_be_visible()
    expect(slide).to_have_css("animation-name", "none")
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


def _source_indicator(world, name: str, source_name: str):
    """An indicator from another data source, so the clinic page shows two tables."""
    indicator = make_indicator(name, source=make_source(source_name))
    batch = make_batch(world.region_a)
    add_proportions(indicator, batch, [(500 + i, 1000) for i in range(10)], clinic=world.clinic_a1)
    add_values(indicator, batch, [50.0] * 10, region=world.region_a)
    add_values(indicator, batch, [49.0] * 10)
    return indicator


def test_clinic_page_fits_a_tablet_with_every_comparison_in_words(page, world, indicators):
    _source_indicator(world, "Väntetid till läkare", "Väntetider i vården")
    page.set_viewport_size({"width": 768, "height": 1024})
    login(page, world.user("bestallare"))
    visit(page, clinic_path(world))
    # Nothing to scroll sideways, on the page or in the tables' own boxes.
    assert page.evaluate("document.documentElement.scrollWidth") <= 768
    assert page.evaluate(
        "[...document.querySelectorAll('.table-responsive')].every(box => box.scrollWidth <= box.clientWidth)"
    )
    continuity = page.locator(f"#indikator-{indicators[0].pk}")
    # Each indicator is a block, but still a row of a table: its name is the row header, its cells keep theirs.
    expect(continuity.get_by_role("rowheader")).to_contain_text("Kontinuitet läkare")
    expect(page.get_by_role("table", name="Indikatorer från Vården i siffror")).to_be_visible()
    for text in ("Bättre än regionen", "Regionen: 38,0\u00a0%", "Bättre än riket", "Riket: 36,0\u00a0%",
                 "Kvinnor: 41,7\u00a0%", "Män: 34,6\u00a0%", "95 % KI 41,9–48,1 %"):
        shown = continuity.get_by_text(text).first
        expect(shown).to_be_visible()
        box = shown.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 768, text
    for row in page.locator("tbody tr[id^='indikator-']").all():
        marks = row.locator(".cmp")
        expect(marks).to_have_count(2)
        for mark in marks.all():
            box = mark.bounding_box()
            assert box["x"] + box["width"] <= 768
    # The column headers are read by screen readers, not shown above the blocks.
    expect(page.get_by_role("columnheader", name="Jämfört med riket")).to_have_count(2)
    assert page.locator(".indicator-table thead").first.bounding_box()["height"] <= 1


def test_clinic_page_tables_line_up_their_columns_on_a_laptop(page, world, indicators):
    _source_indicator(world, "Väntetid till läkare med ett mycket långt namn som bryts", "Väntetider i vården")
    login(page, world.user("bestallare"))
    visit(page, clinic_path(world))
    tables = page.locator(".indicator-table")
    expect(tables).to_have_count(2)
    lefts = [
        table.evaluate("t => [...t.querySelectorAll('thead th')].map(th => Math.round(th.getBoundingClientRect().left))")
        for table in tables.all()
    ]
    assert lefts[0] == lefts[1] and len(lefts[0]) == 7
    # The header row is a visible row of column headers at this width.
    expect(page.get_by_role("columnheader", name="Jämfört med riket").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280


def test_the_library_forms_are_accessible(page, world):
    """An administrator's forms for the region's own data sources and indicators (axe-core on each)."""
    from tests.indicators.routes import own_indicator, own_source

    source, indicator = own_source(world), own_indicator(world)
    login(page, world.user("admin"))
    for path in [
        "/indikatorer/kallor/ny/",
        f"/indikatorer/kallor/{source.pk}/andra/",
        "/indikatorer/bibliotek/ny/",
        f"/indikatorer/bibliotek/{indicator.pk}/andra/",
    ]:
        visit(page, path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
