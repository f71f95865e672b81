"""An import or rollback whose worker died (OOM kill, deploy restart, reboot) does not show "running" for ever:
the worker (``manage.py worker``, at start and every minute) or ``import_batches_recover`` marks it interrupted –
nothing was written – and it can be started again. One that is alive never is. Pages only read.

A dead worker is simulated by leaving the rows as a killed one leaves them (the batch *running* or waiting, the
task claimed or failed) with nobody holding the batch's lock; a live one by holding that lock
(``worker_alive``). Times are set in the past, or the clock passed to the service, rather than waited for."""

import os
import signal
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.tasks import TaskResultStatus
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from indicators.imports import batches, plan, write
from indicators.imports.jobs import liveness, recovery, tasks
from indicators.models import BatchStatus, ImportBatch, Observation
from indicators.imports.jobs.tasks import import_batch_process, import_batch_rollback_process
from indicators.management.commands.worker import recover_once
from tests.indicators.import_fixtures import generic_file, library, media, run_import, worker_alive  # noqa: F401

INTERRUPTED = "Importen avbröts innan den blev klar — ingenting har ändrats. Starta den igen."
LONG_AGO = timedelta(hours=3)


def _batch(world, *, status=BatchStatus.RUNNING, confirmed=True, waited=LONG_AGO, data=None, **fields):
    """A batch as the worker left it; with ``data``, its file is stored as an upload's is."""
    data = data or generic_file("PVK-01;SE-A1;2023;T;41,7;;", "PVK-01;SE-A2;2023;T;50,0;;")
    batch = batches.import_batch_create_from_bytes(
        region=world.region_a, user=world.user("admin"), file_name="stor.csv", content=data
    )
    since = timezone.now() - waited
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=status, queued_at=since, confirmed_at=since if confirmed else None, started_at=since, **fields
    )
    batch.refresh_from_db()
    return batch


def _task(batch, status, *, claimed_ago=LONG_AGO, task=import_batch_process):
    """The task row django-tasks-db keeps for the batch: READY until a worker claims it (RUNNING, with the
    worker's id); a worker killed by SIGKILL leaves it RUNNING, one stopped by force marks it FAILED."""
    return DBTaskResult.objects.create(
        args_kwargs={"args": [batch.pk], "kwargs": {}},
        task_path=task.module_path,
        backend_name="default",
        run_after=timezone.now() - claimed_ago,
        status=status,
        started_at=None if status == TaskResultStatus.READY else timezone.now() - claimed_ago,
        worker_ids=[] if status == TaskResultStatus.READY else ["worker-1"],
    )


def _status(client, batch):
    return client.get(reverse("indicators:batch_status", args=[batch.pk])).json()


def _worker_looks():
    """The worker's periodic look for interrupted work (``manage.py worker``)."""
    return recover_once()


# --- a running import ---------------------------------------------------------------------------------------------


def test_an_import_whose_worker_was_killed_fails_once_the_worker_looks_and_says_nothing_changed(
    world, library, client_for
):
    batch = _batch(world, stage="write", progress=84)
    _task(batch, TaskResultStatus.RUNNING)  # SIGKILL: the task row still says running
    admin = client_for("admin")
    assert [found.pk for found in _worker_looks()] == [batch.pk]
    status = _status(admin, batch)
    assert (status["active"], status["status"], status["label"]) == (False, BatchStatus.FAILED, "misslyckades")
    page = admin.get(batch.get_absolute_url()).content.decode()
    assert INTERRUPTED in page and "alert-danger" in page and "Starta importen igen" in page
    assert reverse("indicators:batch_restart", args=[batch.pk]) in page
    batch.refresh_from_db()
    assert (batch.progress, batch.stage, batch.interrupted_at is not None) == (100, "", True)
    assert not Observation.objects.exists()


def test_an_import_with_a_live_worker_is_never_marked_however_long_it_takes(world, library, client_for):
    batch = _batch(world, waited=timedelta(days=2), stage="compare_write")
    _task(batch, TaskResultStatus.RUNNING, claimed_ago=timedelta(days=2))
    with worker_alive(batch):
        status = _status(client_for("admin"), batch)
        assert tasks.import_batches_recover(now=timezone.now() + timedelta(days=30)) == []
    assert (status["active"], status["status"]) == (True, BatchStatus.RUNNING)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.RUNNING and batch.interrupted_at is None


