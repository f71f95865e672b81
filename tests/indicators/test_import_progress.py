"""What the polling batch page learns while an import or a rollback runs: the stage by name, and the write's
progress as it happens, with rows written and the time left, while the transaction is still open (PostgreSQL:
through a second connection; SQLite: through a progress file beside the database)."""

import pytest
from django.db import OperationalError, connection
from django.urls import reverse

from indicators.imports import batches, plan, write
from indicators.imports.jobs import progress
from indicators.imports.jobs.tasks import import_batch_rollback_process
from indicators.models import BatchStatus, ImportBatch, ImportStage, Observation
from tests.indicators.import_fixtures import generic_file, library, media, run_import  # noqa: F401 - fixtures

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="a second writer needs PostgreSQL")


def _rows(count: int) -> list[str]:
    return [f"PVK-01;SE-A{1 + index % 2};{2000 + index // 2};T;{40 + index % 7},5;;" for index in range(count)]


def _seen_when_comparing(monkeypatch) -> list[tuple[str, int]]:
    """(stage, progress) of the batch as stored when the import reads what is stored to compare with."""
    seen = []
    fetch_stored = plan.fetch_stored

    def spy(*args, **kwargs):
        seen.extend(ImportBatch.objects.values_list("stage", "progress"))
        return fetch_stored(*args, **kwargs)

    monkeypatch.setattr(plan, "fetch_stored", spy)
    return seen


def test_a_dry_run_names_the_comparison_and_ends_with_no_stage(world, run_import, monkeypatch):
    seen = _seen_when_comparing(monkeypatch)
    batch, _report = run_import(generic_file(*_rows(4)), dry_run=True)
    assert seen and set(seen) == {(ImportStage.COMPARE, write.COMPARE_FROM)}
    assert (batch.status, batch.stage, batch.progress) == (BatchStatus.PREVIEWED, "", 100)


def test_an_import_that_cannot_report_from_inside_its_transaction_names_comparing_and_writing_as_one_stage(
    world, run_import, monkeypatch
):
    """As on PostgreSQL inside a transaction someone else opened (the management command's): nothing from inside
    would reach the page, so the stage says both, unmeasured."""
    monkeypatch.setattr(progress, "_channel", lambda: None)
    seen = _seen_when_comparing(monkeypatch)
    batch, _report = run_import(generic_file(*_rows(4)))
    assert {stage for stage, _progress in seen} == {ImportStage.COMPARE_WRITE}
    assert (batch.status, batch.stage, batch.added_count) == (BatchStatus.DONE, "", 4)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_the_page_sees_the_write_advance_while_the_import_transaction_is_open(
    world, library, monkeypatch
):
    data = generic_file(*_rows(6))
    batch = ImportBatch.objects.create(
        region=world.region_a, user=world.user("admin"), file_name="fil.csv", checksum=write.sha256(data),
        file_size=len(data),
    )
    page = connection.copy()  # the polling page's own connection
    seen = []
    insert_observations = write.insert_observations

    def spy(cursor, rows, *, sent, **kwargs):
        def sent_and_look(count):
            sent(count)
            with page.cursor() as other:
                other.execute("SELECT stage, progress FROM indicators_importbatch WHERE id = %s", [batch.pk])
                stage, progress = other.fetchone()
                other.execute("SELECT count(*) FROM indicators_observation")
                seen.append((stage, progress, other.fetchone()[0]))

        insert_observations(cursor, rows, sent=sent_and_look, **kwargs)

    monkeypatch.setattr(write, "insert_observations", spy)
    monkeypatch.setattr(write, "_BLOCK_ROWS", 2)  # three blocks of two rows: three reports during the write
    try:
        write.observations_import(batch=batch, valid_rows_only=False, dry_run=False, content=data)
    finally:
        page.close()
    assert [stage for stage, _progress, _visible in seen] == [ImportStage.WRITE] * 3
    progress = [progress for _stage, progress, _visible in seen]
    assert write.WRITE_FROM < progress[0] < progress[1] < progress[2] == write.WRITE_TO
    assert [visible for _stage, _progress, visible in seen] == [0, 0, 0]  # the transaction was still open
    batch.refresh_from_db()
    assert (batch.status, batch.progress, Observation.objects.count()) == (BatchStatus.DONE, 100, 6)


def _status(client, batch):
    return client.get(reverse("indicators:batch_status", args=[batch.pk])).json()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the progress file is SQLite's channel")
