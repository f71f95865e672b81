"""What the polling batch page learns while an import runs: the stage by name, and on PostgreSQL the write's
progress as it happens (through a second connection, while the import's transaction is still open)."""

import pytest
from django.db import OperationalError, connection
from django.urls import reverse

from indicators.imports import plan, write
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
    """Here the import runs inside the test's transaction (as on SQLite, whose single writer rules out a
    second connection): nothing from inside would reach the page, so the stage says both, unmeasured."""
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
    assert "aria-valuenow" not in page and "width: 100%" in page and "55 %" not in page


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
