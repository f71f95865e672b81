from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = _("Återkoppling")

    def ready(self):
        from notifications import kinds

        kinds.register(
            "feedback.shared", _("När teamet delar återkopplingen med min vårdcentral"), optional=True,
            audience=[kinds.CLINIC],
        )
        kinds.register(
            "feedback.comment", _("När vårdcentralen kommenterar återkopplingen"), optional=True, audience=[kinds.TEAM]
        )
