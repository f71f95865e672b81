"""The region's retention rule from the command line and the schedule (privacy/retention.py).

- ``--dry-run`` prints, for each region with a rule (or ``--region``), the dialogues that are due and what removing
  them would remove, with the list's fingerprint. It writes nothing.
- ``--region ID --confirm FINGERPRINT`` applies exactly the list that dry run printed (refused if it has changed).
- Without either (the schedule, ``run_schedule``): applies batches that administrators confirmed whose task was lost,
  and tells each region's administrators by e-mail, once a month, when dialogues are due. It removes nothing that
  nobody confirmed.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from django.utils import timezone

from notifications.services import absolute_url, message_queue_many
from organisations.models import Membership, Role
from privacy import retention
from privacy.models import BatchStatus, RetentionBatch, RetentionSettings

LOST_AFTER = timedelta(minutes=10)


class Command(BaseCommand):
    help = "Gallring enligt regionernas regler: --dry-run visar vad som skulle tas bort; --confirm tar bort just det."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Visa vad som skulle gallras; ändra ingenting.")
        parser.add_argument("--region", type=int, help="Bara denna region (id).")
        parser.add_argument("--confirm", metavar="FINGERAVTRYCK", help="Gallra listan som --dry-run visade.")

    def handle(self, *args, dry_run=False, region=None, confirm=None, **options):
        rules = RetentionSettings.objects.filter(years__isnull=False).select_related("region").order_by("region__name")
        if region is not None:
            rules = rules.filter(region_id=region)
        if confirm:
            return self._confirm(rules, region, confirm)
        if dry_run:
            for rule in rules:
                self._print(retention.dry_run(rule))
            return
        self._catch_up()
        for rule in rules:
            self._notify(rule)

    def _print(self, run) -> None:
        rule = run.rule
        self.stdout.write(f"{rule.region.name}: {rule.get_mode_display()} {rule.years} år efter avslut – "
                          f"{len(run.ready)} dialoger, fingeravtryck {run.fingerprint}")
        for item in run.dialogues:
            what = ", ".join(f"{label}: {count}" for label, count in item.removes) or "inget att ta bort"
            state = f"väntar ({item.blocker})" if item.blocker else what
            self.stdout.write(f"  #{item.dialogue.pk} {item.label}, avslutad {item.dialogue.closed_at:%Y-%m-%d}: {state}")
        if run.more:
            self.stdout.write(f"  … och {run.more} till i nästa omgång")

    def _confirm(self, rules, region, fingerprint) -> None:
        if region is None:
            raise CommandError("Ange --region tillsammans med --confirm.")
        rule = rules.first()
        if rule is None:
            raise CommandError(f"Region {region} har ingen gallringsregel.")
        try:
            batch = retention.retention_confirm(region=rule.region, user=None, fingerprint=fingerprint)
        except retention.RetentionRefused as refusal:
            raise CommandError(str(refusal)) from None
        batch = retention.retention_batch_run(batch=batch)  # a no-op if the worker already took it
        done = batch.records.filter(skipped="").count()
        self.stdout.write(f"{rule.region.name}: {done} dialoger gallrade ({batch.get_mode_display()}), gallring #{batch.pk}")

    def _catch_up(self) -> None:
        lost = RetentionBatch.objects.filter(status=BatchStatus.QUEUED, confirmed_at__lte=timezone.now() - LOST_AFTER)
        for batch in lost:
            batch = retention.retention_batch_run(batch=batch)
            self.stdout.write(f"Gallring #{batch.pk} ({batch.region_id}): {batch.get_status_display()}")

    def _notify(self, rule) -> None:
        run = retention.dry_run(rule)
        self.stdout.write(f"{rule.region.name}: {len(run.ready)} dialoger att gallra")
        if not run.ready:
            return
        admins = [m.user for m in Membership.objects.filter(region=rule.region, role=Role.ADMIN).select_related("user")]
        message_queue_many(
            recipients=admins, kind="privacy.retention_due", template="privacy/email/retention_due",
            context={"region": rule.region, "count": len(run.ready), "url": absolute_url(reverse("privacy:retention_preview"))},
            topic=f"region:{rule.region_id}", dedupe_key=f"privacy.retention_due:{rule.region_id}:{timezone.now():%Y-%m}",
        )
