"""Grant, revoke and list nationella läsare: the installation's operators do this, since no region owns the role."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from organisations.models import NationalReader
from organisations.services import national_reader_grant, national_reader_revoke


class Command(BaseCommand):
    help = "Ger, tar bort eller listar nationella läsare (som bara ser sammanställningar från minst tre regioner)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["add", "remove", "list"])
        parser.add_argument("username", nargs="?", default="")
        parser.add_argument("--organisation", default="", help="T.ex. SKR.")

    def handle(self, *args, action, username, organisation, **options):
        if action == "list":
            for reader in NationalReader.objects.select_related("user").order_by("user__username"):
                self.stdout.write(f"{reader.user.username}\t{reader.organisation}")
            return
        user = get_user_model().objects.filter(username=username).first() if username else None
        if user is None:
            raise CommandError(f"Ingen användare heter ”{username}”." if username else "Ange ett användarnamn.")
        if action == "add":
            national_reader_grant(user=user, organisation=organisation)
            self.stdout.write(self.style.SUCCESS(f"{username} är nationell läsare."))
        elif national_reader_revoke(user=user):
            self.stdout.write(self.style.SUCCESS(f"{username} är inte längre nationell läsare."))
        else:
            self.stdout.write(f"{username} var inte nationell läsare.")
