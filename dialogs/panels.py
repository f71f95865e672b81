"""Panels that apps add to a dialogue's summary page ("Sammanfattning och uppföljning") and to its own page.

The summary is where the day ends: agreements are made there, an indication for fördjupad uppföljning is marked
there, and later features (medskick, the team's lessons, evaluations) belong there too. Apps to the right of
dialogs (feedback, …) may not be imported by it, so each app that has something for the page gives a module
``<app>/summary_panels.py`` with a function ``panels(dialogue, *, user, can_edit) -> list[Panel]``; the page
collects them in INSTALLED_APPS order, sorts them by ``order`` and renders each panel's template in its column
with ``panel`` in the context. The dialogue's own page ("Planering") collects ``<app>/detail_panels.py`` the same way.
A provider runs a fixed number of queries (the page's count is asserted) and returns
nothing for someone who should not see its panel.
"""

from dataclasses import dataclass, field
from functools import cache
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings

MAIN = "main"  # the wide column, under the summary
SIDE = "side"  # the narrow column, beside the follow-up meeting


@dataclass(frozen=True)
class Panel:
    key: str
    template: str
    column: str = MAIN
    order: int = 100
    context: dict = field(default_factory=dict)


@cache
def providers(module: str = "summary_panels") -> list:
    """Every installed app's ``panels`` function from ``<app>/<module>.py``, in INSTALLED_APPS order."""
    found = []
    for app_config in apps.get_app_configs():
        name = f"{app_config.name}.{module}"
        if app_config.path.startswith(str(settings.BASE_DIR)) and find_spec(name):
            provider = getattr(import_module(name), "panels", None)
            if callable(provider):
                found.append(provider)
    return found


def collect_panels(module: str, dialogue, *, user, can_edit: bool) -> dict[str, list[Panel]]:
    """The panels every app's ``<app>/<module>.py`` gives for the dialogue, by column, in order."""
    collected = [panel for provider in providers(module) for panel in provider(dialogue, user=user, can_edit=can_edit)]
    collected.sort(key=lambda panel: panel.order)
    return {MAIN: [p for p in collected if p.column == MAIN], SIDE: [p for p in collected if p.column == SIDE]}


def summary_panels(dialogue, *, user, can_edit: bool) -> dict[str, list[Panel]]:
    """The summary page's panels (``<app>/summary_panels.py``)."""
    return collect_panels("summary_panels", dialogue, user=user, can_edit=can_edit)


def detail_panels(dialogue, *, user, can_edit: bool) -> dict[str, list[Panel]]:
    """The dialogue's own page's panels (``<app>/detail_panels.py``): what the dialogue carries forward."""
    return collect_panels("detail_panels", dialogue, user=user, can_edit=can_edit)
