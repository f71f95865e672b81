"""Issue 15 §3 and §4 in Chromium: an administrator sets the region's retention rule, reviews the dry run and
confirms it, removes a person who left; a person downloads their own register extract; the team downloads a closed
dialogue's archive package and orders a year's export, whose progress bar moves by itself until the file is offered.
axe-core checks every page on the way."""

import datetime
import json

from django.utils import timezone
from playwright.sync_api import expect

from archive.models import ArchiveExport, ExportStatus
from dialogs.models import Answer
from privacy.models import RetentionBatch
from tests.browser.conftest import assert_accessible, login, visit
from tests.privacy.factories import SECRET, full_dialogue


def test_an_administrator_reviews_and_confirms_the_retention_and_removes_a_person(page, world):
    dialogue = full_dialogue(world, years_ago=6)
    login(page, world.user("admin"))
    page.get_by_role("link", name="Personuppgifter", exact=True).click()
    expect(page.get_by_role("heading", name="Personuppgifter i Region A")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Ändra gallringsregeln").click()
    assert_accessible(page)
    page.get_by_label("År efter att dialogen avslutades").fill("5")
    page.get_by_label("Fritexten tas bort").check()
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_text("Gallringsregeln är sparad.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Visa vad som ska gallras").click()
    expect(page.get_by_role("row", name="Vårdcentral A1")).to_contain_text("svar: 3")
    assert_accessible(page)
    assert Answer.objects.filter(dialogue=dialogue, text__contains=SECRET).exists()  # a dry run removes nothing
    page.get_by_role("button", name="Bekräfta gallringen").click()
    expect(page.get_by_role("heading", name="Gallring")).to_be_visible()
    expect(page.get_by_role("row", name="Vårdcentral A1")).to_contain_text("svar: 3")
    assert_accessible(page)
    assert RetentionBatch.objects.get().status == "done"
    assert not Answer.objects.filter(dialogue=dialogue, text__contains=SECRET).exists()

    visit(page, "/integritet/")
    page.get_by_role("link", name="Ta bort Sven A2 ur tjänsten").click()
    expect(page.get_by_test_id("removal-preview")).to_contain_text("Rollerna avslutas i: Region A.")
    assert_accessible(page)
    page.get_by_role("button", name="Ta bort personen").click()
    expect(page.get_by_text("Personen är borttagen ur tjänsten.")).to_be_visible()
    assert_accessible(page)
    expect(page.get_by_role("link", name="Ta bort Sven A2 ur tjänsten")).to_have_count(0)


def test_a_person_downloads_their_own_register_extract(page, world):
    login(page, world.user("staff_a1"))
    page.get_by_role("button", name="Stina A1").click()
    page.get_by_role("link", name="Mina personuppgifter").click()
    expect(page.get_by_role("heading", name="Mina personuppgifter")).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Ladda ner registerutdrag (JSON)").click()
    extract = json.loads(open(download.value.path(), encoding="utf-8").read())
    assert extract["konto"]["användarnamn"] == "staff_a1"


def test_the_team_exports_a_dialogue_and_a_year_and_watches_the_progress(page, world):
    dialogue = full_dialogue(world, years_ago=0)
    login(page, world.user("utveckling"))
    visit(page, f"/dialoger/{dialogue.pk}/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Ladda ner arkivpaketet (ZIP)").click()
    assert download.value.suggested_filename.startswith("arkiv-") and download.value.suggested_filename.endswith(".zip")

    # An export under way: the bar shows how far it has come and moves on its own until the file is offered.
    export = ArchiveExport.objects.create(region=world.region_a, year=dialogue.date.year, status=ExportStatus.RUNNING,
                                          done=1, total=4, requested_by=world.user("utveckling"))
    visit(page, f"/arkiv/exporter/{export.pk}/")
    expect(page.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "25")
    ArchiveExport.objects.filter(pk=export.pk).update(done=3)
    expect(page.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "75")
    expect(page.get_by_role("status")).to_have_text("3 av 4 dialoger – 75 %")
    ArchiveExport.objects.filter(pk=export.pk).update(
        status=ExportStatus.DONE, done=4, file_name="saknas.zip", sha256="0" * 64,
        expires_at=timezone.now() + datetime.timedelta(days=1))
    expect(page.get_by_role("link", name="Ladda ner arkivpaketet (ZIP)")).to_be_visible()
    assert_accessible(page)

    ArchiveExport.objects.all().delete()
    page.get_by_role("link", name="Arkiv", exact=True).click()
    assert_accessible(page)
    page.get_by_label("År").select_option(str(dialogue.date.year))
    page.get_by_role("button", name="Exportera året").click()
    expect(page.get_by_role("link", name="Ladda ner arkivpaketet (ZIP)")).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as year_download:
        page.get_by_role("link", name="Ladda ner arkivpaketet (ZIP)").click()
    assert year_download.value.suggested_filename == f"arkiv-Region-A-{dialogue.date.year}.zip"
