"""Queue the reminders that are due (programme/reminders.py). Meant for the schedule (``run_schedule``) or cron;
running it twice, or on two machines at once, queues nothing twice."""

from django.core.management.base import BaseCommand

from programme.reminders import reminders_send


class Command(BaseCommand):
    help = "Köar påminnelser som ska skickas nu (förberedelser, återkoppling, uppföljningsmöten, överenskommelser). Säker att köra ofta."

    def handle(self, *args, **options):
        queued = reminders_send()
        summary = ", ".join(f"{kind}: {count}" for kind, count in queued.items())
        self.stdout.write(f"Påminnelser köade – {summary}")
