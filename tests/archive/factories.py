"""Closed dialogues for the archive tests, and a finished export of region A's year."""

from archive import services
from archive.models import ArchiveExport
from tests.privacy.factories import full_dialogue


def closed(world, *, clinic=None):
    """A closed dialogue held a week ago with documentation, history, a shared deck, comments and agreements."""
    return full_dialogue(world, clinic=clinic, years_ago=0)


def finished_export(world) -> ArchiveExport:
    dialogue = closed(world)
    export = ArchiveExport.objects.create(region=world.region_a, year=dialogue.date.year, requested_by=world.user("admin"))
    return services.archive_export_run(export=export)
