"""The archive's panel on a closed dialogue's page (see dialogs/panels.py): the archive package, for the team."""

from archive.access import can_archive
from dialogs.panels import SIDE, Panel


def panels(dialogue, *, user, can_edit: bool) -> list[Panel]:
    if not can_edit or not can_archive(user, dialogue):
        return []
    return [Panel(key="archive", template="archive/_dialogue_panel.html", column=SIDE, order=90)]
