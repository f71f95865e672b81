from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DialogsConfig(AppConfig):
    name = "dialogs"
    verbose_name = _("Uppföljningsdialoger")

    def ready(self):
        from dialogs.services.agreements import register_kinds as register_agreement_kinds
        from dialogs.services.cases import register_kinds as register_case_kinds
        from dialogs.services.evaluations import register_kinds as register_evaluation_kinds
        from dialogs.services.mail import register_kinds

        register_kinds()
        register_evaluation_kinds()
        register_agreement_kinds()
        register_case_kinds()
