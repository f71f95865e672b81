"""Print the register of personal data as the Markdown table of docs/privacy.md (the record of processing), from
every app's declarations (privacy/registry.py). A test checks that the docs name every model in it."""

from django.core.management.base import BaseCommand
from django.utils import translation

from privacy import registry

KINDS = {
    "free_text": "fritext / free text",
    "person": "personuppgift / identifies a person",
    "person_link": "koppling till person / link to a person",
    "record": "handling som den lämnades / record as delivered",
}


class Command(BaseCommand):
    help = "Skriver registret över personuppgifter som tabellen i docs/privacy.md."

    def handle(self, *args, **options):
        with translation.override("sv"):
            rows = registry.inventory()
        self.stdout.write("| Uppgift (modell) | Fält / fields | Slag / kind | Ändamål / purpose |")
        self.stdout.write("|---|---|---|---|")
        for model, fields, kind, purpose in rows:
            self.stdout.write(f"| {model} | {fields} | {KINDS[kind]} | {purpose} |")
