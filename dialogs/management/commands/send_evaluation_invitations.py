"""Invite the people who took part in dialogues held lately to evaluate them (dialogs/services/evaluations.py).
Meant for the schedule (``run_schedule``) or cron; running it twice, or on two machines at once, invites nobody
twice."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from dialogs.services.evaluations import evaluation_invitations_due


class Command(BaseCommand):
    help = "Skickar inbjudan att utvärdera dialoger som har hållits (en personlig länk till varje deltagare). Säker att köra ofta."

    def handle(self, *args, **options):
        invited = evaluation_invitations_due(today=timezone.localdate())
        self.stdout.write(f"Inbjudningar till utvärdering: {invited} deltagare")
