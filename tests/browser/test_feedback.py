"""The feedback deck in Chromium: the team writes and reorders points (keyboard buttons), shares; the clinic
opens what was shared, comments on a section and acknowledges; the team sees the comment; another clinic's
user gets 404. axe-core checks every page and state."""

import re

import pytest
from playwright.sync_api import expect

from feedback.models import ClinicComment, FeedbackReport, SharedVersion
from tests.browser.conftest import assert_accessible, login, new_page, visit
from tests.feedback.factories import held_dialogue


@pytest.fixture
def dialogue(world):
    return held_dialogue(world)


def test_team_shares_and_the_clinic_comments_and_acknowledges(page, second_context, world, dialogue):
    # The team starts the feedback from the overview; it is prefilled from the dialogue's summary.
    login(page, world.user("bestallare"))
    visit(page, "/aterkoppling/")
    page.get_by_role("button", name="Skriv återkoppling till Vårdcentral A1").click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="new report")
    strengths = page.locator("#section-strengths")
    expect(strengths).to_contain_text("Stabilt läkarlag")

    # Edit a section: add a point and move it to the top with the keyboard buttons.
    strengths.get_by_role("link", name="Redigera Ett urval av styrkorna i verksamheten").click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="section form, enhanced list")
    page.get_by_role("button", name="Lägg till en punkt").click()
    page.get_by_role("textbox", name="Punkt 3", exact=True).fill("Engagerade medarbetare <b>på riktigt</b>")
    page.get_by_role("button", name="Flytta punkt 3 uppåt").press("Enter")
    expect(page.get_by_role("status").first).to_have_text("Punkt 3 är nu punkt 2.")
    page.get_by_role("button", name="Flytta punkt 2 uppåt").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("textbox", name="Punkt 1", exact=True)).to_have_value("Engagerade medarbetare <b>på riktigt</b>")
    assert_accessible(page, context="after moving a point")
    page.get_by_role("button", name="Spara avsnittet").click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="report after saving")
    expect(page.locator("#section-strengths li").first).to_have_text("Engagerade medarbetare <b>på riktigt</b>")

    # Share it.
    page.get_by_role("link", name="Dela med vårdcentralen").click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="share form")
    expect(page.get_by_text("staff_a1@example.org")).to_be_visible()
    page.get_by_label("Meddelande till vårdcentralen").fill("Tack för en givande dag!")
    page.get_by_role("button", name="Dela nu").click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="shared version, team")
    version = SharedVersion.objects.get(report=FeedbackReport.objects.get(dialogue=dialogue))
    expect(page).to_have_url(re.compile(rf"/aterkoppling/version/{version.pk}/$"))

    # The clinic opens it, comments on a section and acknowledges.
    clinic = new_page(second_context)
    login(clinic, world.user("staff_a1"))
    visit(clinic, "/aterkoppling/")
    clinic.get_by_role("link", name="Version 1, delad").click()
    clinic.wait_for_load_state("load")
    assert_accessible(clinic, context="shared version, clinic")
    expect(clinic.get_by_text("Tack för en givande dag!")).to_be_visible()
    clinic.get_by_label("Kommentera ”Ett urval av styrkorna i verksamheten”").fill("Vi känner igen oss!")
    clinic.locator("#section-strengths").get_by_role("button", name="Skicka kommentar").click()
    clinic.wait_for_load_state("load")
    assert_accessible(clinic, context="after commenting")
    expect(clinic.locator("#section-strengths [data-testid=comment]")).to_contain_text("Vi känner igen oss!")
    clinic.get_by_role("button", name="Vi har tagit del av återkopplingen").click()
    clinic.wait_for_load_state("load")
    assert_accessible(clinic, context="after acknowledging")
    expect(clinic.get_by_test_id("acknowledgements")).to_contain_text("Kvitterad av Stina A1")
    assert ClinicComment.objects.get().section_key == "strengths"

    # The team sees the comment and answers it.
    page.reload()
    assert_accessible(page, context="team sees the comment")
    comment = page.locator("#section-strengths [data-testid=comment]")
    expect(comment).to_contain_text("Vi känner igen oss!")
    comment.get_by_label("Svara Stina A1").fill("Tack, vi ses på videomötet.")
    comment.get_by_role("button", name="Skicka svar").click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="after replying")
    expect(page.get_by_test_id("reply")).to_contain_text("Tack, vi ses på videomötet.")

    # Another clinic's user gets 404, for the page and the file.
    outsider = new_page(second_context)
    second_context.clear_cookies()
    login(outsider, world.user("staff_a2"))
    response = outsider.goto(f"/aterkoppling/version/{version.pk}/")
    assert response.status == 404
    assert_accessible(outsider, context="404 for another clinic")
    assert outsider.request.get(f"/aterkoppling/version/{version.pk}/fil.pptx").status == 404


