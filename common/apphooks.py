"""Hooks that apps offer by convention: a module ``<app>/<module>.py`` with a function ``<name>``, found in every
app of the project in INSTALLED_APPS order (the order of the apps' dependencies). So an app to the right (the
start page's to-dos, a dialogue's panels) can collect contributions from apps it must not be imported by, and
those apps need not import it either."""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings


def app_functions(module: str, name: str) -> list:
    """The callables ``<app>.<module>.<name>`` of the project's own apps (not third-party ones)."""
    found = []
    for app_config in apps.get_app_configs():
        dotted = f"{app_config.name}.{module}"
        if app_config.path.startswith(str(settings.BASE_DIR)) and find_spec(dotted):
            function = getattr(import_module(dotted), name, None)
            if callable(function):
                found.append(function)
    return found
