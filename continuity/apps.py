from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContinuityConfig(AppConfig):
    """A clinic's story over the years and search across dialogues (issue 13). To the right of feedback: both
    read dialogs, indicators and feedback, and nothing reads them."""

    name = "continuity"
    verbose_name = _("Kontinuitet")
