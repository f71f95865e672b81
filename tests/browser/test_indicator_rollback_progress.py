"""An administrator rolls back a large import: the batch page names the rollback under way with an
indeterminate bar, and turns into the result by itself once the worker is done – axe-core on every page."""

from playwright.sync_api import expect

from indicators import content, imports
from indicators.models import BatchStatus, ImportBatch, Observation
from indicators.imports import batches
from indicators.imports.jobs.tasks import import_batch_rollback_process
from tests.browser.conftest import assert_accessible, login, visit
from tests.indicators.import_fixtures import generic_file


def test_a_large_rollback_runs_in_the_background_and_the_page_follows_it(page, world, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    # The worker is not running: the task waits until the test plays the worker below.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    monkeypatch.setattr(batches, "ROLLBACK_INLINE_MAX_ROWS", 1)
    content.load()
    admin = world.user("admin")
    batch = imports.import_batch_create_from_bytes(
        region=world.region_a, user=admin, file_name="värden.csv",
        content=generic_file("PVK-01;SE-A1;2023;T;41,7;1251;3000", "PVK-01;SE-A2;2023;T;50,0;;"),
    )
    imports.observations_import(batch=batch, valid_rows_only=False, dry_run=False)
    assert Observation.objects.count() == 2

    login(page, admin)
    visit(page, batch.get_absolute_url())
    page.get_by_role("link", name="Återställ importen…").click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="rollback page")
    expect(page.get_by_text("återställningen görs i bakgrunden")).to_be_visible()
    page.get_by_role("button", name="Återställ importen").click()
    page.wait_for_load_state("load")
    assert_accessible(page, context="rolling back")
    expect(page.get_by_role("heading", name="Importen återställs")).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("Återställer värdena…")
    bar = page.get_by_role("progressbar", name="Importen återställs")
    expect(bar).to_be_visible()
    assert bar.get_attribute("aria-valuenow") is None  # indeterminate: no number that could stand still
    assert ImportBatch.objects.get(pk=batch.pk).status == BatchStatus.ROLLING_BACK
    assert Observation.objects.count() == 2

    import_batch_rollback_process.call(batch.pk)  # the worker takes the task
    expect(page.get_by_role("status")).to_contain_text("Återställd.")  # the page polled and reloaded itself
    page.wait_for_load_state("load")
    assert_accessible(page, context="rolled back")
    assert Observation.objects.count() == 0