def test_the_administrator_sets_the_theme_and_the_team_chooses_charts(page, world, dialogue):
    from feedback import services
    from feedback.models import RegionTheme
    from tests.feedback.factories import indicators_with_data

    indicators_with_data(world, 2)
    report = services.feedback_create(dialogue=dialogue, user=world.user("bestallare"))
    login(page, world.user("admin"))
    visit(page, "/aterkoppling/utseende/")
    page.get_by_label("Huvudfärg").fill("#ffd700")  # too light for text on white
    page.get_by_role("button", name="Spara").click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="theme refused")
    expect(page.get_by_text("Huvudfärgen har kontrasten")).to_be_visible()
    page.get_by_label("Huvudfärg").fill("#0b6e4f")
    page.get_by_label("Typsnitt").select_option("Georgia")
    page.get_by_role("button", name="Spara").click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="theme saved")
    assert RegionTheme.objects.get(region=world.region_a).font == "Georgia"

    visit(page, f"/aterkoppling/{report.pk}/diagram/")
    page.get_by_label("Indikator 2 (Vården i siffror)").check()
    page.get_by_role("button", name="Spara valet").click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="charts chosen")
    expect(page.locator("#charts")).to_contain_text("Indikator 2")


def _heights(page, locator) -> list[float]:
    return [box["height"] for box in (element.bounding_box() for element in locator.all()) if box]


def test_buttons_are_44_px_tall_on_a_touch_screen_and_compact_with_a_mouse(tablet_page, page, world):
    from tests.feedback.factories import report, shared_version

    version = shared_version(world)
    login(tablet_page, world.user("bestallare"))
    visit(tablet_page, f"/aterkoppling/{report(world).pk}/")
    edit = tablet_page.get_by_role("link", name="Redigera Ett urval av styrkorna i verksamheten")
    expect(edit).to_be_visible()
    assert edit.bounding_box()["height"] >= 44
    assert min(_heights(tablet_page, tablet_page.locator("main .btn"))) >= 44
    assert tablet_page.evaluate("document.documentElement.scrollWidth") <= 768

    tablet_page.context.clear_cookies()
    login(tablet_page, world.user("staff_a1"))
    visit(tablet_page, f"/aterkoppling/version/{version.pk}/")
    send = tablet_page.locator("#section-strengths").get_by_role("button", name="Skicka kommentar")
    assert send.bounding_box()["height"] >= 44
    assert min(_heights(tablet_page, tablet_page.locator("main .btn"))) >= 44

    # With a mouse the small buttons stay small.
    login(page, world.user("staff_a1"))
    visit(page, f"/aterkoppling/version/{version.pk}/")
    assert page.locator("#section-strengths").get_by_role("button", name="Skicka kommentar").bounding_box()["height"] < 36


# The chart is a data: URI, read here without fetch (the Content-Security-Policy's connect-src is the site only).
SMALLEST_CHART_TEXT = """image => {
    const [meta, data] = image.src.split(/,(.*)/s);
    const source = meta.endsWith(";base64")
        ? new TextDecoder().decode(Uint8Array.from(atob(data), character => character.charCodeAt(0)))
        : decodeURIComponent(data);
    const svg = new DOMParser().parseFromString(source, "image/svg+xml").documentElement;
    const base = Number(svg.getAttribute("font-size"));
    const sizes = [...svg.querySelectorAll("text")].map(text => Number(text.getAttribute("font-size") || base));
    return Math.min(...sizes) * image.getBoundingClientRect().width / svg.viewBox.baseVal.width;
}"""


def test_chart_text_on_a_tablet_is_at_least_12_px(tablet_page, world):
    from feedback import services
    from tests.feedback.factories import report

    version = services.feedback_share(report=report(world, charts=2), user=world.user("bestallare"))
    login(tablet_page, world.user("staff_a1"))
    visit(tablet_page, f"/aterkoppling/version/{version.pk}/")
    images = tablet_page.locator("img.feedback-chart")
    expect(images).to_have_count(2)
    for image in images.all():
        image.scroll_into_view_if_needed()
        assert image.evaluate(SMALLEST_CHART_TEXT) >= 12
        assert image.bounding_box()["x"] + image.bounding_box()["width"] <= 768
    assert tablet_page.evaluate("document.documentElement.scrollWidth") <= 768