def test_the_moment_the_worker_goes_away_its_import_counts_as_interrupted(world, library, client_for):
    batch = _batch(world)
    with worker_alive(batch):
        assert _worker_looks() == []
        assert _status(client_for("admin"), batch)["active"]
    assert [found.pk for found in _worker_looks()] == [batch.pk]
    assert not _status(client_for("admin"), batch)["active"]


def test_reading_the_pages_of_an_interrupted_import_writes_nothing(world, library, client_for):
    """A GET never writes: the page, its status and the list show the batch as it stands until the worker looks."""
    batch = _batch(world, stage="write", progress=84)
    before = ImportBatch.objects.filter(pk=batch.pk).values().get()
    admin = client_for("admin")
    for url in (batch.get_absolute_url(), reverse("indicators:batch_status", args=[batch.pk]),
                reverse("indicators:batch_list"), reverse("indicators:index")):
        assert admin.get(url).status_code == 200
    assert ImportBatch.objects.filter(pk=batch.pk).values().get() == before
    assert _status(admin, batch)["status"] == BatchStatus.RUNNING


@pytest.mark.django_db(transaction=True)  # the worker's loop closes a connection left in a transaction
def test_the_worker_command_marks_interrupted_imports_when_it_starts(world, library, capsys, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    batch = _batch(world)
    call_command("worker", "--batch", "--no-reload", "--no-startup-delay", "--interval", "0")
    assert "1 avbrutna importer markerade." in capsys.readouterr().out
    batch.refresh_from_db()
    assert batch.status == BatchStatus.FAILED and batch.interrupted_at is not None


def _idle_to_another_process(batch) -> bool:
    """What a page served by another thread (its own database connection) finds."""

    def look():
        try:
            with liveness.batches_idle([batch.pk]) as idle:
                return batch.pk in idle
        finally:
            connection.close()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(look).result()


def test_the_worker_holds_the_batch_lock_from_start_to_result(world, library, monkeypatch):
    batch = _batch(world, status=BatchStatus.QUEUED)
    seen = []
    fetch_stored = plan.fetch_stored

    def look_while_comparing(*args, **kwargs):
        seen.append(_idle_to_another_process(batch))
        return fetch_stored(*args, **kwargs)

    monkeypatch.setattr(plan, "fetch_stored", look_while_comparing)
    assert import_batch_process.call(batch.pk) == BatchStatus.DONE
    assert seen == [False] and _idle_to_another_process(batch)


def test_a_batch_set_running_moments_ago_without_its_lock_is_given_the_grace(world, library):
    batch = _batch(world, waited=timedelta(seconds=10))
    assert tasks.import_batches_recover() == []
    assert [found.pk for found in tasks.import_batches_recover(now=timezone.now() + recovery.GRACE)] == [batch.pk]


def test_a_process_killed_with_sigkill_leaves_its_lock_behind_for_nobody(world, library):
    """A real process takes the batch's lock as the worker does, and is killed with SIGKILL."""
    batch = _batch(world)
    if connection.vendor == "postgresql":
        settings = connection.settings_dict
        params = {"dbname": settings["NAME"], "host": settings["HOST"], "port": settings["PORT"] or None,
                  "user": settings["USER"], "password": settings["PASSWORD"] or None}
        script = (
            "import psycopg, sys\n"
            f"conn = psycopg.connect(**{params!r}, autocommit=True)\n"
            f"conn.execute('SELECT pg_advisory_lock({liveness.LOCK_CLASS}, {batch.pk})')\n"
            "print('locked', flush=True)\nsys.stdin.read()\n"
        )
    else:
        path = liveness.lock_directory() / f"batch-{batch.pk}.lock"
        path.parent.mkdir(parents=True, exist_ok=True)
        script = (
            "import fcntl, sys\n"
            f"handle = open({str(path)!r}, 'ab')\nfcntl.flock(handle, fcntl.LOCK_EX)\n"
            "print('locked', flush=True)\nsys.stdin.read()\n"
        )
    worker = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert worker.stdout.readline().strip() == "locked"
        assert tasks.import_batches_recover() == []
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
    finally:
        if worker.poll() is None:
            worker.kill()
    if connection.vendor == "postgresql":
        # The server ends the dead client's session when it reads the closed socket; wait for that (bounded),
        # as a later page read would, rather than sleep.
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '10s'")
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [liveness.LOCK_CLASS, batch.pk])
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [liveness.LOCK_CLASS, batch.pk])
            cursor.execute("SET lock_timeout = 0")
    assert [found.pk for found in tasks.import_batches_recover()] == [batch.pk]


