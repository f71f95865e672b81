"""The scheduler (``run_schedule``): each job runs when due and once per interval, also when two schedulers ask at
the same moment; a failing job is recorded and the others still run."""

import datetime
import threading

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from programme import schedule
from programme.models import ScheduledJob

MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture
def two_jobs(settings):
    settings.SCHEDULE = {"outbox_deliver": 120, "send_reminders": 900}


@pytest.mark.django_db
def test_a_job_runs_when_due_and_not_again_within_its_interval(two_jobs):
    now = timezone.now()
    assert schedule.run_due(now=now) == ["outbox_deliver", "send_reminders"]
    assert schedule.run_due(now=now + MINUTE) == []
    assert schedule.run_due(now=now + 2 * MINUTE) == ["outbox_deliver"]
    job = ScheduledJob.objects.get(name="send_reminders")
    assert "Påminnelser köade" in job.last_output and job.last_error == ""
    assert job.next_run_at == now + 15 * MINUTE


@pytest.mark.django_db
def test_of_two_schedulers_asking_at_once_only_one_gets_the_job(two_jobs):
    job = schedule.jobs()[0]
    now = timezone.now()
    assert [schedule.job_claim(job=job, now=now), schedule.job_claim(job=job, now=now)] == [True, False]


@pytest.mark.django_db(transaction=True)
def test_schedulers_in_parallel_threads_run_each_job_once(two_jobs):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the claim is the same single UPDATE")
    now = timezone.now()
    results: list[list[str]] = []
    barrier = threading.Barrier(4)

    def scheduler():
        barrier.wait()
        try:
            results.append(schedule.run_due(now=now))
        finally:
            connection.close()

    threads = [threading.Thread(target=scheduler) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(name for ran in results for name in ran) == ["outbox_deliver", "send_reminders"]


@pytest.mark.django_db
def test_a_failing_job_is_recorded_and_the_others_still_run(settings):
    settings.SCHEDULE = {"no_such_command": 60, "outbox_deliver": 60}
    assert schedule.run_due() == ["no_such_command", "outbox_deliver"]
    failed = ScheduledJob.objects.get(name="no_such_command")
    assert "Unknown command" in failed.last_error
    assert ScheduledJob.objects.get(name="outbox_deliver").last_error == ""


@pytest.mark.django_db
def test_run_schedule_once_runs_what_is_due(two_jobs, capsys):
    call_command("run_schedule", "--once")
    assert "Körde outbox_deliver" in capsys.readouterr().out
    assert set(ScheduledJob.objects.values_list("name", flat=True)) == {"outbox_deliver", "send_reminders"}


def test_the_default_schedule_has_the_jobs_the_issues_name():
    assert set(schedule.DEFAULT_SCHEDULE) == {
        "outbox_deliver", "send_reminders", "import_batches_recover",
        "send_evaluation_invitations",  # issue 14
        "retention", "archive_exports_expire",  # issue 15
    }
