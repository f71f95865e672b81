"""Load SKR's 2021 dialogue guide (fixtures/guide_skr_2021.json) as the national default. Idempotent."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dialogs.exchange import GuideDocumentError
from dialogs.services.guide import SHIPPED_GUIDE_PATH, guide_load_shipped


class Command(BaseCommand):
    help = "Läser in SKR:s dialogstöd (2021) som nationell förlaga. Kan köras flera gånger."

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=SHIPPED_GUIDE_PATH, help="En annan fil i samma format.")

    def handle(self, *args, file: Path, **options):
        try:
            version, created = guide_load_shipped(path=file)
        except (OSError, GuideDocumentError) as error:
            raise CommandError(f"{file}: {error}") from error
        if created:
            self.stdout.write(self.style.SUCCESS(f"Inläst: {version.guide.name}, {version.display_name}."))
        else:
            self.stdout.write(f"Redan inläst och oförändrad: {version.guide.name}, {version.display_name}.")
