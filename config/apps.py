from django.apps import AppConfig


class ConfigConfig(AppConfig):
    """The project's own settings package as an app, only so that the input rules every form and model follows
    (``config/inputs.py``) are registered once, at start-up."""

    name = "config"
    verbose_name = "PrimärvårdsUppföljning"

    def ready(self):
        from config import inputs

        inputs.install()
