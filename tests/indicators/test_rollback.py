"""Rolling an import back from its page: small batches at once, large ones in the worker with the batch page
showing the rollback under way; either way exact and all-or-nothing."""

import pytest
from django.urls import reverse

from indicators.imports import batches
from indicators.models import BatchStatus, ImportBatch, Observation
from tests.indicators.import_fixtures import generic_file, library, media, run_import  # noqa: F401 - fixtures


def _stored():
    return sorted(Observation.objects.values_list("clinic_id", "period_start", "value", "status", "batch_id"))


@pytest.fixture
def in_worker(monkeypatch):
    monkeypatch.setattr(batches, "ROLLBACK_INLINE_MAX_ROWS", 1)


def _ask_for_rollback(client, batch, capture):
    with capture(execute=False) as callbacks:
        response = client.post(reverse("indicators:batch_rollback", args=[batch.pk]))
    assert response.status_code == 302 and response["Location"] == batch.get_absolute_url()
    return callbacks


def test_a_large_rollback_runs_in_the_worker_and_the_page_shows_it_under_way(
    world, client_for, run_import, in_worker, django_capture_on_commit_callbacks
):
    first, _report = run_import(generic_file("PVK-01;SE-A1;2023;T;41,7;;", "PVK-01;SE-A1;2022;T;40,0;;"))
    before = _stored()
    second, _report = run_import(generic_file("PVK-01;SE-A1;2023;T;43,0;;", "PVK-01;SE-A2;2023;T;50,0;;"))
    admin = client_for("admin")
    assert "i bakgrunden" in admin.get(reverse("indicators:batch_rollback", args=[second.pk])).content.decode()

    callbacks = _ask_for_rollback(admin, second, django_capture_on_commit_callbacks)
    second.refresh_from_db()
    assert second.status == BatchStatus.ROLLING_BACK and len(callbacks) == 1
    assert _stored() != before  # nothing undone yet: the worker has not started
    page = admin.get(second.get_absolute_url()).content.decode()
    assert "Importen återställs" in page and "Återställer värdena…" in page and "aria-valuenow" not in page
    assert reverse("indicators:batch_rollback", args=[second.pk]) not in page  # no second rollback meanwhile
    status = admin.get(reverse("indicators:batch_status", args=[second.pk])).json()
    assert (status["active"], status["measured"], status["label"]) == (True, False, "återställs")

    callbacks[0]()  # the worker picks the task up (ImmediateBackend in tests)
    second.refresh_from_db()
    assert second.status == BatchStatus.ROLLED_BACK and second.rolled_back_by == world.user("admin")
    assert second.rolled_back_at is not None and _stored() == before
    assert not admin.get(reverse("indicators:batch_status", args=[second.pk])).json()["active"]


def test_a_rollback_refused_in_the_worker_leaves_every_value_and_says_why(
    world, client_for, run_import, in_worker, django_capture_on_commit_callbacks
):
    first, _report = run_import(generic_file("PVK-01;SE-A1;2023;T;41,7;;", "PVK-01;SE-A2;2023;T;50,0;;"))
    callbacks = _ask_for_rollback(client_for("admin"), first, django_capture_on_commit_callbacks)
    later, _report = run_import(generic_file("PVK-01;SE-A1;2023;T;43,0;;"))  # before the worker gets to it
    after_later = _stored()
    callbacks[0]()
    first.refresh_from_db()
    assert first.status == BatchStatus.DONE and first.rolled_back_by is None
    assert "kunde inte återställas" in first.message and f"#{later.pk}" in first.message
    assert _stored() == after_later
    page = client_for("admin").get(first.get_absolute_url()).content.decode()
    assert "alert-warning" in page and f"#{later.pk}" in page


def test_a_rollback_that_would_be_refused_is_refused_before_it_is_queued(
    world, client_for, run_import, in_worker, django_capture_on_commit_callbacks
):
    first, _report = run_import(generic_file("PVK-01;SE-A1;2023;T;41,7;;"))
    later, _report = run_import(generic_file("PVK-01;SE-A1;2023;T;43,0;;"))
    admin = client_for("admin")
    callbacks = _ask_for_rollback(admin, first, django_capture_on_commit_callbacks)
    first.refresh_from_db()
    assert first.status == BatchStatus.DONE and not callbacks
    assert f"#{later.pk}" in admin.get(first.get_absolute_url()).content.decode()


def test_a_small_rollback_is_done_when_the_page_answers(world, client_for, run_import, django_capture_on_commit_callbacks):
    batch, _report = run_import(generic_file("PVK-01;SE-A1;2023;T;41,7;;"))
    admin = client_for("admin")
    callbacks = _ask_for_rollback(admin, batch, django_capture_on_commit_callbacks)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.ROLLED_BACK and not callbacks and not Observation.objects.exists()
    assert "Importen är återställd." in admin.get(batch.get_absolute_url()).content.decode()


def test_a_queued_rollback_task_for_a_batch_no_longer_rolling_back_does_nothing(world, run_import):
    from indicators.imports.jobs.tasks import import_batch_rollback_process

    batch, _report = run_import(generic_file("PVK-01;SE-A1;2023;T;41,7;;"))
    assert import_batch_rollback_process.call(batch.pk) == BatchStatus.DONE
    assert ImportBatch.objects.get(pk=batch.pk).status == BatchStatus.DONE and Observation.objects.count() == 1
