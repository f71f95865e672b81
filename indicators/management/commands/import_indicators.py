"""python manage.py import_indicators FILE --region NAME --user USERNAME [--dry-run] [--valid-rows-only]"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from indicators import services
from indicators.models import BatchStatus
from organisations.access import is_region_admin
from organisations.models import Region


class Command(BaseCommand):
    help = (
        "Importerar indikatorvärden från en fil (Vården i siffror-CSV, allmän CSV/XLSX eller Kolada-JSON). "
        "Med --dry-run visas bara vad som skulle hända."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Filen som ska importeras.")
        parser.add_argument("--region", required=True, help="Regionens namn.")
        parser.add_argument("--user", required=True, help="Användarnamn på en administratör i regionen.")
        parser.add_argument("--dry-run", action="store_true", help="Visa vad som skulle hända utan att spara något.")
        parser.add_argument(
            "--valid-rows-only", action="store_true", help="Importera de giltiga raderna även om andra rader har fel."
        )

    def handle(self, *args, file: str, region: str, user: str, dry_run: bool, valid_rows_only: bool, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Filen {file} finns inte.")
        region_obj = Region.objects.filter(name__iexact=region).first()
        if region_obj is None:
            raise CommandError(f"Regionen {region!r} finns inte.")
        user_obj = get_user_model().objects.filter(username=user).first()
        if user_obj is None:
            raise CommandError(f"Användaren {user!r} finns inte.")
        if not (user_obj.is_superuser or is_region_admin(user_obj, region_obj)):
            raise CommandError(f"{user} är inte administratör i {region_obj.name}.")
        content = path.read_bytes()
        # A dry run leaves no trace, not even the batch; a real import keeps the file with its provenance.
        with transaction.atomic():
            batch = services.import_batch_create_from_bytes(
                region=region_obj, user=user_obj, file_name=path.name, content=content
            )
            report = services.observations_import(
                batch=batch, valid_rows_only=valid_rows_only, dry_run=dry_run, content=content
            )
            if dry_run:
                transaction.set_rollback(True)
        self._print(report, batch, dry_run)
        if batch.status == BatchStatus.FAILED:
            raise CommandError(batch.message or "Importen misslyckades.")

    def _print(self, report, batch, dry_run: bool) -> None:
        for error in report.errors[:200]:
            self.stderr.write(str(error))
        if len(report.errors) > 200:
            self.stderr.write(f"… och {len(report.errors) - 200} fel till.")
        heading = "Provkörning (ingenting sparat)" if dry_run else f"Import #{batch.pk}"
        self.stdout.write(
            f"{heading}: {report.total_rows} rader, {report.added} nya, {report.changed} ändrade, "
            f"{report.unchanged} oförändrade, {report.removed} borttagna, {report.rejected} avvisade."
        )

