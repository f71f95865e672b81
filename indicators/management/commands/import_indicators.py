"""python manage.py import_indicators FILE --region NAME --user USERNAME [--dry-run] [--valid-rows-only]"""

from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from indicators import imports
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
        """Every refusal is one line (CommandError: printed without a traceback, exit status 1)."""
        region_obj, user_obj = self._region_and_user(region, user)
        path, content = self._read(file)
        # A dry run leaves no trace, not even the batch; a real import keeps the file with its provenance.
        try:
            with transaction.atomic():
                batch = imports.import_batch_create_from_bytes(
                    region=region_obj, user=user_obj, file_name=path.name, content=content
                )
                report = imports.observations_import(
                    batch=batch, valid_rows_only=valid_rows_only, dry_run=dry_run, content=content
                )
                if dry_run:
                    transaction.set_rollback(True)
        except (imports.UploadTooLarge, imports.ImportFileError) as error:
            raise CommandError(str(error)) from None
        file_errors = [error for error in report.errors if error.line is None]
        if file_errors:  # nothing in the file can be read: say why, in one line
            raise CommandError(" ".join(error.message for error in file_errors))
        self._print(report, batch, dry_run)
        if batch.status == BatchStatus.FAILED:
            raise CommandError(batch.message or "Importen misslyckades.")

    def _region_and_user(self, region: str, user: str):
        region_obj = Region.objects.filter(name__iexact=region).first()
        if region_obj is None:
            raise CommandError(f"Regionen {region!r} finns inte.")
        user_obj = get_user_model().objects.filter(username=user).first()
        if user_obj is None:
            raise CommandError(f"Användaren {user!r} finns inte.")
        if not (user_obj.is_superuser or is_region_admin(user_obj, region_obj)):
            raise CommandError(f"{user} är inte administratör i {region_obj.name}.")
        return region_obj, user_obj

    def _read(self, file: str) -> tuple[Path, bytes]:
        """The file's name and bytes; one that is missing, unreadable or over MAX_IMPORT_MB is refused before
        it is read into memory."""
        path = Path(file)
        try:
            if not path.is_file():
                raise CommandError(f"Filen {file} finns inte.")
            size = path.stat().st_size
            if size > settings.MAX_IMPORT_BYTES:
                raise CommandError(
                    f"Filen är för stor ({size / 1024 / 1024:.1f} MB). Största tillåtna storlek är "
                    f"{settings.MAX_IMPORT_BYTES // (1024 * 1024)} MB (MAX_IMPORT_MB)."
                )
            return path, path.read_bytes()
        except OSError as error:
            raise CommandError(f"Filen {file} kunde inte läsas: {error.strerror or error}.") from None

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