def test_a_worker_stopped_by_force_marks_its_import_interrupted_at_once_and_writes_nothing(world, library, monkeypatch):
    """A second SIGTERM (or Ctrl+C) raises SystemExit inside the task: the transaction rolls back and the batch
    says so before the process ends."""
    batch = _batch(world, status=BatchStatus.QUEUED)

    def stopped(*args, **kwargs):
        raise SystemExit(1)

    monkeypatch.setattr(write, "insert_observations", stopped)
    with pytest.raises(SystemExit):
        import_batch_process.call(batch.pk)
    batch.refresh_from_db()
    assert (batch.status, batch.message, batch.can_restart) == (BatchStatus.FAILED, INTERRUPTED, True)
    assert not Observation.objects.exists()


def test_an_import_result_is_written_with_its_values_so_a_stop_between_them_leaves_neither(world, library, monkeypatch):
    batch = _batch(world, status=BatchStatus.QUEUED)
    finish = write._finish

    def finish_then_stopped(*args, **kwargs):
        finish(*args, **kwargs)
        raise SystemExit(1)

    monkeypatch.setattr(write, "_finish", finish_then_stopped)
    with pytest.raises(SystemExit):
        import_batch_process.call(batch.pk)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.FAILED and batch.added_count == 0 and not Observation.objects.exists()


# --- a waiting import ---------------------------------------------------------------------------------------------


def test_an_import_waiting_for_a_worker_that_is_down_stays_queued(world, library, client_for):
    batch = _batch(world, status=BatchStatus.QUEUED, waited=timedelta(days=1))
    _task(batch, TaskResultStatus.READY)
    assert _status(client_for("admin"), batch)["status"] == BatchStatus.QUEUED


def test_an_import_whose_task_was_lost_is_freed_once_it_has_waited_the_grace(world, library, client_for):
    """E.g. the web process stopped between saving the batch and handing it to the queue."""
    just_queued = _batch(world, status=BatchStatus.QUEUED, waited=timedelta(seconds=5))
    long_queued = _batch(world, status=BatchStatus.QUEUED, waited=recovery.GRACE + timedelta(seconds=1))
    admin = client_for("admin")
    _worker_looks()
    assert _status(admin, just_queued)["status"] == BatchStatus.QUEUED
    assert _status(admin, long_queued)["status"] == BatchStatus.FAILED


def test_an_import_claimed_by_a_worker_that_died_before_starting_it_is_freed(world, library):
    claimed_now = _batch(world, status=BatchStatus.QUEUED)
    _task(claimed_now, TaskResultStatus.RUNNING, claimed_ago=timedelta(seconds=2))  # may be taking the lock
    claimed_long_ago = _batch(world, status=BatchStatus.QUEUED)
    _task(claimed_long_ago, TaskResultStatus.RUNNING)
    stopped = _batch(world, status=BatchStatus.QUEUED, confirmed=False)
    _task(stopped, TaskResultStatus.FAILED)
    recovered = tasks.import_batches_recover()
    assert {batch.pk for batch in recovered} == {claimed_long_ago.pk, stopped.pk}
    stopped.refresh_from_db()
    assert stopped.message.startswith("Granskningen av filen avbröts") and stopped.can_restart


def test_the_list_of_imports_shows_an_interrupted_import_as_failed(world, library, client_for):
    batch = _batch(world)
    _worker_looks()
    page = client_for("bestallare").get(reverse("indicators:batch_list")).content.decode()
    batch.refresh_from_db()
    assert batch.status == BatchStatus.FAILED and "misslyckades" in page


# --- starting again -----------------------------------------------------------------------------------------------


def test_an_interrupted_import_starts_again_from_its_stored_file_with_one_button(world, library, client_for):
    batch = _batch(world)
    admin = client_for("admin")
    _worker_looks()
    response = admin.post(reverse("indicators:batch_restart", args=[batch.pk]))
    assert response.status_code == 302 and response["Location"] == batch.get_absolute_url()
    batch.refresh_from_db()  # a small file runs during the request
    assert (batch.status, batch.added_count, batch.message, batch.interrupted_at) == (BatchStatus.DONE, 2, "", None)
    assert Observation.objects.filter(batch=batch).count() == 2


def test_an_interrupted_dry_run_starts_again_as_a_dry_run(world, library, client_for):
    batch = _batch(world, confirmed=False)
    admin = client_for("admin")
    _worker_looks()
    assert "Starta granskningen igen" in admin.get(batch.get_absolute_url()).content.decode()
    admin.post(reverse("indicators:batch_restart", args=[batch.pk]))
    batch.refresh_from_db()
    assert (batch.status, batch.added_count) == (BatchStatus.PREVIEWED, 2) and not Observation.objects.exists()


