"""Delete archive exports whose time for download is over (ARCHIVE_EXPORT_KEEP_HOURS) and mark exports whose worker
died. Meant for the schedule (``run_schedule``) or cron; safe to run often."""

from django.core.management.base import BaseCommand

from archive.services import archive_exports_expire


class Command(BaseCommand):
    help = "Tar bort arkivexporter vars tid för nedladdning har gått ut."

    def handle(self, *args, **options):
        expired, stale = archive_exports_expire()
        self.stdout.write(f"Arkivexporter borttagna: {expired}; avbrutna: {stale}")
