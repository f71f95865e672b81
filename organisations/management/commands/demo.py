"""Create or refresh the demo data. Every app may contribute a ``demo.py`` module with a ``seed()``
function; they run in INSTALLED_APPS order, which is also the order of the apps' dependencies."""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

# Demo data includes shared feedback, which notifies clinic staff: those e-mails go nowhere.
QUIET_MAIL = {"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}

from organisations.demo import DEMO_PASSWORD


class Command(BaseCommand):
    help = "Skapar demodata: Region Demo och Region Exempel med vårdcentraler och demoanvändare (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Skapa demoanvändare även när DEBUG är av.")

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG är av: demoanvändarna har lösenordet 'demo' och hör inte hemma i produktion. "
                "Använd --force om du verkligen vill skapa dem."
            )
        logins = []
        with override_settings(MAILERS=QUIET_MAIL), transaction.atomic():
            for app_config in apps.get_app_configs():
                module_name = f"{app_config.name}.demo"
                if app_config.path.startswith(str(settings.BASE_DIR)) and find_spec(module_name):
                    result = import_module(module_name).seed(stdout=self.stdout)
                    logins.extend(result or [])
        self.stdout.write(self.style.SUCCESS("Demodata klar. Logga in med lösenordet '%s':" % DEMO_PASSWORD))
        for username, description in logins:
            self.stdout.write(f"  {username:<18} {description}")
