"""The page of an import whose worker dies while the administrator watches it turns, by itself, into a clear
failure ("nothing has changed, start it again") once a worker has looked for interrupted work (the page only
reads), and one button runs the import again from the stored file – axe-core on every page. The test plays the
worker by holding the batch's lock, its death by letting go, and another worker's periodic look by calling it."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from indicators import content, imports
from indicators.models import BatchStatus, ImportBatch, ImportStage, Observation
from indicators.management.commands.worker import recover_once
from tests.browser.conftest import assert_accessible, login, visit
from tests.indicators.import_fixtures import generic_file, worker_alive


def test_an_import_whose_worker_dies_fails_on_its_page_and_starts_again_with_one_button(
    page, world, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    content.load()
    admin = world.user("admin")
    batch = imports.import_batch_create_from_bytes(
        region=world.region_a, user=admin, file_name="värden.csv",
        content=generic_file("PVK-01;SE-A1;2023;T;41,7;1251;3000", "PVK-01;SE-A2;2023;T;50,0;;"),
    )
    an_hour_ago = timezone.now() - timedelta(hours=1)
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.RUNNING, stage=ImportStage.COMPARE_WRITE, progress=55, confirmed_at=an_hour_ago,
        queued_at=an_hour_ago, started_at=an_hour_ago,
    )
    login(page, admin)
    with worker_alive(batch):  # a slow import, an hour in, still alive: the page follows it
        visit(page, batch.get_absolute_url())
        expect(page.get_by_role("heading", name="Importen pågår")).to_be_visible()
        expect(page.get_by_role("status")).to_have_text("Jämför med lagrade värden och skriver ändringarna…")
        assert_accessible(page, context="running")
    # The worker is gone (its lock with it). Until a worker looks, the page still shows what the batch says;
    # once one has marked it, the polling page reloads with the failure.
    expect(page.get_by_role("heading", name="Importen pågår")).to_be_visible()
    assert [found.pk for found in recover_once()] == [batch.pk]
    alert = page.get_by_role("status")
    expect(alert).to_contain_text("Importen avbröts innan den blev klar — ingenting har ändrats. Starta den igen.")
    page.wait_for_load_state("load")
    assert_accessible(page, context="interrupted")
    assert not Observation.objects.exists()

    page.get_by_role("button", name="Starta importen igen").click()  # a small file runs during the request
    page.wait_for_load_state("load")
    expect(page.get_by_role("status")).to_contain_text("Klar.")
    assert_accessible(page, context="done after starting again")
    assert Observation.objects.filter(batch=batch).count() == 2