def test_on_sqlite_the_page_sees_the_write_advance_with_rows_and_time_left(world, library, client_for, monkeypatch):
    """SQLite has one writer, so the import writes its progress to a file beside the database and the status
    page reads it over the batch's row: the stage, rows written of all, and an estimate of the time left."""
    data = generic_file(*_rows(6))
    batch = ImportBatch.objects.create(
        region=world.region_a, user=world.user("admin"), file_name="fil.csv", checksum=write.sha256(data),
        file_size=len(data), status=BatchStatus.QUEUED,
    )
    admin = client_for("admin")
    seen = []
    insert_observations = write.insert_observations

    def spy(cursor, rows, *, sent, **kwargs):
        def sent_and_look(count):
            sent(count)
            seen.append(_status(admin, batch))

        insert_observations(cursor, rows, sent=sent_and_look, **kwargs)

    monkeypatch.setattr(write, "insert_observations", spy)
    monkeypatch.setattr(write, "SQLITE_CHUNK", 2)  # three chunks of two rows: three reports during the write
    write.observations_import(batch=batch, valid_rows_only=False, dry_run=False, content=data)
    assert [state["stage"] for state in seen] == ["Skriver 2 av 6 värden…", "Skriver 4 av 6 värden…",
                                                  "Skriver 6 av 6 värden…"]
    assert write.WRITE_FROM < seen[0]["progress"] < seen[1]["progress"] < seen[2]["progress"] == write.WRITE_TO
    assert all(state["measured"] and state["active"] for state in seen)
    assert seen[0]["time_left"].startswith("cirka ") and seen[0]["time_left"].endswith(" kvar")
    batch.refresh_from_db()
    assert (batch.status, batch.progress, Observation.objects.count()) == (BatchStatus.DONE, 100, 6)
    assert not (progress.liveness.lock_directory() / f"batch-{batch.pk}.progress.json").exists()  # cleaned up


@pytest.mark.django_db(transaction=True)  # as in the worker: no transaction around the rollback's own
def test_a_large_rollback_in_the_worker_reports_its_progress(world, client_for, run_import, monkeypatch):
    """Rolled back in the worker chunk by chunk, a batch's page names how many values are put back of how many."""
    from indicators.imports import rollback

    batch, _report = run_import(generic_file(*_rows(6)))
    monkeypatch.setattr(batches, "ROLLBACK_INLINE_MAX_ROWS", 1)
    monkeypatch.setattr(rollback, "ROLLBACK_CHUNK", 2)
    admin = client_for("admin")
    seen = []
    windows = rollback._windows

    def windows_and_look(ids):  # the status after each chunk of rows the rollback removes
        for window in windows(ids):
            yield window
            seen.append(_status(admin, batch))

    monkeypatch.setattr(rollback, "_windows", windows_and_look)
    batches.import_batch_rollback_schedule(batch=batch, user=world.user("admin"))
    import_batch_rollback_process.call(batch.pk)
    assert [state["stage"] for state in seen] == [
        "Återställer 2 av 6 värden…", "Återställer 4 av 6 värden…", "Återställer 6 av 6 värden…"
    ]
    assert all(state["measured"] and state["active"] for state in seen)
    assert seen[0]["progress"] < seen[1]["progress"] < seen[2]["progress"]
    batch.refresh_from_db()
    assert batch.status == BatchStatus.ROLLED_BACK and not Observation.objects.exists()


def test_the_status_names_the_write_with_its_count_and_progress(world, client_for):
    batch = ImportBatch.objects.create(
        region=world.region_a, user=world.user("admin"), file_name="f.csv", checksum="0", status=BatchStatus.RUNNING,
        stage=ImportStage.WRITE, progress=84, added_count=1200, changed_count=34,
    )
    admin = client_for("admin")
    status = _status(admin, batch)
    assert (status["stage"], status["progress"], status["measured"]) == ("Skriver 1\xa0234 värden…", 84, True)
    page = admin.get(batch.get_absolute_url()).content.decode()
    assert "Skriver 1\xa0234 värden… – 84 %" in page and 'aria-valuenow="84"' in page


def test_a_stage_of_unknown_length_shows_an_indeterminate_bar_not_a_number(world, client_for):
    batch = ImportBatch.objects.create(
        region=world.region_a, user=world.user("admin"), file_name="f.csv", checksum="0", status=BatchStatus.RUNNING,
        stage=ImportStage.COMPARE_WRITE, progress=55,
    )
    admin = client_for("admin")
    status = _status(admin, batch)
    assert (status["stage"], status["measured"]) == ("Jämför med lagrade värden och skriver ändringarna…", False)
    page = admin.get(batch.get_absolute_url()).content.decode()
    assert "Jämför med lagrade värden och skriver ändringarna…<" in page
    # No measured width: the bar stays full width with moving stripes (its CSS), and no number is shown.
    assert "aria-valuenow" not in page and "data-progress-width" not in page and "55 %" not in page


# --- the import lock ------------------------------------------------------------------------------------------


@postgresql_only
def test_a_dry_run_does_not_wait_for_an_import_that_is_writing(world, run_import):
    """A dry run only reads, so it previews while another import holds the import lock; a real import waits
    for it (here: gives up after the lock timeout, which proves the lock was held)."""
    other_import = connection.copy()
    try:
        with other_import.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [write.IMPORT_LOCK_KEY])
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '3s'")
        data = generic_file(*_rows(2))
        batch, report = run_import(data, dry_run=True)
        assert (batch.status, report.added) == (BatchStatus.PREVIEWED, 2)
        with pytest.raises(OperationalError, match="lock timeout"):
            run_import(data)
    finally:
        other_import.close()
    assert not Observation.objects.exists()
