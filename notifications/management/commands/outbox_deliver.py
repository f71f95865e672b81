"""Send the e-mail that is due: retries whose time has come and messages whose task was lost. Meant for
the worker's schedule (every few minutes); running it twice, or on two machines, sends nothing twice."""

from django.core.management.base import BaseCommand

from notifications import services


class Command(BaseCommand):
    help = "Skickar e-post som väntar i kön (nya försök efter fel, meddelanden vars uppgift gick förlorad)."

    def handle(self, *args, **options):
        ids = services.due_message_ids()
        results: dict[str, int] = {}
        for message_id in ids:
            status = services.message_deliver(message_id=message_id)
            results[status] = results.get(status, 0) + 1
        summary = ", ".join(f"{status}: {count}" for status, count in sorted(results.items())) or "inget att skicka"
        self.stdout.write(f"E-post: {summary}")
