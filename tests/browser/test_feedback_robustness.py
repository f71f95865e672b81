"""Shared feedback in Chromium where the stored version is older or less complete than today's: a version shared
before charts were drawn for the screen reads as well on a tablet as a new one, and a stored file that is missing
gives a page in Swedish that says so (axe-core checks every page)."""

import pytest
from playwright.sync_api import expect

from feedback import services
from feedback.models import SharedFile
from tests.browser.conftest import assert_accessible, login, visit
from tests.browser.test_feedback import SMALLEST_CHART_TEXT
from tests.feedback.factories import report


@pytest.fixture
def old_version(world):
    """A version whose snapshot holds only the PDF's drawing of its charts, as versions shared before
    ``screen_svg`` existed do."""
    version = services.feedback_share(report=report(world, charts=2), user=world.user("bestallare"))
    for chart in version.snapshot["charts"]:
        del chart["screen_svg"]
    version.save(update_fields=["snapshot"])
    return version


def test_an_old_versions_charts_read_at_12_px_or_more_on_a_tablet(tablet_page, world, old_version):
    login(tablet_page, world.user("staff_a1"))
    visit(tablet_page, f"/aterkoppling/version/{old_version.pk}/")
    images = tablet_page.locator("img.feedback-chart")
    expect(images).to_have_count(2)
    assert min(image.evaluate(SMALLEST_CHART_TEXT) for image in images.all()) >= 12
    assert max(box["x"] + box["width"] for box in (image.bounding_box() for image in images.all())) <= 768
    assert tablet_page.evaluate("document.documentElement.scrollWidth") <= 768  # nothing scrolls sideways


def test_a_missing_file_gives_a_page_in_swedish(page, world):
    version = services.feedback_share(report=report(world), user=world.user("bestallare"))
    SharedFile.objects.filter(version=version, format="pptx").delete()
    login(page, world.user("staff_a1"))
    visit(page, f"/aterkoppling/version/{version.pk}/")
    with page.expect_response(lambda response: response.url.endswith("/fil.pptx")) as answer:
        page.get_by_role("link", name="Ladda ner som PowerPoint").click()
    assert answer.value.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Filen saknas")
    expect(page.get_by_test_id("file-missing")).to_contain_text("PowerPoint-filen för version 1")
    assert_accessible(page, context="missing file")
    page.get_by_role("link", name="Läs version 1").click()
    expect(page.get_by_test_id("version-banner")).to_contain_text("Version 1")