def test_a_large_restarted_import_goes_back_to_the_worker(
    world, library, client_for, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(batches, "IMPORT_INLINE_MAX_BYTES", 1)
    batch = _batch(world)
    admin = client_for("admin")
    _worker_looks()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        admin.post(reverse("indicators:batch_restart", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == BatchStatus.QUEUED and len(callbacks) == 1
    assert _worker_looks() == [] and _status(admin, batch)["active"]  # queued just now: waiting, not interrupted


def test_only_an_interrupted_import_can_be_started_again(world, library, client_for):
    batch = _batch(world, status=BatchStatus.FAILED, message="Filen kunde inte läsas. Ingenting har importerats.")
    admin = client_for("admin")
    assert "Starta importen igen" not in admin.get(batch.get_absolute_url()).content.decode()
    response = admin.post(reverse("indicators:batch_restart", args=[batch.pk]), follow=True)
    assert "Bara en import som avbröts kan startas igen." in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == BatchStatus.FAILED


@pytest.mark.parametrize(("persona", "expected"), [("bestallare", 403), ("staff_a1", 403), ("outsider", 404)])
def test_only_an_administrator_of_the_region_starts_an_import_again(world, library, client_for, persona, expected):
    batch = _batch(world)
    tasks.import_batches_recover()
    response = client_for(persona).post(reverse("indicators:batch_restart", args=[batch.pk]))
    assert response.status_code == expected
    batch.refresh_from_db()
    assert batch.status == BatchStatus.FAILED


def test_starting_again_needs_a_post(world, library, client_for):
    batch = _batch(world)
    assert client_for("admin").get(reverse("indicators:batch_restart", args=[batch.pk])).status_code == 405


# --- rollbacks ----------------------------------------------------------------------------------------------------


def test_an_interrupted_rollback_leaves_the_import_done_and_can_be_asked_for_again(world, client_for, run_import):
    batch, _report = run_import(generic_file("PVK-01;SE-A1;2023;T;41,7;;"))
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.ROLLING_BACK, rolled_back_by=world.user("admin"), queued_at=timezone.now() - LONG_AGO
    )
    _task(batch, TaskResultStatus.FAILED, task=import_batch_rollback_process)
    admin = client_for("admin")
    _worker_looks()
    assert not _status(admin, batch)["active"]
    page = admin.get(batch.get_absolute_url()).content.decode()
    assert "Återställningen avbröts innan den blev klar — ingenting har ändrats. Begär den igen." in page
    assert reverse("indicators:batch_rollback", args=[batch.pk]) in page
    assert Observation.objects.filter(batch=batch).count() == 1
    admin.post(reverse("indicators:batch_rollback", args=[batch.pk]))
    batch.refresh_from_db()
    assert (batch.status, batch.message) == (BatchStatus.ROLLED_BACK, "") and not Observation.objects.exists()


def test_a_rollback_waiting_for_its_worker_or_under_way_is_left_alone(world, client_for, run_import):
    waiting, _report = run_import(generic_file("PVK-01;SE-A1;2023;T;41,7;;"))
    working, _report = run_import(generic_file("PVK-01;SE-A2;2023;T;41,7;;"))
    ImportBatch.objects.filter(pk__in=[waiting.pk, working.pk]).update(
        status=BatchStatus.ROLLING_BACK, queued_at=timezone.now() - LONG_AGO
    )
    _task(waiting, TaskResultStatus.READY, task=import_batch_rollback_process)
    _task(working, TaskResultStatus.RUNNING, task=import_batch_rollback_process)
    with worker_alive(working):
        assert tasks.import_batches_recover() == []


# --- the management command ---------------------------------------------------------------------------------------


def test_the_recover_command_marks_interrupted_imports_and_only_those(world, library, capsys):
    dead = _batch(world)
    alive = _batch(world)
    with worker_alive(alive):
        call_command("import_batches_recover")
        first = capsys.readouterr().out
        call_command("import_batches_recover")
        second = capsys.readouterr().out
    assert f"Import #{dead.pk} (stor.csv) avbröts medan den hade status pågår." in first and f"#{alive.pk}" not in first
    assert "1 avbrutna importer markerade." in first and "Inga avbrutna importer." in second
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert (dead.status, alive.status) == (BatchStatus.FAILED, BatchStatus.RUNNING)
