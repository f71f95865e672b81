from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("Personuppgifter")

    def ready(self):
        from notifications import kinds

        kinds.register("privacy.retention_due", _("Dialoger att gallra"))
