"""At tablet width (768 px, an iPad in portrait) pages never scroll sideways; a wide table scrolls in its own box."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, login, visit, wait_for


def test_member_list_fits_a_tablet_with_its_actions_in_view(page, world):
    page.set_viewport_size({"width": 768, "height": 1024})
    login(page, world.user("admin"))
    visit(page, "/medlemmar/")
    # The cells' visually hidden text once widened the whole page past the table's scrolling box.
    assert page.evaluate("document.documentElement.scrollWidth") <= 768
    edit = page.get_by_role("link", name="Ändra").first
    box = edit.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 768


def test_a_table_wider_than_its_box_is_a_named_focusable_region(page, world):
    page.set_viewport_size({"width": 768, "height": 1024})
    login(page, world.user("admin"))
    visit(page, "/medlemmar/")
    page.evaluate("""() => {
        const box = document.querySelector('.table-responsive');
        box.querySelector('table').style.minWidth = '1200px';
    }""")
    region = page.get_by_role("region", name="Personer med roller i Region A")
    region.wait_for()
    expect(region).to_have_attribute("tabindex", "0")
    assert_accessible(page, context="scrolling table")
    page.evaluate("document.querySelector('.table-responsive table').style.minWidth = ''")
    wait_for(page, "!document.querySelector('.table-responsive').hasAttribute('role')")


def test_a_wide_table_named_by_its_heading_scrolls_as_a_region_with_that_name(page, world):
    from tests.dialogs.dialogue_factories import plan

    dialogue = plan(world)
    page.set_viewport_size({"width": 768, "height": 1024})
    login(page, world.user("bestallare"))
    visit(page, f"/dialoger/{dialogue.pk}/")
    page.evaluate("document.querySelector('.agenda-table').style.minWidth = '1200px'")
    # The section around it is a region with the same name; the scrolling box is the one inside.
    region = page.locator(".table-responsive[role=region]")
    region.wait_for()
    expect(region).to_have_accessible_name("Dagens program")
    expect(region).to_have_attribute("tabindex", "0")
    assert_accessible(page, context="agenda scrolling")


def test_landscape_tablet_menu_fits_and_opens_with_the_keyboard(page, world):
    """At 1024 px (an iPad in landscape) the full menu once ran 1,100 px wide: the user's menu sat off-screen
    and every page scrolled sideways. Below 1200 px the menu now folds behind its button."""
    page.set_viewport_size({"width": 1024, "height": 768})
    login(page, world.user("bestallare"))
    visit(page, "/dialoger/oversikt/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    toggle = page.get_by_role("button", name="Visa meny")
    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    # Measure the opened menu, not one still unfolding (Bootstrap swaps "collapsing" for "show" at the end).
    expect(page.locator("#main-nav")).to_have_class(re.compile(r"(^|\s)show(\s|$)"))
    user = world.user("bestallare")
    account = page.get_by_role("button", name=user.get_full_name() or user.username)
    expect(account).to_be_visible()
    box = account.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 1024
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    assert_accessible(page, context="menu open")
