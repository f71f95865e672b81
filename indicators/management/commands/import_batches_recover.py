"""python manage.py import_batches_recover – for cron, or before starting a worker (``indicators.imports.jobs.recovery``;
the worker, ``manage.py worker``, records the same by itself every minute)."""

from django.core.management.base import BaseCommand

from indicators.imports import import_batches_recover


class Command(BaseCommand):
    help = (
        "Markerar importer och återställningar vars arbetsprocess (worker) har stoppats innan de blev klara: "
        "ingenting har ändrats, och de kan startas igen. En import som pågår rörs aldrig."
    )

    def handle(self, *args, **options):
        recovered = import_batches_recover()
        for batch in recovered:
            self.stdout.write(f"Import #{batch.pk} ({batch.file_name}) avbröts medan den hade status {batch.get_status_display()}.")
        self.stdout.write(
            f"{len(recovered)} avbrutna importer markerade." if recovered else "Inga avbrutna importer."
        )
