from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessibilityConfig(AppConfig):
    name = "accessibility"
    verbose_name = _("Tillgänglighet")

    def ready(self):
        from notifications import kinds

        kinds.register("accessibility.report", _("Rapport om bristande tillgänglighet"))
