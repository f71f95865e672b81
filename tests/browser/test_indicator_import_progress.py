"""The batch page of a running import follows it without a reload: each stage by name, a bar that moves
while the write reports progress (values written of all, the time left), an indeterminate bar where it cannot,
and the result once it is done –
axe-core on every page. The test plays the worker by writing what an import writes to its batch."""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from indicators.models import BatchStatus, ImportBatch, ImportStage
from tests.browser.conftest import assert_accessible, login, visit


def test_the_batch_page_names_each_stage_and_moves_or_animates_its_bar(page, world):
    batch = ImportBatch.objects.create(
        region=world.region_a, user=world.user("admin"), file_name="riket.csv", checksum="0",
        status=BatchStatus.RUNNING, stage=ImportStage.MATCH, progress=40,
    )
    running = ImportBatch.objects.filter(pk=batch.pk)
    login(page, world.user("admin"))
    visit(page, batch.get_absolute_url())
    status = page.get_by_role("status")
    bar = page.get_by_role("progressbar", name="Filen granskas")
    expect(status).to_have_text("Matchar indikatorer och enheter… – 40 %")
    expect(bar).to_have_attribute("aria-valuenow", "40")

    running.update(stage=ImportStage.WRITE, progress=84, added_count=1200, changed_count=34)
    expect(status).to_have_text("Skriver 1\xa0234 värden… – 84 %")
    expect(bar).to_have_attribute("aria-valuenow", "84")
    assert_accessible(page, context="writing")

    running.update(rows_written=1200, rows_to_write=2400, write_started_at=timezone.now() - timedelta(seconds=10))
    expect(status).to_have_text(re.compile(r"^Skriver 1\xa0200 av 2\xa0400 värden… – 84 % – cirka \d+ sekunder kvar$"))
    assert_accessible(page, context="writing, with the time left")

    running.update(stage=ImportStage.COMPARE_WRITE, progress=55)
    expect(status).to_have_text("Jämför med lagrade värden och skriver ändringarna…")
    assert bar.get_attribute("aria-valuenow") is None
    assert_accessible(page, context="stage of unknown length")

    running.update(status=BatchStatus.PREVIEWED, stage="", progress=100)
    expect(page.get_by_role("heading", name="Filen granskas")).to_have_count(0)  # reloaded with the result
    page.wait_for_load_state("load")
    assert_accessible(page, context="previewed")
