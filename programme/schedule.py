"""The periodic jobs and the one rule that makes running them safe anywhere: a job runs only after its
scheduler has claimed it with one conditional UPDATE (``next_run_at`` in the past → the next time), so when two
schedulers run at once, on one machine or several, each job runs once per interval. The jobs themselves are
idempotent too (the outbox claims each message, reminders carry dedupe keys, the import recovery checks each
batch's lock), so an overlap would cost time, not a second e-mail.

``settings.SCHEDULE`` (command name → seconds) replaces the defaults below.
"""

import io
import logging
import traceback
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from programme.models import ScheduledJob

logger = logging.getLogger(__name__)

DEFAULT_SCHEDULE = {
    "outbox_deliver": 120,  # retries whose time has come, messages whose task was lost
    "send_reminders": 900,
    "import_batches_recover": 300,  # indicator imports whose worker died
    "send_evaluation_invitations": 900,  # evaluations of dialogues held lately (dialogs, issue 14)
    "retention": 86400,  # the regions' retention rules: notices and confirmed batches (privacy, issue 15)
    "archive_exports_expire": 3600,  # archive exports past their time for download (archive, issue 15)
}


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta


def jobs() -> list[Job]:
    schedule = getattr(settings, "SCHEDULE", None) or DEFAULT_SCHEDULE
    return [Job(name, timedelta(seconds=int(seconds))) for name, seconds in schedule.items()]


def job_claim(*, job: Job, now=None) -> bool:
    """True when this scheduler may run the job now; it then owns this interval (one UPDATE, so of two
    schedulers asking at the same moment only one gets True)."""
    now = now or timezone.now()
    if not ScheduledJob.objects.filter(name=job.name).exists():
        try:
            with transaction.atomic():
                ScheduledJob.objects.create(name=job.name, next_run_at=now)
        except IntegrityError:
            pass  # another scheduler created it first
    return bool(
        ScheduledJob.objects.filter(name=job.name, next_run_at__lte=now).update(
            next_run_at=now + job.every, last_started_at=now
        )
    )


def job_run(*, job: Job) -> bool:
    """Run the command and keep its output (or the error) on the job's row. False when it failed."""
    output = io.StringIO()
    try:
        call_command(job.name, stdout=output, stderr=output)
    except Exception:  # noqa: BLE001 - a failing job is recorded and the scheduler goes on with the others
        logger.exception("Scheduled job %s failed", job.name)
        ScheduledJob.objects.filter(name=job.name).update(
            last_finished_at=timezone.now(), last_output=output.getvalue()[-4000:], last_error=traceback.format_exc()[-4000:]
        )
        return False
    ScheduledJob.objects.filter(name=job.name).update(
        last_finished_at=timezone.now(), last_output=output.getvalue()[-4000:], last_error=""
    )
    return True


def run_due(*, now=None) -> list[str]:
    """Run every job that is due and that this scheduler claimed; the names of those it ran."""
    ran = []
    for job in jobs():
        if job_claim(job=job, now=now):
            job_run(job=job)
            ran.append(job.name)
    return ran
