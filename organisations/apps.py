from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "organisations"
    verbose_name = _("Organisationer")

    def ready(self):
        from notifications import kinds
        from organisations.access import notification_audiences

        kinds.register("organisations.invitation", _("Inbjudan till tjänsten"))
        kinds.set_audience_resolver(notification_audiences)
