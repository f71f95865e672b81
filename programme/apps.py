from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammeConfig(AppConfig):
    name = "programme"
    verbose_name = _("Uppföljningsprogram")

    def ready(self):
        from programme.reminders import register_kinds

        register_kinds()
