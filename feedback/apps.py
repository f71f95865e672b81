from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = _("Återkoppling")

    def ready(self):
        from notifications import kinds

        kinds.register(
            "feedback.shared", _("När teamet delar återkopplingen med min vårdcentral"), optional=True,
            help_text=_("Med en länk till återkopplingen, där ni kan läsa, kommentera och bekräfta den."),
            audience=[kinds.CLINIC],
        )
        kinds.register(
            "feedback.comment", _("När vårdcentralen kommenterar återkopplingen"), optional=True,
            help_text=_("För de dialoger där du är med i teamet."), audience=[kinds.TEAM],
        )
