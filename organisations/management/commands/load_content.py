"""Load the content the product ships (the SKR guide, data sources, letter templates…). Each app may
provide a ``content.py`` module with a ``load()`` function; they run in INSTALLED_APPS order. Idempotent."""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand


def load_all_content(stdout=None) -> None:
    for app_config in apps.get_app_configs():
        module_name = f"{app_config.name}.content"
        if app_config.path.startswith(str(settings.BASE_DIR)) and find_spec(module_name):
            import_module(module_name).load(stdout=stdout)


class Command(BaseCommand):
    help = "Läser in det innehåll som följer med produkten (t.ex. SKR:s dialogstöd). Kan köras flera gånger."

    def handle(self, *args, **options):
        load_all_content(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Innehållet är inläst."))
