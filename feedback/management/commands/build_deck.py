"""Build a dialogue's feedback deck from the command line: the current draft, or a shared version's stored
file with --version."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from feedback import services
from feedback.models import DeckFormat, FeedbackReport


class Command(BaseCommand):
    help = "Skapar återkopplingen (Bilaga 3) för en dialog som PowerPoint eller PDF."

    def add_arguments(self, parser):
        parser.add_argument("dialogue_id", type=int, help="Dialogens id.")
        parser.add_argument("--format", choices=DeckFormat.values, default=DeckFormat.PPTX, help="pptx eller pdf.")
        parser.add_argument("--output", required=True, help="Filen som ska skrivas.")
        parser.add_argument(
            "--shared-version", type=int, dest="version_number", help="Skriv en delad versions sparade fil i stället för utkastet."
        )

    def handle(self, *args, dialogue_id: int, format: str, output: str, version_number: int | None, **options):
        report = (
            FeedbackReport.objects.select_related("dialogue__clinic__region").filter(dialogue_id=dialogue_id).first()
        )
        if report is None:
            raise CommandError(f"Dialog {dialogue_id} har ingen återkoppling.")
        if version_number is not None:
            version = report.versions.filter(number=version_number).first()
            if version is None:
                raise CommandError(f"Återkopplingen har ingen version {version_number}.")
            data, _content_type = services.file_of(version, format)
        elif format == DeckFormat.PPTX:
            data = services.deck_build_pptx(report=report, user=None)
        else:
            data = services.deck_build_pdf(report=report, user=None)
        Path(output).write_bytes(data)
        self.stdout.write(self.style.SUCCESS(f"{output}: {len(data):,} byte".replace(",", " ")))
