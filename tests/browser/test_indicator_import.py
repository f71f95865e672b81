"""An administrator uploads a file, reads the preview, imports it and sees the batch – every page checked
with axe-core."""

from playwright.sync_api import expect

from indicators import content
from indicators.models import Observation
from tests.browser.conftest import assert_accessible, login, visit
from tests.indicators.import_fixtures import generic_file


def test_upload_preview_import_and_batch_page(page, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    content.load()
    path = tmp_path / "värden.csv"
    path.write_bytes(generic_file("PVK-01;SE-A1;2023;T;41,7;1251;3000", "PVK-01;SE-OKAND;2023;T;fyrtio;;",
                                  encoding="cp1252"))
    login(page, world.user("admin"))
    visit(page, "/indikatorer/")
    visit(page, "/indikatorer/bibliotek/")
    visit(page, "/indikatorer/kallor/")
    visit(page, "/indikatorer/importer/ny/")
    page.get_by_label("Fil med indikatorvärden").set_input_files(str(path))
    page.get_by_role("button", name="Ladda upp och granska").click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="preview")
    expect(page.get_by_role("cell", name="värde", exact=True)).to_be_visible()
    page.get_by_role("button", name="Importera").click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="confirm refused")
    assert Observation.objects.count() == 0
    page.get_by_label("Importera bara giltiga rader").check()
    page.get_by_role("button", name="Importera").click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="done")
    expect(page.get_by_test_id("count-added")).to_have_text("1")
    assert Observation.objects.count() == 1
    page.get_by_role("link", name="Återställ importen…").click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="rollback")
    page.get_by_role("button", name="Återställ importen").click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="rolled back")
    assert Observation.objects.count() == 0
    visit(page, "/indikatorer/importer/")
